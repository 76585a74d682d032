#ifndef SHARDIS_SERVER_COMMAND_INDEX_RANGE_H_
#define SHARDIS_SERVER_COMMAND_INDEX_RANGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

namespace server {

// An inclusive index range start..stop over `len` elements, as LRANGE,
// LTRIM, ZRANGE by rank and ZREMRANGEBYRANK read it: negative indexes count
// from the end, and the range is clamped to the container. nullopt when no
// element is in it. Safe for any int64 start/stop (len >= 0).
struct IndexSpan {
  size_t first;
  size_t count;
};

inline std::optional<IndexSpan> ClampIndexRange(int64_t start, int64_t stop, int64_t len) {
  if (start < 0) start += len;  // no overflow: len >= 0 and start < 0
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return std::nullopt;
  if (stop >= len) stop = len - 1;
  return IndexSpan{static_cast<size_t>(start), static_cast<size_t>(stop - start + 1)};
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_INDEX_RANGE_H_
