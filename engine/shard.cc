#include "engine/shard.h"

#include <chrono>

#include "engine/shard_set.h"

namespace engine {

Shard::Shard(ShardSet* set, ShardId id, int num_dbs)
    : published_sizes(num_dbs),
      published_expires(num_dbs),
      set_(set),
      id_(id),
      key_watchers_(num_dbs) {
  dbs_.reset(new std::atomic<Db*>[num_dbs]);
  for (int i = 0; i < num_dbs; ++i) {
    storage_.push_back(std::make_unique<Db>());
    storage_.back()->set_waiters(&key_waiters_, i);
    storage_.back()->set_watchers(&key_watchers_);
    dbs_[i].store(storage_.back().get(), std::memory_order_relaxed);
  }
  outbox_.resize(set->size());
}

Shard::~Shard() = default;

void Shard::SwapDbs(int a, int b) {
  Db* da = dbs_[a].load(std::memory_order_relaxed);
  Db* db_b = dbs_[b].load(std::memory_order_relaxed);
  if (!key_watchers_.empty()) {  // before the swap: both sides as they were
    key_watchers_.TouchAllInDb(a, *da, db_b, now_ms());
    key_watchers_.TouchAllInDb(b, *db_b, da, now_ms());
  }
  dbs_[a].store(db_b, std::memory_order_release);
  dbs_[b].store(da, std::memory_order_release);
  db_b->set_waiters(&key_waiters_, a);
  da->set_waiters(&key_waiters_, b);
  key_waiters_.NoteDbChanged(a);
  key_waiters_.NoteDbChanged(b);
}

void Shard::Send(ShardId target, TaskPtr task) {
  std::deque<TaskPtr>& pending = outbox_[target];
  if (pending.empty() && set_->shard(target).mailbox().TryPush(task)) return;
  pending.push_back(std::move(task));
  ++outbox_count_;
}

void Shard::ProcessMailbox() {
  if (outbox_count_ > 0) {
    for (ShardId t = 0; t < outbox_.size(); ++t) {
      std::deque<TaskPtr>& pending = outbox_[t];
      while (!pending.empty() && set_->shard(t).mailbox().TryPush(pending.front())) {
        pending.pop_front();
        --outbox_count_;
      }
    }
  }
  // Bounded, so a flood from other threads cannot starve this thread's own
  // connections; the loop comes back on its next iteration.
  for (int i = 0; i < 4096; ++i) {
    TaskPtr task = mailbox_.Pop();
    if (!task) break;
    Dispatch(std::move(task));
  }
}

void Shard::RunOrDefer(TaskPtr task) {
  if (CanRunInline()) {
    task->fn(*this);
  } else {
    deferred_.push_back(std::move(task));
  }
}

void Shard::Dispatch(TaskPtr task) {
  switch (task->kind) {
    case Task::Kind::kCallback:
      task->fn(*this);
      return;
    case Task::Kind::kWork:
      RunOrDefer(std::move(task));
      return;
    case Task::Kind::kAcquire:
      if (CanRunInline()) {
        held_by_.store(task->txid, std::memory_order_release);
        task->fn(*this);
        if (task->release_after) Release(task->txid);
      } else {
        deferred_.push_back(std::move(task));
      }
      return;
    case Task::Kind::kTxPart:
      task->fn(*this);
      if (task->release_after) Release(task->txid);
      return;
  }
}

void Shard::Release(uint64_t txid) {
  held_by_.store(0, std::memory_order_release);
  RunDeferred();
}

void Shard::RunDeferred() {
  while (!deferred_.empty() && held_by_.load(std::memory_order_relaxed) == 0) {
    TaskPtr task = std::move(deferred_.front());
    deferred_.pop_front();
    if (task->kind == Task::Kind::kAcquire) {
      held_by_.store(task->txid, std::memory_order_release);
    }
    task->fn(*this);
    // The acquire ran the transaction's only part here: the loop goes on
    // with whatever waited behind it.
    if (task->kind == Task::Kind::kAcquire && task->release_after) {
      held_by_.store(0, std::memory_order_release);
    }
  }
}

size_t Shard::ActiveExpire(int64_t budget_us) {
  constexpr size_t kSample = 20;
  auto start = std::chrono::steady_clock::now();
  size_t total = 0;
  for (auto& db : storage_) {
    if (db->expires_size() == 0) db->ExpireSample(now_ms(), 0);  // resets avg_ttl
    while (db->expires_size() > 0) {
      size_t deleted = db->ExpireSample(now_ms(), kSample);
      total += deleted;
      if (deleted * 4 < kSample) break;  // under 25% expired: good enough
      auto spent = std::chrono::steady_clock::now() - start;
      if (std::chrono::duration_cast<std::chrono::microseconds>(spent).count() > budget_us) break;
    }
  }
  if (total > 0) expired_keys.fetch_add(total, std::memory_order_relaxed);
  return total;
}

bool Shard::EvictOne(EvictionPolicy policy, int samples) {
  if (!evictor_.EvictOne(*this, policy, samples)) return false;
  // Owner-written: a plain add keeps the counter off the locked-op path.
  evicted_keys.store(evicted_keys.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return true;
}

size_t Shard::EvictableKeys(EvictionPolicy policy) const {
  bool volatile_only = IsVolatilePolicy(policy);
  size_t n = 0;
  for (const auto& db : storage_) n += volatile_only ? db->expires_size() : db->size();
  return n;
}

size_t Shard::PublishedEvictableKeys(EvictionPolicy policy) const {
  const auto& counts = IsVolatilePolicy(policy) ? published_expires : published_sizes;
  size_t n = 0;
  for (const auto& c : counts) n += c.load(std::memory_order_relaxed);
  return n;
}

void Shard::PublishSizes() {
  for (int i = 0; i < num_dbs(); ++i) {
    published_sizes[i].store(db(i).size(), std::memory_order_relaxed);
    published_expires[i].store(db(i).expires_size(), std::memory_order_relaxed);
  }
}

}  // namespace engine
