#ifndef SHARDIS_SERVER_CORE_SCRIPT_RUN_H_
#define SHARDIS_SERVER_CORE_SCRIPT_RUN_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/key_journal.h"
#include "engine/shard.h"
#include "resp/reply_writer.h"
#include "server/command/command.h"
#include "server/scripting/lua_runtime.h"
#include "server/scripting/script_cache.h"

namespace server {

// Redis's refusals while a script is busy, and of a kill that comes too late.
inline constexpr std::string_view kBusyEvalError =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunctionError =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kUnkillableError =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";

class Server;
class Worker;
struct Client;

// One EVAL / EVALSHA in flight: its arguments (owned), the shards it holds,
// and the ScriptHost its redis.call reaches. Runs on the client's worker
// thread while every shard in `held` is held for it, reading and writing
// their data directly (no hop: nothing else touches a held shard).
//
// A call that needs a shard not held sets needs_every_shard and ends the
// run; when the run had written, the journal undoes it first. The worker
// then runs the script again with every shard held (see
// docs/decisions/006-scripts-with-undeclared-keys.md).
class ScriptRun : public scripting::ScriptHost {
 public:
  // `command`: the whole EVAL / FCALL (FUNCTION STATS shows it).
  ScriptRun(Server& server, Worker& worker, Client& client,
            std::shared_ptr<scripting::Script> script, Args command, int64_t numkeys,
            bool read_only);

  const scripting::Script& script() const { return *script_; }
  std::shared_ptr<scripting::Script> script_ptr() const { return script_; }
  // Which shards this attempt holds: every one, or those of its KEYS
  // (sorted, unique; none for a script without keys). Returns them.
  const std::vector<engine::ShardId>& Hold(bool every);

  // Runs the script once on this thread; the reply lands in reply().
  void Execute(scripting::LuaRuntime& lua, int64_t now_ms);
  bool needs_every_shard() const { return needs_every_shard_; }
  // Its writes' effects (each call as a replay repeats it) into `log`, as
  // one atomic block, after Execute and while its shards are still held.
  void FlushLog(CommandLog* log);
  const std::string& reply() const { return reply_; }

  // SCRIPT KILL (function_kill false) or FUNCTION KILL, from any thread:
  // 0 not busy, 1 it stops at its next hook or call, -1 refused (*why).
  int Kill(bool function_kill, std::string* why);
  bool wrote() const { return state_.load(std::memory_order_acquire) == kWrote; }
  // FUNCTION STATS's running_script (name, command, duration_ms), written
  // as a map; false when this run is not a running function.
  bool DescribeRunning(resp::ReplyWriter& out) const;

  // ScriptHost.
  void Call(scripting::ArgList args, int resp, std::string* reply) override;
  bool ShouldStop(std::string* why) override;
  bool OnHook() override;
  bool CommandExists(std::string_view name) override;
  void Log(int level, std::string_view message) override;

 private:
  bool Holds(engine::ShardId shard) const;
  // The held shard a key-less command runs on (ours if held), or -1.
  int64_t KeylessShard() const;
  void CallUnguarded(scripting::ArgList args, resp::ReplyWriter& w);
  // The refusal of a command in a script, or "" when it may run.
  std::string Refusal(const CommandSpec& spec, Args args) const;
  void RunKeyCommand(const CommandSpec& spec, Args args, const std::vector<int>& keys,
                     resp::ReplyWriter& w);
  void RunMultiCommand(const CommandSpec& spec, Args args, const std::vector<int>& keys,
                       resp::ReplyWriter& w);
  void RunClientCommand(const CommandSpec& spec, Args args, resp::ReplyWriter& w);
  void Journal(const CommandSpec& spec, Args args, const std::vector<int>& keys);

  Server& server_;
  Worker& worker_;
  Client& client_;
  std::shared_ptr<scripting::Script> script_;
  std::vector<std::string> storage_;  // the command's arguments
  std::vector<std::string_view> keys_;
  bool tracked_keys_ = false;  // CLIENT TRACKING: keys_ remembered
  std::vector<std::string_view> argv_;
  std::vector<engine::ShardId> key_shards_;
  bool read_only_;
  resp::Protocol client_proto_;
  int db_;  // SELECT inside the script changes it, for the script only
  int start_db_;
  bool oom_at_start_ = false;
  int64_t now_ms_ = 0;
  bool every_shard_ = false;
  std::vector<engine::ShardId> every_;  // 0..n-1, made on first use
  bool needs_every_shard_ = false;
  // kClean -> kWrote (its first write) or kClean -> kKilled (a kill), never
  // both: a kill and a first write race through one compare-and-swap.
  enum State { kClean, kWrote, kKilled };
  std::atomic<int> state_{kClean};
  engine::KeyJournal journal_;
  // The effects of its write calls (the append-only file replays those,
  // not the script: Redis 7.0's effects replication).
  CommandBatch log_;
  bool logging_ = false;
  std::string reply_;
  // Past busy-reply-threshold: other clients get BUSY, and this worker's own
  // clients are still read (Worker::PollWhileScriptBusy).
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> busy_{false};
  void EndBusy();
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_SCRIPT_RUN_H_
