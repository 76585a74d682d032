#include "server/core/memory_stats.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>

#ifdef SHARDIS_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace server {

MemoryFigures ReadMemory() {
  MemoryFigures m;
#ifdef SHARDIS_HAVE_JEMALLOC
  uint64_t epoch = 1;
  size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);
  sz = sizeof(size_t);
  mallctl("stats.allocated", &m.allocated, &sz, nullptr, 0);
  mallctl("stats.resident", &m.resident, &sz, nullptr, 0);
#endif
  long pages = 0;
  if (FILE* f = fopen("/proc/self/statm", "r")) {
    long total;
    if (fscanf(f, "%ld %ld", &total, &pages) != 2) pages = 0;
    fclose(f);
  }
  size_t rss = static_cast<size_t>(pages) * sysconf(_SC_PAGESIZE);
  if (m.resident == 0) m.resident = rss;
  if (m.allocated == 0) m.allocated = rss;
  return m;
}

}  // namespace server
