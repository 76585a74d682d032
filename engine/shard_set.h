#ifndef SHARDIS_ENGINE_SHARD_SET_H_
#define SHARDIS_ENGINE_SHARD_SET_H_

#include <array>
#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/encoding_limits.h"
#include "engine/hash_slot.h"
#include "engine/runtime.h"
#include "engine/shard.h"

namespace engine {

// The shards of one server (or of any program embedding the engine) and the
// routing function key -> hash slot -> shard. Shards are created here; who
// runs each shard's thread is the embedder's choice (the server runs shard i
// on worker i; ShardThreads runs them on plain threads).
class ShardSet {
 public:
  static constexpr int kDefaultDbs = 16;

  explicit ShardSet(uint32_t num_shards, int num_dbs = kDefaultDbs);
  ~ShardSet();

  uint32_t size() const { return static_cast<uint32_t>(shards_.size()); }
  int num_dbs() const { return num_dbs_; }
  Shard& shard(ShardId id) { return *shards_[id]; }

  // Slots are dealt to shards in contiguous ranges, a fixed table that
  // cluster mode can later reuse.
  ShardId ShardOfSlot(uint16_t slot) const { return slot_to_shard_[slot]; }
  ShardId ShardOf(std::string_view key) const {
    // One shard owns every slot: skip the CRC.
    return shards_.size() == 1 ? 0 : slot_to_shard_[KeyHashSlot(key)];
  }

  // Container encoding thresholds (CONFIG SET may change them: any thread).
  EncodingLimits& limits() { return limits_; }
  const EncodingLimits& limits() const { return limits_; }

  // Redis's rdbcompression: whether serialized values (DUMP payloads,
  // snapshots) store strings over 20 bytes LZF-compressed. CONFIG SET may
  // change it: any thread, relaxed; a new value applies from the next value
  // written.
  bool rdb_compression() const { return rdb_compression_.load(std::memory_order_relaxed); }
  void set_rdb_compression(bool on) { rdb_compression_.store(on, std::memory_order_relaxed); }

  // Global, monotonically increasing transaction ids (never 0).
  uint64_t NextTxId() { return next_txid_.fetch_add(1, std::memory_order_relaxed); }

 private:
  CdsRuntime runtime_;  // first member: outlives the shards' maps
  int num_dbs_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::array<uint16_t, kNumSlots> slot_to_shard_;
  std::atomic<uint64_t> next_txid_{1};
  EncodingLimits limits_;
  std::atomic<bool> rdb_compression_{true};
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_SHARD_SET_H_
