// A worker's part of RDB snapshots (server/core/snapshots.cc): writing its
// shard in slices between other work, and SAVE, BGSAVE and SHUTDOWN, whose
// replies wait for the file.
#include <memory>

#include "absl/strings/str_cat.h"
#include "engine/eviction.h"
#include "server/core/server.h"
#include "server/core/snapshots.h"
#include "server/core/worker.h"

namespace server {
namespace {

// Keys one loop iteration serializes: small enough that the connections of
// the worker keep being served with little added latency.
constexpr size_t kSnapshotKeysPerIteration = 512;

}  // namespace

void Worker::BeginSnapshotPart(std::shared_ptr<SnapshotRun> run) {
  const Config& cfg = server_->config();
  auto eviction = rdb::ShardSnapshot::EvictionData::kNone;
  engine::EvictionPolicy policy = cfg.maxmemory_policy;
  if (engine::IsLfuPolicy(policy)) {
    eviction = rdb::ShardSnapshot::EvictionData::kFrequency;
  } else if (policy == engine::EvictionPolicy::kAllKeysLru ||
             policy == engine::EvictionPolicy::kVolatileLru) {
    eviction = rdb::ShardSnapshot::EvictionData::kIdle;
  }
  rdb::SaveOptions options;
  options.compress = server_->shards().rdb_compression();
  options.list_fill =
      engine::EncodingLimits::Get(server_->shards().limits().list_max_listpack_size);
  SnapshotRun* raw = run.get();
  snapshot_part_ = std::make_unique<rdb::ShardSnapshot>(
      shard_, options, eviction, [raw](std::string chunk) { raw->file.Push(std::move(chunk)); });
  snapshot_part_->set_resize_hints(run->db_sizes);
  snapshot_run_ = std::move(run);
  snapshot_part_->Begin(shard_.now_ms());
  loop_.Wake();
}

void Worker::StepSnapshot() {
  if (snapshot_part_ == nullptr) return;
  // A held shard belongs to its transaction: a script may be changing its
  // data from another thread right now (and saving keys into this very
  // snapshot before it does). The walk resumes after the release.
  if (shard_.held()) return;
  // The disk is behind: wait for the writer to drain (it wakes us).
  if (snapshot_run_->file.queued_bytes() > persistence::SnapshotFile::kHighWater) return;
  if (!snapshot_part_->Step(kSnapshotKeysPerIteration)) {
    loop_.Wake();  // more next iteration, without sleeping in between
    return;
  }
  snapshot_part_.reset();
  server_->snapshots().PartDone(std::move(snapshot_run_));
}

void Worker::Save(ClientContext& ctx, SaveRequest request) {
  Snapshots& snapshots = server_->snapshots();
  if (request == SaveRequest::kBackgroundScheduled && snapshots.in_progress()) {
    snapshots.Schedule();
    return ctx.out.SimpleString("Background saving scheduled");
  }
  if (request == SaveRequest::kBackground && snapshots.rewriting_aof()) {
    return ctx.out.Error(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
        "SCHEDULE in order to schedule a BGSAVE whenever possible.");
  }
  if (request == SaveRequest::kBackground || request == SaveRequest::kBackgroundScheduled) {
    std::string error = snapshots.Start(*this, nullptr);
    if (!error.empty()) return ctx.out.Error(error);
    return ctx.out.SimpleString("Background saving started");
  }
  // SAVE and SHUTDOWN answer once the file is written.
  Client& c = ctx.client;
  WaitingSave w{NewPending(c), &c, c.proto, request};
  ++c.in_flight;
  StartWaitingSave(w);
}

void Worker::StartWaitingSave(const WaitingSave& w) {
  auto finish = [this, w](absl::Status st) {
    resp::ReplyWriter out(&w.slot->data, w.proto);
    if (w.request == SaveRequest::kForeground) {
      st.ok() ? out.Ok() : out.Error("ERR");
    } else if (st.ok() || w.request == SaveRequest::kShutdownForce) {
      server_->RequestShutdown();  // no reply: the connection closes with the server
    } else {
      out.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    }
    w.slot->ready = true;
    Complete(w.client);
  };
  std::string error = server_->snapshots().Start(*this, finish);
  if (error.empty()) return;
  // SHUTDOWN during a BGSAVE waits for it and then saves afresh (Redis
  // kills the child and saves); SAVE answers the error, as Redis.
  if (error == Snapshots::kInProgress && w.request != SaveRequest::kForeground) {
    waiting_saves_.push_back(w);
    return;
  }
  finish(absl::InternalError(error));
}

void Worker::RetryWaitingSaves() {
  if (waiting_saves_.empty() || server_->snapshots().in_progress()) return;
  std::vector<WaitingSave> waiting;
  waiting.swap(waiting_saves_);
  for (const WaitingSave& w : waiting) StartWaitingSave(w);
}

}  // namespace server
