// MULTI/EXEC on the worker: queueing, WATCH registration, and running EXEC's
// plan (server/transaction/exec_plan.h) as one atomic step - inline when it
// needs only our own free shard, as one task when it needs one other shard,
// else as an engine::Transaction whose phases are the plan's rounds.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/lookup_prefetch.h"
#include "engine/shard_set.h"
#include "engine/transaction.h"
#include "server/command/handler_guard.h"
#include "server/command/text.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "server/transaction/exec_plan.h"

namespace server {

namespace {

constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";

}  // namespace

// One EXEC in progress. Deleted by FinishExec on the client's thread.
struct ExecRun {
  ExecRun(Client* c, std::unique_ptr<WatchSet> w, std::vector<QueuedCommand> queue,
          const engine::ShardSet& set, engine::ShardId origin, int num_dbs, int64_t now_ms)
      : client(c),
        client_id(c->id),
        proto(c->proto),
        watches(std::move(w)),
        plan(std::move(queue), set, origin, c->db, num_dbs, now_ms, watches.get()),
        late(plan.steps().size()) {}

  // A watched key changed: the commands do not run, EXEC answers nil.
  // Decided by the first round (or before EXEC started).
  bool aborted() const { return watches != nullptr && watches->dirty(); }

  Client* client;
  uint64_t client_id;  // read on shard threads (client is the owner's)
  resp::Protocol proto;
  std::unique_ptr<WatchSet> watches;
  ExecPlan plan;
  // Client steps whose reply comes later (GatherFromWorkers).
  std::vector<LateReply> late;
  int late_pending = 0;
  bool rounds_done = false;
  // Set when EXEC could not answer at once.
  PendingReply* slot = nullptr;
  // Not the last of a batch of pipelined EXECs run as one (see
  // StartParkedExecs): the last one lets the client go on.
  bool last_in_batch = true;
};

namespace {

// Pipelined EXECs of one client run as one transaction, up to this many.
constexpr size_t kMaxParkedExecs = 256;

}  // namespace

void Worker::Watch(ClientContext& ctx, Args args) {
  Client& c = ctx.client;
  // Already dirty: EXEC fails whatever else is watched.
  if (c.watches.dirty()) return ctx.out.Ok();
  if (c.watches.state == nullptr) c.watches.state = std::make_shared<engine::WatchState>();
  std::vector<int> fresh;
  for (size_t i = 1; i < args.size(); ++i) {
    bool seen = std::any_of(c.watches.keys.begin(), c.watches.keys.end(), [&](const WatchedKey& w) {
      return w.db == c.db && w.key == args[i];
    });
    for (int prev : fresh) seen = seen || args[prev] == args[i];
    if (!seen) fresh.push_back(static_cast<int>(i));
  }
  if (fresh.empty()) return ctx.out.Ok();
  for (int pos : fresh) {
    c.watches.keys.push_back({server_->shards().ShardOf(args[pos]), c.db, std::string(args[pos])});
  }
  // Registered as a multi-key command over the keys' shards, so the reply
  // (and so the client's next read of a watched key) comes only once every
  // shard has the watch: a write landing in between would go unnoticed.
  auto mc = std::make_unique<MultiCommand>(server_->commands().Find("watch"), args, c.db,
                                           loop_.now_ms());
  mc->Route(fresh, server_->shards());
  MultiCommand* self = mc.get();
  std::shared_ptr<engine::WatchState> state = c.watches.state;
  mc->AddPhase([self, state](engine::Shard& shard, engine::Db& db) {
    for (int pos : self->KeysOn(shard.id())) {
      std::string_view key = self->args()[pos];
      shard.key_watchers().Add(self->db_index(), key, state,
                               db.ContainsExpired(key, shard.now_ms()));
    }
  });
  mc->SetReply([](resp::ReplyWriter& out) { out.Ok(); });
  RunMulti(c, std::move(mc));
}

void Worker::Unwatch(Client& c) {
  std::vector<WatchedKey> keys = std::move(c.watches.keys);
  std::shared_ptr<engine::WatchState> state = std::move(c.watches.state);
  c.watches = WatchSet{};
  if (keys.empty()) return;
  // Nobody waits for the removal: the client forgot `state`, so marks on it
  // no longer matter. kWork keeps it behind a registration still queued.
  std::sort(keys.begin(), keys.end(),
            [](const WatchedKey& a, const WatchedKey& b) { return a.shard < b.shard; });
  size_t i = 0;
  while (i < keys.size()) {
    size_t j = i;
    while (j < keys.size() && keys[j].shard == keys[i].shard) ++j;
    engine::ShardId target = keys[i].shard;
    std::vector<WatchedKey> part(keys.begin() + i, keys.begin() + j);
    SendWork(target, [part = std::move(part), state](engine::Shard& shard) {
      for (const WatchedKey& w : part) shard.key_watchers().Remove(w.db, w.key, state.get());
    });
    i = j;
  }
}

void Worker::Exec(ClientContext& ctx) {
  Client& c = ctx.client;
  std::unique_ptr<MultiState> ms = std::move(c.multi);
  if (ms->aborted) {
    Unwatch(c);
    return ctx.out.Error(kExecAbort);
  }
  if ((ms->flags & kDenyOom) && !AdmitMemory(/*evict_here=*/true)) {
    Unwatch(c);
    return ctx.out.Error(
        absl::StrCat("EXECABORT Transaction discarded because of: ", AV(errors::kOom)));
  }
  if (c.watches.dirty()) {
    Unwatch(c);
    return ctx.out.NullArray();
  }
  auto watches = std::make_unique<WatchSet>(std::move(c.watches));
  c.watches = WatchSet{};
  auto* run = new ExecRun(&c, std::move(watches), std::move(ms->queue), server_->shards(), id_,
                          server_->config().databases, loop_.now_ms());
  const std::vector<engine::ShardId>& shards = run->plan.shards();
  size_t rounds = run->plan.rounds().size();
  WorkerStats::Bump(stats_.transactions);

  // Everything on our own free shard: right here, held against fast-path
  // readers elsewhere so they never see half of it.
  bool local = shards.empty() || (shards.size() == 1 && shards[0] == id_);
  if (local && shard_.CanRunInline() && c.parked_execs.empty()) {
    shard_.HoldLocally();
    for (size_t r = 0; r < rounds; ++r) RunExecRound(*run, r, shard_);
    LogExec(*run);
    shard_.ReleaseLocalHold();
    run->rounds_done = true;
    if (run->late_pending == 0) {
      WriteExecReply(*run, ctx.out);  // in the client's order
      delete run;
      ServeBlocked();
      return;
    }
  }
  run->slot = NewPending(c);
  ++c.in_flight;
  if (run->rounds_done) {  // inline; a late reply finishes it
    c.waiting_for_transaction = true;
    return FinishExec(run);
  }
  // Consecutive pipelined EXECs run as one transaction: ProcessInput keeps
  // parsing while MULTI ... EXEC follow, and starts them when anything else
  // comes (or the input ends). One with client commands ends the batch:
  // those run on this thread in their turn, and a SELECT among them changes
  // the db of whatever follows.
  c.parked_execs.push_back(run);
  if (run->plan.has_client_steps() || c.parked_execs.size() >= kMaxParkedExecs) {
    StartParkedExecs(c);
  }
}

void Worker::StartParkedExecs(Client& c) {
  std::vector<ExecRun*> runs = std::move(c.parked_execs);
  c.parked_execs.clear();
  for (size_t i = 0; i + 1 < runs.size(); ++i) runs[i]->last_in_batch = false;
  // Hops collected before the first MULTI must reach their shards first.
  SendBatches(c);
  c.waiting_for_transaction = true;
  // The batch's rounds in order; runs of single-key rounds merge across
  // EXECs (each shard still runs them in queue order), so 32 pipelined
  // MULTI; SET; SET; INCR; EXEC cost one phase, not 32.
  struct Part {
    ExecRun* run;
    size_t round;
  };
  struct Merged {
    std::vector<Part> parts;
    std::vector<engine::ShardId> shards;
    bool single_key;
  };
  auto merged = std::make_shared<std::vector<Merged>>();
  std::vector<engine::ShardId> shards;
  for (ExecRun* run : runs) {
    const std::vector<ExecRound>& rounds = run->plan.rounds();
    for (size_t r = 0; r < rounds.size(); ++r) {
      bool single_key = rounds[r].kind == ExecRound::Kind::kShardSteps;
      if (!single_key || merged->empty() || !merged->back().single_key) {
        merged->push_back(Merged{{}, {}, single_key});
      }
      Merged& m = merged->back();
      m.parts.push_back({run, r});
      for (engine::ShardId s : rounds[r].shards) {
        if (std::find(m.shards.begin(), m.shards.end(), s) == m.shards.end()) m.shards.push_back(s);
        if (std::find(shards.begin(), shards.end(), s) == shards.end()) shards.push_back(s);
      }
    }
  }
  Worker* self = this;
  auto run_merged = [self, merged](size_t index, engine::Shard& shard) {
    const Merged& m = (*merged)[index];
    if (!m.single_key) {
      for (const Part& p : m.parts) self->RunExecRound(*p.run, p.round, shard);
      return;
    }
    // Single-key rounds of several EXECs: this shard's steps of all of
    // them in one go (they share one protocol: one client).
    std::vector<ExecStep*> mine;
    for (const Part& p : m.parts) {
      if (p.run->aborted()) continue;
      std::vector<ExecStep>& steps = p.run->plan.steps();
      for (size_t i : p.run->plan.rounds()[p.round].steps) {
        if (steps[i].shard == shard.id()) mine.push_back(&steps[i]);
      }
    }
    self->RunShardSteps(mine, m.parts[0].run->proto, shard);
  };
  auto finish = [self, runs] {
    for (ExecRun* run : runs) {
      run->rounds_done = true;
      self->FinishExec(run);
    }
  };
  if (shards.empty()) return finish();  // nothing touches data
  if (shards.size() == 1) {
    // One shard (ours, busy, or another): every round in a row there, with
    // no global transaction.
    RunHeldOn(
        shards[0],
        [self, runs, merged, run_merged](engine::Shard& shard) {
          for (size_t m = 0; m < merged->size(); ++m) run_merged(m, shard);
          for (ExecRun* run : runs) self->LogExec(*run);
        },
        std::move(finish));
    return;
  }
  auto* tx = new engine::Transaction(&shard_, shards);
  for (size_t m = 0; m < merged->size(); ++m) {
    const Merged& round = (*merged)[m];
    // A client step runs on this thread; one that holds more shards than
    // ours (a script) needs them all held while it runs, not released by
    // their own parts: an origin step.
    bool client_step = !round.single_key && round.parts.size() == 1 &&
                       round.parts[0].run->plan.rounds()[round.parts[0].round].kind ==
                           ExecRound::Kind::kClientStep;
    if (client_step && round.shards.size() > 1) {
      engine::Shard* own = &shard_;
      tx->AddOriginStep([run_merged, m, own] { run_merged(m, *own); });
      continue;
    }
    tx->AddPhase([run_merged, m](engine::Shard& s) { run_merged(m, s); }, round.shards);
  }
  // Each EXEC's block, while every shard is still held.
  bool unlogged = !server_->append_only().LogsTransaction();
  if (!unlogged) {
    tx->AddOriginStep([self, runs] {
      for (ExecRun* run : runs) self->LogExec(*run);
    });
  }
  tx->Start([finish = std::move(finish), unlogged, self]() mutable {
    if (unlogged) self->server_->append_only().UnloggedDone();
    finish();
  });
}

void Worker::RunExecRound(ExecRun& run, size_t index, engine::Shard& shard) {
  engine::ChangeAuthor changes_by(run.client_id);
  const ExecRound& round = run.plan.rounds()[index];
  if (round.kind == ExecRound::Kind::kWatchCheck) {
    // Redis drops the watches as EXEC starts; a key that expired since it
    // was watched (and was not yet deleted) counts as changed.
    const WatchSet& watches = *run.watches;
    for (const WatchedKey& w : watches.keys) {
      if (w.shard != shard.id()) continue;
      if (shard.key_watchers().RemoveAndCheckExpired(w.db, w.key, watches.state.get(),
                                                     shard.db(w.db), shard.now_ms())) {
        watches.state->dirty.store(true, std::memory_order_release);
      }
    }
    return;
  }
  // Every part of the first round happened before any of this one.
  if (run.aborted()) return;
  std::vector<ExecStep>& steps = run.plan.steps();
  switch (round.kind) {
    case ExecRound::Kind::kShardSteps: {
      std::vector<ExecStep*> mine;
      for (size_t i : round.steps) {
        if (steps[i].shard == shard.id()) mine.push_back(&steps[i]);
      }
      RunShardSteps(mine, run.proto, shard);
      break;
    }
    case ExecRound::Kind::kMultiPhase: {
      MultiCommand& mc = *steps[round.step].multi;
      mc.RunPhase(mc.phases()[round.phase], shard, shard.db(mc.db_index()));
      break;
    }
    case ExecRound::Kind::kClientStep: {
      // Its other shards only stay held meanwhile (a script reaches them).
      if (shard.id() != id_) break;
      ExecStep& step = steps[round.step];
      Client& c = *run.client;
      // Gone: nobody reads the reply - but a script still changes data, and
      // EXEC is all or nothing.
      if (c.conn == nullptr && !(step.spec->flags & kAllShards)) break;
      resp::ReplyWriter w(&step.reply, run.proto);
      // A handler that answers later (GatherFromWorkers) counts itself in
      // late_pending and calls done once its reply is in step.reply.
      LateReply& late = run.late[round.step];
      late.data = &step.reply;
      late.pending = &run.late_pending;
      Worker* self = this;
      ExecRun* r = &run;
      late.done = [self, r] {
        --r->late_pending;
        self->FinishExec(r);
      };
      ClientContext ctx{c, *this, *server_, w, loop_.now_ms(), &late};
      engine::KeyEventLog::Scope logging(&step.events);  // a script's
      // What it writes (a script's effects, FUNCTION LOAD) is this step's
      // part of EXEC's block.
      exec_step_log_ = server_->append_only().enabled() ? &step.log : nullptr;
      size_t before = step.reply.size();
      RunGuarded(step.spec->name, w, [&] { step.spec->on_client(step.args, ctx); });
      LogClientWrite(step.db, *step.spec, step.args, step.reply, before);
      exec_step_log_ = nullptr;
      break;
    }
    case ExecRound::Kind::kWatchCheck:
      break;
  }
}

void Worker::RunShardSteps(const std::vector<ExecStep*>& steps, resp::Protocol proto,
                           engine::Shard& shard) {
  // In windows, each prefetched first (LookupPrefetch), so that the random
  // keys of long or pipelined transactions overlap their cache misses.
  constexpr size_t kWindow = engine::LookupPrefetch::kMaxKeys;
  for (size_t from = 0; from < steps.size(); from += kWindow) {
    size_t to = std::min(steps.size(), from + kWindow);
    if (to - from > 1) {
      engine::LookupPrefetch prefetch;
      for (size_t i = from; i < to; ++i) {
        if (steps[i]->args.size() > 1 && steps[i]->spec->first_key == 1) {
          prefetch.Add(shard.db(steps[i]->db), steps[i]->args[1]);
        }
      }
      prefetch.Run();
    }
    for (size_t i = from; i < to; ++i) {
      ExecStep& step = *steps[i];
      resp::ReplyWriter w(&step.reply, proto);
      ShardContext ctx{shard, shard.db(step.db), step.db, w, shard.now_ms()};
      if (server_->append_only().enabled()) ctx.log = &step.log;
      engine::KeyEventLog::Scope logging(&step.events);
      RunOnShard(*step.spec, step.args, ctx);
    }
  }
}

void Worker::LogExec(ExecRun& run) {
  CommandLog* log = server_->command_log();
  if (log == nullptr || run.aborted()) return;
  CommandBatch block;
  for (ExecStep& step : run.plan.steps()) {
    if (step.kind == ExecStep::Kind::kMulti) {
      step.multi->LogTo(block);
    } else {
      block.AddAtomic(step.log.commands());
    }
  }
  block.FlushTo(*log);
}

void Worker::WriteExecReply(ExecRun& run, resp::ReplyWriter& w) {
  if (run.aborted()) return w.NullArray();
  std::vector<ExecStep>& steps = run.plan.steps();
  w.ArrayHeader(steps.size());
  for (ExecStep& step : steps) {
    // The steps' events in queue order, as Redis raises them (each
    // multi-key one reports its own as it writes its reply).
    step.events.Report();
    if (step.kind != ExecStep::Kind::kMulti) {
      w.out()->append(step.reply);
      continue;
    }
    // Inside EXEC a blocking command does not block.
    step.multi->WriteReplyWithoutBlocking(w);
  }
}

void Worker::FinishExec(ExecRun* run) {
  if (!run->rounds_done || run->late_pending > 0 || run->slot == nullptr) return;
  Client* c = run->client;
  PendingReply* slot = run->slot;
  bool last = run->last_in_batch;
  resp::ReplyWriter w(&slot->data, run->proto);
  WriteExecReply(*run, w);
  delete run;
  slot->ready = true;
  if (!last) {  // the batch's last EXEC drains the replies
    --c->in_flight;
    return;
  }
  c->waiting_for_transaction = false;
  Complete(c);
}

}  // namespace server
