#ifndef SHARDIS_SERVER_CORE_WORKER_H_
#define SHARDIS_SERVER_CORE_WORKER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "engine/shard.h"
#include "net/connection.h"
#include "net/event_loop.h"
#include "net/listener.h"
#include "server/command/multi_command.h"
#include "server/core/blocking.h"
#include "engine/rdb/shard_snapshot.h"
#include "server/core/client.h"
#include "server/core/command_memo.h"
#include "server/pubsub/outbox.h"
#include "server/pubsub/subscription_registry.h"
#include "server/scripting/lua_runtime.h"
#include "server/transaction/exec_plan.h"

namespace server {

struct Invalidation;
class ScriptRun;
class Server;
class Worker;
struct SnapshotRun;

// Counters a worker bumps on its hot path. Per worker, so threads never
// share a cache line for them; written only by the owning thread (a plain
// load+store, no locked add), summed by INFO from any thread.
struct WorkerStats {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> fast_path_reads{0};
  std::atomic<uint64_t> hops{0};
  std::atomic<uint64_t> transactions{0};
  // Write commands run (the save points' count of changes).
  std::atomic<uint64_t> writes{0};
  // Keyspace hits and misses of fast-path reads (the owner shard counts
  // the others).
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};

  static void Bump(std::atomic<uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

// What a connection or server command sees: its client, its worker, the
// server, and where to write the reply. Runs on the client's thread.
struct ClientContext {
  Client& client;
  Worker& worker;
  Server& server;
  resp::ReplyWriter& out;
  int64_t now_ms;
  // Inside EXEC: where a reply finished later (GatherFromWorkers) goes - its
  // place in EXEC's reply array - and whom to tell. nullptr: a slot of its
  // own in the client's reply order.
  struct LateReply* late = nullptr;
  // Called by a script (redis.call): the reply must be written now.
  bool in_script = false;
};

// See ClientContext::late.
struct LateReply {
  std::string* data;
  int* pending;  // the handler adds one when it defers, done takes it back
  std::function<void()> done;
};

// One thread: an event loop (net) and the shard it owns (engine), wired
// together. Parses requests, routes each command (inline on the own shard,
// read fast path, hop to the owner, or transaction) and writes replies in
// request order.
class Worker : public net::ConnectionHandler {
 public:
  Worker(Server* server, engine::ShardId id);
  ~Worker() override;

  // Starts the thread. listen_fd is this worker's own SO_REUSEPORT socket;
  // unix_fd (or -1) is shared by all workers.
  void Start(int listen_fd, int unix_fd);
  void Stop();
  void Join();

  engine::ShardId id() const { return id_; }
  const WorkerStats& stats() const { return stats_; }
  engine::Shard& shard() { return shard_; }
  net::EventLoop& loop() { return loop_; }

  // Snapshot of this worker's clients for CLIENT LIST / INFO (its thread).
  const absl::flat_hash_map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  // CONFIG RESETSTAT: zeroes this worker's and its shard's counters (its
  // thread only).
  void ResetStats();
  // Finds a client on this worker (its thread only).
  Client* FindClient(uint64_t id);

  // Runs `collect` on every worker's thread (without waiting for shard
  // holds: it touches connections, not data), then `finish` on this thread
  // with the results in worker order, writing c's reply in its turn.
  // For CLIENT LIST and friends.
  using Collect = std::function<std::string(Worker&)>;
  using Finish = std::function<void(std::vector<std::string>&, resp::ReplyWriter&)>;
  void GatherFromWorkers(ClientContext& ctx, Collect collect, Finish finish);

  // RDB snapshots (worker_snapshot.cc): this worker's part of one - its
  // shard, written a slice per loop iteration - and the commands that wait
  // for a snapshot's file.
  void BeginSnapshotPart(std::shared_ptr<SnapshotRun> run);
  enum class SaveRequest { kForeground, kBackground, kBackgroundScheduled, kShutdown,
                           kShutdownForce };
  void Save(ClientContext& ctx, SaveRequest request);

  // Transactions (worker_exec.cc). WATCH: registers the keys on their
  // shards; the reply waits until every shard has them. UNWATCH (and EXEC,
  // DISCARD, RESET, disconnect): drops them. EXEC: runs the queued commands
  // as one transaction, or answers why not.
  void Watch(ClientContext& ctx, Args args);
  void Unwatch(Client& c);
  void Exec(ClientContext& ctx);

  // Scripts (worker_script.cc). EVAL / EVALSHA (and their _RO forms): runs
  // the script atomically, holding the shards of its KEYS (or every shard,
  // once it is known to reach beyond them).
  void Eval(ClientContext& ctx, Args args, bool by_sha, bool read_only);
  // FCALL / FCALL_RO: a registered function, the same way.
  void Fcall(ClientContext& ctx, Args args, bool read_only);
  // SCRIPT KILL (function false) or FUNCTION KILL, from any thread: 0 no
  // script runs here, 1 it will stop, -1 it may not be (*why says so).
  int KillScript(bool function, std::string* why);
  // FUNCTION STATS, from any thread: writes the function running here, if
  // any (false: none).
  bool DescribeRunningFunction(resp::ReplyWriter& out);
  // This worker's Lua interpreter (its thread only).
  scripting::LuaRuntime& Lua();
  // From a script past busy-reply-threshold, on this thread: reads this
  // worker's other clients and answers them (BUSY, or SCRIPT KILL & co).
  void PollWhileScriptBusy();

  // On this worker's thread: hands the messages published here so far
  // (keyspace events too) to the receivers' workers, ours delivered at once.
  // Runs once per loop iteration; work done here for a client of another
  // worker calls it before the reply goes home, so whatever that client
  // does next reaches subscribers after them.
  void FlushPublished();

  // Blocking commands (worker_blocking.cc). From a shard that served the
  // client's command (its reply is in the slot), or that hands it back for
  // a new attempt because its keys span shards.
  void OnBlockedServed(std::shared_ptr<BlockedCommand> bc);
  void OnBlockedRetry(std::shared_ptr<BlockedCommand> bc);
  // CLIENT UNBLOCK on this worker's thread: ends client `id`'s wait as a
  // timeout would (or with Redis's UNBLOCKED error). False when it is not
  // blocked here (not found, still in its first attempt, or being served).
  bool UnblockClient(uint64_t id, bool with_error);

  // Pub/Sub (worker_pubsub.cc). SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE: each
  // name registered, then confirmed (Redis's reply per name).
  using Space = pubsub::SubscriptionRegistry::Space;
  void Subscribe(ClientContext& ctx, Space space, Args names);
  // The UNSUBSCRIBE family; without names, everything of that space.
  void Unsubscribe(ClientContext& ctx, Space space, Args names);
  // PUBLISH / SPUBLISH: how many receive it. They read it after this
  // event-loop iteration, in the order this thread published.
  size_t Publish(Space space, std::string_view channel, std::string_view message);
  // RESET and disconnect: every subscription of c goes.
  void DropSubscriptions(Client& c);
  // Writes bytes to c outside the reply order of its commands (a message,
  // a confirmation under CLIENT REPLY OFF): now, or after the replies it
  // still owes; then the output limit applies. May close (not free) c.
  void PushToClient(Client& c, std::string_view bytes);
  // c as the shared registries (subscriptions, tracking) know it.
  pubsub::Subscriber SubscriberOf(const Client& c) const {
    return {static_cast<uint32_t>(id_), c.id};
  }

  // CLIENT TRACKING (worker_tracking.cc). On: c.tracking holds the options
  // (the CLIENT handler checked them); registers c and its new BCAST
  // prefixes in the server's table. Off (also RESET and disconnect):
  // unregisters it and clears c.tracking.
  void TrackingOn(Client& c, const std::vector<std::string>& new_prefixes);
  void TrackingOff(Client& c);
  // A tracking client read keys (a read-only command it runs, or a script's
  // redis.call of one): they are remembered for it, unless its mode says
  // otherwise; past tracking-table-max-keys, some keys are invalidated.
  void RememberReadKeys(Client& c, const CommandSpec& spec, Args args);
  // The same for keys a script declared, once it reads.
  void RememberKeys(Client& c, const std::vector<std::string_view>& keys);

  // ConnectionHandler.
  void OnOpen(net::Connection* conn) override;
  void OnData(net::Connection* conn) override;
  void OnClose(net::Connection* conn) override;
  void OnOutputDrained(net::Connection* conn) override;

 private:
  void Run(int listen_fd, int unix_fd);
  void ProcessInput(Client& c);
  void Execute(Client& c, Args args);
  void ExecuteOnShard(Client& c, const CommandSpec& spec, Args args, engine::ShardId target);
  void ExecuteMulti(Client& c, const CommandSpec& spec, Args args, const std::vector<int>& keys);
  // Runs a MultiCommand whose phases are declared: inline when it needs only
  // our own free shard, else as a transaction; replies in c's order.
  void RunMulti(Client& c, std::unique_ptr<MultiCommand> mc);
  // Worker::Execute's refusals: the error, and inside MULTI, EXECABORT later.
  void Reject(Client& c, std::string_view error, const CommandSpec* spec = nullptr);
  // Queues a command between MULTI and EXEC (or refuses it).
  void QueueCommand(Client& c, const CommandSpec& spec, Args args);
  void RunExecRound(ExecRun& run, size_t round, engine::Shard& shard);
  // Single-key commands of EXECs on one shard, in order.
  void RunShardSteps(const std::vector<ExecStep*>& steps, resp::Protocol proto,
                     engine::Shard& shard);
  // Runs the EXECs parked by a pipeline of transactions as one.
  void StartParkedExecs(Client& c);
  void WriteExecReply(ExecRun& run, resp::ReplyWriter& w);
  // Answers EXEC once its rounds and late replies are all done.
  void FinishExec(ExecRun* run);
  // The read fast path: answers from `target`'s map on this thread when the
  // command allows it and nothing of c is in flight. False: hop instead.
  bool TryFastRead(Client& c, const CommandSpec& spec, Args args, engine::ShardId target);
  void AddToBatch(Client& c, const CommandSpec& spec, Args args, engine::ShardId target);
  void SendBatches(Client& c);
  // Ordinary work (kWork) for shard `target`: run or queued here when it is
  // ours, else sent.
  void SendWork(engine::ShardId target, absl::AnyInvocable<void(engine::Shard&)> fn);
  // Runs `body` on shard `target`'s thread as one task, held against
  // fast-path readers elsewhere (so a multi-key step there looks atomic
  // without a global transaction), then `done` back on this thread.
  void RunHeldOn(engine::ShardId target, std::function<void(engine::Shard&)> body,
                 std::function<void()> done);
  void DispatchAllBatches();
  // A script as one transaction over its shards (or every shard), run on
  // this thread once they are all held; answers into `slot`.
  void RunScriptTransaction(Client* c, std::shared_ptr<class ScriptRun> run, PendingReply* slot,
                            bool every);
  void RunScriptHere(ScriptRun& run);
  // The cached script with this SHA (any case), through a per-worker map in
  // front of the shared cache's mutex; nullptr when unknown.
  std::shared_ptr<scripting::Script> FindScript(std::string_view sha);
  void StartScript(ClientContext& ctx, std::shared_ptr<scripting::Script> script, Args args,
                   int64_t numkeys, bool read_only);

  // Writes a reply, straight to the socket buffer when nothing is pending
  // before it, else into a new pending slot.
  template <typename F>
  void Reply(Client& c, F&& write);
  PendingReply* NewPending(Client& c);
  void DrainPending(Client& c);
  // A hop or transaction of `c` finished.
  void Complete(Client* c);
  void MaybeFree(Client* c);
  void OnTimer();
  // Whether a command that may grow memory may start (false: reply OOM).
  bool AdmitWrite(const CommandSpec& spec) { return AdmitMemory(spec.multi != nullptr); }
  // evict_here: make room on our own shard now (the command will not run
  // on one shard that evicts for it just before).
  bool AdmitMemory(bool evict_here);
  // Runs a single-shard command on ctx.shard's thread (maxmemory first).
  void RunOnShard(const CommandSpec& spec, Args args, ShardContext& ctx);
  // Serves clients blocked on this shard's keys that got values, if any.
  void ServeBlocked();
  void StartBlocking(Client& c, std::unique_ptr<MultiCommand> mc);
  void RunBlockingAttempt(std::shared_ptr<BlockedCommand> bc, std::unique_ptr<MultiCommand> mc);
  void OnBlockingAttemptDone(std::shared_ptr<BlockedCommand> bc, MultiCommand& mc);
  // Writes the reply slot's end state and lets the client go on.
  void FinishBlocked(std::shared_ptr<BlockedCommand> bc, bool unregister);
  void UnregisterEverywhere(const std::shared_ptr<BlockedCommand>& bc);
  void CancelBlocked(Client& c);
  void CheckBlockedTimeouts();
  // On the receivers' worker: writes each message to those of its clients
  // still subscribed to what it was published to.
  void Deliver(std::vector<pubsub::Delivery> deliveries);
  // Deliver's kInvalidate part: per tracking client, one message with its
  // keys, to itself (RESP3) or to the client it redirects to.
  void DeliverInvalidations(const std::vector<const pubsub::Delivery*>& deliveries);
  // One invalidation message for tracking client c: to itself (RESP3), or
  // to the client it redirects to (on its worker), or "redirection broken".
  void SendInvalidation(Client& c, const Invalidation& inv);
  // Closes c when its unsent replies pass the configured output limit.
  // Returns false when it did.
  bool EnforceOutputLimit(Client& c);

  Server* server_;
  engine::ShardId id_;
  engine::Shard& shard_;
  net::EventLoop loop_;
  std::vector<std::unique_ptr<net::Acceptor>> acceptors_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Client>> clients_;
  std::vector<Client*> clients_with_batches_;
  // Clients waiting in BLPOP & co, by client id; a timer checks their
  // deadlines while there are any.
  absl::flat_hash_map<uint64_t, std::shared_ptr<BlockedCommand>> blocked_;
  net::EventLoop::TimerId block_timer_ = 0;
  // The housekeeping timer (OnTimer) runs `hz` times a second; CONFIG SET
  // hz re-arms it on its next run.
  net::EventLoop::TimerId housekeeping_timer_ = 0;
  int64_t housekeeping_period_ms_ = 100;
  WorkerStats stats_;
  // What this thread published (PUBLISH, keyspace events) this iteration.
  pubsub::Outbox outbox_;
  // Separate memos, so that peeking ahead does not evict what the command
  // being run needs (a pipeline alternating two commands still hits).
  CommandMemo commands_;
  CommandMemo peek_commands_;
  std::thread thread_;
  std::unique_ptr<scripting::LuaRuntime> lua_;
  void StepSnapshot();
  std::unique_ptr<rdb::ShardSnapshot> snapshot_part_;
  std::shared_ptr<SnapshotRun> snapshot_run_;
  // SAVE / SHUTDOWN waiting for their file; SHUTDOWNs that met a running
  // BGSAVE wait here until it ends (retried by the timer).
  struct WaitingSave {
    PendingReply* slot;
    Client* client;
    resp::Protocol proto;
    SaveRequest request;
  };
  void StartWaitingSave(const WaitingSave& w);
  void RetryWaitingSaves();
  std::vector<WaitingSave> waiting_saves_;
  // The append-only stream's position this worker saw at the end of its
  // last iteration (AppendOnly::AfterIteration).
  uint64_t aof_seen_ = 0;
  // While a client step of EXEC runs (a script, FUNCTION LOAD): where what
  // it writes is logged - the step's part of EXEC's block.
  CommandLog* exec_step_log_ = nullptr;
  // Where a client command or a script logs: EXEC's step, else the AOF.
  CommandLog* ClientLog() const;
  // A client command that writes (FUNCTION LOAD ...) and did not fail goes
  // to the log; `reply` holds what it answered from `from` on.
  void LogClientWrite(int db, const CommandSpec& spec, Args args, const std::string& reply,
                      size_t from);
  // EXEC's commands, once every step ran and its shards are still held:
  // one MULTI/EXEC block (nothing when it wrote nothing or was aborted).
  void LogExec(ExecRun& run);
  uint64_t lua_generation_ = 0;
  uint64_t lua_function_generation_ = 0;
  absl::flat_hash_map<std::string, std::shared_ptr<scripting::Script>> known_scripts_;
  // The script running on this thread, for SCRIPT KILL from other threads.
  std::mutex script_mu_;
  ScriptRun* running_script_ = nullptr;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_WORKER_H_
