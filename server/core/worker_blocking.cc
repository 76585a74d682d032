// The worker's side of blocking commands (BLPOP & co): starting attempts,
// timeouts, disconnects, and finishing a blocked client. The shards' side is
// blocking.cc.
#include <algorithm>

#include "engine/transaction.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {

namespace {

// Deadlines are checked this often while clients are blocked (Redis checks
// them every event-loop turn; 10 ms keeps an idle worker mostly asleep).
constexpr int64_t kBlockTimerMs = 10;

}  // namespace

void Worker::ServeBlocked() {
  // held() first: while a script on another thread holds the shard, it may
  // be marking keys ready.
  if (!shard_.held() && shard_.key_waiters().has_ready()) ServeBlockedClients(*server_, shard_);
}

void Worker::StartBlocking(Client& c, std::unique_ptr<MultiCommand> mc) {
  // Hops collected before this command must reach their shards first.
  SendBatches(c);
  // A fresh clock: the loop's is from the start of this iteration, and a
  // timeout counted from an earlier instant would end early.
  loop_.UpdateClock();
  auto bc = std::make_shared<BlockedCommand>(*mc, &c, id_, loop_.now_ms());
  bc->slot = NewPending(c);
  ++c.in_flight;
  c.blocked = bc.get();
  blocked_[c.id] = bc;
  if (block_timer_ == 0) {
    block_timer_ = loop_.AddPeriodicTimer(kBlockTimerMs, [this] { CheckBlockedTimeouts(); });
  }
  RunBlockingAttempt(std::move(bc), std::move(mc));
}

void Worker::RunBlockingAttempt(std::shared_ptr<BlockedCommand> bc,
                                std::unique_ptr<MultiCommand> mc) {
  bc->attempt_running = true;
  mc->set_waiter(bc);
  bool local_only = mc->shards().size() == 1 && mc->shards()[0] == id_;
  if (local_only && shard_.CanRunInline()) {
    for (auto& phase : mc->phases()) mc->RunPhase(phase, shard_, shard_.db(mc->db_index()));
    if (CommandLog* log = server_->command_log()) mc->LogTo(*log);  // served at once
    OnBlockingAttemptDone(std::move(bc), *mc);
    ServeBlocked();
    return;
  }
  WorkerStats::Bump(stats_.transactions);
  MultiCommand* raw = mc.release();
  auto* tx = new engine::Transaction(&shard_, raw->shards());
  for (MultiCommand::Phase& phase : raw->phases()) {
    tx->AddPhase([raw, &phase](engine::Shard& s) { raw->RunPhase(phase, s, s.db(raw->db_index())); });
  }
  bool unlogged = !server_->append_only().LogsTransaction();
  if (!unlogged) {  // served at once: logged while held
    tx->AddOriginStep([raw, server = server_] {
      if (CommandLog* log = server->command_log()) raw->LogTo(*log);
    });
  }
  tx->Start([this, bc = std::move(bc), raw, unlogged]() mutable {
    if (unlogged) server_->append_only().UnloggedDone();
    OnBlockingAttemptDone(std::move(bc), *raw);
    delete raw;
  });
}

void Worker::OnBlockingAttemptDone(std::shared_ptr<BlockedCommand> bc, MultiCommand& mc) {
  bc->attempt_running = false;
  mc.ReportEvents();  // also when it waits: a lookup may have expired a key
  if (!mc.waiting()) {
    // Served at once (or an error such as WRONGTYPE): an ordinary reply.
    resp::ReplyWriter w(&bc->slot->data, bc->proto);
    mc.WriteReply(w);
    FinishBlocked(std::move(bc), /*unregister=*/false);
    return;
  }
  // Registered on its shards: now it counts as blocked (INFO). A shard may
  // already have claimed it (its callback is on the way); a client that
  // left meanwhile is dropped now.
  if (!bc->counted) {
    bc->counted = true;
    server_->blocked_clients.fetch_add(1, std::memory_order_relaxed);
  }
  if (bc->cancelled && bc->TryClaim()) FinishBlocked(std::move(bc), /*unregister=*/true);
}

void Worker::OnBlockedServed(std::shared_ptr<BlockedCommand> bc) {
  FinishBlocked(std::move(bc), /*unregister=*/true);
}

void Worker::OnBlockedRetry(std::shared_ptr<BlockedCommand> bc) {
  UnregisterEverywhere(bc);
  if (bc->client->conn == nullptr) {  // left while being handed back
    FinishBlocked(std::move(bc), /*unregister=*/false);
    return;
  }
  bc->Rearm();
  std::unique_ptr<MultiCommand> mc = bc->MakeCommand(loop_.now_ms());
  mc->Route(KeyPositions(bc->spec(), mc->args()), server_->shards());
  bc->spec().multi(*mc);
  RunBlockingAttempt(std::move(bc), std::move(mc));
}

void Worker::UnregisterEverywhere(const std::shared_ptr<BlockedCommand>& bc) {
  std::vector<std::string_view> views(bc->args().begin(), bc->args().end());
  std::vector<engine::ShardId> shards;
  for (int pos : KeyPositions(bc->spec(), Args(views))) {
    engine::ShardId s = server_->shards().ShardOf(views[pos]);
    if (std::find(shards.begin(), shards.end(), s) == shards.end()) shards.push_back(s);
  }
  // Ordinary work: a shard held by a transaction or script (which may be
  // storing values, and so touching its waiters, from another thread) takes
  // it after the hold. Meanwhile TryClaim keeps it from being served twice.
  for (engine::ShardId s : shards) {
    std::shared_ptr<BlockedCommand> ref = bc;
    SendWork(s, [ref](engine::Shard& shard) { UnregisterBlocked(shard, *ref); });
  }
}

void Worker::FinishBlocked(std::shared_ptr<BlockedCommand> bc, bool unregister) {
  if (unregister) UnregisterEverywhere(bc);
  Client* c = bc->client;
  bc->slot->ready = true;
  c->blocked = nullptr;
  if (bc->counted) server_->blocked_clients.fetch_sub(1, std::memory_order_relaxed);
  blocked_.erase(c->id);  // may free bc
  if (blocked_.empty() && block_timer_ != 0) {
    loop_.CancelTimer(block_timer_);
    block_timer_ = 0;
  }
  Complete(c);
}

void Worker::CancelBlocked(Client& c) {
  std::shared_ptr<BlockedCommand> bc = blocked_[c.id];
  if (bc->attempt_running) {
    bc->cancelled = true;  // the attempt's end finishes it
    return;
  }
  if (bc->TryClaim()) FinishBlocked(std::move(bc), /*unregister=*/true);
  // Otherwise a shard claimed it first: its callback finishes it.
}

bool Worker::UnblockClient(uint64_t id, bool with_error) {
  auto it = blocked_.find(id);
  if (it == blocked_.end()) return false;
  std::shared_ptr<BlockedCommand> bc = it->second;
  // Not blocked yet (its attempt runs), or a shard is already serving it.
  if (bc->attempt_running || !bc->counted || !bc->TryClaim()) return false;
  resp::ReplyWriter w(&bc->slot->data, bc->proto);
  if (with_error) {
    w.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    w.NullArray();
  }
  FinishBlocked(std::move(bc), /*unregister=*/true);
  return true;
}

void Worker::CheckBlockedTimeouts() {
  int64_t now = loop_.now_ms();
  std::vector<std::shared_ptr<BlockedCommand>> expired;
  for (auto& [id, bc] : blocked_) {
    // Strictly past: the start was stamped in whole milliseconds (rounded
    // down), so "now == deadline" may still be short of the timeout.
    if (bc->deadline_ms() != 0 && now > bc->deadline_ms() && !bc->attempt_running) {
      expired.push_back(bc);
    }
  }
  for (auto& bc : expired) {
    if (!bc->TryClaim()) continue;  // being served: its reply is on the way
    // Redis answers a timed-out BLPOP, BLMOVE, BZPOPMIN ... with a null array.
    resp::ReplyWriter w(&bc->slot->data, bc->proto);
    w.NullArray();
    FinishBlocked(std::move(bc), /*unregister=*/true);
  }
}

}  // namespace server
