// Set commands over several keys (Redis's t_set.c): SMOVE, SINTER, SUNION,
// SDIFF, SINTERSTORE, SUNIONSTORE, SDIFFSTORE and SINTERCARD. The keys may
// live on different shards, so each command runs as MultiCommand phases:
// atomic across shards through the engine's transactions, and run inline
// when every key is on the client's own shard.
#include "server/commands/sets/set_store_commands.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/set_object.h"
#include "server/command/lookup.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"

namespace server {

namespace {

using engine::Db;
using engine::kEventSet;
using engine::KeyRef;
using engine::ObjectType;
using engine::SetObject;
using engine::Shard;

bool OnShard(const Shard& shard, std::string_view key) {
  return shard.shard_set().ShardOf(key) == shard.id();
}

void ReplyError(MultiCommand& mc, std::string_view error) {
  mc.SetReply([error](resp::ReplyWriter& out) { out.Error(error); });
}

enum class SetOp { kInter, kUnion, kDiff };
// What the command answers: the members, how many were stored at the
// destination (*STORE), or how many there are (SINTERCARD).
enum class Output { kMembers, kStore, kCardinality };

// What one shard contributes: the source keys it holds, already combined
// by the operation, so only that result crosses threads. When every key is
// on one shard its part is the whole answer.
struct ShardPart {
  bool has_sources = false;          // holds at least one source key
  bool holds_first = false;          // holds the first source (SDIFF keeps only its members)
  bool empty = false;                // SINTER: one of its keys is missing, so the result is empty
  std::vector<std::string> members;  // distinct
};

// Shared by the phases and the reply of one command. Phase parts run in
// parallel, so each shard writes only parts[its id]; the atomics are written
// by several.
struct AlgebraState {
  explicit AlgebraState(size_t num_shards) : parts(num_shards) {}
  std::vector<ShardPart> parts;
  std::atomic<bool> wrong_type{false};
  std::atomic<const engine::EncodingLimits*> limits{nullptr};
  int64_t stored = 0;  // *STORE: written by the destination's shard
};

// Appends to `out` the members of the sets combined by `op`, stopping at
// `limit` members (0: no limit). `sets` are in argument order; null is a
// missing key. For kDiff with !holds_first, the shard only has keys to
// subtract: their union is what it contributes.
void CombineLocal(SetOp op, bool holds_first, std::vector<const SetObject*> sets, size_t limit,
                  ShardPart* part) {
  std::vector<std::string>& out = part->members;
  char scratch[SetObject::kScratchSize];
  auto full = [&] { return limit != 0 && out.size() >= limit; };
  if (op == SetOp::kInter) {
    if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
      part->empty = true;
      return;
    }
    std::sort(sets.begin(), sets.end(),
              [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
    for (size_t i = 0; i < sets[0]->size() && !full(); ++i) {
      std::string_view m = sets[0]->At(i, scratch);
      bool everywhere = std::all_of(sets.begin() + 1, sets.end(),
                                    [&](const SetObject* s) { return s->Contains(m); });
      if (everywhere) out.emplace_back(m);
    }
    return;
  }
  if (op == SetOp::kDiff && holds_first) {
    if (sets[0] == nullptr) return;
    for (size_t i = 0; i < sets[0]->size(); ++i) {
      std::string_view m = sets[0]->At(i, scratch);
      bool elsewhere = std::any_of(sets.begin() + 1, sets.end(),
                                   [&](const SetObject* s) { return s && s->Contains(m); });
      if (!elsewhere) out.emplace_back(m);
    }
    return;
  }
  // A union: a member counts where it first appears.
  for (size_t k = 0; k < sets.size(); ++k) {
    if (sets[k] == nullptr) continue;
    for (size_t i = 0; i < sets[k]->size(); ++i) {
      std::string_view m = sets[k]->At(i, scratch);
      bool earlier = std::any_of(sets.begin(), sets.begin() + k,
                                 [&](const SetObject* s) { return s && s->Contains(m); });
      if (!earlier) out.emplace_back(m);
    }
  }
}

// Phase one: the shard looks up the source keys it holds (argument
// positions first..last) and combines them. They are reads: a missing one
// is a "keymiss".
void CollectPart(MultiCommand& mc, SetOp op, int first, int last, size_t limit, Shard& shard,
                 Db& db, AlgebraState& st) {
  st.limits.store(&shard.shard_set().limits(), std::memory_order_relaxed);
  ShardPart& part = st.parts[shard.id()];
  std::vector<const SetObject*> sets;
  for (int pos : mc.KeysOn(shard.id())) {
    if (pos < first || pos > last) continue;  // the destination of *STORE
    if (pos == first) part.holds_first = true;
    engine::KeyEventLog::SortAt(pos);
    KeyRef ref = db.Find(mc.args()[pos], shard.now_ms());
    if (!ref) NoteReadMiss(db, mc.args()[pos]);
    if (ref && ref.obj()->type != ObjectType::kSet) {
      st.wrong_type.store(true);
      mc.StopReadsAt(pos);
      return;
    }
    sets.push_back(ref ? static_cast<const SetObject*>(ref.obj()) : nullptr);
  }
  if (sets.empty()) return;
  part.has_sources = true;
  // A limit cuts the local result short only when it is the whole answer.
  bool all_here = static_cast<int>(sets.size()) == last - first + 1;
  CombineLocal(op, part.holds_first, std::move(sets), all_here ? limit : 0, &part);
}

// Combines the shards' parts into the result: views into the parts'
// members, distinct, at most `limit` of them (0: no limit).
std::vector<std::string_view> CombineParts(SetOp op, const std::vector<ShardPart>& parts,
                                           size_t limit) {
  std::vector<const ShardPart*> present;
  for (const ShardPart& p : parts) {
    if (p.has_sources) present.push_back(&p);
  }
  std::vector<std::string_view> result;
  auto full = [&] { return limit != 0 && result.size() >= limit; };
  if (op == SetOp::kUnion) {
    absl::flat_hash_set<std::string_view> seen;
    for (const ShardPart* p : present) {
      for (const std::string& m : p->members) {
        if (seen.insert(m).second) result.push_back(m);
      }
    }
    return result;
  }
  // kInter keeps the smallest part's members found in every other part;
  // kDiff keeps the first key's part's members found in no other part.
  const ShardPart* base = nullptr;
  for (const ShardPart* p : present) {
    if (op == SetOp::kInter && p->empty) return result;
    if (op == SetOp::kInter ? (!base || p->members.size() < base->members.size())
                            : p->holds_first) {
      base = p;
    }
  }
  if (base == nullptr) return result;
  absl::flat_hash_set<std::string_view> others_union;
  std::vector<absl::flat_hash_set<std::string_view>> others;
  for (const ShardPart* p : present) {
    if (p == base) continue;
    if (op == SetOp::kInter) {
      others.emplace_back(p->members.begin(), p->members.end());
    } else {
      others_union.insert(p->members.begin(), p->members.end());
    }
  }
  for (const std::string& m : base->members) {
    if (full()) break;
    bool keep = op == SetOp::kInter ? std::all_of(others.begin(), others.end(),
                                                  [&](const auto& s) { return s.contains(m); })
                                    : !others_union.contains(m);
    if (keep) result.push_back(m);
  }
  return result;
}

// The result as a set of its own, encoded as Redis would (so an all-integer
// result lists in ascending order, as Redis's does).
std::unique_ptr<SetObject> BuildSet(const std::vector<std::string_view>& members,
                                    const engine::EncodingLimits& limits) {
  auto set = std::make_unique<SetObject>();
  for (std::string_view m : members) set->Add(m, limits);
  return set;
}

const char* StoreEvent(SetOp op) {
  switch (op) {
    case SetOp::kInter:
      return "sinterstore";
    case SetOp::kUnion:
      return "sunionstore";
    case SetOp::kDiff:
      break;
  }
  return "sdiffstore";
}

// SINTER/SUNION/SDIFF and their forms: sources at argument positions
// first..last. Phase one combines per shard; *STORE adds phase two on the
// destination's shard; the rest is combined when replying.
void SetAlgebra(MultiCommand& mc, SetOp op, Output output, int first, int last, size_t limit) {
  auto st = std::make_shared<AlgebraState>(mc.num_shards_total());
  mc.AddPhase([&mc, st, op, first, last, limit](Shard& shard, Db& db) {
    CollectPart(mc, op, first, last, limit, shard, db, *st);
  });
  if (output == Output::kStore) {
    std::string dst(mc.args()[1]);
    mc.AddPhase([st, op, dst](Shard& shard, Db& db) {
      if (!OnShard(shard, dst) || st->wrong_type.load()) return;
      std::unique_ptr<SetObject> result =
          BuildSet(CombineParts(op, st->parts, 0), shard.shard_set().limits());
      st->stored = static_cast<int64_t>(result->size());
      if (result->size() == 0) {
        if (db.Erase(dst)) db.Notify(engine::kEventGeneric, "del", dst);
      } else {
        db.Set(dst, result.release(), 0, false, shard.now_ms());
        db.Notify(kEventSet, StoreEvent(op), dst);
      }
    });
  }
  mc.SetReply([st, op, output, limit](resp::ReplyWriter& out) {
    if (st->wrong_type.load()) return out.Error(errors::kWrongType);
    if (output == Output::kStore) return out.Integer(st->stored);
    std::vector<std::string_view> result = CombineParts(op, st->parts, limit);
    if (output == Output::kCardinality) return out.Integer(static_cast<int64_t>(result.size()));
    std::unique_ptr<SetObject> set = BuildSet(result, *st->limits.load());
    out.SetHeader(set->size());
    set->ForEach([&](std::string_view m) { out.Bulk(m); });
  });
}

int LastArg(MultiCommand& mc) { return static_cast<int>(mc.args().size()) - 1; }

void SInter(MultiCommand& mc) {
  SetAlgebra(mc, SetOp::kInter, Output::kMembers, 1, LastArg(mc), 0);
}
void SUnion(MultiCommand& mc) {
  SetAlgebra(mc, SetOp::kUnion, Output::kMembers, 1, LastArg(mc), 0);
}
void SDiff(MultiCommand& mc) { SetAlgebra(mc, SetOp::kDiff, Output::kMembers, 1, LastArg(mc), 0); }
void SInterStore(MultiCommand& mc) {
  SetAlgebra(mc, SetOp::kInter, Output::kStore, 2, LastArg(mc), 0);
}
void SUnionStore(MultiCommand& mc) {
  SetAlgebra(mc, SetOp::kUnion, Output::kStore, 2, LastArg(mc), 0);
}
void SDiffStore(MultiCommand& mc) {
  SetAlgebra(mc, SetOp::kDiff, Output::kStore, 2, LastArg(mc), 0);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit].
void SInterCard(MultiCommand& mc) {
  Args args = mc.args();
  int64_t numkeys;
  if (!engine::ParseInt64(args[1], &numkeys) || numkeys < 1) {
    return ReplyError(mc, "ERR numkeys should be greater than 0");
  }
  if (numkeys > static_cast<int64_t>(args.size()) - 2) {
    return ReplyError(mc, "ERR Number of keys can't be greater than number of args");
  }
  int64_t limit = 0;
  for (size_t i = 2 + numkeys; i < args.size(); ++i) {
    if (!EqualsIgnoreCase(args[i], "LIMIT") || i + 1 >= args.size()) {
      return ReplyError(mc, errors::kSyntax);
    }
    if (!engine::ParseInt64(args[++i], &limit) || limit < 0) {
      return ReplyError(mc, "ERR LIMIT can't be negative");
    }
  }
  SetAlgebra(mc, SetOp::kInter, Output::kCardinality, 2, static_cast<int>(1 + numkeys),
             static_cast<size_t>(limit));
}

// SMOVE source destination member: phase one checks both keys on their
// shards, phase two moves the member (Redis's events: the source's first).
void SMove(MultiCommand& mc) {
  struct State {
    std::atomic<bool> src_exists{false};
    std::atomic<bool> wrong_type{false};
    std::atomic<bool> is_member{false};
  };
  auto st = std::make_shared<State>();
  std::string src(mc.args()[1]), dst(mc.args()[2]), member(mc.args()[3]);
  bool same = src == dst;
  mc.AddPhase([st, src, dst, member](Shard& shard, Db& db) {
    if (OnShard(shard, src)) {
      engine::KeyEventLog::SortAt(1);
      if (KeyRef ref = db.Find(src, shard.now_ms())) {
        st->src_exists = true;
        if (ref.obj()->type != ObjectType::kSet) {
          st->wrong_type = true;
        } else if (static_cast<SetObject*>(ref.obj())->Contains(member)) {
          st->is_member = true;
        }
      }
    }
    if (OnShard(shard, dst)) {
      engine::KeyEventLog::SortAt(2);
      KeyRef ref = db.Find(dst, shard.now_ms());
      if (ref && ref.obj()->type != ObjectType::kSet) st->wrong_type = true;
    }
  });
  mc.AddPhase([st, src, dst, member, same](Shard& shard, Db& db) {
    if (same || !st->src_exists || st->wrong_type || !st->is_member) return;
    if (OnShard(shard, src)) {
      engine::KeyEventLog::SortAt(1);
      if (KeyRef ref = db.Find(src, shard.now_ms())) {
        auto* set = static_cast<SetObject*>(ref.obj());
        set->Remove(member);
        db.Notify(kEventSet, "srem", src);
        if (set->size() == 0) EraseEmptied(db, src);
      }
    }
    if (OnShard(shard, dst)) {
      engine::KeyEventLog::SortAt(2);
      KeyRef ref = db.Find(dst, shard.now_ms());
      SetObject* set;
      if (ref) {
        set = static_cast<SetObject*>(ref.obj());
      } else {
        set = new SetObject();
        db.Insert(dst, set);
      }
      if (set->Add(member, shard.shard_set().limits())) db.Notify(kEventSet, "sadd", dst);
    }
  });
  mc.SetReply([st](resp::ReplyWriter& out) {
    if (!st->src_exists) return out.Integer(0);
    if (st->wrong_type) return out.Error(errors::kWrongType);
    out.Integer(st->is_member ? 1 : 0);
  });
}

}  // namespace

void RegisterSetStoreCommands(CommandTable& t) {
  const std::vector<std::string> rs = {"@read", "@set", "@slow"};
  const std::vector<std::string> ws = {"@write", "@set", "@slow"};
  t.Add(MultiKeyCommand("smove", 4, kWrite | kFast, 1, 2, 1, SMove, {"@write", "@set", "@fast"}));
  t.Add(MultiKeyCommand("sinter", -2, kReadOnly, 1, -1, 1, SInter, rs));
  t.Add(MultiKeyCommand("sunion", -2, kReadOnly, 1, -1, 1, SUnion, rs));
  t.Add(MultiKeyCommand("sdiff", -2, kReadOnly, 1, -1, 1, SDiff, rs));
  t.Add(MultiKeyCommand("sinterstore", -3, kWrite | kDenyOom, 1, -1, 1, SInterStore, ws));
  t.Add(MultiKeyCommand("sunionstore", -3, kWrite | kDenyOom, 1, -1, 1, SUnionStore, ws));
  t.Add(MultiKeyCommand("sdiffstore", -3, kWrite | kDenyOom, 1, -1, 1, SDiffStore, ws));
  CommandSpec sintercard = MultiKeyCommand("sintercard", -3, kReadOnly, 0, 0, 0, SInterCard, rs);
  sintercard.find_keys = KeysAfterCount<1, false>;
  t.Add(sintercard);
}

}  // namespace server
