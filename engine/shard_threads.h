#ifndef SHARDIS_ENGINE_SHARD_THREADS_H_
#define SHARDIS_ENGINE_SHARD_THREADS_H_

#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/shard_set.h"

namespace engine {

// Runs every shard of a ShardSet on its own plain thread, for programs that
// use the engine without the network layer (tests, tools, embedders). The
// server does not use this: it runs shard i inside worker i's event loop.
class ShardThreads {
 public:
  explicit ShardThreads(ShardSet& set);
  ~ShardThreads();  // stops and joins

  // Runs fn on shard `id`'s thread and returns its result through a future.
  template <typename F>
  auto Run(ShardId id, F fn) -> std::future<decltype(fn(std::declval<Shard&>()))> {
    using R = decltype(fn(std::declval<Shard&>()));
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    Post(id, [promise, fn = std::move(fn)](Shard& shard) mutable {
      if constexpr (std::is_void_v<R>) {
        fn(shard);
        promise->set_value();
      } else {
        promise->set_value(fn(shard));
      }
    });
    return future;
  }

  // Queues fn on shard `id` as ordinary work (waits while a transaction holds
  // the shard). Blocks while that shard's mailbox is full.
  void Post(ShardId id, absl::AnyInvocable<void(Shard&)> fn);

 private:
  struct Waker {
    std::mutex mu;
    std::condition_variable cv;
    bool pending = false;
  };
  void Loop(ShardId id);

  ShardSet& set_;
  std::vector<std::unique_ptr<Waker>> wakers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_SHARD_THREADS_H_
