#ifndef SHARDIS_SERVER_COMMAND_LOOKUP_H_
#define SHARDIS_SERVER_COMMAND_LOOKUP_H_

#include <string_view>

#include "engine/db.h"
#include "engine/object.h"
#include "server/command/command.h"

namespace server {

// Result of looking a key up for a command that needs one type.
struct TypedLookup {
  engine::KeyRef ref;  // empty when missing or of another type
  bool wrong_type = false;
};

// A read found nothing at key: Redis's "keymiss" event (class 'm'). Any
// thread, also the read fast path's.
inline void NoteReadMiss(const engine::Db& db, std::string_view key) {
  db.Notify(engine::kEventKeyMiss, "keymiss", key);
}

// Removes a key whose container became empty (Redis keeps no empty ones),
// raising Redis's "del" for it.
inline void EraseEmptied(engine::Db& db, std::string_view key) {
  db.Erase(key);
  db.Notify(engine::kEventGeneric, "del", key);
}

// Finds key for a read (Redis's lookupKeyRead): lazy expiry, a keyspace hit
// or miss counted, a miss reported as "keymiss". TYPE and TTL look without
// counting an access for eviction.
inline engine::KeyRef LookupRead(ShardContext& ctx, std::string_view key, bool touch = true) {
  engine::KeyRef ref = touch ? ctx.db.Find(key, ctx.now_ms) : ctx.db.Peek(key, ctx.now_ms);
  auto& counter = ref ? ctx.shard.keyspace_hits : ctx.shard.keyspace_misses;
  counter.store(counter.load(std::memory_order_relaxed) + 1,  // owner-written: no locked add
                std::memory_order_relaxed);
  if (!ref) NoteReadMiss(ctx.db, key);
  return ref;
}

namespace lookup_internal {
inline TypedLookup CheckType(engine::KeyRef ref, engine::ObjectType type) {
  TypedLookup r;
  if (!ref) return r;
  if (ref.obj()->type != type) {
    r.wrong_type = true;
    return r;
  }
  r.ref = ref;
  return r;
}
}  // namespace lookup_internal

// Finds key for a read (see LookupRead) and checks its type.
inline TypedLookup LookupTyped(ShardContext& ctx, std::string_view key, engine::ObjectType type) {
  return lookup_internal::CheckType(LookupRead(ctx, key), type);
}

// Finds key for a write (lookupKeyWrite): lazy expiry and an access, but
// neither a hit or miss counted nor a "keymiss", as in Redis. Then checks
// its type.
inline TypedLookup LookupTypedWrite(ShardContext& ctx, std::string_view key,
                                    engine::ObjectType type) {
  return lookup_internal::CheckType(ctx.db.Find(key, ctx.now_ms), type);
}

// The object of a lookup's ref as T, or nullptr when the key was missing
// (check TypedLookup::wrong_type first).
template <typename T>
T* ObjectAs(engine::KeyRef ref) {
  return ref ? static_cast<T*>(ref.obj()) : nullptr;
}

inline engine::StringObject* AsString(engine::KeyRef ref) {
  return static_cast<engine::StringObject*>(ref.obj());
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_LOOKUP_H_
