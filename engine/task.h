#ifndef SHARDIS_ENGINE_TASK_H_
#define SHARDIS_ENGINE_TASK_H_

#include <cstdint>
#include <memory>

#include "absl/functional/any_invocable.h"

namespace engine {

class Shard;

// A unit of work sent to a shard's thread through its mailbox.
struct Task {
  enum class Kind : uint8_t {
    // Touches the shard's data: waits while a transaction holds the shard.
    kWork,
    // Continuation for the receiving thread's own connections or
    // transactions (hop replies, "acquired", "part done"): never waits.
    kCallback,
    // Takes the shard for transaction `txid` once it is free, then runs fn.
    kAcquire,
    // A part of transaction `txid`, which already holds the shard.
    kTxPart,
  };

  Task(Kind k, absl::AnyInvocable<void(Shard&)> f, uint64_t tx = 0, bool release = false)
      : kind(k), release_after(release), txid(tx), fn(std::move(f)) {}

  Kind kind;
  // kTxPart, kAcquire: give the shard back after fn (the transaction's
  // last part here).
  bool release_after;
  uint64_t txid;
  absl::AnyInvocable<void(Shard&)> fn;
};

using TaskPtr = std::unique_ptr<Task>;

}  // namespace engine

#endif  // SHARDIS_ENGINE_TASK_H_
