#ifndef SHARDIS_SERVER_CORE_APPEND_ONLY_H_
#define SHARDIS_SERVER_CORE_APPEND_ONLY_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/removal_feed.h"
#include "server/aof/append_log.h"
#include "server/aof/manifest.h"
#include "server/command/command_log.h"

namespace server {

class Server;
class Worker;

// The append-only file of the whole server, as Redis 7.0 lays it out: a
// directory (appenddirname) with a manifest naming an RDB base file and the
// incremental AOF files after it. Every write command goes to one
// aof::AppendLog, from the thread that ran it while its shards are held
// (CommandLog, see ShardContext::log), expiry and eviction as DELs
// (RemovalFeed). BGREWRITEAOF does not fork: a snapshot's point in time
// (Snapshots::StartAofBase) is where a new incremental file begins, and the
// snapshot becomes the new base; the manifest then drops the old files.
//
// Threading: log() and Removed from any thread; loading and opening on the
// main thread before the workers run; the rest on a worker's thread.
class AppendOnly : public engine::RemovalFeed {
 public:
  explicit AppendOnly(Server* server);
  ~AppendOnly() override;

  // Where write commands go: the log while the AOF is on, else nullptr.
  CommandLog* log() const { return active_.load(std::memory_order_acquire); }
  bool enabled() const { return state_.load(std::memory_order_acquire) != State::kOff; }

  // Main thread, before the workers: with appendonly yes, the directory's
  // files into the shards (Redis then ignores dump.rdb). *used: whether the
  // AOF was the source of the data (else the RDB file is).
  absl::Status LoadAtStartup(bool* used);
  // Main thread, after loading: the incremental file to append to (a base
  // and a manifest first when the directory is new).
  absl::Status OpenAtStartup();
  bool started() const { return started_; }

  // CONFIG SET appendonly (any thread): off closes the file at once; on
  // starts a rewrite from worker 0's timer, whose point in time begins the
  // log. Before the server runs it only records the setting.
  void SetEnabled(bool on);
  void set_fsync_policy(aof::FsyncPolicy p) { log_.set_policy(p); }
  aof::FsyncPolicy fsync_policy() const { return log_.policy(); }

  // A multi-shard write about to run as a transaction: true when it must
  // log from an origin step of its own (the AOF is on or turning on); false
  // when it runs unlogged, and then calls UnloggedDone once it ended.
  // Turning the AOF on waits until none runs, so none straddles the point
  // in time where the log begins.
  bool LogsTransaction();
  void UnloggedDone() { unlogged_.fetch_sub(1); }

  // BGREWRITEAOF: Redis's status reply or error.
  std::string Rewrite(Worker& origin);
  // Worker 0's housekeeping: a scheduled or automatic rewrite.
  void OnTimer(Worker& w);
  // Every worker, at the end of its loop iteration, before replies go out:
  // under always, fsyncs what was logged; otherwise wakes the writer if
  // this worker appended (`seen`: the stream position it saw last).
  void AfterIteration(uint64_t* seen) {
    aof::AppendLog* l = active_.load(std::memory_order_acquire);
    if (l == nullptr) return;
    if (l->policy() == aof::FsyncPolicy::kAlways) {
      if (l->unsynced()) {
        l->SyncNow();
        if (l->write_failed()) ExitOnWriteError();
      }
      return;
    }
    uint64_t now = l->appended();
    if (now != *seen) {
      *seen = now;
      l->Poke();
    }
  }
  // Server::Stop: what was logged is written and fsynced.
  void Shutdown();

  // Writes are refused while the file cannot be written (MISCONF), as Redis.
  bool write_failed() const { return enabled() && log_.write_failed(); }
  std::string WriteError() const;
  // INFO persistence's aof_* fields.
  std::string InfoFields() const;

  void Removed(int db, std::string_view key) override;

 private:
  enum class State { kOff, kOn, kWaitRewrite };

  // Redis's answer to a failed write under appendfsync always: replies
  // that acknowledge what is not on disk must not go out.
  [[noreturn]] void ExitOnWriteError() const;
  std::string Dir() const;
  std::string Prefix() const;
  std::string StartRewrite(Worker& origin);
  // The snapshot's point in time: every shard held, none begun.
  void AtRewritePoint(uint64_t generation);
  void RewriteDone(uint64_t generation, const std::string& base_name, absl::Status st);
  void DeleteHistory();
  uint64_t CurrentSize() const;
  absl::Status LoadFile(const aof::AofFileInfo& file, bool last);

  Server* server_;
  aof::AppendLog log_;
  std::atomic<aof::AppendLog*> active_{nullptr};
  std::atomic<State> state_{State::kOff};
  bool started_ = false;  // OpenAtStartup ran: changes take effect now (mu_)

  // The manifest, and the turns of the state that touch files: turning on
  // and off, a rewrite's point in time and its end.
  std::mutex mu_;
  aof::Manifest manifest_;
  bool point_ok_ = false;  // the running rewrite's next file started
  std::atomic<int64_t> unlogged_{0};  // see LogsTransaction

  std::atomic<uint64_t> generation_{0};  // a rewrite started under an older one is dropped
  std::atomic<bool> rewriting_{false};
  std::atomic<bool> scheduled_{false};
  std::atomic<int64_t> rewrite_start_ms_{0};
  std::atomic<int64_t> last_rewrite_s_{-1};
  std::atomic<bool> last_rewrite_ok_{true};
  std::atomic<uint64_t> rewrites_{0};
  std::atomic<uint64_t> consecutive_failures_{0};
  // Bytes of the files before the one being appended to (base + older
  // incremental ones), and aof_base_size (what the last rewrite left).
  std::atomic<uint64_t> fixed_size_{0};
  std::atomic<uint64_t> base_size_{0};
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_APPEND_ONLY_H_
