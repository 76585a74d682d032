#ifndef SHARDIS_SERVER_CORE_SNAPSHOTS_H_
#define SHARDIS_SERVER_CORE_SNAPSHOTS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/persistence/snapshot_file.h"

namespace server {

class Server;
class Worker;

// One RDB snapshot in flight: the file its shards' chunks go to, and who
// waits for it. Shared by the workers writing parts of it.
struct SnapshotRun {
  persistence::SnapshotFile file;
  std::atomic<int> shards_left{0};
  int64_t start_ms = 0;
  uint64_t changes_at_start = 0;
  // Per db: keys and keys with a TTL over all shards when it started (the
  // RESIZEDB hints).
  std::vector<std::pair<uint64_t, uint64_t>> db_sizes;
  std::function<void(absl::Status)> done;  // on the origin worker's thread
  uint32_t origin = 0;
};

// RDB persistence of the whole server: BGSAVE without fork (each shard
// writes its own keys on its own thread, as of one point in time set by a
// transaction over every shard; engine/rdb's ShardSnapshot), SAVE,
// the save schedule, loading at start, and the INFO persistence fields.
//
// Threading: Start runs on a worker's thread (it starts the transaction
// there); completion comes back to that worker. Counters are atomics.
class Snapshots {
 public:
  explicit Snapshots(Server* server);

  // Starts a snapshot from `origin`'s thread; `done` runs there when the
  // file is complete (or failed). "" or Redis's error: kInProgress, or why
  // the file could not be created.
  static constexpr std::string_view kInProgress = "ERR Background save already in progress";
  std::string Start(Worker& origin, std::function<void(absl::Status)> done);
  // Server::Stop, after every worker has stopped (and dropped its part): a
  // snapshot still being written is abandoned (the old file stays), one
  // being completed finishes; returns once its writer thread is done.
  void Shutdown();
  bool in_progress() const { return in_progress_.load(std::memory_order_acquire); }
  // BGSAVE SCHEDULE during a snapshot: another starts when it ends.
  void Schedule() { scheduled_.store(true, std::memory_order_relaxed); }

  // Before the workers start (main thread): the dump file, if any, into
  // the shards. Redis's refusal to start on a bad file is the caller's.
  absl::Status LoadAtStartup();

  // Worker 0's housekeeping: a due save point or a scheduled BGSAVE starts
  // a snapshot.
  void OnTimer(Worker& w, int64_t now_ms);

  // Write commands run since the last successful save (Redis's
  // server.dirty, counted per command: WorkerStats::writes). Any thread.
  uint64_t changes_since_save() const;
  int64_t last_save_s() const { return last_save_s_.load(std::memory_order_relaxed); }
  bool last_ok() const { return last_ok_.load(std::memory_order_relaxed); }
  // Whether the `save` points are set (SIGTERM and SHUTDOWN save then).
  bool has_save_points() const;

  std::string InfoSection(int64_t now_ms) const;

  // A worker wrote its whole shard (its thread); the last one ends the file.
  void PartDone(std::shared_ptr<SnapshotRun> run);

 private:
  void Finished(SnapshotRun& run, absl::Status st, uint64_t bytes);
  std::string Prologue(int64_t now_ms) const;
  uint64_t changes() const;

  Server* server_;
  std::mutex mu_;
  std::shared_ptr<SnapshotRun> current_;  // guarded by mu_
  std::atomic<bool> in_progress_{false};
  std::atomic<bool> scheduled_{false};
  std::atomic<uint64_t> saved_changes_{0};
  std::atomic<int64_t> last_save_s_{0};
  std::atomic<bool> last_ok_{true};
  std::atomic<int64_t> last_attempt_s_{0};
  std::atomic<int64_t> last_duration_s_{-1};
  std::atomic<int64_t> current_start_ms_{0};
  std::atomic<uint64_t> saves_{0};
  std::atomic<uint64_t> last_bytes_{0};
  std::atomic<uint64_t> loaded_keys_{0};
  std::atomic<int64_t> load_ms_{0};
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_SNAPSHOTS_H_
