#ifndef SHARDIS_SERVER_CORE_BLOCKING_H_
#define SHARDIS_SERVER_CORE_BLOCKING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_waiters.h"
#include "engine/shard.h"
#include "resp/reply_writer.h"
#include "server/command/command.h"
#include "server/command/multi_command.h"
#include "server/core/client.h"

namespace server {

class Server;

// A client waiting in BLPOP & co.
//
// Life: its worker runs the command once (an "attempt": phases on the keys'
// shards, atomic like any MultiCommand). When nothing can serve it, the
// attempt registers it in each shard's KeyWaiters for its keys. When a list
// or sorted set is later stored under one of them, that shard serves it:
//   - when serving touches only that shard (a pop: BLPOP, BZPOPMIN, ... is
//     served from the key that got a value, as in Redis; or a BLMOVE whose
//     keys all live there), the shard re-runs the command right there, on
//     its own keys only, in blocking order, and sends the reply home;
//   - otherwise (BLMOVE across shards) the shard hands it back, and its
//     worker runs a new attempt (a transaction over all its shards), which
//     may register it again.
// A timeout or a disconnect completes it on its worker. Whoever completes it
// first wins KeyWaiter::TryClaim; the others leave it alone.
class BlockedCommand : public engine::KeyWaiter {
 public:
  BlockedCommand(const MultiCommand& mc, Client* client, engine::ShardId home, int64_t now_ms);

  // A fresh invocation of the command (for an attempt, or to serve it).
  std::unique_ptr<MultiCommand> MakeCommand(int64_t now_ms) const;

  const CommandSpec& spec() const { return *spec_; }
  int db() const { return db_; }
  engine::ShardId home() const { return home_; }
  engine::ObjectType waits_for() const { return waits_for_; }
  int64_t deadline_ms() const { return deadline_ms_; }
  // Whether `shard` can serve it by itself (see above).
  bool ServableOn(engine::ShardId shard) const {
    return !serve_needs_all_keys_ || only_shard_ == static_cast<int64_t>(shard);
  }
  const std::vector<std::string>& args() const { return args_; }

  // Home thread only.
  Client* client;
  PendingReply* slot = nullptr;
  resp::Protocol proto;
  bool attempt_running = false;
  bool cancelled = false;  // disconnected while an attempt ran
  bool counted = false;    // in INFO's blocked_clients

 private:
  const CommandSpec* spec_;
  uint64_t client_id_;  // its author, on whichever shard serves it
  std::vector<std::string> args_;
  int db_;
  engine::ShardId home_;
  engine::ObjectType waits_for_;
  int64_t deadline_ms_;
  int64_t only_shard_ = -1;  // the one shard holding every key, or -1
  bool serve_needs_all_keys_;
};

// On a shard's thread, between commands (never while a transaction holds
// the shard): serves the clients blocked on keys that received a value.
void ServeBlockedClients(Server& server, engine::Shard& shard);

// Drops `waiter`'s registrations for its keys on `shard` (its thread).
void UnregisterBlocked(engine::Shard& shard, const BlockedCommand& waiter);

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_BLOCKING_H_
