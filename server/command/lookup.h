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

// Finds key with lazy expiry, counting a keyspace hit or miss as Redis does
// for reads. TYPE and TTL look without counting an access for eviction.
inline engine::KeyRef LookupRead(ShardContext& ctx, std::string_view key, bool touch = true) {
  engine::KeyRef ref = touch ? ctx.db.Find(key, ctx.now_ms) : ctx.db.Peek(key, ctx.now_ms);
  auto& counter = ref ? ctx.shard.keyspace_hits : ctx.shard.keyspace_misses;
  counter.store(counter.load(std::memory_order_relaxed) + 1,  // owner-written: no locked add
                std::memory_order_relaxed);
  return ref;
}

// Finds key (counting the hit or miss) and checks its type.
inline TypedLookup LookupTyped(ShardContext& ctx, std::string_view key, engine::ObjectType type) {
  TypedLookup r;
  engine::KeyRef ref = LookupRead(ctx, key);
  if (!ref) return r;
  if (ref.obj()->type != type) {
    r.wrong_type = true;
    return r;
  }
  r.ref = ref;
  return r;
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
