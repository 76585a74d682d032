// DUMP and RESTORE (Redis's cluster.c): a value as Redis's serialization
// payload and back. The bytes are //engine/rdb's: RDB version 10 with the
// version and CRC-64 footer, what Redis 7.0 writes and reads.
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/access_clock.h"
#include "engine/expiry_pause.h"
#include "engine/rdb/rdb_records.h"
#include "engine/shard_set.h"
#include "server/command/command_table.h"
#include "server/command/lookup.h"
#include "server/command/text.h"
#include "server/commands/keyspace/keyspace_commands.h"

namespace server {

namespace {

using engine::kEventGeneric;
using engine::KeyRef;

constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";

// The settings in force when a value is written out: rdbcompression and
// list-max-listpack-size (the size of the listpack nodes of a list).
rdb::SaveOptions SaveOptionsOf(const engine::ShardSet& set) {
  rdb::SaveOptions options;
  options.compress = set.rdb_compression();
  options.list_fill = engine::EncodingLimits::Get(set.limits().list_max_listpack_size);
  return options;
}

// DUMP key: read as GET reads (a hit or a miss counted, an access recorded).
void Dump(Args args, ShardContext& ctx) {
  KeyRef ref = LookupRead(ctx, args[1]);
  if (!ref) return ctx.out.Null();
  ctx.out.Bulk(rdb::DumpPayload(*ref.obj(), SaveOptionsOf(ctx.shard.shard_set())));
}

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle_seconds = -1;  // IDLETIME; -1: not given
  int64_t frequency = -1;     // FREQ; -1: not given
};

// The options after the payload, checked as Redis checks them: left to
// right, the first bad one ends the parse. IDLETIME and FREQ exclude each
// other (whichever comes second is a syntax error); either may repeat.
bool ParseRestoreOptions(Args args, RestoreOptions* o, std::string_view* error) {
  for (size_t i = 4; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(a, "REPLACE")) {
      o->replace = true;
    } else if (EqualsIgnoreCase(a, "ABSTTL")) {
      o->absttl = true;
    } else if (EqualsIgnoreCase(a, "IDLETIME") && has_value && o->frequency == -1) {
      if (!engine::ParseInt64(args[++i], &o->idle_seconds)) {
        *error = errors::kNotInteger;
        return false;
      }
      if (o->idle_seconds < 0) {
        *error = "ERR Invalid IDLETIME value, must be >= 0";
        return false;
      }
    } else if (EqualsIgnoreCase(a, "FREQ") && has_value && o->idle_seconds == -1) {
      if (!engine::ParseInt64(args[++i], &o->frequency)) {
        *error = errors::kNotInteger;
        return false;
      }
      if (o->frequency < 0 || o->frequency > 255) {
        *error = "ERR Invalid FREQ value, must be >= 0 and <= 255";
        return false;
      }
    } else {
      *error = errors::kSyntax;
      return false;
    }
  }
  return true;
}

// Redis's objectSetLRUOrLFU: under an LFU policy FREQ sets the counter (and
// its decay starts now); under any other policy IDLETIME backdates the last
// access. The option that does not fit the policy is ignored. Runs before
// the value is published, so plain stores suffice.
void SetEvictionMeta(engine::Object* obj, const RestoreOptions& o) {
  uint32_t now = engine::AccessNow();
  if (engine::access_settings().lfu.load(std::memory_order_relaxed)) {
    if (o.frequency >= 0) {
      obj->frequency = static_cast<uint8_t>(o.frequency);
      obj->access_time = now;
    }
  } else if (o.idle_seconds >= 0) {
    // Redis's 24-bit clock wraps idle times past ~194 days; ours is unix
    // seconds, so the earliest time it holds is the limit.
    obj->access_time = o.idle_seconds >= now ? 0 : now - static_cast<uint32_t>(o.idle_seconds);
  }
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
// [FREQ frequency], with Redis's order of checks: options, an existing key
// (unless REPLACE), the TTL, the payload's footer, its value.
void Restore(Args args, ShardContext& ctx) {
  RestoreOptions o;
  std::string_view error;
  if (!ParseRestoreOptions(args, &o, &error)) return ctx.out.Error(error);
  std::string_view key = args[1];
  // lookupKeyWrite: a key whose TTL passed is expired here ("expired").
  if (!o.replace && ctx.db.Find(key, ctx.now_ms)) return ctx.out.Error(kBusyKey);
  int64_t ttl;
  if (!engine::ParseInt64(args[2], &ttl)) return ctx.out.Error(errors::kNotInteger);
  if (ttl < 0) return ctx.out.Error("ERR Invalid TTL value, must be >= 0");
  engine::Object* obj = nullptr;
  std::string why;
  if (!rdb::RestorePayload(args[3], ctx.shard.shard_set().limits(), &obj, &why)) {
    return ctx.out.Error(why);
  }
  // dbDelete: the old value goes whether its TTL passed or not, with no
  // event unless nothing replaces it.
  bool deleted = o.replace && ctx.db.Erase(key);
  // A relative TTL counts from now; a sum past INT64_MAX wraps negative, an
  // expiry in the past, as in Redis.
  int64_t expire_ms = ttl;
  if (ttl != 0 && !o.absttl) {
    expire_ms =
        static_cast<int64_t>(static_cast<uint64_t>(ttl) + static_cast<uint64_t>(ctx.now_ms));
  }
  if (expire_ms != 0 && expire_ms <= ctx.now_ms && !engine::ExpiryPause::active()) {
    engine::DestroyObject(obj);  // never published
    if (deleted) ctx.db.Notify(kEventGeneric, "del", key);
    // What a replay must repeat: the old value's removal, or nothing.
    std::string_view del[] = {"DEL", key};
    if (deleted) {
      ctx.LogInstead(del);
    } else {
      ctx.logged_itself = true;
    }
    return ctx.out.Ok();
  }
  SetEvictionMeta(obj, o);
  KeyRef ref = ctx.db.Insert(key, obj);
  if (expire_ms != 0) ctx.db.SetExpire(ref, expire_ms);
  // WATCH and tracking: the table's notice sees the key exist afterwards.
  ctx.db.Notify(kEventGeneric, "restore", key);
  ctx.out.Ok();
}

}  // namespace

void RegisterDumpCommands(CommandTable& t) {
  t.Add(KeyCommand("dump", 2, kReadOnly, Dump, {"@keyspace", "@read", "@slow"}));
  t.Add(KeyCommand("restore", -4, kWrite | kDenyOom, Restore,
                   {"@keyspace", "@write", "@slow", "@dangerous"}));
}

}  // namespace server
