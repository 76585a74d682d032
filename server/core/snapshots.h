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
#include "server/persistence/rdb_file_loader.h"
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
  bool rdb = true;  // a BGSAVE (LASTSAVE, INFO rdb_*), not an AOF rewrite's base
};

// Where a snapshot goes other than dir/dbfilename: the base file of an AOF
// rewrite, whose incremental file must begin at the snapshot's point in
// time - at_point runs then, on the origin worker's thread, while every
// shard is held and before any of them has begun its part.
struct SnapshotTarget {
  std::string dir;
  std::string filename;
  std::function<void()> at_point;
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
  // An AOF rewrite's base file (its AUX aof-base is 1; RDB statistics stay).
  std::string StartAofBase(Worker& origin, SnapshotTarget target,
                           std::function<void(absl::Status)> done);
  // What runs now is an AOF rewrite's base (BGSAVE's refusal says so).
  bool rewriting_aof() const { return in_progress() && aof_running_.load(std::memory_order_relaxed); }
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
  // An RDB file into the shards (main thread, before the workers run);
  // keys whose TTL passed by now_ms are skipped (0: none, as for an AOF's
  // base). NotFound when it does not exist.
  absl::Status LoadFile(const std::string& path, int64_t now_ms, persistence::LoadStats* stats);

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
  std::string Prologue(int64_t now_ms, bool aof_base) const;
  // The FUNCTION2 records of every library (taken at the point in time).
  std::string FunctionRecords() const;
  std::string StartRun(Worker& origin, std::function<void(absl::Status)> done,
                       const SnapshotTarget* target);
  uint64_t changes() const;

  Server* server_;
  std::mutex mu_;
  std::shared_ptr<SnapshotRun> current_;  // guarded by mu_
  std::atomic<bool> in_progress_{false};
  std::atomic<bool> scheduled_{false};
  std::atomic<bool> aof_running_{false};
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
