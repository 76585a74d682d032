// Worker: the thread's event loop and connections, and the life of a
// command on it - parse, route (inline on the own shard, read fast path,
// hop batch to another shard, or multi-shard transaction), and replies
// written back in request order. Blocking commands are worker_blocking.cc;
// timers, output limits and gathers worker_housekeeping.cc.
#include "server/core/worker.h"

#include "server/core/snapshots.h"

#include <pthread.h>
#include <sched.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/runtime.h"
#include "engine/shard_set.h"
#include "engine/transaction.h"
#include "server/command/handler_guard.h"
#include "server/command/text.h"
#include "server/core/pipeline_prefetch.h"
#include "server/core/server.h"

namespace server {

namespace {

constexpr std::string_view kMisconfError =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";

// A client with this many replies outstanding stops being read until they
// drain: bounds memory per pipelining client.
constexpr size_t kMaxPending = 16384;

void PinToAllowedCpu(size_t index) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return;
  int count = CPU_COUNT(&allowed);
  if (count <= 1) return;
  int want = static_cast<int>(index % count);
  for (int cpu = 0, seen = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    if (seen++ == want) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
      return;
    }
  }
}

// Redis 7.0's reply to a non-loopback client in protected mode.
constexpr std::string_view kProtectedModeError =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
    "the server is running, however MAKE SURE Redis is not publicly accessible from internet if "
    "you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the "
    "protected mode option to 'no', and then restarting the server. 3) If you started the server "
    "manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";

// peer_address() is "ip:port" (IPv6 addresses unbracketed).
bool IsLoopback(const std::string& peer) {
  return peer.rfind("127.", 0) == 0 || peer.rfind("::1:", 0) == 0 ||
         peer.rfind("::ffff:127.", 0) == 0;
}

bool IsFlush(const CommandSpec& spec) { return spec.name == "flushall" || spec.name == "flushdb"; }

// FLUSHDB / FLUSHALL now, or an EXEC that runs one: tracking clients are
// told that every key they cached is invalid.
bool Flushes(const Client& c, const CommandSpec& spec) {
  if (c.multi == nullptr) return IsFlush(spec);
  if (spec.name != "exec" || c.multi->aborted) return false;
  for (const QueuedCommand& q : c.multi->queue) {
    if (IsFlush(*q.spec)) return true;
  }
  return false;
}

bool AllowedWhileSubscribed(const CommandSpec& spec) {
  static const absl::flat_hash_set<std::string_view> kAllowed = {
      "ping",        "subscribe",    "psubscribe",   "ssubscribe", "unsubscribe",
      "punsubscribe", "sunsubscribe", "quit",         "reset"};
  return kAllowed.contains(spec.name);
}

std::string UnknownCommandError(Args args) {
  // Redis: the name and the first arguments, each cut to what fits in 128.
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    absl::StrAppend(&list, "'", AV(args[i].substr(0, 128 - list.size())), "' ");
  }
  std::string msg = absl::StrCat("ERR unknown command '", AV(args[0].substr(0, 128)),
                                 "', with args beginning with: ", list);
  for (char& ch : msg) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return msg;
}

}  // namespace

Worker::Worker(Server* server, engine::ShardId id)
    : server_(server),
      id_(id),
      shard_(server->shards().shard(id)),
      outbox_(server->shards().size()),
      commands_(server->commands()),
      peek_commands_(server->commands()) {
  shard_.mailbox().set_notifier([this] { loop_.Wake(); });
  loop_.SetWakeHandler([this] {
    shard_.set_now_ms(loop_.now_ms());
    shard_.ProcessMailbox();
  });
  loop_.SetIterationHandler([this] {
    DispatchAllBatches();
    // Values stored by transactions (or mailbox work) may unblock clients.
    ServeBlocked();
    // A snapshot's slice: after the commands, before what they published.
    StepSnapshot();
    // Last: everything above may have raised keyspace events.
    FlushPublished();
    // Before the replies go out: under appendfsync always, what they
    // acknowledge is on disk by then.
    server_->append_only().AfterIteration(&aof_seen_);
    // Sends that met a full mailbox are retried on the next iteration.
    if (shard_.has_outbox()) loop_.Wake();
  });
}

Worker::~Worker() { shard_.mailbox().set_notifier(nullptr); }

void Worker::Start(int listen_fd, int unix_fd) {
  thread_ = std::thread([this, listen_fd, unix_fd] { Run(listen_fd, unix_fd); });
}

void Worker::Stop() { loop_.Stop(); }

void Worker::Join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::Run(int listen_fd, int unix_fd) {
  engine::CdsThreadScope cds_scope;
  pubsub::Outbox::SetCurrent(&outbox_);
  PinToAllowedCpu(id_);
  pthread_setname_np(pthread_self(), absl::StrCat("worker-", id_).c_str());
  acceptors_.push_back(std::make_unique<net::Acceptor>(
      &loop_, listen_fd, /*is_unix=*/false, /*shared_fd=*/false, this));
  if (unix_fd >= 0) {
    acceptors_.push_back(std::make_unique<net::Acceptor>(&loop_, unix_fd, /*is_unix=*/true,
                                                         /*shared_fd=*/true, this));
  }
  housekeeping_period_ms_ = 1000 / server_->config().hz;
  housekeeping_timer_ = loop_.AddPeriodicTimer(housekeeping_period_ms_, [this] { OnTimer(); });
  shard_.set_now_ms(loop_.now_ms());
  loop_.Run();

  // A snapshot part still being written is abandoned here, on the thread
  // attached to libcds (its Db walk needs that), not in ~Worker.
  if (snapshot_part_ != nullptr) snapshot_part_->Abort();
  snapshot_part_.reset();
  snapshot_run_.reset();
  // Shutdown: close every connection; the loop's destructor frees them.
  // Clients with work still in flight on other workers (which may be running
  // for a moment longer and write into their reply slots) stay allocated
  // until ~Worker, after every worker thread has been joined.
  acceptors_.clear();
  std::vector<net::Connection*> open;
  for (auto& [id, c] : clients_) {
    if (c->conn != nullptr) open.push_back(c->conn);
  }
  for (net::Connection* conn : open) conn->Close();
}

Client* Worker::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

void Worker::OnOpen(net::Connection* conn) {
  const Config& cfg = server_->config();
  if (server_->connected_clients.load(std::memory_order_relaxed) >= cfg.maxclients) {
    conn->output()->append("-ERR max number of clients reached\r\n");
    conn->CommitOutput();
    conn->CloseAfterFlush();
    server_->rejected_connections.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (cfg.protected_mode && !conn->is_unix() && cfg.requirepass.empty() &&
      !IsLoopback(conn->peer_address())) {
    conn->output()->append(kProtectedModeError);
    conn->CommitOutput();
    conn->CloseAfterFlush();
    return;
  }
  auto client = std::make_unique<Client>(conn, loop_.now_ms());
  client->authenticated = cfg.requirepass.empty();
  client->limits_epoch = cfg.limits_epoch;
  client->parser.set_limits(ParserLimitsFor(cfg, client->authenticated));
  client->batches.resize(server_->shards().size());
  conn->set_user_data(client.get());
  server_->client_directory().Add(client->id, static_cast<uint32_t>(id_));
  clients_[client->id] = std::move(client);
  server_->connected_clients.fetch_add(1, std::memory_order_relaxed);
  server_->total_connections.fetch_add(1, std::memory_order_relaxed);
}

void Worker::OnData(net::Connection* conn) {
  auto* c = static_cast<Client*>(conn->user_data());
  if (c == nullptr) {  // rejected at open: ignore what it sends
    conn->ConsumeInput(conn->input().size());
    return;
  }
  {
    ClientPin pin(c);  // processing may close the connection
    c->last_interaction_ms = loop_.now_ms();
    shard_.set_now_ms(loop_.now_ms());
    ProcessInput(*c);
    if (c->conn != nullptr &&
        static_cast<int64_t>(conn->input().size()) > server_->config().client_query_buffer_limit) {
      // Redis closes such a client without a reply.
      conn->Close();
    }
  }
  MaybeFree(c);
}

void Worker::OnClose(net::Connection* conn) {
  auto* c = static_cast<Client*>(conn->user_data());
  if (c == nullptr) return;
  c->conn = nullptr;
  server_->connected_clients.fetch_sub(1, std::memory_order_relaxed);
  c->multi.reset();
  Unwatch(*c);
  DropSubscriptions(*c);
  TrackingOff(*c);
  server_->client_directory().Remove(c->id);
  if (c->blocked != nullptr) {
    ClientPin pin(c);  // finishing it runs Complete, which may free it
    CancelBlocked(*c);
  }
  MaybeFree(c);
}

void Worker::OnOutputDrained(net::Connection* conn) {
  auto* c = static_cast<Client*>(conn->user_data());
  if (c == nullptr || !c->paused_for_output) return;
  c->paused_for_output = false;
  conn->ResumeReading();
  if (!conn->input().empty()) ProcessInput(*c);
}

void Worker::MaybeFree(Client* c) {
  if (c->conn == nullptr && c->in_flight == 0 && !c->has_batches && c->pins == 0) {
    clients_.erase(c->id);
  }
}

void Worker::ProcessInput(Client& c) {
  if (c.processing) return;  // re-entered from a completion: the outer loop continues
  c.processing = true;
  {
    ClientPin pin(&c);
    const Config& cfg = server_->config();
    if (c.limits_epoch != cfg.limits_epoch.get()) {  // CONFIG SET changed them
      c.limits_epoch = cfg.limits_epoch;
      c.parser.set_limits(ParserLimitsFor(cfg, c.authenticated));
    }
    size_t prefetched = 0;  // commands ahead whose keys were prefetched
    while (c.conn != nullptr && !c.conn->closed()) {
      if (c.waiting_for_transaction || c.blocked != nullptr || c.close_after_reply ||
          c.pending.size() >= kMaxPending) {
        break;
      }
      if (static_cast<int64_t>(c.conn->output_bytes()) > cfg.output_pause_bytes) {
        c.conn->PauseReading();
        c.paused_for_output = true;
        break;
      }
      std::string_view in = c.conn->input();
      if (in.empty()) break;
      if (prefetched == 0) {
        prefetched = PrefetchPipeline(in, peek_commands_, server_->shards(), id_, c.db);
      }
      size_t consumed = 0;
      resp::RequestParser::Status st = c.parser.Parse(in, &consumed);
      if (st == resp::RequestParser::Status::kNeedMore) {
        c.conn->ConsumeInput(consumed);
        if (c.parser.bytes_hint() > 0) {
          c.conn->ReserveInput(c.conn->input().size() + c.parser.bytes_hint());
        }
        break;
      }
      if (st == resp::RequestParser::Status::kError) {
        std::string error = c.parser.error();
        Reply(c, [&](resp::ReplyWriter& w) { w.Error(error); });
        c.conn->ConsumeInput(in.size());
        c.close_after_reply = true;
        break;
      }
      if (!c.parked_execs.empty() && c.multi == nullptr &&
          !EqualsIgnoreCase(c.parser.args()[0], "multi")) {
        // Pipelined transactions end here: they run first, then this
        // command (parsed again once they are done).
        StartParkedExecs(c);
        break;
      }
      // CLIENT REPLY: OFF drops every reply, SKIP the next command's.
      c.suppress_reply = c.reply_mode != Client::ReplyMode::kOn;
      if (c.reply_mode == Client::ReplyMode::kSkip) c.reply_mode = Client::ReplyMode::kOn;
      {
        engine::ChangeAuthor changes_by(c.id);
        Execute(c, c.parser.args());
      }
      c.suppress_reply = false;
      // CLIENT CACHING holds for the next command only (inside MULTI, for
      // the whole transaction).
      if (c.tracking != nullptr && c.multi == nullptr) {
        c.tracking->caching = c.tracking->caching_fresh;
        c.tracking->caching_fresh = false;
      }
      if (prefetched > 0) --prefetched;
      // Only now: the arguments were views into the input buffer.
      if (c.conn != nullptr) c.conn->ConsumeInput(consumed);
    }
    if (!c.parked_execs.empty()) StartParkedExecs(c);
    if (c.conn != nullptr) EnforceOutputLimit(c);
    if (c.conn != nullptr && c.close_after_reply && c.pending.empty()) c.conn->CloseAfterFlush();
    c.processing = false;
  }
  if (c.conn == nullptr) MaybeFree(&c);
}

PendingReply* Worker::NewPending(Client& c) {
  c.pending.emplace_back();
  c.pending.back().discard = c.suppress_reply;
  return &c.pending.back();
}

template <typename F>
void Worker::Reply(Client& c, F&& write) {
  if (c.suppress_reply) {  // CLIENT REPLY OFF/SKIP: run it, send nothing
    std::string dropped;
    resp::ReplyWriter w(&dropped, c.proto);
    write(w);
    return;
  }
  if (c.pending.empty()) {
    net::Connection* conn = c.conn;
    if (conn == nullptr) return;
    resp::ReplyWriter w(conn->output(), c.proto);
    write(w);
    // A busy script polls the connections (PollWhileScriptBusy): this one
    // may have closed meanwhile; it is still allocated, and a closed
    // connection ignores the commit.
    conn->CommitOutput();
    return;
  }
  PendingReply* slot = NewPending(c);
  resp::ReplyWriter w(&slot->data, c.proto);
  write(w);
  slot->ready = true;
}

void Worker::DrainPending(Client& c) {
  bool wrote = false;
  while (!c.pending.empty() && c.pending.front().ready) {
    if (c.conn != nullptr && !c.pending.front().discard) {
      c.conn->output()->append(c.pending.front().data);
      wrote = true;
    }
    c.pending.pop_front();
  }
  if (wrote) c.conn->CommitOutput();
}

void Worker::Complete(Client* c) {
  {
    ClientPin pin(c);
    --c->in_flight;
    DrainPending(*c);
    if (c->conn != nullptr) EnforceOutputLimit(*c);
    if (c->conn != nullptr && !c->conn->input().empty()) ProcessInput(*c);
    if (c->conn != nullptr && c->close_after_reply && c->pending.empty()) {
      c->conn->CloseAfterFlush();
    }
  }
  MaybeFree(c);
}

void Worker::Execute(Client& c, Args args) {
  WorkerStats::Bump(stats_.commands);
  const CommandSpec* spec = commands_.Find(args[0]);
  if (spec == nullptr) return Reject(c, UnknownCommandError(args));
  int argc = static_cast<int>(args.size());
  if (!ArityMatches(*spec, argc)) return Reject(c, errors::WrongArity(spec->name), spec);
  // A container (CLIENT, CONFIG, ...): the subcommand's own entry decides,
  // as Redis's table does, before the handler runs.
  if (!spec->subcommands.empty() && argc >= 2) {
    std::string error = CheckSubcommand(*spec, args);
    if (!error.empty()) return Reject(c, error);
  }
  if (!c.authenticated && !(spec->flags & kNoAuth) && !server_->config().requirepass.empty()) {
    return Reject(c, "NOAUTH Authentication required.", spec);
  }
  // A RESP2 connection with subscriptions reads messages: it may only
  // change them (RESP3 interleaves pushes with replies instead).
  if (c.proto == resp::Protocol::kResp2 && c.subscribed() && !AllowedWhileSubscribed(*spec)) {
    std::string name = spec->name;
    if (!spec->subcommands.empty() && argc >= 2) {
      absl::StrAppend(&name, "|", absl::AsciiStrToLower(AV(args[1])));
    }
    return Reject(c,
                  absl::StrCat("ERR Can't execute '", name,
                               "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                               "are allowed in this context"),
                  spec);
  }
  // A script has run past busy-reply-threshold somewhere: only what may run
  // meanwhile (SCRIPT KILL, FUNCTION KILL, ...) does, as in Redis.
  if (server_->busy_scripts.load(std::memory_order_relaxed) > 0) {
    std::string busy = server_->BusyError(*spec, args);
    if (!busy.empty()) return Reject(c, busy, spec);
  }
  // CLIENT TRACKING: keys are remembered before the read runs, so a write
  // landing between the two still invalidates them.
  if (c.tracking != nullptr) RememberReadKeys(c, *spec, args);
  // (Also with nobody tracking now: the table empties, as Redis's does.)
  if ((server_->tracking().active() || server_->tracking().keys() > 0) && Flushes(c, *spec)) {
    server_->tracking().InvalidateAll(c.id, outbox_);
  }
  if (c.multi != nullptr && !(spec->flags & kNotQueued)) return QueueCommand(c, *spec, args);
  // Inside MULTI, over maxmemory, MULTI and WATCH are refused too.
  bool oom_checked = (spec->flags & kDenyOom) ||
                     (c.multi != nullptr && (spec->name == "multi" || spec->name == "watch"));
  if (oom_checked && !AdmitWrite(*spec)) return Reject(c, errors::kOom, spec);
  if (spec->flags & kWrite) {
    // The last background save failed: writes wait until one succeeds, as
    // stop-writes-on-bgsave-error says.
    if (!server_->snapshots().last_ok() && server_->config().stop_writes_on_bgsave_error &&
        server_->snapshots().has_save_points()) {
      return Reject(c, kMisconfError, spec);
    }
    if (server_->append_only().write_failed()) {
      return Reject(c, server_->append_only().WriteError(), spec);
    }
    WorkerStats::Bump(stats_.writes);
  }
  c.last_command = spec;
  if (spec->on_client != nullptr) {
    Reply(c, [&](resp::ReplyWriter& w) {
      ClientContext ctx{c, *this, *server_, w, loop_.now_ms()};
      size_t before = w.out()->size();
      int db = c.db;
      RunGuarded(spec->name, w, [&] { spec->on_client(args, ctx); });
      LogClientWrite(db, *spec, args, *w.out(), before);
    });
    return;
  }
  if (spec->multi != nullptr) {
    ExecuteMulti(c, *spec, args, KeyPositions(*spec, args));
    return;
  }
  // A key-less form of a keyed command (OBJECT HELP) runs on our own shard.
  engine::ShardId target = static_cast<size_t>(spec->first_key) < args.size()
                               ? server_->shards().ShardOf(args[spec->first_key])
                               : id_;
  ExecuteOnShard(c, *spec, args, target);
}

void Worker::Reject(Client& c, std::string_view error, const CommandSpec* spec) {
  std::string text(error);
  if (spec != nullptr && spec->name == "exec") {
    // EXEC itself refused (arity, auth): any transaction ends, and the
    // reason is worded as Redis's execCommandAbort does (in MULTI or not).
    c.multi.reset();
    Unwatch(c);
    std::string_view reason = error;
    if (reason.substr(0, 4) == "ERR ") reason.remove_prefix(4);
    text = absl::StrCat("EXECABORT Transaction discarded because of: ", AV(reason));
  } else if (c.multi != nullptr) {
    c.multi->aborted = true;
  }
  Reply(c, [&](resp::ReplyWriter& w) { w.Error(text); });
}

void Worker::QueueCommand(Client& c, const CommandSpec& spec, Args args) {
  if (spec.flags & kNoMulti) return Reject(c, "ERR Command not allowed inside a transaction");
  // Queueing takes memory too: over maxmemory, Redis refuses every command
  // but EXEC, DISCARD, QUIT and RESET inside MULTI.
  if (!AdmitMemory(/*evict_here=*/true)) return Reject(c, errors::kOom);
  MultiState& ms = *c.multi;
  // An aborted transaction keeps only its error (EXEC will refuse it).
  if (!ms.aborted) {
    ms.queue.emplace_back(&spec, args);
    ms.flags |= spec.flags;
  }
  Reply(c, [](resp::ReplyWriter& w) { w.SimpleString("QUEUED"); });
}

void Worker::ExecuteOnShard(Client& c, const CommandSpec& spec, Args args, engine::ShardId target) {
  int64_t now = loop_.now_ms();
  if (target == id_) {
    if (shard_.CanRunInline()) {
      Reply(c, [&](resp::ReplyWriter& w) {
        ShardContext ctx{shard_, shard_.db(c.db), c.db, w, now};
        ctx.log = server_->command_log();
        RunOnShard(spec, args, ctx);
      });
      ServeBlocked();
      return;
    }
    // A transaction holds our own shard: queue behind it, in order.
    AddToBatch(c, spec, args, target);
    return;
  }
  if (TryFastRead(c, spec, args, target)) return;
  AddToBatch(c, spec, args, target);
}

void Worker::ExecuteMulti(Client& c, const CommandSpec& spec, Args args,
                          const std::vector<int>& keys) {
  // One key on another shard (EXISTS k): the read fast path, no transaction.
  if (keys.size() == 1 && spec.fast_read != nullptr) {
    engine::ShardId target = server_->shards().ShardOf(args[keys[0]]);
    if (target != id_ && TryFastRead(c, spec, args, target)) return;
  }
  auto mc = std::make_unique<MultiCommand>(&spec, args, c.db, loop_.now_ms());
  mc->set_author(c.id);
  mc->Declare(keys, server_->shards());
  RunMulti(c, std::move(mc));
}

void Worker::RunMulti(Client& c, std::unique_ptr<MultiCommand> mc) {
  if (mc->phases().empty()) {  // answered without touching data (e.g. a syntax error)
    Reply(c, [&](resp::ReplyWriter& w) { mc->WriteReply(w); });
    return;
  }
  if (mc->may_block()) return StartBlocking(c, std::move(mc));
  bool local_only = mc->shards().size() == 1 && mc->shards()[0] == id_;
  if (local_only && shard_.CanRunInline()) {
    // Held, so that fast-path readers elsewhere never see half of it.
    shard_.HoldLocally();
    for (auto& phase : mc->phases()) mc->RunPhase(phase, shard_, shard_.db(mc->db_index()));
    if (CommandLog* log = server_->command_log()) mc->LogTo(*log);
    shard_.ReleaseLocalHold();
    Reply(c, [&](resp::ReplyWriter& w) { mc->WriteReply(w); });
    ServeBlocked();
    return;
  }
  // Hops collected before this command must reach their shards first.
  SendBatches(c);
  PendingReply* slot = NewPending(c);
  ++c.in_flight;
  c.waiting_for_transaction = true;
  MultiCommand* raw = mc.release();
  auto finish = [this, client = &c, raw, slot, proto = c.proto] {
    resp::ReplyWriter w(&slot->data, proto);
    raw->WriteReply(w);
    delete raw;
    slot->ready = true;
    client->waiting_for_transaction = false;
    Complete(client);
  };
  if (raw->shards().size() == 1) {  // another shard, or ours while busy
    WorkerStats::Bump(stats_.hops);
    RunHeldOn(
        raw->shards()[0],
        [raw, server = server_](engine::Shard& shard) {
          for (auto& phase : raw->phases()) raw->RunPhase(phase, shard, shard.db(raw->db_index()));
          if (CommandLog* log = server->command_log()) raw->LogTo(*log);
        },
        std::move(finish));
    return;
  }
  WorkerStats::Bump(stats_.transactions);
  auto* tx = new engine::Transaction(&shard_, raw->shards());
  for (MultiCommand::Phase& phase : raw->phases()) {
    tx->AddPhase([raw, &phase](engine::Shard& s) { raw->RunPhase(phase, s, s.db(raw->db_index())); });
  }
  // Logged while every shard is still held, so no later command on one of
  // them can reach the file before it.
  bool unlogged = false;
  if (raw->spec().flags & kWrite) {
    if (server_->append_only().LogsTransaction()) {
      tx->AddOriginStep([raw, server = server_] {
        if (CommandLog* log = server->command_log()) raw->LogTo(*log);
      });
    } else {
      unlogged = true;
    }
  }
  tx->Start([finish = std::move(finish), unlogged, server = server_]() mutable {
    if (unlogged) server->append_only().UnloggedDone();
    finish();
  });
}

CommandLog* Worker::ClientLog() const {
  return exec_step_log_ != nullptr ? exec_step_log_ : server_->command_log();
}

void Worker::LogClientWrite(int db, const CommandSpec& spec, Args args, const std::string& reply,
                            size_t from) {
  CommandLog* log = ClientLog();
  if (log == nullptr || reply.size() <= from || reply[from] == '-') return;
  // Only FUNCTION's writes reach the data from a client command, and they
  // replay as they ran (LOAD, DELETE, FLUSH, RESTORE), as Redis logs them.
  if (spec.name != "function" || args.size() < 2) return;
  const CommandSpec* sub =
      server_->commands().FindFull(absl::StrCat("function|", absl::AsciiStrToLower(AV(args[1]))));
  if (sub == nullptr || !(sub->flags & kWrite)) return;
  log->Add(db, args);
}

}  // namespace server
