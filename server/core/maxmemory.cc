#include "server/core/maxmemory.h"

#include <chrono>

#include "engine/runtime.h"
#include "server/core/memory_stats.h"
#include "server/core/server.h"

namespace server {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Redis's evictionTimeLimitUs: 50 us per step of tenacity up to 10 (500 us
// by default), growing 15% per step above, unlimited at 100.
int64_t EvictionBudgetNs(int64_t tenacity) {
  if (tenacity >= 100) return INT64_MAX;
  double us = 50.0 * static_cast<double>(tenacity);
  for (int64_t t = 10; t < tenacity; ++t) us *= 1.15;
  return static_cast<int64_t>(us * 1000);
}

}  // namespace

int64_t MemoryGauge::Refresh() {
  int64_t used = static_cast<int64_t>(ReadMemory().allocated);
  used_.store(used, std::memory_order_relaxed);
  sampled_ns_.store(NowNs(), std::memory_order_relaxed);
  return used;
}

int64_t MemoryGauge::Current() {
  if (NowNs() - sampled_ns_.load(std::memory_order_relaxed) >= 1'000'000) return Refresh();
  return used_.load(std::memory_order_relaxed);
}

bool MakeRoomForWrite(Server& server, engine::Shard& shard) {
  const Config& cfg = server.config();
  int64_t limit = cfg.maxmemory;
  if (limit <= 0 || server.memory().Current() <= limit) return true;
  engine::EvictionPolicy policy = cfg.maxmemory_policy;
  if (policy == engine::EvictionPolicy::kNoEviction) return false;
  // Memory is global but eviction is per shard: whichever shard notices
  // first would otherwise pay for everyone and could empty itself while the
  // others keep growing. A shard below half its fair share of evictable keys
  // leaves the work to fuller shards (their writes and timers evict); the
  // write is refused only when no shard has anything left.
  engine::ShardSet& shards = server.shards();
  size_t mine = shard.EvictableKeys(policy);
  size_t total = mine;
  for (engine::ShardId i = 0; i < shards.size(); ++i) {
    if (i != shard.id()) total += shards.shard(i).PublishedEvictableKeys(policy);
  }
  if (total == 0) return false;
  if (mine * 2 * shards.size() < total) return true;
  int samples = static_cast<int>(cfg.maxmemory_samples.get());
  int64_t deadline = NowNs() + EvictionBudgetNs(cfg.maxmemory_eviction_tenacity);
  for (;;) {
    constexpr int kBatch = 16;
    int evicted = 0;
    while (evicted < kBatch && shard.EvictOne(policy, samples)) ++evicted;
    // The other shards judge their share by these counts: keep them fresh
    // while evicting, not just once per timer tick.
    shard.PublishSizes();
    // Deleted values wait for hazard pointers; free them before measuring,
    // or every batch would look like it freed nothing and we would evict
    // far more than needed.
    engine::ReclaimRetired();
    if (server.memory().Refresh() <= limit) return true;
    if (evicted < kBatch) return false;  // nothing left here to evict
    // Out of time: let this command through; later writes and the timer
    // carry on (Redis's EVICT_RUNNING).
    if (NowNs() > deadline) return true;
  }
}

}  // namespace server
