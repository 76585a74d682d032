// Sorted-set commands over several keys: ZUNION, ZINTER, ZDIFF and their
// *STORE forms (sets count as sorted sets with every score 1, as in Redis).
// Each runs as MultiCommand phases, so it is atomic across shards: the
// inputs' shards report and copy what the result needs, then (*STORE) the
// destination's shard writes it. ZMPOP is zset_pop_commands.cc.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/set_object.h"
#include "engine/shard_set.h"
#include "engine/zset_object.h"
#include "server/command/command_table.h"
#include "server/command/lookup.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"
#include "server/commands/zsets/zset_commands.h"
#include "server/commands/zsets/zset_pop.h"
#include "server/commands/zsets/zset_ranges.h"

namespace server {

namespace {

using engine::ObjectType;
using engine::ZSetObject;
using Entries = std::vector<std::pair<std::string, double>>;

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

void ReplyError(MultiCommand& mc, std::string error) {
  mc.SetReply([error = std::move(error)](resp::ReplyWriter& out) { out.Error(error); });
}

// Redis's zunionInterAggregate, NaN rule included: inf + -inf sums to 0.
void AggregateInto(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target = *target + value;
      if (std::isnan(*target)) *target = 0;
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

// The parsed form of Z{UNION,INTER,DIFF}[STORE].
struct SetOpRequest {
  SetOp op = SetOp::kUnion;
  size_t first_key = 0;  // argument position of the first input
  size_t num_keys = 0;
  std::vector<double> weights;
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  // Redis looks the inputs up before it reads the options, so a wrong-typed
  // input wins over a bad option: the option error waits for phase one.
  std::string option_error;
};

void ParseSetOpOptions(Args args, bool store, SetOpRequest* req) {
  size_t j = req->first_key + req->num_keys;
  while (j < args.size()) {
    size_t remaining = args.size() - j;
    if (req->op != SetOp::kDiff && remaining >= req->num_keys + 1 &&
        EqualsIgnoreCase(args[j], "weights")) {
      ++j;
      for (size_t i = 0; i < req->num_keys; ++i, ++j) {
        if (!ParseScore(args[j], &req->weights[i])) {
          req->option_error = "ERR weight value is not a float";
          return;
        }
      }
    } else if (req->op != SetOp::kDiff && remaining >= 2 &&
               EqualsIgnoreCase(args[j], "aggregate")) {
      std::string_view how = args[j + 1];
      if (EqualsIgnoreCase(how, "sum")) {
        req->agg = Aggregate::kSum;
      } else if (EqualsIgnoreCase(how, "min")) {
        req->agg = Aggregate::kMin;
      } else if (EqualsIgnoreCase(how, "max")) {
        req->agg = Aggregate::kMax;
      } else {
        req->option_error = std::string(errors::kSyntax);
        return;
      }
      j += 2;
    } else if (!store && EqualsIgnoreCase(args[j], "withscores")) {
      req->withscores = true;
      ++j;
    } else {
      req->option_error = std::string(errors::kSyntax);
      return;
    }
  }
}

// What the phases learn about one input key. A missing key is an empty
// input.
struct Input {
  size_t size = 0;
  double weight = 1;
  // All (member, score) pairs, for the inputs the computation walks: every
  // input of a union, the base input of an intersection or difference.
  Entries entries;
  // Intersection and difference only, for the other inputs: the score of
  // each base entry here, NaN where absent (scores are never NaN).
  std::vector<double> found;
};

// Shared by the phases of one command; each phase writes only the inputs
// whose keys live on its shard, or (`result`) runs on one shard.
struct SetOpState {
  std::vector<Input> inputs;
  std::atomic<bool> wrong_type{false};
  Entries result;
};

// The inputs of a union or intersection in the order Redis takes them:
// smallest first, by a stable sort (glibc's qsort is a merge sort here). The
// order fixes the order of floating-point sums.
std::vector<size_t> BySize(const std::vector<Input>& inputs) {
  std::vector<size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return inputs[a].size < inputs[b].size; });
  return order;
}

// The input an intersection or difference walks: the smallest, or the first.
// Every shard derives the same one once phase one has recorded the sizes.
size_t BaseInput(SetOp op, const std::vector<Input>& inputs) {
  return op == SetOp::kInter ? BySize(inputs)[0] : 0;
}

// Computes the result in (score, member) order, with Redis's arithmetic.
Entries Compute(const SetOpRequest& req, const SetOpState& st) {
  Entries result;
  const std::vector<Input>& inputs = st.inputs;
  if (req.op == SetOp::kUnion) {
    absl::flat_hash_map<std::string_view, double> acc;
    for (size_t i : BySize(inputs)) {
      for (const auto& [m, s] : inputs[i].entries) {
        double score = inputs[i].weight * s;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = acc.try_emplace(m, score);
        if (!fresh) AggregateInto(&it->second, score, req.agg);
      }
    }
    result.reserve(acc.size());
    for (const auto& [m, s] : acc) result.emplace_back(m, s);
  } else if (req.op == SetOp::kInter) {
    std::vector<size_t> order = BySize(inputs);
    const Input& base = inputs[order[0]];
    for (size_t e = 0; e < base.entries.size(); ++e) {
      double score = base.weight * base.entries[e].second;
      if (std::isnan(score)) score = 0;
      bool everywhere = true;
      for (size_t k = 1; k < order.size() && everywhere; ++k) {
        double value = inputs[order[k]].found[e];
        everywhere = !std::isnan(value);
        if (everywhere) AggregateInto(&score, value * inputs[order[k]].weight, req.agg);
      }
      if (everywhere) result.emplace_back(base.entries[e].first, score);
    }
  } else {
    const Input& base = inputs[0];
    for (size_t e = 0; e < base.entries.size(); ++e) {
      bool elsewhere = false;
      for (size_t k = 1; k < inputs.size() && !elsewhere; ++k) {
        elsewhere = !std::isnan(inputs[k].found[e]);
      }
      if (!elsewhere) result.push_back(base.entries[e]);
    }
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
    return engine::ZLess(a.second, a.first, b.second, b.first);
  });
  return result;
}

void CopyEntries(const engine::Object* obj, Entries* out) {
  if (obj->type == ObjectType::kSet) {
    const auto* set = static_cast<const engine::SetObject*>(obj);
    out->reserve(set->size());
    set->ForEach([out](std::string_view m) { out->emplace_back(std::string(m), 1.0); });
    return;
  }
  auto* zset = static_cast<const ZSetObject*>(obj);
  out->reserve(zset->size());
  zset->Visit(0, zset->size(), false,
              [&](std::string_view m, double s) { out->emplace_back(m, s); });
}

// The phases of one Z{UNION,INTER,DIFF}[STORE], each a function named for
// what it does. They share the request and the state; every phase reads
// only what earlier phases wrote (a phase runs on all its shards before the
// next starts).
struct SetOpPhases {
  MultiCommand* mc;
  std::shared_ptr<SetOpRequest> req;
  std::shared_ptr<SetOpState> st;

  // Calls f(input index, live object) for the existing inputs on `shard`.
  // The first phase's lookups are the reads Redis makes: a missing input is
  // a "keymiss" (the later phases look again without raising it).
  template <typename F>
  void EachInput(engine::Shard& shard, engine::Db& db, bool first_phase, F&& f) const {
    for (int pos : mc->KeysOn(shard.id())) {
      if (static_cast<size_t>(pos) < req->first_key) continue;  // the destination
      engine::KeyEventLog::SortAt(pos);
      engine::KeyRef ref = db.Find(mc->args()[pos], shard.now_ms());
      if (ref) {
        f(pos - req->first_key, ref.obj());
      } else if (first_phase) {
        NoteReadMiss(db, mc->args()[pos]);
      }
    }
  }
  bool Proceed() const { return !st->wrong_type && req->option_error.empty(); }

  // (1) Every input's type and size; copies of the inputs the result walks
  // (all of a union, the first of a difference).
  void TypesSizesAndWalkedCopies(engine::Shard& shard, engine::Db& db) const {
    EachInput(shard, db, /*first_phase=*/true, [&](size_t i, engine::Object* obj) {
      if (obj->type != ObjectType::kZSet && obj->type != ObjectType::kSet) {
        st->wrong_type = true;
        mc->StopReadsAt(static_cast<int>(req->first_key + i));
        return;
      }
      Input& in = st->inputs[i];
      in.size = obj->type == ObjectType::kSet ? static_cast<engine::SetObject*>(obj)->size()
                                              : static_cast<ZSetObject*>(obj)->size();
      // Another shard may still flag a wrong type: copying is wasted then,
      // never wrong.
      if (req->op == SetOp::kUnion || (req->op == SetOp::kDiff && i == 0)) {
        if (Proceed()) CopyEntries(obj, &in.entries);
      }
    });
  }

  // (2, intersections) A copy of the smallest input, now that sizes are known.
  void CopySmallestInput(engine::Shard& shard, engine::Db& db) const {
    if (!Proceed()) return;
    size_t base = BaseInput(req->op, st->inputs);
    EachInput(shard, db, /*first_phase=*/false, [&](size_t i, engine::Object* obj) {
      if (i == base && st->inputs[i].entries.empty()) CopyEntries(obj, &st->inputs[i].entries);
    });
  }

  // (3, intersections and differences) The other inputs' shards look the
  // base's members up: a large input is probed, never copied, as in Redis.
  void ProbeOtherInputs(engine::Shard& shard, engine::Db& db) const {
    if (!Proceed()) return;
    size_t base_index = BaseInput(req->op, st->inputs);
    const Entries& base = st->inputs[base_index].entries;
    EachInput(shard, db, /*first_phase=*/false, [&](size_t i, engine::Object* obj) {
      if (i == base_index) return;
      std::vector<double>& found = st->inputs[i].found;
      found.reserve(base.size());
      for (const auto& entry : base) {
        double score = std::nan("");
        if (obj->type == ObjectType::kSet) {
          if (static_cast<engine::SetObject*>(obj)->Contains(entry.first)) score = 1;
        } else {
          static_cast<ZSetObject*>(obj)->Score(entry.first, &score);
        }
        found.push_back(score);
      }
    });
  }

  // Missing inputs found nothing; they had no shard to say so.
  void MissingInputsFoundNothing() const {
    if (req->op == SetOp::kUnion) return;
    size_t n = st->inputs[BaseInput(req->op, st->inputs)].entries.size();
    for (Input& in : st->inputs) {
      if (in.found.empty()) in.found.assign(n, std::nan(""));
    }
  }

  // (4, *STORE) The destination's shard computes and writes the result.
  void StoreResult(engine::Shard& shard, engine::Db& db) const {
    std::string_view dst = mc->args()[1];
    if (!Proceed() || shard.shard_set().ShardOf(dst) != shard.id()) return;
    MissingInputsFoundNothing();
    st->result = Compute(*req, *st);
    if (st->result.empty()) {
      if (db.Erase(dst)) db.Notify(engine::kEventGeneric, "del", dst);
      return;
    }
    size_t longest = 0;
    for (const auto& entry : st->result) longest = std::max(longest, entry.first.size());
    const engine::EncodingLimits& limits = shard.shard_set().limits();
    ZSetObject* zset = ZSetObject::CreateSized(st->result.size(), longest, limits);
    for (const auto& [m, s] : st->result) zset->Add(m, s, 0, limits);
    db.Set(dst, zset, 0, false, shard.now_ms());
    const char* event = req->op == SetOp::kUnion   ? "zunionstore"
                        : req->op == SetOp::kInter ? "zinterstore"
                                                   : "zdiffstore";
    db.Notify(engine::kEventZset, event, dst);
  }

  void WriteReply(bool store, resp::ReplyWriter& out) const {
    if (st->wrong_type) return out.Error(errors::kWrongType);
    if (!req->option_error.empty()) return out.Error(req->option_error);
    if (store) return out.Integer(static_cast<int64_t>(st->result.size()));
    MissingInputsFoundNothing();
    Entries result = Compute(*req, *st);
    ZArrayHeader(out, result.size(), req->withscores);
    for (const auto& [m, s] : result) ZArrayItem(out, m, s, req->withscores);
  }
};

// Z{UNION,INTER,DIFF} numkeys key... [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX]
// [WITHSCORES], and the *STORE forms with a destination first.
template <SetOp op, bool store>
void ZSetOperation(MultiCommand& mc) {
  Args args = mc.args();
  size_t count_index = store ? 2 : 1;
  int64_t num_keys;
  if (!engine::ParseInt64(args[count_index], &num_keys)) {
    return ReplyError(mc, std::string(errors::kNotInteger));
  }
  if (num_keys < 1) {
    return ReplyError(mc, absl::StrCat("ERR at least 1 input key is needed for '",
                                       AV(mc.spec().name), "' command"));
  }
  if (static_cast<uint64_t>(num_keys) > args.size() - count_index - 1) {
    return ReplyError(mc, std::string(errors::kSyntax));
  }
  auto req = std::make_shared<SetOpRequest>();
  req->op = op;
  req->first_key = count_index + 1;
  req->num_keys = static_cast<size_t>(num_keys);
  req->weights.assign(req->num_keys, 1.0);
  ParseSetOpOptions(args, store, req.get());
  auto st = std::make_shared<SetOpState>();
  st->inputs.resize(req->num_keys);
  for (size_t i = 0; i < req->num_keys; ++i) st->inputs[i].weight = req->weights[i];

  SetOpPhases p{&mc, req, st};
  mc.AddPhase([p](engine::Shard& s, engine::Db& db) { p.TypesSizesAndWalkedCopies(s, db); });
  if (op == SetOp::kInter) {
    mc.AddPhase([p](engine::Shard& s, engine::Db& db) { p.CopySmallestInput(s, db); });
  }
  if (op != SetOp::kUnion) {
    mc.AddPhase([p](engine::Shard& s, engine::Db& db) { p.ProbeOtherInputs(s, db); });
  }
  if (store) mc.AddPhase([p](engine::Shard& s, engine::Db& db) { p.StoreResult(s, db); });
  mc.SetReply([p](resp::ReplyWriter& out) { p.WriteReply(store, out); });
}

CommandSpec CountedKeys(CommandSpec spec, bool with_destination) {
  spec.find_keys = with_destination ? KeysAfterCount<2, true> : KeysAfterCount<1, false>;
  return spec;
}

}  // namespace

void RegisterZSetStoreCommands(CommandTable& t) {
  const std::vector<std::string> r = {"@read", "@sortedset", "@slow"};
  const std::vector<std::string> w = {"@write", "@sortedset", "@slow"};
  // Key positions come from the count (find_keys); first/last/step are what
  // Redis's COMMAND reports for these.
  t.Add(CountedKeys(
      MultiKeyCommand("zunion", -3, kReadOnly, 0, 0, 0, ZSetOperation<SetOp::kUnion, false>, r),
      false));
  t.Add(CountedKeys(
      MultiKeyCommand("zinter", -3, kReadOnly, 0, 0, 0, ZSetOperation<SetOp::kInter, false>, r),
      false));
  t.Add(CountedKeys(
      MultiKeyCommand("zdiff", -3, kReadOnly, 0, 0, 0, ZSetOperation<SetOp::kDiff, false>, r),
      false));
  t.Add(CountedKeys(MultiKeyCommand("zunionstore", -4, kWrite | kDenyOom, 1, 1, 1,
                                    ZSetOperation<SetOp::kUnion, true>, w),
                    true));
  t.Add(CountedKeys(MultiKeyCommand("zinterstore", -4, kWrite | kDenyOom, 1, 1, 1,
                                    ZSetOperation<SetOp::kInter, true>, w),
                    true));
  t.Add(CountedKeys(MultiKeyCommand("zdiffstore", -4, kWrite | kDenyOom, 1, 1, 1,
                                    ZSetOperation<SetOp::kDiff, true>, w),
                    true));
}

}  // namespace server
