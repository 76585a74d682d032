#ifndef SHARDIS_ENGINE_SHARD_H_
#define SHARDIS_ENGINE_SHARD_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "engine/db.h"
#include "engine/eviction.h"
#include "engine/key_waiters.h"
#include "engine/mailbox.h"
#include "engine/task.h"

namespace engine {

class ShardSet;

using ShardId = uint32_t;

// One partition of the keyspace: its logical databases, its mailbox and its
// transaction hold. Owned by one thread (a server worker, or a thread of the
// caller's choosing); every method is for that thread unless it says
// otherwise.
//
// Holds: a multi-shard transaction takes the whole shard (Task::kAcquire)
// before any of its parts run anywhere, and gives it back after its last part
// here. While held, ordinary work (kWork), from the mailbox or from this
// thread's own connections, waits in `deferred_` in arrival order.
class Shard {
 public:
  Shard(ShardSet* set, ShardId id, int num_dbs);
  ~Shard();

  ShardId id() const { return id_; }
  ShardSet& shard_set() const { return *set_; }
  int num_dbs() const { return static_cast<int>(storage_.size()); }
  // Any thread (fast-path readers resolve a db index here).
  Db& db(int index) { return *dbs_[index].load(std::memory_order_acquire); }
  const Db& db(int index) const { return *dbs_[index].load(std::memory_order_acquire); }
  // SWAPDB: exchanges two databases (owner, while held by a transaction).
  void SwapDbs(int a, int b);

  // Clients blocked on this shard's keys (BLPOP & co).
  KeyWaiters& key_waiters() { return key_waiters_; }

  // Clients watching this shard's keys (WATCH).
  KeyWatchers& key_watchers() { return key_watchers_; }

  // Any thread: the shard's inbox.
  Mailbox& mailbox() { return mailbox_; }

  // Runs what arrived in the mailbox and retries sends that met a full
  // mailbox. The owner calls this whenever it is woken.
  void ProcessMailbox();

  // Sends a task to shard `target` (possibly this one). Never blocks: when the
  // target's mailbox is full the task waits in this shard's outbox, in order,
  // and ProcessMailbox retries it.
  void Send(ShardId target, TaskPtr task);
  bool has_outbox() const { return outbox_count_ > 0; }

  // True when ordinary work may run now (not held, nothing waiting before it).
  bool CanRunInline() const {
    return held_by_.load(std::memory_order_relaxed) == 0 && deferred_.empty();
  }
  // Runs kWork now if possible, else queues it behind the waiting work.
  void RunOrDefer(TaskPtr task);
  // Handles a task of any kind on the owner thread, as if it had come
  // through the mailbox (transactions use it for their origin shard).
  void Execute(TaskPtr task) { Dispatch(std::move(task)); }

  // The owner holds its own shard for work that must look atomic to
  // fast-path readers on other threads but runs right here (a single-shard
  // MSET or EXEC). Only when CanRunInline(); nothing can queue meanwhile.
  void HoldLocally() { held_by_.store(kLocalHold, std::memory_order_release); }
  void ReleaseLocalHold() { held_by_.store(0, std::memory_order_release); }

  // Any thread: whether a transaction holds the shard. Readers on other
  // threads take the read fast path only when this is false (acquire).
  bool held() const { return held_by_.load(std::memory_order_acquire) != 0; }

  // Milliseconds since the epoch, set by the owner's loop.
  // Any thread (a script holding the shard runs on another one).
  int64_t now_ms() const { return now_ms_.load(std::memory_order_relaxed); }
  void set_now_ms(int64_t now) {
    now_ms_.store(now, std::memory_order_relaxed);
    AdvanceAccessClock(now);
  }

  // Active expiry over every db: samples keys with a TTL, deletes expired
  // ones; loops while a quarter of a sample was expired, within budget_us.
  size_t ActiveExpire(int64_t budget_us);

  // Deletes one key chosen by the maxmemory policy (see Evictor); false when
  // this shard has none the policy may take.
  bool EvictOne(EvictionPolicy policy, int samples);
  // Keys the policy may evict (all keys, or those with a TTL), over every
  // db: exact for the owner; as of the last PublishSizes for other threads.
  size_t EvictableKeys(EvictionPolicy policy) const;
  size_t PublishedEvictableKeys(EvictionPolicy policy) const;

  // Statistics, read by INFO from any thread.
  std::atomic<uint64_t> expired_keys{0};
  std::atomic<uint64_t> evicted_keys{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  // Per-db key counts published for INFO keyspace / DBSIZE on other threads.
  std::vector<std::atomic<uint64_t>> published_sizes;
  std::vector<std::atomic<uint64_t>> published_expires;
  void PublishSizes();

 private:
  void Dispatch(TaskPtr task);
  void Release(uint64_t txid);
  void RunDeferred();

  ShardSet* set_;
  ShardId id_;
  std::vector<std::unique_ptr<Db>> storage_;  // owns the dbs
  // Index -> db; atomics because SWAPDB changes them while readers on other
  // threads may resolve an index.
  std::unique_ptr<std::atomic<Db*>[]> dbs_;
  Mailbox mailbox_;
  KeyWaiters key_waiters_;
  KeyWatchers key_watchers_;
  Evictor evictor_;
  static constexpr uint64_t kLocalHold = ~uint64_t{0};
  std::atomic<uint64_t> held_by_{0};
  std::deque<TaskPtr> deferred_;
  std::vector<std::deque<TaskPtr>> outbox_;  // per target, when its mailbox was full
  size_t outbox_count_ = 0;
  std::atomic<int64_t> now_ms_{0};
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_SHARD_H_
