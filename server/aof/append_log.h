#ifndef SHARDIS_SERVER_AOF_APPEND_LOG_H_
#define SHARDIS_SERVER_AOF_APPEND_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "server/command/command_log.h"

namespace aof {

enum class FsyncPolicy { kAlways, kEverySec, kNo };
// "always", "everysec", "no" (appendfsync), lower case.
const char* FsyncPolicyName(FsyncPolicy p);
bool ParseFsyncPolicy(std::string_view text, FsyncPolicy* out);

// The append-only file's stream of commands: every worker appends to one
// buffer (a mutex, held for the copy of one command), in Redis's format - a
// RESP array per command, a SELECT whenever the db changes, MULTI/EXEC
// around an atomic block. A writer thread of its own writes the buffer out
// as soon as it has bytes and, under everysec, fsyncs once a second; under
// always, each worker calls SyncNow at the end of its loop iteration, before
// its replies go out, so nothing is acknowledged before it is on disk.
//
// Threading: Add/AddAtomic/SyncNow from any thread; Open/SwitchTo/Close from
// one thread at a time.
class AppendLog : public server::CommandLog {
 public:
  AppendLog() = default;
  ~AppendLog() override;
  AppendLog(const AppendLog&) = delete;
  AppendLog& operator=(const AppendLog&) = delete;

  // Appends to `path` (created when missing) from its current end, and
  // starts the writer thread.
  absl::Status Open(const std::string& path, FsyncPolicy policy);
  bool is_open() const { return open_.load(std::memory_order_acquire); }

  void Add(int db, server::Args argv) override;
  void AddAtomic(const std::vector<server::LoggedCommand>& commands) override;

  void set_policy(FsyncPolicy p) { policy_.store(p, std::memory_order_relaxed); }
  FsyncPolicy policy() const { return policy_.load(std::memory_order_relaxed); }
  // Whether commands were appended that SyncNow has not made durable.
  bool unsynced() const {
    return appended_.load(std::memory_order_acquire) > synced_.load(std::memory_order_acquire);
  }
  // Writes and fsyncs everything appended so far (appendfsync always).
  void SyncNow();
  // A worker appended during its loop iteration: the writer, if asleep,
  // writes it out now (one write per iteration, as Redis's beforeSleep).
  void Poke();
  // Stream bytes appended so far (a worker compares it to decide to Poke).
  uint64_t appended() const { return appended_.load(std::memory_order_acquire); }

  // From here on the stream goes to `path` (a new incremental file); what
  // was appended before is written to the old file, which is fsynced and
  // closed. Called while every shard is held, so no command straddles it.
  absl::Status SwitchTo(const std::string& path);
  // Writes, fsyncs and closes; stops the writer.
  void Close();

  // Bytes of the current file, written or still buffered.
  uint64_t file_size() const { return file_size_.load(std::memory_order_relaxed); }
  // Buffered, not yet written (INFO aof_buffer_length).
  uint64_t buffered() const { return buffered_.load(std::memory_order_relaxed); }
  // The last write failed (Redis refuses writes then: MISCONF); errno of it.
  bool write_failed() const { return write_errno_.load(std::memory_order_relaxed) != 0; }
  int write_errno() const { return write_errno_.load(std::memory_order_relaxed); }

  // The bytes Add writes for one command (tests, and the MULTI/EXEC words).
  static void AppendCommand(std::string* out, server::Args argv);

 private:
  void AppendLocked(int db, server::Args argv);
  void WriterLoop();
  // With file_mu_ held: writes the buffer out; fsyncs when asked.
  void WriteOut(bool fsync);

  // The writer's longest sleep: everysec's fsync is due within this of its
  // second.
  static constexpr int kWriterPeriodMs = 100;

  // Lock order: file_mu_ before mu_.
  std::mutex file_mu_;  // the fd and writes to it
  int fd_ = -1;
  int64_t last_fsync_ms_ = 0;

  std::mutex mu_;  // the buffer and the stream's selected db
  std::condition_variable cv_;
  std::string buffer_;
  int selected_db_ = -1;
  bool stopping_ = false;
  bool writer_waiting_ = false;

  std::atomic<bool> open_{false};
  std::atomic<FsyncPolicy> policy_{FsyncPolicy::kEverySec};
  std::atomic<uint64_t> appended_{0};  // stream bytes appended (written under mu_)
  std::atomic<uint64_t> synced_{0};    // stream bytes written and fsynced
  std::atomic<uint64_t> file_size_{0};
  std::atomic<uint64_t> buffered_{0};
  std::atomic<int> write_errno_{0};
  std::thread writer_;
};

}  // namespace aof

#endif  // SHARDIS_SERVER_AOF_APPEND_LOG_H_
