// The worker's housekeeping: its periodic timer (expiry, idle clients,
// output limits, the maxmemory sample), and work that must visit every
// worker's thread (CLIENT LIST/KILL, CONFIG RESETSTAT) or one other shard's.
#include "engine/task.h"
#include "server/command/handler_guard.h"
#include "server/command/watch_notice.h"
#include "server/core/maxmemory.h"
#include "server/core/memory_stats.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "server/core/snapshots.h"

namespace server {

void Worker::ResetStats() {
  for (std::atomic<uint64_t>* counter :
       {&stats_.commands, &stats_.fast_path_reads, &stats_.hops, &stats_.transactions, &stats_.writes,
        &stats_.keyspace_hits, &stats_.keyspace_misses, &shard_.expired_keys, &shard_.evicted_keys,
        &shard_.keyspace_hits, &shard_.keyspace_misses}) {
    counter->store(0, std::memory_order_relaxed);
  }
}

void Worker::GatherFromWorkers(ClientContext& ctx, Collect collect, Finish finish) {
  // A script waits for no other thread (it holds shards meanwhile).
  if (ctx.in_script) return ctx.out.Error("ERR This Redis command is not allowed from script");
  Client& c = ctx.client;
  struct Gather {
    std::vector<std::string> results;
    size_t pending;
    Collect collect;
    Finish finish;
  };
  size_t n = server_->num_workers();
  auto g = std::make_shared<Gather>(
      Gather{std::vector<std::string>(n), n, std::move(collect), std::move(finish)});
  PendingReply* slot = nullptr;
  LateReply* late = ctx.late;
  if (late == nullptr) {
    slot = NewPending(c);
    ++c.in_flight;
  } else {
    ++*late->pending;
  }
  engine::ShardId origin = id_;
  Client* client = &c;
  auto on_done = [this, g, slot, late, client, proto = c.proto]() {
    if (--g->pending > 0) return;
    if (late != nullptr) {  // inside EXEC: its place in EXEC's reply
      resp::ReplyWriter w(late->data, proto);
      g->finish(g->results, w);
      late->done();
      return;
    }
    resp::ReplyWriter w(&slot->data, proto);
    g->finish(g->results, w);
    slot->ready = true;
    Complete(client);
  };
  for (engine::ShardId i = 0; i < n; ++i) {
    if (i == id_) {
      g->results[i] = g->collect(*this);
      on_done();
      continue;
    }
    Worker* target = &server_->worker(i);
    shard_.Send(i, std::make_unique<engine::Task>(
                       engine::Task::Kind::kCallback,
                       [g, i, target, origin, on_done](engine::Shard& shard) {
                         g->results[i] = g->collect(*target);
                         shard.Send(origin, std::make_unique<engine::Task>(
                                                engine::Task::Kind::kCallback,
                                                [on_done](engine::Shard&) { on_done(); }));
                       }));
  }
}

void Worker::SendWork(engine::ShardId target, absl::AnyInvocable<void(engine::Shard&)> fn) {
  auto task = std::make_unique<engine::Task>(engine::Task::Kind::kWork, std::move(fn));
  if (target == id_) {
    shard_.RunOrDefer(std::move(task));
  } else {
    shard_.Send(target, std::move(task));
  }
}

void Worker::RunHeldOn(engine::ShardId target, std::function<void(engine::Shard&)> body,
                       std::function<void()> done) {
  engine::ShardId origin = id_;
  SendWork(target,
           [this, body = std::move(body), done = std::move(done), origin](engine::Shard& shard) {
             shard.HoldLocally();
             body(shard);
             shard.ReleaseLocalHold();
             if (shard.id() == origin) return done();
             server_->worker(shard.id()).FlushPublished();
             shard.Send(origin, std::make_unique<engine::Task>(engine::Task::Kind::kCallback,
                                                               [done](engine::Shard&) { done(); }));
           });
}

bool Worker::EnforceOutputLimit(Client& c) {
  // Subscribers have a class of their own (client-output-buffer-limit
  // pubsub), as in Redis.
  const Config& cfg = server_->config();
  const Config::OutputLimit& limit =
      c.subscribed() ? cfg.pubsub_output_limit : cfg.normal_output_limit;
  if (limit.hard == 0 && limit.soft == 0) return true;
  int64_t bytes = static_cast<int64_t>(c.conn->output_bytes());
  bool close = limit.hard > 0 && bytes > limit.hard;
  if (!close && limit.soft > 0) {
    if (bytes <= limit.soft) {
      c.over_soft_limit_since_ms = 0;
    } else if (c.over_soft_limit_since_ms == 0) {
      c.over_soft_limit_since_ms = loop_.now_ms();
    } else {
      close = loop_.now_ms() - c.over_soft_limit_since_ms > limit.soft_seconds * 1000;
    }
  }
  if (!close) return true;
  // Redis logs "Client ... scheduled to be closed ASAP for overcoming of
  // output buffer limits" and drops the client without a reply.
  server_->output_limit_disconnections.fetch_add(1, std::memory_order_relaxed);
  c.conn->Close();
  return false;
}

bool Worker::AdmitMemory(bool evict_here) {
  const Config& cfg = server_->config();
  if (cfg.maxmemory <= 0) return true;
  if (cfg.maxmemory_policy == engine::EvictionPolicy::kNoEviction) {
    return server_->memory().Current() <= cfg.maxmemory;
  }
  // A single-shard command evicts on its own shard, just before it runs
  // (RunOnShard); one that spans shards makes room here, on ours, unless a
  // transaction holds it (then later writes and the timer catch up).
  if (!evict_here || !shard_.CanRunInline()) return true;
  return MakeRoomForWrite(*server_, shard_);
}

void Worker::RunOnShard(const CommandSpec& spec, Args args, ShardContext& ctx) {
  if ((spec.flags & kDenyOom) && !MakeRoomForWrite(*server_, ctx.shard)) {
    return ctx.out.Error(errors::kOom);
  }
  RunShardHandler(spec, args, ctx);
}

void Worker::OnTimer() {
  shard_.set_now_ms(loop_.now_ms());
  shard_.ProcessMailbox();
  // tracking-table-max-keys lowered by CONFIG SET: reads are not the only
  // time the table gets back under it (Redis checks before every command).
  size_t max_keys = static_cast<size_t>(server_->config().tracking_table_max_keys.get());
  if (max_keys > 0 && server_->tracking().keys() > max_keys) {
    server_->tracking().Limit(max_keys, outbox_);
  }
  // A held shard belongs to its transaction: a script may be changing its
  // data from another thread right now (worker_script.cc).
  if (id_ == 0) {
    server_->snapshots().OnTimer(*this, loop_.now_ms());
    server_->append_only().OnTimer(*this);
  }
  RetryWaitingSaves();
  if (!shard_.held()) {
    shard_.ActiveExpire(/*budget_us=*/1000);
    shard_.PublishSizes();
  }
  // Shards that get no writes still give back their share when over
  // maxmemory (Redis evicts from its cron too).
  if (server_->config().maxmemory > 0 && shard_.CanRunInline()) {
    MakeRoomForWrite(*server_, shard_);
  }
  const Config& cfg = server_->config();
  std::vector<net::Connection*> idle;
  // Collected first: closing or running a client may erase from clients_.
  std::vector<uint64_t> over_limit;
  std::vector<uint64_t> resume;
  for (auto& [id, c] : clients_) {
    if (c->conn == nullptr) continue;
    if (c->over_soft_limit_since_ms != 0) over_limit.push_back(id);
    if (c->paused_for_output &&
        static_cast<int64_t>(c->conn->output_bytes()) <= cfg.output_pause_bytes / 2) {
      resume.push_back(id);
    }
    // Like Redis's clientsCronResizeQueryBuffer: idle clients give back
    // input buffers that grew for big requests.
    if (loop_.now_ms() - c->last_interaction_ms > 2000) c->conn->ShrinkIdleInput();
    if (cfg.timeout > 0 && c->pending.empty() &&
        loop_.now_ms() - c->last_interaction_ms > cfg.timeout * 1000) {
      idle.push_back(c->conn);
    }
  }
  for (net::Connection* conn : idle) conn->Close();
  for (uint64_t id : resume) {
    Client* c = FindClient(id);
    if (c == nullptr || c->conn == nullptr) continue;
    c->paused_for_output = false;
    c->conn->ResumeReading();
    if (!c->conn->input().empty()) ProcessInput(*c);
  }
  for (uint64_t id : over_limit) {
    Client* c = FindClient(id);  // closing idle clients above may have freed it
    if (c != nullptr && c->conn != nullptr) EnforceOutputLimit(*c);
  }
  int64_t period = 1000 / server_->config().hz;
  if (period != housekeeping_period_ms_) {  // CONFIG SET hz
    loop_.CancelTimer(housekeeping_timer_);
    housekeeping_period_ms_ = period;
    housekeeping_timer_ = loop_.AddPeriodicTimer(period, [this] { OnTimer(); });
  }
}

}  // namespace server
