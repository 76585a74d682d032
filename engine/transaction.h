#ifndef SHARDIS_ENGINE_TRANSACTION_H_
#define SHARDIS_ENGINE_TRANSACTION_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "engine/shard.h"

namespace engine {

// An atomic operation over several shards (MGET/MSET/DEL across shards,
// RENAME, FLUSHALL, ...). No client ever observes half of one.
//
// Protocol (two-phase locking with a global acquisition order):
//   1. acquire: take each involved shard, one after the other in ascending
//      shard id. Everyone acquires in the same order, so there is no
//      deadlock; a busy shard queues the acquire behind its current holder.
//   2. phases: once every shard is held, run each phase's function on its
//      shards in parallel; phase k+1 starts when phase k is done everywhere
//      (so a later phase may use what an earlier one found, e.g. MSETNX).
//   3. the last phase releases each shard right after its part there.
// The last shard acquired runs its first-phase part in the same step (all
// others are held by then), so a one-phase transaction over two shards
// costs one round trip to the remote one.
// Nothing of a transaction runs before all of its shards are held, and the
// read fast path skips held shards, so a reader that saw one new value can
// never afterwards see another key of the same transaction still old.
//
// Created and started on the origin shard's thread; every continuation runs
// there. Deletes itself after `done`.
class Transaction {
 public:
  using PartFn = std::function<void(Shard&)>;

  Transaction(Shard* origin, std::vector<ShardId> shards);

  // Adds a phase running fn on each of `shards` (a subset of the involved
  // shards; empty means all of them). fn runs on each shard's own thread, so
  // parts of one phase must write disjoint state.
  void AddPhase(PartFn fn, std::vector<ShardId> shards = {});
  // Adds a phase that runs fn once, on the origin thread, while every
  // involved shard is held: a script reaches all their data from there.
  // When it is the last phase, the shards are released right after it.
  void AddOriginStep(std::function<void()> fn);

  // Starts the transaction (at least one phase must have been added); `done`
  // runs on the origin thread at the end.
  void Start(absl::AnyInvocable<void()> done);

  uint64_t id() const { return id_; }
  const std::vector<ShardId>& shards() const { return shards_; }

 private:
  struct Phase {
    PartFn fn;
    std::vector<ShardId> shards;
    std::function<void()> on_origin;  // set: an origin step
  };

  void AcquireNext();
  void StartPhase();
  void OnPartDone();
  // The phase is done everywhere: the next one, or the end.
  void Advance();
  // Runs fn on the origin thread: directly when already there.
  void ContinueOnOrigin(Shard& from, absl::AnyInvocable<void()> fn);

  Shard* origin_;
  std::vector<ShardId> shards_;
  std::vector<Phase> phases_;
  absl::AnyInvocable<void()> done_;
  uint64_t id_ = 0;
  size_t next_acquire_ = 0;
  size_t phase_ = 0;
  size_t parts_pending_ = 0;
  // The shard that ran its first-phase part as it was acquired.
  static constexpr ShardId kNoShard = ~ShardId{0};
  ShardId carried_ = kNoShard;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_TRANSACTION_H_
