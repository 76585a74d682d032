#ifndef SHARDIS_SERVER_COMMANDS_LISTS_LIST_ACCESS_H_
#define SHARDIS_SERVER_COMMANDS_LISTS_LIST_ACCESS_H_

#include <algorithm>
#include <string_view>

#include "engine/db.h"
#include "engine/encoding_limits.h"
#include "engine/list_object.h"
#include "engine/shard_set.h"
#include "server/command/command.h"
#include "server/command/lookup.h"

namespace server {

// The node cap lists are built with now (list-max-listpack-size).
inline int64_t ListFill(const engine::Shard& shard) {
  return engine::EncodingLimits::Get(shard.shard_set().limits().list_max_listpack_size);
}
inline int64_t ListFill(ShardContext& ctx) { return ListFill(ctx.shard); }

// After elements were popped from one end: "lpop"/"rpop", then the key
// goes if the list is empty (Redis's listElementsRemoved).
inline void NotePopped(engine::Db& db, std::string_view key, const engine::ListObject* list,
                       bool left) {
  db.Notify(engine::kEventList, left ? "lpop" : "rpop", key);
  if (list->empty()) EraseEmptied(db, key);
}

// Pops up to `count` elements from one end into an array reply, and deletes
// the key when the list empties (LPOP key count). A count of 0 pops nothing
// and raises no event.
inline void PopInto(ShardContext& ctx, std::string_view key, engine::ListObject* list, bool left,
                    size_t count) {
  size_t n = std::min(count, list->size());
  ctx.out.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) ctx.out.Bulk(left ? list->PopFront() : list->PopBack());
  if (n > 0) NotePopped(ctx.db, key, list, left);
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_LISTS_LIST_ACCESS_H_
