#ifndef SHARDIS_ENGINE_EVICTION_H_
#define SHARDIS_ENGINE_EVICTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace engine {

class Shard;
class Db;

// Redis's maxmemory-policy values.
enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

// Parses "allkeys-lru" & co; false for anything else.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out);
const char* EvictionPolicyName(EvictionPolicy p);
inline bool IsVolatilePolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}
inline bool IsLfuPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}

// Picks and deletes keys of one shard the way Redis's evict.c does: each
// round samples a few keys of every db (all keys, or only keys with a TTL
// for volatile-*) into a small pool of the best candidates seen so far, and
// evicts the best one still present. Approximate LRU/LFU: quality grows with
// the sample size at a cost per eviction. Owner thread.
class Evictor {
 public:
  Evictor();

  // Deletes one key of `shard` chosen by `policy`, sampling `samples` keys
  // per db and round. False when no key qualifies (an empty shard, or no key
  // with a TTL under volatile-*).
  bool EvictOne(Shard& shard, EvictionPolicy policy, int samples);

 private:
  struct Candidate {
    uint64_t score;  // higher: evict sooner
    int db;
    std::string key;
  };
  // Redis's EVPOOL_SIZE.
  static constexpr size_t kPoolSize = 16;

  bool EvictRandom(Shard& shard, bool volatile_only);
  void Populate(Db& db, int db_index, EvictionPolicy policy, int samples);
  void Offer(uint64_t score, int db, std::string_view key);
  uint64_t NextRandom();

  std::vector<Candidate> pool_;  // ascending by score
  uint64_t rng_;
  int next_db_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_EVICTION_H_
