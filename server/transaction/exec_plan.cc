#include "server/transaction/exec_plan.h"

#include <algorithm>

#include "server/command/int_argument.h"

namespace server {

namespace {

void AddUnique(std::vector<engine::ShardId>& shards, engine::ShardId s) {
  if (std::find(shards.begin(), shards.end(), s) == shards.end()) shards.push_back(s);
}

// The db SELECT would switch to, or -1 when it would fail (it then fails
// again, in its turn, with its own error).
int SelectedDb(Args args, int num_dbs) {
  if (args.size() != 2) return -1;
  int64_t index;
  std::string error;
  if (!ParseDbIndexArgument(args[1], &index, &error)) return -1;
  return index >= 0 && index < num_dbs ? static_cast<int>(index) : -1;
}

}  // namespace

ExecPlan::ExecPlan(std::vector<QueuedCommand> queue, const engine::ShardSet& set,
                   engine::ShardId origin, int start_db, int num_dbs, int64_t now_ms,
                   const WatchSet* watches)
    : queue_(std::move(queue)), origin_(origin), num_shards_(set.size()), watches_(watches) {
  if (watches_ != nullptr && watches_->empty()) watches_ = nullptr;
  if (watches_ != nullptr) {
    ExecRound check{ExecRound::Kind::kWatchCheck};
    for (const WatchedKey& w : watches_->keys) AddUnique(check.shards, w.shard);
    rounds_.push_back(std::move(check));
  }
  steps_.reserve(queue_.size());
  int db = start_db;
  for (QueuedCommand& cmd : queue_) AddStep(cmd, set, &db, num_dbs, now_ms);

  for (size_t i = 0; i < steps_.size(); ++i) {
    ExecStep& step = steps_[i];
    switch (step.kind) {
      case ExecStep::Kind::kShard: {
        bool extends = !rounds_.empty() && rounds_.back().kind == ExecRound::Kind::kShardSteps;
        if (!extends) rounds_.push_back(ExecRound{ExecRound::Kind::kShardSteps});
        rounds_.back().steps.push_back(i);
        AddUnique(rounds_.back().shards, step.shard);
        break;
      }
      case ExecStep::Kind::kMulti:
        // A command answered at setup (a syntax error) has no phases.
        for (size_t p = 0; p < step.multi->phases().size(); ++p) {
          ExecRound round{ExecRound::Kind::kMultiPhase};
          round.step = i;
          round.phase = p;
          round.shards = step.multi->shards();
          rounds_.push_back(std::move(round));
        }
        break;
      case ExecStep::Kind::kClient: {
        has_client_steps_ = true;
        ExecRound round{ExecRound::Kind::kClientStep};
        round.step = i;
        round.shards = {origin_};
        // A script (EVAL inside MULTI) may reach any key: the transaction
        // holds every shard while it runs on the client's thread.
        if (step.spec->flags & kAllShards) {
          for (engine::ShardId s = 0; s < num_shards_; ++s) AddUnique(round.shards, s);
        }
        rounds_.push_back(std::move(round));
        break;
      }
    }
  }
  for (ExecRound& round : rounds_) {
    std::sort(round.shards.begin(), round.shards.end());
    for (engine::ShardId s : round.shards) AddUnique(shards_, s);
  }
  std::sort(shards_.begin(), shards_.end());
}

void ExecPlan::AddStep(QueuedCommand& cmd, const engine::ShardSet& set, int* db, int num_dbs,
                       int64_t now_ms) {
  ExecStep step;
  step.spec = cmd.spec;
  step.args.assign(cmd.storage.begin(), cmd.storage.end());
  step.db = *db;
  Args args(step.args);
  const CommandSpec& spec = *cmd.spec;
  if (spec.on_client != nullptr) {
    step.kind = ExecStep::Kind::kClient;
    // The commands after a SELECT run in the db it selects.
    if (spec.name == "select") {
      int selected = SelectedDb(args, num_dbs);
      if (selected >= 0) *db = selected;
    }
  } else if (spec.multi != nullptr) {
    step.kind = ExecStep::Kind::kMulti;
    step.multi = std::make_unique<MultiCommand>(&spec, args, step.db, now_ms);
    step.multi->Declare(KeyPositions(spec, args), set);
  } else {
    step.kind = ExecStep::Kind::kShard;
    // A key-less form of a keyed command (OBJECT HELP) runs on our shard.
    step.shard = static_cast<size_t>(spec.first_key) < args.size()
                     ? set.ShardOf(args[spec.first_key])
                     : origin_;
  }
  steps_.push_back(std::move(step));
}

}  // namespace server
