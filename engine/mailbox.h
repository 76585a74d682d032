#ifndef SHARDIS_ENGINE_MAILBOX_H_
#define SHARDIS_ENGINE_MAILBOX_H_

#include <cds/container/vyukov_mpmc_cycle_queue.h>

#include <functional>

#include "engine/task.h"

namespace engine {

// A shard's inbox: a bounded lock-free multi-producer/single-consumer queue
// (libcds VyukovMPSCCycleQueue: no allocation, one CAS per push) plus a
// notifier that wakes the consumer's thread. FIFO across all producers, so
// one producer's tasks arrive in the order it pushed them.
class Mailbox {
 public:
  static constexpr size_t kDefaultCapacity = 1 << 14;

  explicit Mailbox(size_t capacity = kDefaultCapacity) : queue_(capacity) {}
  ~Mailbox() {
    Task* t;
    while (queue_.pop(t)) delete t;
  }

  // Any thread. On false (full) the task is untouched and still the caller's:
  // back-pressure, never a drop.
  bool TryPush(TaskPtr& task) {
    Task* raw = task.get();
    if (!queue_.push(raw)) return false;
    task.release();
    if (notifier_) notifier_();
    return true;
  }

  // Consumer thread only.
  TaskPtr Pop() {
    Task* t = nullptr;
    if (!queue_.pop(t)) return nullptr;
    return TaskPtr(t);
  }

  bool empty() const { return queue_.empty(); }

  // Set once before producers start; called after each successful push.
  void set_notifier(std::function<void()> notifier) { notifier_ = std::move(notifier); }

 private:
  cds::container::VyukovMPSCCycleQueue<Task*> queue_;
  std::function<void()> notifier_;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_MAILBOX_H_
