// Sorted-set commands over several keys: ZUNION, ZINTER, ZDIFF and their
// *STORE forms (sets count as sorted sets with every score 1, as in Redis),
// and ZMPOP. Each runs as MultiCommand phases, so it is atomic across
// shards: phase one copies what it needs from the inputs on their shards,
// phase two (the *STORE forms, ZMPOP) writes on the destination's shard.
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
#include "server/command_table.h"
#include "server/multi_command.h"
#include "server/text.h"
#include "server/zset_pop.h"
#include "server/zset_ranges.h"

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

// One input key as phase one copied it (a missing key is an empty input).
struct Source {
  Entries entries;
  double weight = 1;
};

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

// Computes the result in (score, member) order, with Redis's arithmetic: the
// inputs of a union or intersection are taken smallest first (a stable sort,
// as glibc's qsort is here), which fixes the order of floating-point sums.
Entries Compute(const SetOpRequest& req, std::vector<Source>& sources) {
  Entries result;
  std::vector<size_t> order(sources.size());
  std::iota(order.begin(), order.end(), 0);
  if (req.op != SetOp::kDiff) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return sources[a].entries.size() < sources[b].entries.size();
    });
  }
  auto index_of = [](const Source& s) {
    absl::flat_hash_map<std::string_view, double> index;
    index.reserve(s.entries.size());
    for (const auto& [m, score] : s.entries) index.emplace(m, score);
    return index;
  };
  if (req.op == SetOp::kUnion) {
    absl::flat_hash_map<std::string_view, double> acc;
    for (size_t i : order) {
      for (const auto& [m, s] : sources[i].entries) {
        double score = sources[i].weight * s;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = acc.try_emplace(m, score);
        if (!fresh) AggregateInto(&it->second, score, req.agg);
      }
    }
    result.reserve(acc.size());
    for (const auto& [m, s] : acc) result.emplace_back(m, s);
  } else if (req.op == SetOp::kInter) {
    const Source& smallest = sources[order[0]];
    std::vector<absl::flat_hash_map<std::string_view, double>> others;
    if (!smallest.entries.empty()) {
      for (size_t k = 1; k < order.size(); ++k) others.push_back(index_of(sources[order[k]]));
    }
    for (const auto& [m, s] : smallest.entries) {
      double score = smallest.weight * s;
      if (std::isnan(score)) score = 0;
      bool everywhere = true;
      for (size_t k = 0; k < others.size() && everywhere; ++k) {
        auto it = others[k].find(m);
        if (it == others[k].end()) {
          everywhere = false;
        } else {
          AggregateInto(&score, it->second * sources[order[k + 1]].weight, req.agg);
        }
      }
      if (everywhere) result.emplace_back(m, score);
    }
  } else {
    std::vector<absl::flat_hash_map<std::string_view, double>> others;
    if (!sources[0].entries.empty()) {
      for (size_t k = 1; k < sources.size(); ++k) others.push_back(index_of(sources[k]));
    }
    for (const auto& [m, s] : sources[0].entries) {
      bool elsewhere = false;
      for (const auto& other : others) elsewhere = elsewhere || other.contains(m);
      if (!elsewhere) result.emplace_back(m, s);
    }
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
    return engine::ZLess(a.second, a.first, b.second, b.first);
  });
  return result;
}

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

  struct State {
    std::vector<Source> sources;
    std::atomic<bool> wrong_type{false};
    Entries result;  // the *STORE forms compute it on the destination's shard
  };
  auto st = std::make_shared<State>();
  st->sources.resize(req->num_keys);
  mc.AddPhase([&mc, st, req](engine::Shard& shard, engine::Db& db) {
    for (int pos : mc.KeysOn(shard.id())) {
      if (static_cast<size_t>(pos) < req->first_key) continue;  // the destination
      Source& src = st->sources[pos - req->first_key];
      src.weight = req->weights[pos - req->first_key];
      engine::KeyRef ref = db.Find(mc.args()[pos], shard.now_ms());
      if (!ref) continue;
      engine::Object* obj = ref.obj();
      if (obj->type == ObjectType::kZSet) {
        if (!req->option_error.empty()) continue;  // only the type matters now
        auto* zset = static_cast<ZSetObject*>(obj);
        src.entries.reserve(zset->size());
        zset->Visit(0, zset->size(), false,
                    [&](std::string_view m, double s) { src.entries.emplace_back(m, s); });
      } else if (obj->type == ObjectType::kSet) {
        if (!req->option_error.empty()) continue;
        const auto& members = static_cast<engine::SetObject*>(obj)->members();
        src.entries.reserve(members.size());
        for (const std::string& m : members) src.entries.emplace_back(m, 1.0);
      } else {
        st->wrong_type = true;
      }
    }
  });
  if (store) {
    std::string dst(args[1]);
    mc.AddPhase([st, req, dst](engine::Shard& shard, engine::Db& db) {
      if (st->wrong_type || !req->option_error.empty()) return;
      if (shard.shard_set().ShardOf(dst) != shard.id()) return;
      st->result = Compute(*req, st->sources);
      if (st->result.empty()) {
        db.Erase(dst);
        return;
      }
      size_t longest = 0;
      for (const auto& entry : st->result) longest = std::max(longest, entry.first.size());
      const engine::EncodingLimits& limits = shard.shard_set().limits();
      ZSetObject* zset = ZSetObject::CreateSized(st->result.size(), longest, limits);
      for (const auto& [m, s] : st->result) zset->Add(m, s, 0, limits);
      db.Set(dst, zset, 0, false, shard.now_ms());
    });
  }
  mc.SetReply([st, req](resp::ReplyWriter& out) {
    if (st->wrong_type) return out.Error(errors::kWrongType);
    if (!req->option_error.empty()) return out.Error(req->option_error);
    if (store) return out.Integer(static_cast<int64_t>(st->result.size()));
    Entries result = Compute(*req, st->sources);
    ZArrayHeader(out, result.size(), req->withscores);
    for (const auto& [m, s] : result) ZArrayItem(out, m, s, req->withscores);
  });
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first
// non-empty key. Phase one finds which keys exist (and their types), phase
// two pops on the shard of the first one.
void ZMPop(MultiCommand& mc) {
  Args args = mc.args();
  int64_t num_keys;
  if (!engine::ParseInt64(args[1], &num_keys) || num_keys < 1) {
    return ReplyError(mc, "ERR numkeys should be greater than 0");
  }
  if (static_cast<uint64_t>(num_keys) > args.size() - 3) {
    return ReplyError(mc, std::string(errors::kSyntax));
  }
  size_t where = 2 + static_cast<size_t>(num_keys);
  ZPopEnd end;
  if (EqualsIgnoreCase(args[where], "min")) {
    end = ZPopEnd::kMin;
  } else if (EqualsIgnoreCase(args[where], "max")) {
    end = ZPopEnd::kMax;
  } else {
    return ReplyError(mc, std::string(errors::kSyntax));
  }
  int64_t count = -1;
  for (size_t j = where + 1; j < args.size(); ++j) {
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && j + 1 < args.size()) {
      if (!engine::ParseInt64(args[++j], &count) || count < 1) {
        return ReplyError(mc, "ERR count should be greater than 0");
      }
    } else {
      return ReplyError(mc, std::string(errors::kSyntax));
    }
  }
  if (count == -1) count = 1;

  enum Found : uint8_t { kMissing, kZSet, kOtherType };
  struct State {
    std::vector<Found> found;  // per key, written by the key's shard
    std::string key;
    ZPopped popped;
  };
  auto st = std::make_shared<State>();
  st->found.assign(static_cast<size_t>(num_keys), kMissing);
  mc.AddPhase([&mc, st](engine::Shard& shard, engine::Db& db) {
    for (int pos : mc.KeysOn(shard.id())) {
      engine::KeyRef ref = db.Find(mc.args()[pos], shard.now_ms());
      if (ref) st->found[pos - 2] = ref.obj()->type == ObjectType::kZSet ? kZSet : kOtherType;
    }
  });
  mc.AddPhase([&mc, st, end, count](engine::Shard& shard, engine::Db& db) {
    // Every shard agrees on the first existing key; only its owner pops.
    auto first =
        std::find_if(st->found.begin(), st->found.end(), [](Found f) { return f != kMissing; });
    if (first == st->found.end() || *first != kZSet) return;
    std::string_view key = mc.args()[2 + (first - st->found.begin())];
    if (shard.shard_set().ShardOf(key) != shard.id()) return;
    engine::KeyRef ref = db.Find(key, shard.now_ms());
    auto* zset = static_cast<ZSetObject*>(ref.obj());
    st->key = std::string(key);
    size_t n = static_cast<size_t>(count);
    st->popped = end == ZPopEnd::kMin ? zset->PopMin(n) : zset->PopMax(n);
    if (zset->size() == 0) db.Erase(key);
  });
  mc.SetReply([st](resp::ReplyWriter& out) {
    auto first =
        std::find_if(st->found.begin(), st->found.end(), [](Found f) { return f != kMissing; });
    if (first == st->found.end()) return out.NullArray();
    if (*first != kZSet) return out.Error(errors::kWrongType);
    WriteZPopReply(out, ZPopShape::kKeyNested, st->key, st->popped);
  });
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
  t.Add(CountedKeys(MultiKeyCommand("zmpop", -4, kWrite, 0, 0, 0, ZMPop, w), false));
}

}  // namespace server
