#ifndef SHARDIS_SERVER_CORE_MAXMEMORY_H_
#define SHARDIS_SERVER_CORE_MAXMEMORY_H_

#include <atomic>
#include <cstdint>

#include "engine/shard.h"

namespace server {

class Server;

// The process's allocated bytes as maxmemory sees them. Redis counts every
// allocation exactly; here a jemalloc sample (about 10 microseconds) is
// refreshed whenever it is over a millisecond old, so a write checks against
// memory at most a millisecond (or one pipelined batch) behind. Any thread.
class MemoryGauge {
 public:
  int64_t Current();
  int64_t Refresh();

 private:
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> sampled_ns_{0};
};

// Enforces maxmemory before a command that may grow memory runs on `shard`
// (its owner thread, with the shard free to change): passes under the limit;
// over it, evicts keys of this shard by maxmemory-policy until memory is
// back under the limit or the time budget (maxmemory-eviction-tenacity) is
// spent, as Redis's performEvictions does. Returns false when the command
// must be refused with errors::kOom: the policy is noeviction, or this shard
// has no key the policy may evict.
bool MakeRoomForWrite(Server& server, engine::Shard& shard);

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_MAXMEMORY_H_
