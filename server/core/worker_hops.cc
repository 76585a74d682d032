// A worker's hops: the read fast path (another shard's keyspace read in
// place), and the batches of commands bound for other shards - one mailbox
// message per client and shard per loop iteration, run there in order.
#include "server/command/handler_guard.h"
#include "server/command/watch_notice.h"
#include "server/core/pipeline_prefetch.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {
namespace {

// A batch is sent once it has this many commands, even mid-read.
constexpr size_t kMaxBatch = 1024;

}  // namespace

bool Worker::TryFastRead(Client& c, const CommandSpec& spec, Args args, engine::ShardId target) {
  if (spec.fast_read == nullptr || !c.pending.empty() || c.conn == nullptr || c.suppress_reply) {
    return false;
  }
  engine::Shard& owner = server_->shards().shard(target);
  // A held shard may be mid-transaction: reading it could show half of one.
  if (owner.held()) return false;
  std::string* out = c.conn->output();
  size_t before = out->size();
  resp::ReplyWriter w(out, c.proto);
  bool hit = false;
  bool answered = true;
  RunGuarded(spec.name, w, [&] {
    answered = spec.fast_read(args, owner.db(c.db), loop_.now_ms(), w, &hit);
  });
  if (!answered) {
    out->resize(before);
    return false;
  }
  WorkerStats::Bump(hit ? stats_.keyspace_hits : stats_.keyspace_misses);
  c.conn->CommitOutput();
  WorkerStats::Bump(stats_.fast_path_reads);
  return true;
}

void Worker::AddToBatch(Client& c, const CommandSpec& spec, Args args, engine::ShardId target) {
  std::unique_ptr<HopBatch>& batch = c.batches[target];
  if (!batch) batch = std::make_unique<HopBatch>();
  if (!c.has_batches) {
    c.has_batches = true;
    clients_with_batches_.push_back(&c);
  }
  PendingReply* slot = NewPending(c);
  uint32_t first = static_cast<uint32_t>(batch->args.size());
  for (std::string_view a : args) {
    batch->args.emplace_back(static_cast<uint32_t>(batch->arena.size()),
                             static_cast<uint32_t>(a.size()));
    batch->arena.append(a);
  }
  batch->commands.push_back(
      {&spec, first, static_cast<uint32_t>(args.size()), c.db, c.proto, slot});
  ++c.in_flight;
  if (batch->commands.size() >= kMaxBatch) SendBatches(c);
}

void Worker::DispatchAllBatches() {
  // SendBatches may complete work inline (own shard), which may add clients.
  std::vector<Client*> clients;
  clients.swap(clients_with_batches_);
  for (Client* c : clients) SendBatches(*c);
}

void Worker::SendBatches(Client& c) {
  c.has_batches = false;
  for (engine::ShardId target = 0; target < c.batches.size(); ++target) {
    std::unique_ptr<HopBatch>& slot = c.batches[target];
    if (!slot || slot->commands.empty()) continue;
    WorkerStats::Bump(stats_.hops);
    engine::ShardId origin = id_;
    auto run = [this, origin, client = &c, author = c.id,
                batch = std::move(slot)](engine::Shard& shard) mutable {
      engine::ChangeAuthor changes_by(author);
      std::vector<std::string_view> views;
      size_t prefetched_until = 0;
      CommandLog* log = server_->command_log();
      for (size_t n = 0; n < batch->commands.size(); ++n) {
        if (n == prefetched_until) prefetched_until = PrefetchHopBatch(*batch, n, shard);
        const HopBatch::Command& cmd = batch->commands[n];
        views.clear();
        for (uint32_t i = 0; i < cmd.num_args; ++i) {
          auto [off, len] = batch->args[cmd.first_arg + i];
          views.emplace_back(batch->arena.data() + off, len);
        }
        resp::ReplyWriter w(&cmd.reply->data, cmd.proto);
        ShardContext ctx{shard, shard.db(cmd.db), cmd.db, w, shard.now_ms()};
        ctx.log = log;
        RunOnShard(*cmd.spec, views, ctx);
        // As Redis does after each command: a push may unblock clients.
        if (shard.key_waiters().has_ready()) ServeBlockedClients(*server_, shard);
      }
      auto done = [this, client, batch = std::move(batch)](engine::Shard&) mutable {
        for (const HopBatch::Command& cmd : batch->commands) cmd.reply->ready = true;
        // Each command of the batch counted one in flight; Complete takes
        // off the last of them.
        client->in_flight -= static_cast<int>(batch->commands.size()) - 1;
        Complete(client);
      };
      if (shard.id() == origin) {
        done(shard);
      } else {
        server_->worker(shard.id()).FlushPublished();
        shard.Send(origin,
                   std::make_unique<engine::Task>(engine::Task::Kind::kCallback, std::move(done)));
      }
    };
    SendWork(target, std::move(run));
  }
}

}  // namespace server
