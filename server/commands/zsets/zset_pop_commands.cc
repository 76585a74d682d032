// Sorted-set commands that pop from the first non-empty of several keys:
// ZMPOP, and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (which wait through
// blocking.h when every key is empty). The keys may live on different
// shards: phases of a MultiCommand, atomic across them.
#include <memory>
#include <string>
#include <vector>

#include "engine/shard_set.h"
#include "engine/zset_object.h"
#include "server/command/command_table.h"
#include "server/command/first_existing_key.h"
#include "server/command/multi_command.h"
#include "server/command/pop_args.h"
#include "server/command/text.h"
#include "server/commands/zsets/zset_commands.h"
#include "server/commands/zsets/zset_pop.h"

namespace server {

namespace {

using engine::ObjectType;
using engine::ZSetObject;

// Phase one notes which of `keys` (argument positions) exist and their
// types; phase two pops on the shard of the first existing one. With none,
// a blocking command waits on all of them; otherwise the reply is nil.
void BuildPopFirst(MultiCommand& mc, std::vector<int> keys, ZPopEnd end, size_t count,
                   ZPopShape shape) {
  struct State {
    explicit State(std::vector<int> keys) : first(std::move(keys), ObjectType::kZSet) {}
    FirstExistingKey first;
    std::string key;
    ZPopped popped;
  };
  auto st = std::make_shared<State>(std::move(keys));
  mc.AddPhase([&mc, st](engine::Shard& shard, engine::Db& db) { st->first.Note(mc, shard, db); });
  mc.AddPhase([&mc, st, end, count](engine::Shard& shard, engine::Db& db) {
    // Every shard agrees on the first existing key; only its owner pops.
    if (st->first.Chosen() < 0) {
      if (mc.may_block()) mc.WaitOn(shard, st->first.keys());
      return;
    }
    std::string_view key = st->first.KeyToPopOn(mc, shard);
    if (key.empty()) return;
    auto* zset = static_cast<ZSetObject*>(db.Find(key, shard.now_ms()).obj());
    st->key = std::string(key);
    st->popped = end == ZPopEnd::kMin ? zset->PopMin(count) : zset->PopMax(count);
    NoteZPopped(db, st->key, zset, end);
  });
  mc.SetReply([st, shape](resp::ReplyWriter& out) {
    if (st->first.Chosen() < 0) return out.NullArray();
    if (!st->first.ChosenHasType()) return out.Error(errors::kWrongType);
    WriteZPopReply(out, shape, st->key, st->popped);
  });
}

// [B]ZMPOP [timeout] numkeys key [key ...] MIN|MAX [COUNT count]. As in
// Redis, BZMPOP's timeout is read after everything else.
void BuildMPop(MultiCommand& mc, size_t numkeys_index, bool blocking) {
  MPopArgs a;
  if (!ParseMPopArgs(mc, numkeys_index, "min", "max", &a)) return;
  if (blocking && !DeclareBlocking(mc, mc.args()[1], ObjectType::kZSet)) return;
  BuildPopFirst(mc, std::move(a.keys), a.first_word ? ZPopEnd::kMin : ZPopEnd::kMax, a.count,
                ZPopShape::kKeyNested);
}

void ZMPop(MultiCommand& mc) { BuildMPop(mc, 1, /*blocking=*/false); }

void BZMPop(MultiCommand& mc) { BuildMPop(mc, 2, /*blocking=*/true); }

// BZPOPMIN / BZPOPMAX key [key ...] timeout: key, member, score.
template <ZPopEnd end>
void BZPop(MultiCommand& mc) {
  if (!DeclareBlocking(mc, mc.args().back(), ObjectType::kZSet)) return;
  BuildPopFirst(mc, KeysBeforeTimeout(mc.args()), end, 1, ZPopShape::kKeyFlat);
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
