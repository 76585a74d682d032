// Sorted-set range reads: ZRANGE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES)
// and its older spellings ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX,
// plus ZRANGESTORE, which stores the same selection under another key.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/shard_set.h"
#include "engine/zset_object.h"
#include "server/command/command_table.h"
#include "server/command/index_range.h"
#include "server/command/lookup.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"
#include "server/commands/zsets/zset_commands.h"
#include "server/commands/zsets/zset_ranges.h"

namespace server {

namespace {

using engine::ObjectType;
using engine::ZSetObject;

enum class RangeKind { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// One parsed ZRANGE-family request.
struct RangeRequest {
  RangeKind kind = RangeKind::kAuto;
  bool reverse = false;
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;  // -1: no LIMIT
  int64_t start = 0, end = 0;
  engine::ScoreRange scores;
  engine::LexRange lex;
};

// Parses `src min max [options]` starting at args[src_index], in Redis's
// order: options left to right, then conflicting combinations, then the
// range itself. `kind`/`dir` other than kAuto are fixed by the command name
// (ZRANGEBYSCORE ...), and then the matching option is a syntax error.
// Returns the error reply text, or "" on success.
std::string ParseRange(Args args, size_t src_index, RangeKind kind, Direction dir, bool store,
                       RangeRequest* req) {
  for (size_t j = src_index + 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    size_t left = args.size() - j - 1;
    if (!store && EqualsIgnoreCase(opt, "withscores")) {
      req->withscores = true;
    } else if (EqualsIgnoreCase(opt, "limit") && left >= 2) {
      if (!engine::ParseInt64(args[j + 1], &req->offset) ||
          !engine::ParseInt64(args[j + 2], &req->limit)) {
        return std::string(errors::kNotInteger);
      }
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (kind == RangeKind::kAuto && EqualsIgnoreCase(opt, "bylex")) {
      kind = RangeKind::kLex;
    } else if (kind == RangeKind::kAuto && EqualsIgnoreCase(opt, "byscore")) {
      kind = RangeKind::kScore;
    } else {
      return std::string(errors::kSyntax);
    }
  }
  if (kind == RangeKind::kAuto) kind = RangeKind::kRank;
  req->kind = kind;
  req->reverse = dir == Direction::kReverse;
  // Like Redis, a LIMIT with count -1 is the same as none.
  if (req->limit != -1 && kind == RangeKind::kRank) {
    return "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
  }
  if (req->withscores && kind == RangeKind::kLex) {
    return "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
  }
  std::string_view min = args[src_index + 1], max = args[src_index + 2];
  // Reversed score and lex ranges are written max first.
  if (req->reverse && kind != RangeKind::kRank) std::swap(min, max);
  switch (kind) {
    case RangeKind::kAuto:
    case RangeKind::kRank:
      if (!engine::ParseInt64(min, &req->start) || !engine::ParseInt64(max, &req->end)) {
        return std::string(errors::kNotInteger);
      }
      break;
    case RangeKind::kScore:
      if (!ParseScoreRange(min, max, &req->scores)) return std::string(kScoreRangeError);
      break;
    case RangeKind::kLex:
      if (!ParseLexRange(min, max, &req->lex)) return std::string(kLexRangeError);
      break;
  }
  return "";
}

// The selected entries in reply order: the first rank to visit, how many,
// and the walk's direction.
struct Selection {
  size_t first = 0;
  size_t count = 0;
  bool descending = false;
};

Selection Select(const ZSetObject& zset, const RangeRequest& req) {
  Selection sel;
  sel.descending = req.reverse;
  int64_t size = static_cast<int64_t>(zset.size());
  if (req.kind == RangeKind::kRank) {
    std::optional<IndexSpan> ranks = ClampIndexRange(req.start, req.end, size);
    if (!ranks) return sel;
    sel.count = ranks->count;
    // A reversed rank range counts from the top.
    sel.first = req.reverse ? static_cast<size_t>(size) - 1 - ranks->first : ranks->first;
    return sel;
  }
  ZSetObject::RankSpan span =
      req.kind == RangeKind::kScore ? zset.ScoreSpan(req.scores) : zset.LexSpan(req.lex);
  sel.count = LimitedCount(span.size(), req.offset, req.limit);
  if (sel.count == 0) return sel;
  sel.first = req.reverse ? span.end - 1 - static_cast<size_t>(req.offset)
                          : span.begin + static_cast<size_t>(req.offset);
  return sel;
}

// ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
// and the older commands, which fix the kind and direction.
template <RangeKind kind, Direction dir>
void ZRange(Args args, ShardContext& ctx) {
  RangeRequest req;
  std::string error = ParseRange(args, 1, kind, dir, false, &req);
  if (!error.empty()) return ctx.out.Error(error);
  TypedLookup r = LookupTyped(ctx, args[1], ObjectType::kZSet);
  if (r.wrong_type) return ctx.out.Error(errors::kWrongType);
  if (!r.ref) return ctx.out.ArrayHeader(0);
  auto* zset = static_cast<ZSetObject*>(r.ref.obj());
  Selection sel = Select(*zset, req);
  ZArrayHeader(ctx.out, sel.count, req.withscores);
  zset->Visit(sel.first, sel.count, sel.descending,
              [&](std::string_view m, double s) { ZArrayItem(ctx.out, m, s, req.withscores); });
}

bool OnShard(const engine::Shard& shard, std::string_view key) {
  return shard.shard_set().ShardOf(key) == shard.id();
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]:
// phase one copies the selection on the source's shard, phase two replaces
// the destination on its own.
void ZRangeStore(MultiCommand& mc) {
  auto req = std::make_shared<RangeRequest>();
  std::string error = ParseRange(mc.args(), 2, RangeKind::kAuto, Direction::kAuto, true, req.get());
  if (!error.empty()) {
    return mc.SetReply([error](resp::ReplyWriter& out) { out.Error(error); });
  }
  struct State {
    bool wrong_type = false;
    size_t size_hint = 0;
    std::vector<std::pair<std::string, double>> entries;
  };
  auto st = std::make_shared<State>();
  std::string dst(mc.args()[1]), src(mc.args()[2]);
  mc.AddPhase([st, req, src](engine::Shard& shard, engine::Db& db) {
    if (!OnShard(shard, src)) return;
    engine::KeyRef ref = db.Find(src, shard.now_ms());
    if (!ref) return NoteReadMiss(db, src);  // Redis reads the source
    if (ref.obj()->type != ObjectType::kZSet) {
      st->wrong_type = true;
      return;
    }
    auto* zset = static_cast<ZSetObject*>(ref.obj());
    Selection sel = Select(*zset, *req);
    st->entries.reserve(sel.count);
    zset->Visit(sel.first, sel.count, sel.descending,
                [&](std::string_view m, double s) { st->entries.emplace_back(m, s); });
    // Redis sizes the destination from the count only for rank ranges; a
    // score or lex selection starts as a listpack and converts as it grows.
    if (req->kind == RangeKind::kRank) st->size_hint = sel.count;
  });
  mc.AddPhase([st, dst](engine::Shard& shard, engine::Db& db) {
    if (st->wrong_type || !OnShard(shard, dst)) return;
    if (st->entries.empty()) {
      if (db.Erase(dst)) db.Notify(engine::kEventGeneric, "del", dst);
      return;
    }
    const engine::EncodingLimits& limits = shard.shard_set().limits();
    ZSetObject* result = ZSetObject::CreateSized(st->size_hint, 0, limits);
    for (const auto& [member, score] : st->entries) result->Add(member, score, 0, limits);
    db.Set(dst, result, 0, false, shard.now_ms());
    db.Notify(engine::kEventZset, "zrangestore", dst);
  });
  mc.SetReply([st](resp::ReplyWriter& out) {
    if (st->wrong_type) return out.Error(errors::kWrongType);
    out.Integer(static_cast<int64_t>(st->entries.size()));
  });
}

}  // namespace

void RegisterZSetRangeCommands(CommandTable& t) {
  const std::vector<std::string> r = {"@read", "@sortedset", "@slow"};
  t.Add(KeyCommand("zrange", -4, kReadOnly, ZRange<RangeKind::kAuto, Direction::kAuto>, r));
  t.Add(KeyCommand("zrevrange", -4, kReadOnly, ZRange<RangeKind::kRank, Direction::kReverse>, r));
  t.Add(KeyCommand("zrangebyscore", -4, kReadOnly, ZRange<RangeKind::kScore, Direction::kForward>,
                   r));
  t.Add(KeyCommand("zrevrangebyscore", -4, kReadOnly,
                   ZRange<RangeKind::kScore, Direction::kReverse>, r));
  t.Add(KeyCommand("zrangebylex", -4, kReadOnly, ZRange<RangeKind::kLex, Direction::kForward>, r));
  t.Add(
      KeyCommand("zrevrangebylex", -4, kReadOnly, ZRange<RangeKind::kLex, Direction::kReverse>, r));
  t.Add(MultiKeyCommand("zrangestore", -5, kWrite | kDenyOom, 1, 2, 1, ZRangeStore,
                        {"@write", "@sortedset", "@slow"}));
}

}  // namespace server
