// Commands that move or copy a value between keys or databases: RENAME,
// RENAMENX, COPY, MOVE, SWAPDB.
#include <atomic>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "server/command/command_table.h"
#include "server/command/int_argument.h"
#include "server/command/lookup.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"
#include "server/commands/keyspace/keyspace_commands.h"

namespace server {

namespace {

using engine::kEventGeneric;
using engine::KeyRef;
using engine::Shard;

bool OnShard(const Shard& shard, std::string_view key) {
  return shard.shard_set().ShardOf(key) == shard.id();
}

// RENAME/RENAMENX: phase one checks both keys on their shards, phase two
// detaches the source, phase three stores it under the new name. As in
// Redis, the destination is looked up (and so lazily expired) only when the
// source exists; its shard raises the events, in Redis's order ("new",
// rename_from, rename_to: one db index names both keys' db).
template <bool nx>
void Rename(MultiCommand& mc) {
  struct State {
    std::atomic<bool> src_exists{false};
    std::atomic<bool> dst_exists{false};
    engine::Object* moved = nullptr;
    int64_t expire_ms = 0;
  };
  auto st = std::make_shared<State>();
  std::string src(mc.args()[1]), dst(mc.args()[2]);
  bool same = src == dst;
  mc.AddPhase([st, src, dst](Shard& shard, engine::Db& db) {
    if (OnShard(shard, src) && db.Find(src, shard.now_ms())) st->src_exists = true;
    if (OnShard(shard, dst) && db.Contains(dst) && !db.ContainsExpired(dst, shard.now_ms())) {
      st->dst_exists = true;
    }
  });
  mc.AddPhase([st, src, same](Shard& shard, engine::Db& db) {
    if (same || !st->src_exists || (nx && st->dst_exists) || !OnShard(shard, src)) return;
    st->moved = db.Detach(db.Find(src, shard.now_ms()), &st->expire_ms);
  });
  mc.AddPhase([st, src, dst](Shard& shard, engine::Db& db) {
    if (st->moved == nullptr || !OnShard(shard, dst)) return;
    if (db.Find(dst, shard.now_ms())) db.Erase(dst);
    KeyRef ref = db.Insert(dst, st->moved);
    if (st->expire_ms != 0) db.SetExpire(ref, st->expire_ms);
    db.Notify(kEventGeneric, "rename_from", src);
    db.Notify(kEventGeneric, "rename_to", dst);
  });
  mc.SetReply([st, same](resp::ReplyWriter& out) {
    if (!st->src_exists) return out.Error(errors::kNoSuchKey);
    if (nx) return out.Integer(same || st->dst_exists ? 0 : 1);
    out.Ok();
  });
}

// COPY source destination [DB destination-db] [REPLACE].
void Copy(MultiCommand& mc) {
  Args args = mc.args();
  int dst_db = mc.db_index();
  bool replace = false;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[i], "DB") && i + 1 < args.size()) {
      int64_t db;
      std::string error;
      if (!ParseDbIndexArgument(args[++i], &db, &error)) {
        return mc.SetReply([error](resp::ReplyWriter& out) { out.Error(error); });
      }
      if (db < 0 || db >= mc.num_dbs()) {
        return mc.SetReply([](resp::ReplyWriter& out) { out.Error(errors::kDbIndex); });
      }
      dst_db = static_cast<int>(db);
    } else {
      return mc.SetReply([](resp::ReplyWriter& out) { out.Error(errors::kSyntax); });
    }
  }
  std::string src(args[1]), dst(args[2]);
  if (src == dst && dst_db == mc.db_index()) {
    return mc.SetReply([](resp::ReplyWriter& out) {
      out.Error("ERR source and destination objects are the same");
    });
  }
  struct State {
    engine::Object* copy = nullptr;
    int64_t expire_ms = 0;
    bool done = false;
  };
  auto st = std::make_shared<State>();
  mc.AddPhase([st, src](Shard& shard, engine::Db& db) {
    if (!OnShard(shard, src)) return;
    KeyRef ref = db.Find(src, shard.now_ms());
    if (!ref) return NoteReadMiss(db, src);  // Redis reads the source
    st->copy = engine::CloneObject(ref.obj());
    st->expire_ms = ref.entry->expire_ms.load();
  });
  mc.AddPhase([st, dst, dst_db, replace](Shard& shard, engine::Db&) {
    // The destination's shard alone touches the state in this phase (it may
    // reset it); the others run the phase at the same time and must not
    // even read it.
    if (!OnShard(shard, dst) || st->copy == nullptr) return;
    engine::Db& target = shard.db(dst_db);
    if (target.Find(dst, shard.now_ms())) {
      if (!replace) {
        engine::DestroyObject(st->copy);  // never published
        st->copy = nullptr;
        return;
      }
      target.Erase(dst);
    }
    KeyRef ref = target.Insert(dst, st->copy);
    if (st->expire_ms != 0) target.SetExpire(ref, st->expire_ms);
    // WATCH: the generic notice covers the command's own db only.
    target.NoteChanged(dst);
    target.Notify(kEventGeneric, "copy_to", dst);
    st->done = true;
  });
  mc.SetReply([st](resp::ReplyWriter& out) { out.Integer(st->done ? 1 : 0); });
}

// MOVE key db: the key keeps its shard, so this is a single-shard command.
void Move(Args args, ShardContext& ctx) {
  int64_t db;
  std::string error;
  if (!ParseDbIndexArgument(args[2], &db, &error)) return ctx.out.Error(error);
  if (db < 0 || db >= ctx.shard.num_dbs()) return ctx.out.Error(errors::kDbIndex);
  if (db == ctx.db_index) return ctx.out.Error("ERR source and destination objects are the same");
  KeyRef ref = ctx.db.Find(args[1], ctx.now_ms);
  if (!ref) return ctx.out.Integer(0);
  engine::Db& target = ctx.shard.db(static_cast<int>(db));
  if (target.Find(args[1], ctx.now_ms)) return ctx.out.Integer(0);
  int64_t expire_ms;
  engine::Object* obj = ctx.db.Detach(ref, &expire_ms);
  KeyRef moved = target.Insert(args[1], obj);
  if (expire_ms != 0) target.SetExpire(moved, expire_ms);
  target.NoteChanged(args[1]);  // WATCH in the destination db
  ctx.db.Notify(kEventGeneric, "move_from", args[1]);
  target.Notify(kEventGeneric, "move_to", args[1]);
  ctx.out.Integer(1);
}

void SwapDb(MultiCommand& mc) {
  int64_t a, b;
  std::string error;
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (!ParseIntInRange(mc.args()[1], kMin, kMax, &a, &error, "ERR invalid first DB index") ||
      !ParseIntInRange(mc.args()[2], kMin, kMax, &b, &error, "ERR invalid second DB index")) {
    return mc.SetReply([error](resp::ReplyWriter& out) { out.Error(error); });
  }
  if (a < 0 || a >= mc.num_dbs() || b < 0 || b >= mc.num_dbs()) {
    return mc.SetReply([](resp::ReplyWriter& out) { out.Error(errors::kDbIndex); });
  }
  mc.AddPhase([a, b](Shard& shard, engine::Db&) {
    if (a != b) shard.SwapDbs(static_cast<int>(a), static_cast<int>(b));
  });
  mc.SetReply([](resp::ReplyWriter& out) { out.Ok(); });
}

}  // namespace

void RegisterKeyMoveCommands(CommandTable& t) {
  t.Add(MultiKeyCommand("rename", 3, kWrite, 1, 2, 1, Rename<false>, {"@keyspace"}));
  t.Add(MultiKeyCommand("renamenx", 3, kWrite | kFast, 1, 2, 1, Rename<true>, {"@keyspace"}));
  t.Add(MultiKeyCommand("copy", -3, kWrite | kDenyOom, 1, 2, 1, Copy, {"@keyspace"}));
  t.Add(MultiKeyCommand("swapdb", 3, kWrite | kFast | kAllShards, 0, 0, 1, SwapDb, {"@keyspace"}));
  t.Add(KeyCommand("move", 3, kWrite | kFast, Move, {"@keyspace"}));
}

}  // namespace server
