#ifndef SHARDIS_SERVER_TRANSACTION_MULTI_STATE_H_
#define SHARDIS_SERVER_TRANSACTION_MULTI_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_watchers.h"
#include "engine/shard.h"
#include "server/command/command.h"

namespace server {

// A command queued between MULTI and EXEC, with its own copy of the
// arguments (the input buffer moves on).
struct QueuedCommand {
  QueuedCommand(const CommandSpec* s, Args args) : spec(s), storage(args.begin(), args.end()) {}

  const CommandSpec* spec;
  std::vector<std::string> storage;
};

// A client between MULTI and EXEC/DISCARD.
struct MultiState {
  std::vector<QueuedCommand> queue;
  // A command was rejected while queueing: EXEC answers EXECABORT.
  bool aborted = false;
  // The union of the queued commands' flags (EXEC refuses a transaction
  // with a deny-oom command when over maxmemory, as Redis does).
  uint32_t flags = 0;
};

// The keys one client WATCHes, and where they are registered.
struct WatchedKey {
  engine::ShardId shard;
  int db;
  std::string key;
};

struct WatchSet {
  // Shared with the registrations on each shard; replaced on UNWATCH, so a
  // removal still on its way never affects a later WATCH.
  std::shared_ptr<engine::WatchState> state;
  std::vector<WatchedKey> keys;

  bool empty() const { return keys.empty(); }
  bool dirty() const {
    return state != nullptr && state->dirty.load(std::memory_order_acquire);
  }
};

}  // namespace server

#endif  // SHARDIS_SERVER_TRANSACTION_MULTI_STATE_H_
