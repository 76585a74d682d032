#include "engine/key_waiters.h"

#include <algorithm>

namespace engine {

void KeyWaiters::Add(int db, std::string_view key, std::shared_ptr<KeyWaiter> waiter) {
  uint64_t generation = waiter->generation();
  queues_[KeyId(db, std::string(key))].push_back({std::move(waiter), generation});
}

void KeyWaiters::Remove(int db, std::string_view key, const KeyWaiter* waiter) {
  auto it = queues_.find(KeyId(db, std::string(key)));
  if (it == queues_.end()) return;
  Queue& q = it->second;
  q.erase(std::remove_if(q.begin(), q.end(),
                         [waiter](const Registration& r) { return r.waiter.get() == waiter; }),
          q.end());
  if (q.empty()) queues_.erase(it);
}

void KeyWaiters::MarkReady(int db, std::string_view key) {
  KeyId id(db, std::string(key));
  if (!queues_.contains(id) || ready_set_.contains(id)) return;
  ready_set_.insert(id);
  ready_.push_back(std::move(id));
}

void KeyWaiters::NoteDbChanged(int db) {
  std::vector<std::string> keys;
  for (const auto& [id, queue] : queues_) {
    if (id.first == db) keys.push_back(id.second);
  }
  for (const std::string& key : keys) MarkReady(db, key);
}

}  // namespace engine
