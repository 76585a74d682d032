#include "engine/shard_threads.h"

namespace engine {

ShardThreads::ShardThreads(ShardSet& set) : set_(set) {
  for (ShardId i = 0; i < set.size(); ++i) {
    wakers_.push_back(std::make_unique<Waker>());
    Waker* w = wakers_.back().get();
    set.shard(i).mailbox().set_notifier([w] {
      std::lock_guard<std::mutex> lock(w->mu);
      w->pending = true;
      w->cv.notify_one();
    });
  }
  for (ShardId i = 0; i < set.size(); ++i) threads_.emplace_back([this, i] { Loop(i); });
}

ShardThreads::~ShardThreads() {
  stop_.store(true);
  for (auto& w : wakers_) {
    std::lock_guard<std::mutex> lock(w->mu);
    w->pending = true;
    w->cv.notify_one();
  }
  for (auto& t : threads_) t.join();
  for (ShardId i = 0; i < set_.size(); ++i) set_.shard(i).mailbox().set_notifier(nullptr);
}

void ShardThreads::Post(ShardId id, absl::AnyInvocable<void(Shard&)> fn) {
  auto task = std::make_unique<Task>(Task::Kind::kWork, std::move(fn));
  while (!set_.shard(id).mailbox().TryPush(task)) std::this_thread::yield();
}

void ShardThreads::Loop(ShardId id) {
  CdsThreadScope scope;
  Shard& shard = set_.shard(id);
  Waker& w = *wakers_[id];
  while (true) {
    {
      std::unique_lock<std::mutex> lock(w.mu);
      w.cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return w.pending; });
      w.pending = false;
    }
    shard.set_now_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
    do {
      shard.ProcessMailbox();
    } while (!shard.mailbox().empty() || shard.has_outbox());
    if (stop_.load()) break;
  }
}

}  // namespace engine
