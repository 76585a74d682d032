// Sorted-set commands that pop from the first non-empty of several keys:
// ZMPOP, and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (which wait through
// blocking.h when every key is empty). The keys may live on different
// shards: phases of a MultiCommand, atomic across them.
#include <memory>
#include <string>
#include <vector>

#include "engine/shard_set.h"
#include "engine/zset_object.h"
#include "server/blocking.h"
#include "server/command_table.h"
#include "server/multi_command.h"
#include "server/text.h"
#include "server/zset_pop.h"

namespace server {

namespace {

using engine::ObjectType;
using engine::ZSetObject;

void ReplyError(MultiCommand& mc, std::string error) {
  mc.SetReply([error = std::move(error)](resp::ReplyWriter& out) { out.Error(error); });
}

// Phase one notes which of `keys` (argument positions) exist and their
// types; phase two pops on the shard of the first existing one. With none,
// a blocking command waits on all of them; otherwise the reply is nil.
void BuildPopFirst(MultiCommand& mc, std::vector<int> keys, ZPopEnd end, size_t count,
                   ZPopShape shape) {
  enum Found : uint8_t { kMissing, kZSet, kOtherType };
  struct State {
    std::vector<Found> found;  // per key, written by the key's shard
    std::string key;
    ZPopped popped;
  };
  auto st = std::make_shared<State>();
  st->found.assign(keys.size(), kMissing);
  auto first = [st]() -> int {
    for (size_t i = 0; i < st->found.size(); ++i) {
      if (st->found[i] != kMissing) return static_cast<int>(i);
    }
    return -1;
  };
  mc.AddPhase([&mc, st, keys](engine::Shard& shard, engine::Db& db) {
    for (size_t i = 0; i < keys.size(); ++i) {
      std::string_view key = mc.args()[keys[i]];
      if (shard.shard_set().ShardOf(key) != shard.id()) continue;
      engine::KeyRef ref = db.Find(key, shard.now_ms());
      if (ref) st->found[i] = ref.obj()->type == ObjectType::kZSet ? kZSet : kOtherType;
    }
  });
  mc.AddPhase([&mc, st, keys, first, end, count](engine::Shard& shard, engine::Db& db) {
    // Every shard agrees on the first existing key; only its owner pops.
    int chosen = first();
    if (chosen < 0) {
      if (mc.may_block()) mc.WaitOn(shard, keys);
      return;
    }
    std::string_view key = mc.args()[keys[chosen]];
    if (st->found[chosen] != kZSet || shard.shard_set().ShardOf(key) != shard.id()) return;
    auto* zset = static_cast<ZSetObject*>(db.Find(key, shard.now_ms()).obj());
    st->key = std::string(key);
    st->popped = end == ZPopEnd::kMin ? zset->PopMin(count) : zset->PopMax(count);
    if (zset->size() == 0) db.Erase(key);
  });
  mc.SetReply([st, first, shape](resp::ReplyWriter& out) {
    int chosen = first();
    if (chosen < 0) return out.NullArray();
    if (st->found[chosen] != kZSet) return out.Error(errors::kWrongType);
    WriteZPopReply(out, shape, st->key, st->popped);
  });
}

// [B]ZMPOP [timeout] numkeys key [key ...] MIN|MAX [COUNT count], the count
// of keys at `numkeys_index`.
void BuildMPop(MultiCommand& mc, size_t numkeys_index) {
  Args args = mc.args();
  int64_t num_keys;
  if (!engine::ParseInt64(args[numkeys_index], &num_keys) || num_keys < 1) {
    return ReplyError(mc, "ERR numkeys should be greater than 0");
  }
  if (static_cast<uint64_t>(num_keys) > args.size() - numkeys_index - 2) {
    return ReplyError(mc, std::string(errors::kSyntax));
  }
  size_t where = numkeys_index + 1 + static_cast<size_t>(num_keys);
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
  std::vector<int> keys;
  for (int64_t i = 1; i <= num_keys; ++i) keys.push_back(static_cast<int>(numkeys_index + i));
  BuildPopFirst(mc, std::move(keys), end, count == -1 ? 1 : static_cast<size_t>(count),
                ZPopShape::kKeyNested);
}

void ZMPop(MultiCommand& mc) { BuildMPop(mc, 1); }

void BZMPop(MultiCommand& mc) {
  int64_t timeout_ms;
  std::string error;
  if (!ParseBlockTimeout(mc.args()[1], &timeout_ms, &error)) return ReplyError(mc, error);
  mc.SetBlockTimeout(timeout_ms, ObjectType::kZSet);
  BuildMPop(mc, 2);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout: key, member, score.
template <ZPopEnd end>
void BZPop(MultiCommand& mc) {
  Args args = mc.args();
  int64_t timeout_ms;
  std::string error;
  if (!ParseBlockTimeout(args.back(), &timeout_ms, &error)) return ReplyError(mc, error);
  mc.SetBlockTimeout(timeout_ms, ObjectType::kZSet);
  std::vector<int> keys;
  for (size_t i = 1; i + 1 < args.size(); ++i) keys.push_back(static_cast<int>(i));
  BuildPopFirst(mc, std::move(keys), end, 1, ZPopShape::kKeyFlat);
}

}  // namespace

void RegisterZSetPopCommands(CommandTable& t) {
  const std::vector<std::string> w = {"@write", "@sortedset", "@slow"};
  const std::vector<std::string> bw = {"@write", "@sortedset", "@slow", "@blocking"};
  constexpr uint32_t kBlockingWrite = kWrite | kNoScript | kBlocking;
  CommandSpec zmpop = MultiKeyCommand("zmpop", -4, kWrite, 0, 0, 0, ZMPop, w);
  zmpop.find_keys = KeysAfterCount<1, false>;
  t.Add(std::move(zmpop));
  CommandSpec bzmpop = MultiKeyCommand("bzmpop", -5, kBlockingWrite, 0, 0, 0, BZMPop, bw);
  bzmpop.find_keys = KeysAfterCount<2, false>;
  t.Add(std::move(bzmpop));
  t.Add(
      MultiKeyCommand("bzpopmin", -3, kBlockingWrite | kFast, 1, -2, 1, BZPop<ZPopEnd::kMin>, bw));
  t.Add(
      MultiKeyCommand("bzpopmax", -3, kBlockingWrite | kFast, 1, -2, 1, BZPop<ZPopEnd::kMax>, bw));
}

}  // namespace server
