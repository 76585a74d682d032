// Keyspace commands (Redis's db.c and expire.c): DEL, EXISTS, TYPE, TTLs,
// KEYS, SCAN, DBSIZE, FLUSHDB/FLUSHALL, RENAME, OBJECT.
#include "server/commands/keyspace/keyspace_commands.h"

#include <atomic>
#include <memory>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/expiry_pause.h"
#include "server/command/command_table.h"
#include "server/command/glob.h"
#include "server/command/help_reply.h"
#include "server/command/lookup.h"
#include "server/command/multi_command.h"
#include "server/command/random_pick.h"
#include "server/command/scan_options.h"
#include "server/command/text.h"

namespace server {

namespace {

using engine::kEventGeneric;
using engine::KeyRef;
using engine::Shard;

enum class CountMode { kDelete, kExists, kTouch };

// DEL/UNLINK/EXISTS/TOUCH: each shard counts its own keys. Only TOUCH counts
// as an access (EXISTS looks without touching, as in Redis). EXISTS and
// TOUCH are reads: a missing key is a "keymiss".
void CountKeys(MultiCommand& mc, CountMode mode) {
  auto count = std::make_shared<std::atomic<int64_t>>(0);
  mc.AddPhase([&mc, count, mode](Shard& shard, engine::Db& db) {
    int64_t n = 0;
    for (int pos : mc.KeysOn(shard.id())) {
      std::string_view key = mc.args()[pos];
      engine::KeyEventLog::SortAt(pos);
      KeyRef ref =
          mode == CountMode::kTouch ? db.Find(key, shard.now_ms()) : db.Peek(key, shard.now_ms());
      if (!ref) {
        if (mode != CountMode::kDelete) NoteReadMiss(db, key);
        continue;
      }
      if (mode != CountMode::kDelete) {
        ++n;  // EXISTS counts repeated keys repeatedly, as Redis does
      } else if (db.Erase(key)) {
        db.Notify(kEventGeneric, "del", key);
        ++n;
      }
    }
    count->fetch_add(n);
  });
  mc.SetReply([count](resp::ReplyWriter& out) { out.Integer(count->load()); });
}

void Del(MultiCommand& mc) { CountKeys(mc, CountMode::kDelete); }
void Exists(MultiCommand& mc) { CountKeys(mc, CountMode::kExists); }
void TouchKeys(MultiCommand& mc) { CountKeys(mc, CountMode::kTouch); }

// The fast paths leave a key whose TTL passed to its owner (return false):
// deleting it there raises "expired" before the miss, as in Redis.
bool FastExists(Args args, const engine::Db& db, int64_t now, resp::ReplyWriter& out, bool* hit) {
  if (args.size() != 2) return false;
  bool expired = false;
  *hit = db.ReadShared(
      args[1], now, [](const engine::Object*, int64_t) {}, /*touch=*/false, &expired);
  if (expired) return false;
  if (!*hit) NoteReadMiss(db, args[1]);
  out.Integer(*hit ? 1 : 0);
  return true;
}

void Type(Args args, ShardContext& ctx) {
  KeyRef ref = LookupRead(ctx, args[1], /*touch=*/false);
  ctx.out.SimpleString(ref ? engine::TypeName(ref.obj()->type) : "none");
}

bool FastType(Args args, const engine::Db& db, int64_t now, resp::ReplyWriter& out, bool* hit) {
  bool expired = false;
  bool found = db.ReadShared(
      args[1], now,
      [&](const engine::Object* o, int64_t) { out.SimpleString(engine::TypeName(o->type)); },
      /*touch=*/false, &expired);
  if (expired) return false;
  if (!found) {
    NoteReadMiss(db, args[1]);
    out.SimpleString("none");
  }
  *hit = found;
  return true;
}

enum class TtlKind { kTtl, kPttl, kExpireTime, kPexpireTime };

void WriteTtl(resp::ReplyWriter& out, bool found, int64_t expire_ms, int64_t now, TtlKind kind) {
  if (!found) return out.Integer(-2);
  if (expire_ms == 0) return out.Integer(-1);
  int64_t left = std::max<int64_t>(expire_ms - now, 0);
  switch (kind) {
    case TtlKind::kTtl:
      return out.Integer((left + 500) / 1000);
    case TtlKind::kPttl:
      return out.Integer(left);
    case TtlKind::kExpireTime:
      return out.Integer(expire_ms / 1000);
    case TtlKind::kPexpireTime:
      return out.Integer(expire_ms);
  }
}

template <TtlKind kind>
void Ttl(Args args, ShardContext& ctx) {
  KeyRef ref = LookupRead(ctx, args[1], /*touch=*/false);
  WriteTtl(ctx.out, static_cast<bool>(ref), ref ? ref.entry->expire_ms.load() : 0, ctx.now_ms,
           kind);
}

template <TtlKind kind>
bool FastTtl(Args args, const engine::Db& db, int64_t now, resp::ReplyWriter& out, bool* hit) {
  int64_t expire = 0;
  bool expired = false;
  bool found = db.ReadShared(
      args[1], now, [&](const engine::Object*, int64_t e) { expire = e; }, /*touch=*/false,
      &expired);
  if (expired) return false;
  if (!found) NoteReadMiss(db, args[1]);
  WriteTtl(out, found, expire, now, kind);
  *hit = found;
  return true;
}

void Persist(Args args, ShardContext& ctx) {
  KeyRef ref = ctx.db.Find(args[1], ctx.now_ms);
  if (!ref || ref.entry->expire_ms.load() == 0) return ctx.out.Integer(0);
  ctx.db.SetExpire(ref, 0);
  ctx.db.Notify(kEventGeneric, "persist", args[1]);
  ctx.out.Integer(1);
}

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT].
template <bool seconds, bool relative>
void Expire(Args args, ShardContext& ctx) {
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (EqualsIgnoreCase(a, "NX")) {
      nx = true;
    } else if (EqualsIgnoreCase(a, "XX")) {
      xx = true;
    } else if (EqualsIgnoreCase(a, "GT")) {
      gt = true;
    } else if (EqualsIgnoreCase(a, "LT")) {
      lt = true;
    } else {
      return ctx.out.Error(absl::StrCat("ERR Unsupported option ", AV(a)));
    }
  }
  if (nx && (xx || gt || lt)) {
    return ctx.out.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) return ctx.out.Error("ERR GT and LT options at the same time are not compatible");
  int64_t when;
  if (!engine::ParseInt64(args[2], &when)) return ctx.out.Error(errors::kNotInteger);
  std::string name = Lower(args[0]);
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      return ctx.out.Error(errors::InvalidExpire(name));
    }
    when *= 1000;
  }
  if (relative) {
    if ((when > 0 && ctx.now_ms > INT64_MAX - when) ||
        (when < 0 && ctx.now_ms < INT64_MIN - when)) {
      return ctx.out.Error(errors::InvalidExpire(name));
    }
    when += ctx.now_ms;
  }
  KeyRef ref = ctx.db.Find(args[1], ctx.now_ms);
  if (!ref) return ctx.out.Integer(0);
  int64_t current = ref.entry->expire_ms.load();
  if ((nx && current != 0) || (xx && current == 0) || (gt && (current == 0 || when <= current)) ||
      (lt && current != 0 && when >= current)) {
    return ctx.out.Integer(0);
  }
  // A time already past deletes the key, as Redis does (not while a file
  // is replayed: later commands there saw the key).
  if (when <= ctx.now_ms && !engine::ExpiryPause::active()) {
    ctx.db.Erase(args[1]);
    ctx.db.Notify(kEventGeneric, "del", args[1]);
    std::string_view del[] = {"DEL", args[1]};
    ctx.LogInstead(del);  // as Redis propagates it: the deadline is gone by replay
  } else {
    ctx.db.SetExpire(ref, when);
    ctx.db.Notify(kEventGeneric, "expire", args[1]);
  }
  ctx.out.Integer(1);
}

void Keys(MultiCommand& mc) {
  auto found = std::make_shared<std::vector<std::vector<std::string>>>(mc.num_shards_total());
  std::string pattern(mc.args()[1]);
  mc.AddPhase([found, pattern](Shard& shard, engine::Db& db) {
    auto& mine = (*found)[shard.id()];
    bool all = pattern == "*";
    db.ForEach(shard.now_ms(), [&](std::string_view key, engine::Entry&) {
      if (all || GlobMatch(pattern, key)) mine.emplace_back(key);
    });
  });
  mc.SetReply([found](resp::ReplyWriter& out) {
    size_t n = 0;
    for (auto& v : *found) n += v.size();
    out.ArrayHeader(n);
    for (auto& v : *found) {
      for (auto& k : v) out.Bulk(k);
    }
  });
}

// SCAN cursor: the low 8 bits name the shard, the rest is the position in
// that shard's split order (Entry::scan_order) with its low 8 bits dropped.
void Scan(MultiCommand& mc) {
  Args args = mc.args();
  uint64_t cursor;
  if (!ParseScanCursor(args[1], &cursor)) {
    mc.SetReply([](resp::ReplyWriter& out) { out.Error(kInvalidCursor); });
    return;
  }
  ScanOptions options;
  std::string_view error;
  if (!ParseScanOptions(args, 2, true, &options, &error)) {
    mc.SetReply([error](resp::ReplyWriter& out) { out.Error(error); });
    return;
  }
  // A cursor we did not hand out (Redis accepts any number) resumes on a
  // shard we have, never an error.
  engine::ShardId shard_id =
      static_cast<engine::ShardId>((cursor & 0xff) % mc.num_shards_total());
  mc.RestrictTo({shard_id});
  struct Result {
    uint64_t next = 0;
    std::vector<std::string> keys;
  };
  auto result = std::make_shared<Result>();
  size_t total_shards = mc.num_shards_total();
  mc.AddPhase([=](Shard& shard, engine::Db& db) {
    uint64_t from = cursor & ~uint64_t{0xff};
    uint64_t next = db.Scan(
        from, static_cast<size_t>(options.count), shard.now_ms(),
        [&](std::string_view key, engine::Entry& e) {
          if (!options.Matches(key)) return;
          if (!options.type.empty() && options.type != engine::TypeName(e.obj.load()->type)) {
            return;
          }
          result->keys.emplace_back(key);
        });
    if (next != 0) {
      result->next = (next & ~uint64_t{0xff}) | shard_id;
      // Never hand back the cursor we started from: that would loop.
      if (result->next == cursor) result->next = ((next | 0xff) + 1) | shard_id;
    } else if (shard_id + 1 < total_shards) {
      result->next = shard_id + 1;
    }
  });
  mc.SetReply([result](resp::ReplyWriter& out) {
    WriteScanReply(out, result->next,
                   std::vector<std::string_view>(result->keys.begin(), result->keys.end()));
  });
}

// RANDOMKEY: every shard offers one random key of its own, and the pick
// among shards is weighted by their key counts. Picking within a shard walks
// its map (O(keys)); see docs/decisions/001-keyspace-map.md.
void RandomKey(MultiCommand& mc) {
  struct Offer {
    uint64_t size = 0;
    std::string key;
  };
  auto offers = std::make_shared<std::vector<Offer>>(mc.num_shards_total());
  auto seed = std::make_shared<uint64_t>(absl::Uniform<uint64_t>(absl::BitGen()));
  mc.AddPhase([offers, seed](Shard& shard, engine::Db& db) {
    Offer& offer = (*offers)[shard.id()];
    if (db.size() == 0) return;
    uint64_t rnd = NextRandom();
    // A few keys from a random point of the map (O(1), as Redis's
    // dictGetFairRandomKey); one of the live ones among them.
    std::vector<std::string_view> live;
    int64_t now = shard.now_ms();
    db.SampleKeys(rnd, 16, [&](engine::Entry& e) {
      int64_t exp = e.expire_ms.load(std::memory_order_relaxed);
      if (exp == 0 || exp > now) live.push_back(e.key());
    });
    if (!live.empty()) {
      offer.key = std::string(live[(rnd >> 32) % live.size()]);
    } else {
      // Every sampled key had expired: walk until a live one.
      db.ForEach(now, [&](std::string_view key, engine::Entry&) {
        if (offer.key.empty()) offer.key = std::string(key);
      });
    }
    offer.size = db.size();
  });
  mc.SetReply([offers, seed](resp::ReplyWriter& out) {
    uint64_t total = 0;
    for (const Offer& o : *offers) total += o.key.empty() ? 0 : o.size;
    if (total == 0) return out.Null();
    uint64_t pick = (*seed >> 7) % total;
    for (const Offer& o : *offers) {
      if (o.key.empty()) continue;
      if (pick < o.size) return out.Bulk(o.key);
      pick -= o.size;
    }
    out.Null();
  });
}

void DbSize(MultiCommand& mc) {
  auto total = std::make_shared<std::atomic<int64_t>>(0);
  mc.AddPhase([total](Shard&, engine::Db& db) { total->fetch_add(db.size()); });
  mc.SetReply([total](resp::ReplyWriter& out) { out.Integer(total->load()); });
}

bool ValidFlushArgs(MultiCommand& mc) {
  Args args = mc.args();
  if (args.size() == 1) return true;
  if (args.size() == 2 &&
      (EqualsIgnoreCase(args[1], "ASYNC") || EqualsIgnoreCase(args[1], "SYNC"))) {
    return true;
  }
  mc.SetReply([](resp::ReplyWriter& out) { out.Error(errors::kSyntax); });
  return false;
}

void FlushDb(MultiCommand& mc) {
  if (!ValidFlushArgs(mc)) return;
  mc.AddPhase([](Shard& shard, engine::Db& db) { db.Flush(shard.now_ms()); });
  mc.SetReply([](resp::ReplyWriter& out) { out.Ok(); });
}

void FlushAll(MultiCommand& mc) {
  if (!ValidFlushArgs(mc)) return;
  mc.AddPhase([](Shard& shard, engine::Db&) {
    for (int i = 0; i < shard.num_dbs(); ++i) shard.db(i).Flush(shard.now_ms());
  });
  mc.SetReply([](resp::ReplyWriter& out) { out.Ok(); });
}

void Object(Args args, ShardContext& ctx) {
  std::string sub = Lower(args[1]);
  if (sub == "help" && args.size() == 2) {
    WriteHelp(ctx.out, "OBJECT", {
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    });
    return;
  }
  if (sub != "encoding" && sub != "freq" && sub != "idletime" && sub != "refcount") {
    return ctx.out.Error(errors::UnknownSubcommand("OBJECT", args[1]));
  }
  if (args.size() != 3) return ctx.out.Error(errors::WrongArity("object|" + sub));
  KeyRef ref = ctx.db.Peek(args[2], ctx.now_ms);
  if (!ref) return ctx.out.Null();
  engine::Object* obj = ref.obj();
  if (sub == "encoding") return ctx.out.Bulk(engine::EncodingName(obj->encoding));
  bool lfu = engine::access_settings().lfu;
  if (sub == "idletime") {
    if (lfu) {
      return ctx.out.Error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
          "switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }
    return ctx.out.Integer(engine::IdleSeconds(obj));
  }
  if (sub == "freq") {
    if (lfu) return ctx.out.Integer(engine::DecayedFrequency(obj));
    return ctx.out.Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time to "
        "adjust.");
  }
  // Redis shares the integers 0..9999 and reports them with INT_MAX refs.
  auto* s = static_cast<engine::StringObject*>(obj);
  bool shared = obj->type == engine::ObjectType::kString && s->is_int() && s->int_value() >= 0 &&
                s->int_value() < 10000;
  ctx.out.Integer(shared ? 2147483647 : 1);
}

}  // namespace

void RegisterKeyspaceCommands(CommandTable& t) {
  t.Add(MultiKeyCommand("del", -2, kWrite, 1, -1, 1, Del, {"@keyspace"}));
  t.Add(MultiKeyCommand("unlink", -2, kWrite | kFast, 1, -1, 1, Del, {"@keyspace"}));
  CommandSpec exists =
      MultiKeyCommand("exists", -2, kReadOnly | kFast, 1, -1, 1, Exists, {"@keyspace"});
  exists.fast_read = FastExists;
  t.Add(exists);
  t.Add(MultiKeyCommand("touch", -2, kReadOnly | kFast, 1, -1, 1, TouchKeys, {"@keyspace"}));
  t.Add(KeyCommand("type", 2, kReadOnly | kFast, Type, {"@keyspace"}, FastType));
  t.Add(KeyCommand("ttl", 2, kReadOnly | kFast, Ttl<TtlKind::kTtl>, {"@keyspace"},
                   FastTtl<TtlKind::kTtl>));
  t.Add(KeyCommand("pttl", 2, kReadOnly | kFast, Ttl<TtlKind::kPttl>, {"@keyspace"},
                   FastTtl<TtlKind::kPttl>));
  t.Add(KeyCommand("expiretime", 2, kReadOnly | kFast, Ttl<TtlKind::kExpireTime>, {"@keyspace"},
                   FastTtl<TtlKind::kExpireTime>));
  t.Add(KeyCommand("pexpiretime", 2, kReadOnly | kFast, Ttl<TtlKind::kPexpireTime>, {"@keyspace"},
                   FastTtl<TtlKind::kPexpireTime>));
  t.Add(KeyCommand("persist", 2, kWrite | kFast, Persist, {"@keyspace"}));
  t.Add(KeyCommand("expire", -3, kWrite | kFast, Expire<true, true>, {"@keyspace"}));
  t.Add(KeyCommand("pexpire", -3, kWrite | kFast, Expire<false, true>, {"@keyspace"}));
  t.Add(KeyCommand("expireat", -3, kWrite | kFast, Expire<true, false>, {"@keyspace"}));
  t.Add(KeyCommand("pexpireat", -3, kWrite | kFast, Expire<false, false>, {"@keyspace"}));
  t.Add(MultiKeyCommand("keys", 2, kReadOnly | kAllShards, 0, 0, 0, Keys, {"@keyspace"}));
  t.Add(MultiKeyCommand("scan", -2, kReadOnly | kAllShards, 0, 0, 0, Scan, {"@keyspace"}));
  t.Add(
      MultiKeyCommand("dbsize", 1, kReadOnly | kFast | kAllShards, 0, 0, 0, DbSize, {"@keyspace"}));
  t.Add(MultiKeyCommand("randomkey", 1, kReadOnly | kAllShards, 0, 0, 0, RandomKey, {"@keyspace"}));
  t.Add(MultiKeyCommand("flushdb", -1, kWrite | kAllShards, 0, 0, 0, FlushDb, {"@keyspace"}));
  t.Add(MultiKeyCommand("flushall", -1, kWrite | kAllShards, 0, 0, 0, FlushAll, {"@keyspace"}));
  // OBJECT's key is argument 2 (OBJECT HELP has none: it runs locally).
  CommandSpec object = KeyCommand("object", -2, kReadOnly, Object, {"@keyspace"});
  object.first_key = object.last_key = 2;
  for (auto [name, arity] : std::initializer_list<std::pair<const char*, int>>{
           {"encoding", 3}, {"freq", 3}, {"idletime", 3}, {"refcount", 3}, {"help", 2}}) {
    CommandSpec sub = Subcommand(absl::StrCat("object|", name), arity, kReadOnly, {"@keyspace"});
    if (arity == 3) sub.first_key = sub.last_key = sub.key_step = 2;
    object.subcommands.push_back(std::move(sub));
  }
  t.Add(object);
  RegisterKeyMoveCommands(t);
  RegisterDumpCommands(t);
}

}  // namespace server
