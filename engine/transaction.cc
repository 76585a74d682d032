#include "engine/transaction.h"

#include <algorithm>

#include "engine/shard_set.h"

namespace engine {

Transaction::Transaction(Shard* origin, std::vector<ShardId> shards)
    : origin_(origin), shards_(std::move(shards)) {
  std::sort(shards_.begin(), shards_.end());
  shards_.erase(std::unique(shards_.begin(), shards_.end()), shards_.end());
}

void Transaction::AddPhase(PartFn fn, std::vector<ShardId> shards) {
  if (shards.empty()) shards = shards_;
  phases_.push_back(Phase{std::move(fn), std::move(shards)});
}

void Transaction::AddOriginStep(std::function<void()> fn) {
  phases_.push_back(Phase{nullptr, {}, std::move(fn)});
}

void Transaction::Start(absl::AnyInvocable<void()> done) {
  done_ = std::move(done);
  id_ = origin_->shard_set().NextTxId();
  AcquireNext();
}

void Transaction::ContinueOnOrigin(Shard& from, absl::AnyInvocable<void()> fn) {
  if (&from == origin_) {
    fn();
    return;
  }
  from.Send(origin_->id(), std::make_unique<Task>(Task::Kind::kCallback,
                                                  [fn = std::move(fn)](Shard&) mutable { fn(); }));
}

void Transaction::AcquireNext() {
  if (next_acquire_ == shards_.size()) {
    StartPhase();
    return;
  }
  ShardId target = shards_[next_acquire_++];
  // The last shard to be taken runs its part of the first phase right as it
  // is taken (every other shard is held by then), saving a round trip; and
  // gives itself back at once when that was its last part.
  const std::vector<ShardId>& first = phases_[0].shards;
  bool carry = next_acquire_ == shards_.size() &&
               std::find(first.begin(), first.end(), target) != first.end();
  bool release = carry && phases_.size() == 1;
  if (carry) carried_ = target;
  auto task = std::make_unique<Task>(
      Task::Kind::kAcquire,
      [this, carry](Shard& shard) {
        if (carry) phases_[0].fn(shard);
        ContinueOnOrigin(shard, [this] { AcquireNext(); });
      },
      id_, release);
  // The origin's own shard is taken without a hop (or queued in line exactly
  // like a remote acquire). This may run the rest of the transaction and
  // delete it, so it is the last statement.
  if (target == origin_->id()) {
    origin_->Execute(std::move(task));
  } else {
    origin_->Send(target, std::move(task));
  }
}

void Transaction::StartPhase() {
  Phase& phase = phases_[phase_];
  bool last = phase_ + 1 == phases_.size();
  if (phase.on_origin) {
    phase.on_origin();
    // The last phase: give every shard back (the releases need no answer;
    // work queued behind the hold runs after all of this step).
    if (last) {
      for (ShardId s : shards_) {
        auto release = std::make_unique<Task>(Task::Kind::kTxPart, [](Shard&) {}, id_, true);
        if (s == origin_->id()) {
          origin_->Execute(std::move(release));
        } else {
          origin_->Send(s, std::move(release));
        }
      }
    }
    return Advance();
  }
  bool skip_carried = phase_ == 0 && carried_ != kNoShard;
  parts_pending_ = phase.shards.size() - (skip_carried ? 1 : 0);
  if (last) {
    // Shards with no part in the last phase still need their release.
    for (ShardId s : shards_) {
      if (std::find(phase.shards.begin(), phase.shards.end(), s) == phase.shards.end()) {
        auto release = std::make_unique<Task>(
            Task::Kind::kTxPart, [](Shard&) {}, id_, true);
        if (s == origin_->id()) {
          origin_->Execute(std::move(release));
        } else {
          origin_->Send(s, std::move(release));
        }
      }
    }
  }
  if (parts_pending_ == 0) return Advance();  // its only part ran with the acquire
  TaskPtr local;
  for (ShardId s : phase.shards) {
    if (skip_carried && s == carried_) continue;
    auto task = std::make_unique<Task>(
        Task::Kind::kTxPart,
        [this, fn = &phase.fn](Shard& shard) {
          (*fn)(shard);
          ContinueOnOrigin(shard, [this] { OnPartDone(); });
        },
        id_, last);
    if (s == origin_->id()) {
      local = std::move(task);
    } else {
      origin_->Send(s, std::move(task));
    }
  }
  // Last: the local part may complete the transaction and delete it.
  if (local) origin_->Execute(std::move(local));
}

void Transaction::OnPartDone() {
  if (--parts_pending_ > 0) return;
  Advance();
}

void Transaction::Advance() {
  ++phase_;
  if (phase_ < phases_.size()) {
    StartPhase();
    return;
  }
  auto done = std::move(done_);
  delete this;
  done();
}

}  // namespace engine
