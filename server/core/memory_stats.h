#ifndef SHARDIS_SERVER_CORE_MEMORY_STATS_H_
#define SHARDIS_SERVER_CORE_MEMORY_STATS_H_

#include <cstddef>

namespace server {

// The process's memory as INFO reports it: jemalloc's allocated and resident
// bytes (after refreshing its statistics epoch, a few microseconds), or the
// RSS for both when built without jemalloc (sanitizer builds). Any thread.
struct MemoryFigures {
  size_t allocated = 0;
  size_t resident = 0;
};
MemoryFigures ReadMemory();

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_MEMORY_STATS_H_
