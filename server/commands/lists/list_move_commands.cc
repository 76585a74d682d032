// List commands that take elements off one key and hand them to another key
// or wait for them: LMOVE, RPOPLPUSH, LMPOP and the blocking BLPOP, BRPOP,
// BLMOVE, BRPOPLPUSH, BLMPOP. Their keys may live on different shards, so
// each is phases of a MultiCommand (atomic across shards); the blocking forms
// wait through blocking.h when there is nothing to take.
#include <memory>
#include <string>
#include <vector>

#include "engine/list_object.h"
#include "server/command/command_table.h"
#include "server/command/first_existing_key.h"
#include "server/command/multi_command.h"
#include "server/command/pop_args.h"
#include "server/command/text.h"
#include "server/commands/lists/list_access.h"
#include "server/commands/lists/list_commands.h"

namespace server {

namespace {

using engine::kEventList;
using engine::ListObject;
using engine::ObjectType;
using engine::Shard;

enum KeyStatus : uint8_t { kMissing, kList, kOtherType };

KeyStatus StatusOf(Shard& shard, engine::Db& db, std::string_view key) {
  engine::KeyRef ref = db.Find(key, shard.now_ms());
  if (!ref) return kMissing;
  return ref.obj()->type == ObjectType::kList ? kList : kOtherType;
}

// StatusOf without expiring the key (a key whose TTL passed reads as
// missing and stays for a later lookup to delete).
KeyStatus PeekStatusOf(Shard& shard, const engine::Db& db, std::string_view key) {
  KeyStatus status = kMissing;
  db.ReadShared(
      key, shard.now_ms(),
      [&](const engine::Object* o, int64_t) {
        status = o->type == ObjectType::kList ? kList : kOtherType;
      },
      /*touch=*/false);
  return status;
}

bool OnShard(const Shard& shard, std::string_view key) {
  return shard.shard_set().ShardOf(key) == shard.id();
}

void ReplyError(MultiCommand& mc, std::string error) {
  mc.SetReply([error = std::move(error)](resp::ReplyWriter& out) { out.Error(error); });
}

// LEFT / RIGHT.
bool ParseSide(std::string_view arg, bool* left) {
  if (EqualsIgnoreCase(arg, "left")) {
    *left = true;
  } else if (EqualsIgnoreCase(arg, "right")) {
    *left = false;
  } else {
    return false;
  }
  return true;
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT, and the blocking forms.
// Phase 1 checks both keys, phase 2 pops on the source's shard, phase 3
// pushes on the destination's shard and only then deletes an emptied source
// (so LMOVE k k on a one-element list keeps the key and its TTL). Events in
// Redis's order: the push's, then the pop's (and "del" of the source). The
// destination is only peeked at first: Redis looks it up (and so expires
// it) only once the source turned out to be a list.
void BuildMove(MultiCommand& mc, bool from_left, bool to_left) {
  struct State {
    KeyStatus src = kMissing;
    KeyStatus dst = kMissing;
    bool moved = false;
    std::string element;
  };
  auto st = std::make_shared<State>();
  std::string src(mc.args()[1]), dst(mc.args()[2]);
  mc.AddPhase([st, src, dst](Shard& shard, engine::Db& db) {
    if (OnShard(shard, src)) st->src = StatusOf(shard, db, src);
    if (OnShard(shard, dst)) st->dst = PeekStatusOf(shard, db, dst);
  });
  mc.AddPhase([st, &mc, src, from_left](Shard& shard, engine::Db& db) {
    if (!OnShard(shard, src)) return;
    if (st->src == kMissing && mc.may_block()) return mc.WaitOn(shard, {1});
    if (st->src != kList || st->dst == kOtherType) return;
    auto* list = static_cast<ListObject*>(db.Find(src, shard.now_ms()).obj());
    st->element = from_left ? list->PopFront() : list->PopBack();
    st->moved = true;
  });
  mc.AddPhase([st, src, dst, from_left, to_left](Shard& shard, engine::Db& db) {
    if (!st->moved) return;
    if (OnShard(shard, dst)) {
      engine::KeyEventLog::SortAt(1);
      engine::KeyRef ref = db.Find(dst, shard.now_ms());
      auto* list = ref ? static_cast<ListObject*>(ref.obj()) : new ListObject();
      if (to_left) {
        list->PushFront(st->element, ListFill(shard));
      } else {
        list->PushBack(st->element, ListFill(shard));
      }
      if (!ref) db.Insert(dst, list);
      db.Notify(kEventList, to_left ? "lpush" : "rpush", dst);
    }
    if (OnShard(shard, src)) {
      engine::KeyEventLog::SortAt(2);
      engine::KeyRef ref = db.Find(src, shard.now_ms());
      if (ref) NotePopped(db, src, static_cast<ListObject*>(ref.obj()), from_left);
    }
  });
  mc.SetReply([st](resp::ReplyWriter& out) {
    if (st->src == kOtherType) return out.Error(errors::kWrongType);
    if (st->src == kMissing) return out.Null();
    if (st->dst == kOtherType) return out.Error(errors::kWrongType);
    out.Bulk(st->element);
  });
}

// The first of `keys` (argument positions) that holds anything decides:
// a list gives up to `count` elements from one end, another type is
// WRONGTYPE. With none, a blocking command waits on all of them.
// BLPOP/BRPOP reply [key, element]; LMPOP/BLMPOP [key, [elements...]].
void BuildPopFirst(MultiCommand& mc, std::vector<int> keys, bool left, size_t count,
                   bool nested_reply) {
  struct State {
    explicit State(std::vector<int> keys) : first(std::move(keys), ObjectType::kList) {}
    FirstExistingKey first;
    std::string key;
    std::vector<std::string> popped;
  };
  auto st = std::make_shared<State>(std::move(keys));
  mc.AddPhase([st, &mc](Shard& shard, engine::Db& db) { st->first.Note(mc, shard, db); });
  mc.AddPhase([st, &mc, left, count](Shard& shard, engine::Db& db) {
    if (st->first.Chosen() < 0) {
      if (mc.may_block()) mc.WaitOn(shard, st->first.keys());
      return;
    }
    std::string_view key = st->first.KeyToPopOn(mc, shard);
    if (key.empty()) return;
    auto* list = static_cast<ListObject*>(db.Find(key, shard.now_ms()).obj());
    for (size_t i = 0; i < count && !list->empty(); ++i) {
      st->popped.push_back(left ? list->PopFront() : list->PopBack());
    }
    st->key = std::string(key);
    NotePopped(db, key, list, left);
  });
  mc.SetReply([st, nested_reply](resp::ReplyWriter& out) {
    if (st->first.Chosen() < 0) return out.NullArray();
    if (!st->first.ChosenHasType()) return out.Error(errors::kWrongType);
    out.ArrayHeader(2);
    out.Bulk(st->key);
    if (!nested_reply) return out.Bulk(st->popped.front());
    out.ArrayHeader(st->popped.size());
    for (const std::string& e : st->popped) out.Bulk(e);
  });
}

void LMove(MultiCommand& mc) {
  bool from_left, to_left;
  if (!ParseSide(mc.args()[3], &from_left) || !ParseSide(mc.args()[4], &to_left)) {
    return ReplyError(mc, std::string(errors::kSyntax));
  }
  BuildMove(mc, from_left, to_left);
}

void RPopLPush(MultiCommand& mc) { BuildMove(mc, false, true); }

void BLMove(MultiCommand& mc) {
  bool from_left, to_left;
  if (!ParseSide(mc.args()[3], &from_left) || !ParseSide(mc.args()[4], &to_left)) {
    return ReplyError(mc, std::string(errors::kSyntax));
  }
  if (!DeclareBlocking(mc, mc.args()[5], ObjectType::kList, /*serve_needs_all_keys=*/true)) return;
  BuildMove(mc, from_left, to_left);
}

void BRPopLPush(MultiCommand& mc) {
  if (!DeclareBlocking(mc, mc.args()[3], ObjectType::kList, /*serve_needs_all_keys=*/true)) return;
  BuildMove(mc, false, true);
}

// BLPOP key [key ...] timeout.
template <bool left>
void BPop(MultiCommand& mc) {
  if (!DeclareBlocking(mc, mc.args().back(), ObjectType::kList)) return;
  BuildPopFirst(mc, KeysBeforeTimeout(mc.args()), left, 1, false);
}

// [B]LMPOP [timeout] numkeys key [key ...] LEFT|RIGHT [COUNT count]. As in
// Redis, BLMPOP's timeout is read after everything else.
void BuildMPop(MultiCommand& mc, size_t numkeys_index, bool blocking) {
  MPopArgs a;
  if (!ParseMPopArgs(mc, numkeys_index, "left", "right", &a)) return;
  if (blocking && !DeclareBlocking(mc, mc.args()[1], ObjectType::kList)) return;
  BuildPopFirst(mc, std::move(a.keys), a.first_word, a.count, true);
}

void LMPop(MultiCommand& mc) { BuildMPop(mc, 1, /*blocking=*/false); }

void BLMPop(MultiCommand& mc) { BuildMPop(mc, 2, /*blocking=*/true); }

}  // namespace

void RegisterListMoveCommands(CommandTable& t) {
  constexpr uint32_t kBlockingWrite = kWrite | kNoScript | kBlocking;
  t.Add(MultiKeyCommand("lmove", 5, kWrite | kDenyOom, 1, 2, 1, LMove, {"@list"}));
  t.Add(MultiKeyCommand("rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, RPopLPush, {"@list"}));
  CommandSpec lmpop = MultiKeyCommand("lmpop", -4, kWrite, 1, 1, 1, LMPop, {"@list"});
  lmpop.find_keys = KeysAfterCount<1, false>;
  t.Add(std::move(lmpop));
  t.Add(MultiKeyCommand("blpop", -3, kBlockingWrite, 1, -2, 1, BPop<true>, {"@list"}));
  t.Add(MultiKeyCommand("brpop", -3, kBlockingWrite, 1, -2, 1, BPop<false>, {"@list"}));
  t.Add(MultiKeyCommand("blmove", 6, kBlockingWrite | kDenyOom, 1, 2, 1, BLMove, {"@list"}));
  t.Add(
      MultiKeyCommand("brpoplpush", 4, kBlockingWrite | kDenyOom, 1, 2, 1, BRPopLPush, {"@list"}));
  CommandSpec blmpop = MultiKeyCommand("blmpop", -5, kBlockingWrite, 2, 2, 1, BLMPop, {"@list"});
  blmpop.find_keys = KeysAfterCount<2, false>;
  t.Add(std::move(blmpop));
}

}  // namespace server
