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
  if (request != SaveRequest::kForeground && request != SaveRequest::kShutdown &&
      request != SaveRequest::kShutdownForce) {
    std::string error = snapshots.Start(*this, nullptr);
    if (!error.empty()) return ctx.out.Error(error);
    return ctx.out.SimpleString("Background saving started");
  }
  // SAVE and SHUTDOWN answer once the file is written.
  Client& c = ctx.client;
  PendingReply* slot = NewPending(c);
  ++c.in_flight;
  Client* client = &c;
  resp::Protocol proto = c.proto;
  std::string error = snapshots.Start(*this, [this, slot, client, proto,
                                              request](absl::Status st) {
    resp::ReplyWriter w(&slot->data, proto);
    if (request == SaveRequest::kForeground) {
      st.ok() ? w.Ok() : w.Error("ERR");
    } else if (st.ok() || request == SaveRequest::kShutdownForce) {
      server_->RequestShutdown();  // the connection closes with the server
    } else {
      w.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    }
    slot->ready = true;
    Complete(client);
  });
  if (!error.empty()) {
    resp::ReplyWriter w(&slot->data, proto);
    if (request == SaveRequest::kShutdownForce) {
      server_->RequestShutdown();
    } else {
      w.Error(request == SaveRequest::kForeground ? error
                                                  : "ERR Errors trying to SHUTDOWN. Check logs.");
    }
    slot->ready = true;
    Complete(client);
  }
}

}  // namespace server
