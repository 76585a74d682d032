#ifndef SHARDIS_ENGINE_ENCODING_LIMITS_H_
#define SHARDIS_ENGINE_ENCODING_LIMITS_H_

#include <atomic>
#include <cstdint>

namespace engine {

// Where containers leave their compact encodings, as Redis 7.0's
// *-max-listpack-* and set-max-intset-entries settings say (defaults are
// Redis's). One per ShardSet. CONFIG SET may change a value from any thread
// while owners read it as they grow containers: relaxed atomics, a new value
// applies from the next write. A container never converts back, as in Redis.
struct EncodingLimits {
  // 512, not zset's 128: redis-server 7.0.15 with no config file says so.
  std::atomic<int64_t> hash_max_listpack_entries{512};
  std::atomic<int64_t> hash_max_listpack_value{64};
  std::atomic<int64_t> zset_max_listpack_entries{128};
  std::atomic<int64_t> zset_max_listpack_value{64};
  std::atomic<int64_t> set_max_intset_entries{512};
  // Redis's list-max-listpack-size: > 0 caps entries per list node, -1..-5
  // cap a node's bytes at 4/8/16/32/64 KB.
  std::atomic<int64_t> list_max_listpack_size{-2};

  static int64_t Get(const std::atomic<int64_t>& v) { return v.load(std::memory_order_relaxed); }
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ENCODING_LIMITS_H_
