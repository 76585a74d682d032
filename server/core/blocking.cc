#include "server/core/blocking.h"

#include "engine/shard_set.h"
#include "engine/task.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {

BlockedCommand::BlockedCommand(const MultiCommand& mc, Client* c, engine::ShardId home,
                               int64_t now_ms)
    : client(c),
      proto(c->proto),
      spec_(&mc.spec()),
      client_id_(c->id),
      db_(mc.db_index()),
      home_(home),
      waits_for_(mc.block_type()),
      deadline_ms_(mc.block_timeout_ms() > 0 ? now_ms + mc.block_timeout_ms() : 0),
      serve_needs_all_keys_(mc.serve_needs_all_keys()) {
  for (std::string_view a : mc.args()) args_.emplace_back(a);
  if (mc.shards().size() == 1) only_shard_ = mc.shards()[0];
}

std::unique_ptr<MultiCommand> BlockedCommand::MakeCommand(int64_t now_ms) const {
  std::vector<std::string_view> views(args_.begin(), args_.end());
  auto mc = std::make_unique<MultiCommand>(spec_, Args(views), db_, now_ms);
  mc->set_author(client_id_);
  return mc;
}

void UnregisterBlocked(engine::Shard& shard, const BlockedCommand& waiter) {
  const engine::ShardSet& set = shard.shard_set();
  std::vector<std::string_view> views(waiter.args().begin(), waiter.args().end());
  for (int pos : KeyPositions(waiter.spec(), Args(views))) {
    if (set.ShardOf(views[pos]) == shard.id()) {
      shard.key_waiters().Remove(waiter.db(), views[pos], &waiter);
    }
  }
}

namespace {

void SendHome(Server& server, engine::Shard& shard, std::shared_ptr<BlockedCommand> bc,
              bool served) {
  engine::ShardId home_id = bc->home();
  Worker* home = &server.worker(home_id);
  // What serving it published reaches subscribers before its reply.
  if (home_id != shard.id()) server.worker(shard.id()).FlushPublished();
  shard.Send(home_id, std::make_unique<engine::Task>(
                          engine::Task::Kind::kCallback,
                          [home, bc = std::move(bc), served](engine::Shard&) mutable {
                            if (served) {
                              home->OnBlockedServed(std::move(bc));
                            } else {
                              home->OnBlockedRetry(std::move(bc));
                            }
                          }));
}

// Serves the waiters of one ready key in the order they blocked, while the
// key still holds a value of the type they wait for.
void ServeKey(Server& server, engine::Shard& shard, int db_index, std::string_view key,
              engine::KeyWaiters::Queue& queue) {
  engine::Db& db = shard.db(db_index);
  while (!queue.empty()) {
    if (!queue.front().live()) {
      queue.pop_front();
      continue;
    }
    auto bc = std::static_pointer_cast<BlockedCommand>(queue.front().waiter);
    engine::KeyRef ref = db.Find(key, shard.now_ms());
    if (!ref || ref.obj()->type != bc->waits_for()) return;
    if (!bc->TryClaim()) {  // its worker timed it out, or another shard took it
      queue.pop_front();
      continue;
    }
    if (!bc->ServableOn(shard.id())) {
      queue.pop_front();
      SendHome(server, shard, std::move(bc), /*served=*/false);
      continue;
    }
    std::unique_ptr<MultiCommand> mc = bc->MakeCommand(shard.now_ms());
    mc->Route(KeyPositions(bc->spec(), mc->args()), shard.shard_set());
    bc->spec().multi(*mc);
    // Only this shard's part: keys elsewhere read as missing, so a pop takes
    // from this shard's keys, as Redis serves from the key that got a value.
    for (MultiCommand::Phase& phase : mc->phases()) mc->RunPhase(phase, shard, db);
    if (mc->waiting()) {  // nothing for it after all: it keeps its place
      mc->ReportEvents();
      bc->Unclaim();
      return;
    }
    resp::ReplyWriter w(&bc->slot->data, bc->proto);
    mc->WriteReply(w);
    // From this shard's keys only: the pop a replay repeats.
    if (CommandLog* log = server.command_log()) mc->LogTo(*log, &mc->KeysOn(shard.id()));
    queue.pop_front();
    SendHome(server, shard, std::move(bc), /*served=*/true);
  }
}

}  // namespace

void ServeBlockedClients(Server& server, engine::Shard& shard) {
  shard.key_waiters().ServeReady(
      [&](int db, std::string_view key, engine::KeyWaiters::Queue& queue) {
        ServeKey(server, shard, db, key, queue);
      });
}

}  // namespace server
