#ifndef SHARDIS_ENGINE_KEY_WAITERS_H_
#define SHARDIS_ENGINE_KEY_WAITERS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace engine {

// Something waiting for keys to receive a value (a client in BLPOP & co).
// Shared by whoever may complete it: every shard it waits on, and its own
// thread (for timeouts and disconnects). Exactly one of them wins TryClaim.
//
// Each attempt to serve it has a generation: registrations carry the
// generation they were made for, and ones left from an earlier attempt are
// ignored (their removal may still be on its way).
class KeyWaiter {
 public:
  virtual ~KeyWaiter() = default;

  bool TryClaim() {
    bool expected = false;
    return claimed_.compare_exchange_strong(expected, true, std::memory_order_acq_rel);
  }
  bool claimed() const { return claimed_.load(std::memory_order_acquire); }
  // Gives a claim back when serving found nothing after all.
  void Unclaim() { claimed_.store(false, std::memory_order_release); }
  // Starts a new attempt: unclaimed, and earlier registrations stale.
  void Rearm() {
    generation_.fetch_add(1, std::memory_order_acq_rel);
    claimed_.store(false, std::memory_order_release);
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> claimed_{false};
  std::atomic<uint64_t> generation_{0};
};

// One shard's blocked-key index: for each (db, key), the waiters in the
// order they blocked (first blocked, first served), and the watched keys that
// received a list or sorted set since the last ServeReady. Owner thread only.
class KeyWaiters {
 public:
  struct Registration {
    std::shared_ptr<KeyWaiter> waiter;
    uint64_t generation;
    bool live() const { return !waiter->claimed() && waiter->generation() == generation; }
  };
  using Queue = std::deque<Registration>;

  void Add(int db, std::string_view key, std::shared_ptr<KeyWaiter> waiter);
  // Drops every registration of `waiter` on key.
  void Remove(int db, std::string_view key, const KeyWaiter* waiter);

  // Db calls this whenever a value that can unblock someone (a list or a
  // sorted set) is stored under key. Cheap when nobody waits.
  void NoteStored(int db, std::string_view key) {
    if (!queues_.empty()) MarkReady(db, key);
  }
  // SWAPDB: every watched key of db may now hold something else.
  void NoteDbChanged(int db);

  bool has_ready() const { return !ready_.empty(); }
  size_t watched_keys() const { return queues_.size(); }

  // Calls serve(db, key, queue) for each ready key, in the order they became
  // ready; serve pops the registrations it completed or found stale. Keys
  // made ready while serving are served in the same call.
  template <typename F>
  void ServeReady(F&& serve);

 private:
  using KeyId = std::pair<int, std::string>;
  void MarkReady(int db, std::string_view key);

  absl::flat_hash_map<KeyId, Queue> queues_;
  std::vector<KeyId> ready_;
  absl::flat_hash_set<KeyId> ready_set_;
};

template <typename F>
void KeyWaiters::ServeReady(F&& serve) {
  while (!ready_.empty()) {
    std::vector<KeyId> batch;
    batch.swap(ready_);
    ready_set_.clear();
    for (KeyId& id : batch) {
      auto it = queues_.find(id);
      if (it == queues_.end()) continue;
      serve(id.first, std::string_view(id.second), it->second);
      // serve may have added keys (so `it` may be stale): look up again.
      auto again = queues_.find(id);
      if (again != queues_.end() && again->second.empty()) queues_.erase(again);
    }
  }
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_KEY_WAITERS_H_
