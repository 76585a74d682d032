#ifndef SHARDIS_ENGINE_RDB_SHARD_SNAPSHOT_H_
#define SHARDIS_ENGINE_RDB_SHARD_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/db.h"
#include "engine/rdb/rdb_records.h"
#include "engine/shard.h"

namespace rdb {

// One shard's part of an RDB snapshot, written while the shard keeps
// serving (no fork, no copy of the data): Begin fixes the point in time,
// then Step serializes keys a slice at a time, and any key about to change
// before its turn is serialized first (engine::Db's snapshot marks). Output
// goes to `sink` in chunks of about chunk_bytes, each starting with its own
// SELECTDB, so chunks of several shards may be interleaved in one file.
//
// Owner thread only, like the shard. Memory: the chunk being filled, plus
// values that change before their turn, each serialized once.
class ShardSnapshot : public engine::SnapshotObserver {
 public:
  enum class EvictionData { kNone, kIdle, kFrequency };
  using Sink = std::function<void(std::string chunk)>;

  ShardSnapshot(engine::Shard& shard, SaveOptions options, EvictionData eviction, Sink sink,
                size_t chunk_bytes = size_t{1} << 20);
  // Keys and keys with a TTL per db in the whole dataset (all shards), for
  // the RESIZEDB record this shard writes before its first key of a db, as
  // Redis writes one: a loader sizes its table once instead of growing it.
  // Repeats of the same hint by other shards are no-ops for Redis. Before
  // Begin; without it no RESIZEDB is written.
  void set_resize_hints(std::vector<std::pair<uint64_t, uint64_t>> hints) {
    resize_hints_ = std::move(hints);
  }
  ~ShardSnapshot() override;

  // The point in time: every db of the shard starts its snapshot. Keys
  // already expired at now_ms are left out (a loader would drop them).
  void Begin(int64_t now_ms);
  // Serializes up to `max_keys` more keys; true when the whole shard is
  // written and the last chunk handed to the sink (the snapshot is over).
  bool Step(size_t max_keys);
  // Stops early (the file is abandoned); nothing more reaches the sink.
  void Abort();

  uint64_t keys_saved() const { return keys_saved_; }

  void Save(const engine::Db& db, const engine::Entry& e) override;

 private:
  void Flush();
  void EndAll(bool complete);

  engine::Shard& shard_;
  SaveOptions options_;
  EvictionData eviction_;
  Sink sink_;
  size_t chunk_bytes_;
  // Each db's index at Begin: SWAPDB may move a db meanwhile, but the
  // snapshot shows it where it was.
  std::vector<std::pair<const engine::Db*, int>> dbs_;
  int64_t now_ms_ = 0;
  size_t next_db_ = 0;  // the db Step walks
  uint64_t cursor_ = 0;
  std::string chunk_;
  int chunk_db_ = -1;  // the db the chunk's last SELECTDB chose
  uint64_t keys_saved_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> resize_hints_;
  std::vector<bool> resized_;  // per db index: its RESIZEDB is written
  bool running_ = false;
};

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_SHARD_SNAPSHOT_H_
