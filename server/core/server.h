#ifndef SHARDIS_SERVER_CORE_SERVER_H_
#define SHARDIS_SERVER_CORE_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/shard_set.h"
#include "server/command/command_table.h"
#include "server/config/config.h"
#include "server/core/append_only.h"
#include "server/core/maxmemory.h"
#include "server/pubsub/keyspace_notifier.h"
#include "server/pubsub/subscription_registry.h"
#include "server/pubsub/tracking_table.h"
#include "server/core/client_directory.h"
#include "server/scripting/function_registry.h"
#include "server/scripting/script_cache.h"

namespace server {

class Worker;
class ConfigRegistry;
class Snapshots;

// Process-wide state: configuration, shards, workers, counters. Created once
// in main(); workers read it, and only atomics change after start.
class Server {
 public:
  // `commands`: the table the workers dispatch through (AllCommands() in
  // server/commands/all_commands.h).
  Server(Config config, CommandTable commands);
  ~Server();

  // Opens the listening sockets and starts one worker thread per shard.
  absl::Status Start();
  // Asks every worker to stop, and joins them.
  void Stop();
  // Blocks until Stop() is called from another thread or a signal handler.
  void Wait();
  // Stop() was called (any thread).
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  const Config& config() const { return config_; }
  // CONFIG SET changes Tunable fields through this (any thread).
  Config& mutable_config() { return config_; }
  ConfigRegistry& config_registry() { return *config_registry_; }
  engine::ShardSet& shards() { return shards_; }
  const CommandTable& commands() const { return commands_; }
  Worker& worker(size_t i) { return *workers_[i]; }
  size_t num_workers() const { return workers_.size(); }
  int64_t start_ms() const { return start_ms_; }
  const std::string& run_id() const { return run_id_; }
  int port() const { return port_; }

  // Counters for INFO (relaxed atomics: statistics only).
  std::atomic<int64_t> connected_clients{0};
  std::atomic<int64_t> blocked_clients{0};
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> output_limit_disconnections{0};
  // Scripts past busy-reply-threshold (and how many of them are functions).
  std::atomic<int> busy_scripts{0};
  std::atomic<int> busy_functions{0};
  // While a script is busy: Redis's BUSY error for a command that may not
  // run meanwhile, or "" for one that may (flag allow-busy).
  std::string BusyError(const CommandSpec& spec, Args args) const;
  // Allocated bytes as maxmemory sees them.
  MemoryGauge& memory() { return memory_; }
  // EVAL's scripts, shared by every worker's interpreter.
  scripting::ScriptCache& scripts() { return scripts_; }
  // FUNCTION's libraries, likewise shared.
  scripting::FunctionRegistry& functions() { return functions_; }
  // Every worker's subscriptions (SUBSCRIBE & co, PUBLISH).
  pubsub::SubscriptionRegistry& subscriptions() { return subscriptions_; }
  // CLIENT TRACKING: who cached which keys, every worker's clients.
  pubsub::TrackingTable& tracking() { return tracking_; }
  // Which worker owns each client (CLIENT TRACKING REDIRECT).
  ClientDirectory& client_directory() { return client_directory_; }
  // Keyspace notifications: the engine's key events, published; its mask is
  // notify-keyspace-events.
  pubsub::KeyspaceNotifier& keyspace_events() { return keyspace_events_; }
  // RDB snapshots: BGSAVE, SAVE, the save points, loading at start.
  Snapshots& snapshots() { return *snapshots_; }
  // The append-only file; command_log() is where write commands go
  // (nullptr while it is off).
  AppendOnly& append_only() { return *append_only_; }
  const AppendOnly& append_only() const { return *append_only_; }
  CommandLog* command_log() const { return append_only_->log(); }
  // Loads the dump file (dir/dbfilename), if there is one. Before Start.
  absl::Status LoadData();
  // SHUTDOWN asked to stop (any thread); main() stops the server then.
  void RequestShutdown() { shutdown_requested_.store(true, std::memory_order_release); }
  bool shutdown_requested() const { return shutdown_requested_.load(std::memory_order_acquire); }
  // SIGTERM's save when save points are set: a snapshot from worker 0,
  // waited for. True when the server may exit.
  bool SaveBeforeExit();

 private:
  MemoryGauge memory_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> shutdown_requested_{false};
  // Flags and config-file settings of the CONFIG SET kind, applied once
  // (LoadData needs dir and dbfilename before Start).
  absl::Status ApplyStartupSettings();
  bool settings_applied_ = false;
  scripting::ScriptCache scripts_;
  scripting::FunctionRegistry functions_;
  pubsub::SubscriptionRegistry subscriptions_;
  pubsub::TrackingTable tracking_;
  ClientDirectory client_directory_;
  pubsub::KeyspaceNotifier keyspace_events_{subscriptions_, tracking_};
  Config config_;
  engine::ShardSet shards_;
  CommandTable commands_;
  std::unique_ptr<ConfigRegistry> config_registry_;
  std::unique_ptr<Snapshots> snapshots_;
  std::unique_ptr<AppendOnly> append_only_;
  std::vector<std::unique_ptr<Worker>> workers_;
  int64_t start_ms_;
  std::string run_id_;
  int port_ = 0;
  int unix_fd_ = -1;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_SERVER_H_
