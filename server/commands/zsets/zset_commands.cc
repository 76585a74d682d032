// Sorted-set commands on one key (Redis's t_zset.c): ZADD, ZINCRBY, ZREM,
// ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, the
// ZREMRANGEBY* family, ZPOPMIN/ZPOPMAX, ZRANDMEMBER and ZSCAN. Ranges live in
// zset_range_commands.cc, the multi-key commands in zset_store_commands.cc.
#include "server/commands/zsets/zset_commands.h"

#include <cerrno>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/shard_set.h"
#include "engine/zset_object.h"
#include "server/command/command_table.h"
#include "server/command/glob.h"
#include "server/command/index_range.h"
#include "server/command/lookup.h"
#include "server/command/pop_count.h"
#include "server/command/random_pick.h"
#include "server/command/scan_options.h"
#include "server/command/text.h"
#include "server/commands/zsets/zset_pop.h"
#include "server/commands/zsets/zset_ranges.h"

namespace server {

namespace {

using engine::kEventZset;
using engine::ObjectType;
using engine::ZSetObject;

ZSetObject* AsZSet(engine::KeyRef ref) { return static_cast<ZSetObject*>(ref.obj()); }

const engine::EncodingLimits& Limits(ShardContext& ctx) { return ctx.shard.shard_set().limits(); }

uint64_t NextRandom() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng();
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...];
// ZINCRBY is ZADD with INCR forced (so its options parse the same way).
void ZAddGeneric(Args args, ShardContext& ctx, unsigned forced) {
  unsigned flags = forced;
  bool ch = false;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    std::string_view opt = args[i];
    if (EqualsIgnoreCase(opt, "nx")) {
      flags |= ZSetObject::kNx;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      flags |= ZSetObject::kXx;
    } else if (EqualsIgnoreCase(opt, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(opt, "incr")) {
      flags |= ZSetObject::kIncr;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      flags |= ZSetObject::kGt;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      flags |= ZSetObject::kLt;
    } else {
      break;
    }
  }
  size_t remaining = args.size() - i;
  if (remaining == 0 || remaining % 2 != 0) return ctx.out.Error(errors::kSyntax);
  size_t pairs = remaining / 2;
  bool nx = flags & ZSetObject::kNx, xx = flags & ZSetObject::kXx;
  bool gt = flags & ZSetObject::kGt, lt = flags & ZSetObject::kLt;
  bool incr = flags & ZSetObject::kIncr;
  if (nx && xx) return ctx.out.Error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return ctx.out.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && pairs > 1) {
    return ctx.out.Error("ERR INCR option supports a single increment-element pair");
  }
  // Every score is checked before anything changes: all or nothing.
  std::vector<double> scores(pairs);
  for (size_t j = 0; j < pairs; ++j) {
    if (!ParseScore(args[i + 2 * j], &scores[j])) return ctx.out.Error(errors::kNotFloat);
  }
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  int64_t added = 0, updated = 0, processed = 0;
  // Raised however the command ends, once something changed (as Redis's
  // cleanup does after a NaN error too).
  auto notify = [&] {
    if (added + updated > 0) ctx.db.Notify(kEventZset, incr ? "zincr" : "zadd", args[1]);
  };
  double last_score = 0;
  if (r.ref || !xx) {
    ZSetObject* zset;
    if (r.ref) {
      zset = AsZSet(r.ref);
    } else {
      // Never left empty: without XX the first member is always added.
      zset = new ZSetObject();
      ctx.db.Insert(args[1], zset);
    }
    for (size_t j = 0; j < pairs; ++j) {
      switch (zset->Add(args[i + 2 * j + 1], scores[j], flags, Limits(ctx), &last_score)) {
        case ZSetObject::AddOutcome::kAdded:
          ++added, ++processed;
          break;
        case ZSetObject::AddOutcome::kUpdated:
          ++updated, ++processed;
          break;
        case ZSetObject::AddOutcome::kUnchanged:
          ++processed;
          break;
        case ZSetObject::AddOutcome::kSkipped:
          break;
        case ZSetObject::AddOutcome::kNaN:
          // Only INCR of an existing member gets here (scores were checked),
          // so the set is not empty.
          notify();
          return ctx.out.Error("ERR resulting score is not a number (NaN)");
      }
    }
  }
  notify();
  if (incr) return processed ? ctx.out.Double(last_score) : ctx.out.Null();
  ctx.out.Integer(ch ? added + updated : added);
}

void ZAdd(Args args, ShardContext& ctx) { ZAddGeneric(args, ctx, 0); }
void ZIncrBy(Args args, ShardContext& ctx) { ZAddGeneric(args, ctx, ZSetObject::kIncr); }

void ZRem(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Integer(0);
  ZSetObject* zset = AsZSet(r.ref);
  int64_t removed = 0;
  for (size_t i = 2; i < args.size(); ++i) removed += zset->Remove(args[i]) ? 1 : 0;
  if (removed > 0) ctx.db.Notify(kEventZset, "zrem", args[1]);
  if (zset->size() == 0) EraseEmptied(ctx.db, args[1]);
  ctx.out.Integer(removed);
}

void ZCard(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(AsZSet(r.ref)->size()) : 0);
}

void ZScore(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  double score;
  if (!r.ref || !AsZSet(r.ref)->Score(args[2], &score)) return ctx.out.Null();
  ctx.out.Double(score);
}

void ZMScore(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    double score;
    if (r.ref && AsZSet(r.ref)->Score(args[i], &score)) {
      ctx.out.Double(score);
    } else {
      ctx.out.Null();
    }
  }
}

template <bool reverse>
void ZRank(Args args, ShardContext& ctx) {
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Null();
  ZSetObject* zset = AsZSet(r.ref);
  std::optional<size_t> rank = zset->Rank(args[2]);
  if (!rank) return ctx.out.Null();
  ctx.out.Integer(static_cast<int64_t>(reverse ? zset->size() - 1 - *rank : *rank));
}

void ZCount(Args args, ShardContext& ctx) {
  engine::ScoreRange range;
  if (!ParseScoreRange(args[2], args[3], &range)) return ctx.out.Error(kScoreRangeError);
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(AsZSet(r.ref)->ScoreSpan(range).size()) : 0);
}

void ZLexCount(Args args, ShardContext& ctx) {
  engine::LexRange range;
  if (!ParseLexRange(args[2], args[3], &range)) return ctx.out.Error(kLexRangeError);
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  ctx.out.Integer(r.ref ? static_cast<int64_t>(AsZSet(r.ref)->LexSpan(range).size()) : 0);
}

// ZREMRANGEBYRANK/ZREMRANGEBYSCORE/ZREMRANGEBYLEX: the range is checked
// before the key, as in Redis.
enum class RemoveBy { kRank, kScore, kLex };

template <RemoveBy by>
void ZRemRange(Args args, ShardContext& ctx) {
  int64_t start = 0, end = 0;
  engine::ScoreRange scores;
  engine::LexRange lex;
  if (by == RemoveBy::kRank) {
    if (!engine::ParseInt64(args[2], &start) || !engine::ParseInt64(args[3], &end)) {
      return ctx.out.Error(errors::kNotInteger);
    }
  } else if (by == RemoveBy::kScore) {
    if (!ParseScoreRange(args[2], args[3], &scores)) return ctx.out.Error(kScoreRangeError);
  } else {
    if (!ParseLexRange(args[2], args[3], &lex)) return ctx.out.Error(kLexRangeError);
  }
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.Integer(0);
  ZSetObject* zset = AsZSet(r.ref);
  ZSetObject::RankSpan span;
  if (by == RemoveBy::kRank) {
    std::optional<IndexSpan> ranks =
        ClampIndexRange(start, end, static_cast<int64_t>(zset->size()));
    if (!ranks) return ctx.out.Integer(0);
    span = {ranks->first, ranks->first + ranks->count};
  } else if (by == RemoveBy::kScore) {
    span = zset->ScoreSpan(scores);
  } else {
    span = zset->LexSpan(lex);
  }
  size_t removed = zset->RemoveSpan(span);
  if (removed > 0) {
    constexpr const char* kEvent = by == RemoveBy::kRank    ? "zremrangebyrank"
                                   : by == RemoveBy::kScore ? "zremrangebyscore"
                                                            : "zremrangebylex";
    ctx.db.Notify(kEventZset, kEvent, args[1]);
    if (zset->size() == 0) EraseEmptied(ctx.db, args[1]);
  }
  ctx.out.Integer(static_cast<int64_t>(removed));
}

// ZPOPMIN/ZPOPMAX key [count]
template <ZPopEnd end>
void ZPop(Args args, ShardContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  int64_t count;
  bool has_count;
  if (!ParsePopCount(args, &count, &has_count)) return ctx.out.Error(kPopCountOutOfRange);
  TypedLookup r = LookupTypedWrite(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref || count == 0) return ctx.out.ArrayHeader(0);
  // Without a count the reply is one flat pair even in RESP3.
  bool nested = has_count && ctx.out.protocol() == resp::Protocol::kResp3;
  ZPopAndReply(ctx.db, r.ref, end, static_cast<size_t>(count),
               nested ? ZPopShape::kNested : ZPopShape::kFlat, ctx.out);
}

// Redis answers a huge negative ZRANDMEMBER count by building a reply of that
// many members until memory runs out. We refuse repeated picks past
// kMaxRepeatedPicks, as SRANDMEMBER and HRANDFIELD do (a deliberate
// difference).
void RandMemberWithCount(ShardContext& ctx, ZSetObject* zset, int64_t n, bool withscores) {
  if (n == 0) return ctx.out.ArrayHeader(0);
  size_t size = zset->size();
  bool unique = n > 0;
  uint64_t count = unique ? static_cast<uint64_t>(n) : 0 - static_cast<uint64_t>(n);
  // A listpack walks to a position in O(n): take its members once.
  std::vector<engine::ZMember> packed;
  if (zset->encoding == engine::Encoding::kListpack) {
    packed.reserve(size);
    zset->Visit(0, size, false, [&](std::string_view m, double s) { packed.push_back({m, s}); });
  }
  auto at = [&](size_t i) { return packed.empty() ? zset->StoredAt(i) : packed[i]; };
  if (!unique || count == 1) {
    // With repetitions (or a single pick): independent draws.
    if (count > kMaxRepeatedPicks) return ctx.out.Error(kCountOutOfRange);
    ZArrayHeader(ctx.out, count, withscores);
    for (uint64_t i = 0; i < count; ++i) {
      engine::ZMember e = at(NextRandom() % size);
      ZArrayItem(ctx.out, e.member, e.score, withscores);
    }
    return;
  }
  if (count >= size) {
    // The whole set, from the highest entry down, as Redis iterates it here.
    ZArrayHeader(ctx.out, size, withscores);
    zset->Visit(size - 1, size, true,
                [&](std::string_view m, double s) { ZArrayItem(ctx.out, m, s, withscores); });
    return;
  }
  ZArrayHeader(ctx.out, count, withscores);
  if (count * 3 <= size) {
    // Few of many: draw until `count` distinct positions came up.
    absl::flat_hash_set<size_t> taken;
    while (taken.size() < count) {
      size_t pos = NextRandom() % size;
      if (!taken.insert(pos).second) continue;
      engine::ZMember e = at(pos);
      ZArrayItem(ctx.out, e.member, e.score, withscores);
    }
    return;
  }
  // Most of the set: a partial Fisher-Yates shuffle of the positions.
  std::vector<uint32_t> positions(size);
  for (size_t i = 0; i < size; ++i) positions[i] = static_cast<uint32_t>(i);
  for (size_t i = 0; i < count; ++i) {
    std::swap(positions[i], positions[i + NextRandom() % (size - i)]);
    engine::ZMember e = at(positions[i]);
    ZArrayItem(ctx.out, e.member, e.score, withscores);
  }
}

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMember(Args args, ShardContext& ctx) {
  int64_t count = 0;
  bool withscores = false;
  bool has_count = args.size() >= 3;
  if (has_count) {
    if (!engine::ParseInt64(args[2], &count)) return ctx.out.Error(errors::kNotInteger);
    if (count == INT64_MIN) {
      return ctx.out.Error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    }
    if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withscores"))) {
      return ctx.out.Error(errors::kSyntax);
    }
    withscores = args.size() == 4;
    if (withscores && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) {
      return ctx.out.Error("ERR value is out of range");
    }
  }
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (has_count) {
    if (!r.ref) return ctx.out.ArrayHeader(0);
    return RandMemberWithCount(ctx, AsZSet(r.ref), count, withscores);
  }
  if (!r.ref) return ctx.out.Null();
  ZSetObject* zset = AsZSet(r.ref);
  ctx.out.Bulk(zset->StoredAt(NextRandom() % zset->size()).member);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void ZScan(Args args, ShardContext& ctx) {
  ScanContainer<ZSetObject>(
      args, ctx, ObjectType::kZSet,
      [](ZSetObject* zset, uint64_t cursor, const ScanOptions& options,
         std::vector<std::string>* items) {
        // Scores go out as bulk strings in both protocols, as Redis's SCAN does.
        char buf[resp::kFormatDoubleBufSize];
        return zset->Scan(cursor, static_cast<size_t>(options.count),
                          [&](std::string_view m, double s) {
                            if (!options.Matches(m)) return;
                            items->emplace_back(m);
                            items->emplace_back(buf, resp::FormatDouble(s, buf));
                          });
      });
}

}  // namespace

void RegisterZSetCommands(CommandTable& t) {
  const std::vector<std::string> rf = {"@read", "@sortedset", "@fast"};
  const std::vector<std::string> rs = {"@read", "@sortedset", "@slow"};
  const std::vector<std::string> wf = {"@write", "@sortedset", "@fast"};
  const std::vector<std::string> ws = {"@write", "@sortedset", "@slow"};
  t.Add(KeyCommand("zadd", -4, kWrite | kDenyOom | kFast, ZAdd, wf));
  t.Add(KeyCommand("zincrby", 4, kWrite | kDenyOom | kFast, ZIncrBy, wf));
  t.Add(KeyCommand("zrem", -3, kWrite | kFast, ZRem, wf));
  t.Add(KeyCommand("zcard", 2, kReadOnly | kFast, ZCard, rf));
  t.Add(KeyCommand("zscore", 3, kReadOnly | kFast, ZScore, rf));
  t.Add(KeyCommand("zmscore", -3, kReadOnly | kFast, ZMScore, rf));
  t.Add(KeyCommand("zrank", 3, kReadOnly | kFast, ZRank<false>, rf));
  t.Add(KeyCommand("zrevrank", 3, kReadOnly | kFast, ZRank<true>, rf));
  t.Add(KeyCommand("zcount", 4, kReadOnly | kFast, ZCount, rf));
  t.Add(KeyCommand("zlexcount", 4, kReadOnly | kFast, ZLexCount, rf));
  t.Add(KeyCommand("zremrangebyrank", 4, kWrite, ZRemRange<RemoveBy::kRank>, ws));
  t.Add(KeyCommand("zremrangebyscore", 4, kWrite, ZRemRange<RemoveBy::kScore>, ws));
  t.Add(KeyCommand("zremrangebylex", 4, kWrite, ZRemRange<RemoveBy::kLex>, ws));
  t.Add(KeyCommand("zpopmin", -2, kWrite | kFast, ZPop<ZPopEnd::kMin>, wf));
  t.Add(KeyCommand("zpopmax", -2, kWrite | kFast, ZPop<ZPopEnd::kMax>, wf));
  t.Add(KeyCommand("zrandmember", -2, kReadOnly, ZRandMember, rs));
  t.Add(KeyCommand("zscan", -3, kReadOnly, ZScan, rs));
  RegisterZSetRangeCommands(t);
  RegisterZSetStoreCommands(t);
  RegisterZSetPopCommands(t);
}

}  // namespace server
