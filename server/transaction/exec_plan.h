#ifndef SHARDIS_SERVER_TRANSACTION_EXEC_PLAN_H_
#define SHARDIS_SERVER_TRANSACTION_EXEC_PLAN_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/shard.h"
#include "engine/shard_set.h"
#include "server/command/command.h"
#include "server/command/command_log.h"
#include "server/command/multi_command.h"
#include "server/transaction/multi_state.h"

namespace server {

// One queued command as EXEC runs it.
struct ExecStep {
  enum class Kind {
    kShard,   // a single-key command, on its key's shard
    kMulti,   // phases over shards (MGET, DEL, FLUSHALL, BLPOP, ...)
    kClient,  // a connection or server command, on the client's worker
  };
  Kind kind;
  const CommandSpec* spec;
  std::vector<std::string_view> args;  // into the queued command's storage
  int db;                              // SELECTs queued before it applied
  engine::ShardId shard = 0;           // kShard
  std::unique_ptr<MultiCommand> multi;  // kMulti: its phases declared
  std::string reply;                    // kShard, kClient
  // Its keyspace events, reported in queue order once EXEC is done (steps
  // on different shards run at the same time). Written by the one thread
  // that runs the step; a multi-key one logs its own (MultiCommand).
  engine::KeyEventLog events;
  // What it wrote, for the append-only file (kShard, kClient; a kMulti
  // step logs from its MultiCommand): EXEC's block collects the steps' in
  // queue order once all of them ran.
  CommandBatch log;
};

// One phase of EXEC's transaction: each shard of `shards` runs its part.
struct ExecRound {
  enum class Kind {
    kWatchCheck,  // checks and drops the client's watches on each shard
    kShardSteps,  // consecutive single-key commands: each shard runs its own, in order
    kMultiPhase,  // phase `phase` of step `step`
    kClientStep,  // step `step` on the client's worker (origin shard)
  };
  Kind kind;
  std::vector<size_t> steps;  // kShardSteps, in queue order
  size_t step = 0;
  size_t phase = 0;
  std::vector<engine::ShardId> shards;
};

// How EXEC runs a transaction: its steps, grouped into rounds so that a run
// of single-key commands costs one message per shard rather than one per
// command (they touch disjoint keys, so shards may run theirs in parallel).
// Multi-key commands and client commands end such a run: they see the
// effects of everything before them.
//
// Built on the client's thread. Multi-key commands declare their phases here
// (their handlers run now, as Redis would validate them when they run; the
// data they touch is only read in the phases).
class ExecPlan {
 public:
  ExecPlan(std::vector<QueuedCommand> queue, const engine::ShardSet& set, engine::ShardId origin,
           int start_db, int num_dbs, int64_t now_ms, const WatchSet* watches);

  std::vector<ExecStep>& steps() { return steps_; }
  const std::vector<ExecRound>& rounds() const { return rounds_; }
  // Every shard some round runs on, ascending.
  const std::vector<engine::ShardId>& shards() const { return shards_; }
  // Whether a step runs on the client's worker (CLIENT, SELECT, PING...).
  bool has_client_steps() const { return has_client_steps_; }
  // The watches checked by the first round (nullptr: none).
  const WatchSet* watches() const { return watches_; }

 private:
  void AddStep(QueuedCommand& cmd, const engine::ShardSet& set, int* db, int num_dbs,
               int64_t now_ms);

  std::vector<QueuedCommand> queue_;
  std::vector<ExecStep> steps_;
  std::vector<ExecRound> rounds_;
  std::vector<engine::ShardId> shards_;
  engine::ShardId origin_;
  engine::ShardId num_shards_;
  const WatchSet* watches_;
  bool has_client_steps_ = false;
};

}  // namespace server

#endif  // SHARDIS_SERVER_TRANSACTION_EXEC_PLAN_H_
