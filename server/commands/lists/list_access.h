#ifndef SHARDIS_SERVER_COMMANDS_LISTS_LIST_ACCESS_H_
#define SHARDIS_SERVER_COMMANDS_LISTS_LIST_ACCESS_H_

#include <algorithm>
#include <string_view>

#include "engine/encoding_limits.h"
#include "engine/list_object.h"
#include "engine/shard_set.h"
#include "server/command/command.h"

namespace server {

// The node cap lists are built with now (list-max-listpack-size).
inline int64_t ListFill(const engine::Shard& shard) {
  return engine::EncodingLimits::Get(shard.shard_set().limits().list_max_listpack_size);
}
inline int64_t ListFill(ShardContext& ctx) { return ListFill(ctx.shard); }

// Pops up to `count` elements from one end into an array reply, and deletes
// the key when the list empties (LPOP key count, LMPOP).
inline void PopInto(ShardContext& ctx, std::string_view key, engine::ListObject* list, bool left,
                    size_t count) {
  size_t n = std::min(count, list->size());
  ctx.out.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) ctx.out.Bulk(left ? list->PopFront() : list->PopBack());
  if (list->empty()) ctx.db.Erase(key);
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_LISTS_LIST_ACCESS_H_
