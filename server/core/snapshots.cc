// RDB snapshots of the whole server without fork: a transaction over every
// shard fixes the point in time (each shard's ShardSnapshot begins while all
// are held, so a multi-shard command is in the snapshot whole or not at all),
// then every worker writes its own shard in slices between its other work,
// into one SnapshotFile whose thread does the I/O.
#include "server/core/snapshots.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "engine/access_clock.h"
#include "engine/rdb/rdb_records.h"
#include "engine/runtime.h"
#include "engine/transaction.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "server/persistence/rdb_file_loader.h"
#include "server/persistence/save_points.h"
#include "server/scripting/library_builder.h"

namespace server {
namespace {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Snapshots::Snapshots(Server* server) : server_(server) {
  last_save_s_.store(server->start_ms() / 1000, std::memory_order_relaxed);
}

uint64_t Snapshots::changes() const {
  uint64_t n = 0;
  for (size_t i = 0; i < server_->num_workers(); ++i) {
    n += server_->worker(i).stats().writes.load(std::memory_order_relaxed);
  }
  return n;
}

uint64_t Snapshots::changes_since_save() const {
  uint64_t now = changes(), saved = saved_changes_.load(std::memory_order_relaxed);
  return now > saved ? now - saved : 0;  // CONFIG RESETSTAT zeroes the counters
}

bool Snapshots::has_save_points() const {
  std::vector<persistence::SavePoint> points;
  return persistence::ParseSavePoints(server_->config().save_points.get(), &points) &&
         !points.empty();
}

std::string Snapshots::Prologue(int64_t now_ms, bool aof_base) const {
  std::string out;
  rdb::AppendHeader(&out);
  rdb::AppendAux(&out, "redis-ver", "7.0.15");
  rdb::AppendAux(&out, "redis-bits", "64");
  rdb::AppendAux(&out, "ctime", absl::StrCat(now_ms / 1000));
  rdb::AppendAux(&out, "used-mem", absl::StrCat(server_->memory().Refresh()));
  rdb::AppendAux(&out, "aof-base", aof_base ? "1" : "0");
  return out;
}

std::string Snapshots::FunctionRecords() const {
  std::string out;
  for (const scripting::FunctionLibrary& lib : server_->functions().Libraries()) {
    rdb::AppendFunction(&out, lib.code);
  }
  return out;
}

std::string Snapshots::Start(Worker& origin, std::function<void(absl::Status)> done) {
  return StartRun(origin, std::move(done), nullptr);
}

std::string Snapshots::StartAofBase(Worker& origin, SnapshotTarget target,
                                    std::function<void(absl::Status)> done) {
  return StartRun(origin, std::move(done), &target);
}

std::string Snapshots::StartRun(Worker& origin, std::function<void(absl::Status)> done,
                                const SnapshotTarget* target) {
  bool idle = false;
  if (!in_progress_.compare_exchange_strong(idle, true)) return std::string(kInProgress);
  const Config& c = server_->config();
  int64_t now = origin.loop().now_ms();
  auto run = std::make_shared<SnapshotRun>();
  run->start_ms = now;
  run->changes_at_start = changes();
  engine::ShardSet& shards = server_->shards();
  run->db_sizes.assign(c.databases, {0, 0});
  for (engine::ShardId i = 0; i < shards.size(); ++i) {
    for (int db = 0; db < c.databases; ++db) {
      run->db_sizes[db].first += shards.shard(i).published_sizes[db].load();
      run->db_sizes[db].second += shards.shard(i).published_expires[db].load();
    }
  }
  run->done = std::move(done);
  run->origin = origin.id();
  run->rdb = target == nullptr;
  aof_running_.store(!run->rdb, std::memory_order_relaxed);
  if (run->rdb) {
    last_attempt_s_.store(now / 1000, std::memory_order_relaxed);
    current_start_ms_.store(now, std::memory_order_relaxed);
  }
  absl::Status st =
      run->rdb ? run->file.Open(c.dir.get(), c.dbfilename.get(), Prologue(now, false),
                                c.rdbchecksum.get())
               : run->file.Open(target->dir, target->filename, Prologue(now, true),
                                c.rdbchecksum.get());
  if (!st.ok()) {
    std::fprintf(stderr, "Background saving error: %s\n", std::string(st.message()).c_str());
    if (run->rdb) last_ok_.store(false, std::memory_order_relaxed);
    in_progress_.store(false, std::memory_order_release);
    return absl::StrCat("ERR ", std::string(st.message()));
  }
  Server* server = server_;
  run->file.set_on_drain([server] {
    for (size_t i = 0; i < server->num_workers(); ++i) server->worker(i).loop().Wake();
  });
  size_t n = server_->shards().size();
  run->shards_left.store(static_cast<int>(n), std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = run;
  }
  // The point in time: a transaction over every shard, begun from a callback
  // in the origin's own mailbox rather than here - the caller may run inside
  // a local hold of its shard (BGSAVE in EXEC), behind which an acquire of
  // that shard would wait forever.
  std::function<void()> at_point = target != nullptr ? target->at_point : nullptr;
  auto begin = std::make_unique<engine::Task>(
      engine::Task::Kind::kCallback, [server, run, n, at_point](engine::Shard& origin_shard) {
        std::vector<engine::ShardId> all(n);
        std::iota(all.begin(), all.end(), 0);
        auto* tx = new engine::Transaction(&origin_shard, std::move(all));
        // Every shard held, none begun: the AOF's switch to its next file,
        // then the function libraries as of that moment (a FUNCTION LOAD
        // that missed them is logged after the switch).
        tx->AddOriginStep([server, run, at_point] {
          if (at_point) at_point();
          std::string functions = server->snapshots().FunctionRecords();
          if (!functions.empty()) run->file.Push(std::move(functions));
        });
        tx->AddPhase([server, run](engine::Shard& shard) {
          server->worker(shard.id()).BeginSnapshotPart(run);
        });
        tx->Start([] {});
      });
  origin.shard().Send(origin.id(), std::move(begin));
  return "";
}

void Snapshots::Shutdown() {
  std::shared_ptr<SnapshotRun> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    run = std::move(current_);
  }
  if (run == nullptr) return;
  // No worker runs any more: nobody else calls Finish. Parts still pending
  // mean the file is incomplete.
  if (run->shards_left.load(std::memory_order_acquire) > 0) run->file.Finish(nullptr, true);
  run->file.Wait();
}

void Snapshots::PartDone(std::shared_ptr<SnapshotRun> run) {
  if (run->shards_left.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  Server* server = server_;
  SnapshotRun* raw = run.get();
  raw->file.Finish([this, server, run](absl::Status st, uint64_t bytes) {
    // The writer's thread: the rest happens on the origin worker.
    auto task = std::make_unique<engine::Task>(
        engine::Task::Kind::kCallback,
        [this, run, st, bytes](engine::Shard&) { Finished(*run, st, bytes); });
    engine::Mailbox& mailbox = server->worker(run->origin).shard().mailbox();
    while (!mailbox.TryPush(task) && !server->stopping()) usleep(100);
  });
}

void Snapshots::Finished(SnapshotRun& run, absl::Status st, uint64_t bytes) {
  if (run.rdb) {  // an AOF rewrite's base keeps its figures in AppendOnly
    int64_t now = server_->worker(run.origin).loop().now_ms();
    last_duration_s_.store((now - run.start_ms + 500) / 1000, std::memory_order_relaxed);
    last_ok_.store(st.ok(), std::memory_order_relaxed);
    if (st.ok()) {
      last_save_s_.store(now / 1000, std::memory_order_relaxed);
      saved_changes_.store(run.changes_at_start, std::memory_order_relaxed);
      saves_.fetch_add(1, std::memory_order_relaxed);
      last_bytes_.store(bytes, std::memory_order_relaxed);
    } else {
      std::fprintf(stderr, "Background saving error: %s\n", std::string(st.message()).c_str());
    }
    current_start_ms_.store(0, std::memory_order_relaxed);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_.reset();
  }
  in_progress_.store(false, std::memory_order_release);
  if (run.done) run.done(st);
  if (scheduled_.exchange(false, std::memory_order_relaxed)) {
    Start(server_->worker(run.origin), nullptr);
  }
}

void Snapshots::OnTimer(Worker& w, int64_t now_ms) {
  if (in_progress()) return;
  if (scheduled_.exchange(false, std::memory_order_relaxed)) {
    Start(w, nullptr);
    return;
  }
  std::vector<persistence::SavePoint> points;
  if (!persistence::ParseSavePoints(server_->config().save_points.get(), &points)) return;
  if (persistence::SaveDue(points, now_ms / 1000, last_save_s(),
                           static_cast<int64_t>(changes_since_save()),
                           last_attempt_s_.load(std::memory_order_relaxed), last_ok())) {
    Start(w, nullptr);
  }
}

absl::Status Snapshots::LoadAtStartup() {
  engine::CdsThreadScope scope;  // the main thread inserts, before any worker runs
  const Config& c = server_->config();
  std::string path = absl::StrCat(c.dir.get(), "/", c.dbfilename.get());
  persistence::LoadStats stats;
  absl::Status st = LoadFile(path, server_->start_ms(), &stats);
  if (absl::IsNotFound(st)) return absl::OkStatus();
  if (!st.ok()) return st;
  loaded_keys_.store(stats.keys_loaded, std::memory_order_relaxed);
  std::printf("DB loaded from disk: %llu keys (%llu expired, %llu empty skipped), %.3f seconds\n",
              static_cast<unsigned long long>(stats.keys_loaded),
              static_cast<unsigned long long>(stats.expired_skipped),
              static_cast<unsigned long long>(stats.empty_skipped),
              static_cast<double>(WallClockMs() - server_->start_ms()) / 1000);
  return absl::OkStatus();
}

absl::Status Snapshots::LoadFile(const std::string& path, int64_t now_ms,
                                 persistence::LoadStats* stats) {
  const Config& c = server_->config();
  engine::ShardSet& shards = server_->shards();
  int64_t start = now_ms;
  persistence::LoadSinks sinks;
  absl::Status dup;
  sinks.key = [&](int db, const rdb::RdbRecord& r, engine::Object* obj) {
    engine::Db& d = shards.shard(shards.ShardOf(r.key)).db(db);
    if (r.idle_seconds >= 0) {
      uint32_t now = engine::AccessNow();
      obj->access_time = now - static_cast<uint32_t>(std::min<int64_t>(r.idle_seconds, now));
    }
    if (r.frequency >= 0) obj->frequency = static_cast<uint8_t>(r.frequency);
    engine::KeyRef ref = d.InsertIfAbsent(r.key, obj);
    if (!ref) {
      if (dup.ok()) {
        dup = absl::DataLossError(absl::StrCat("RDB has duplicated key '", r.key, "' in DB ", db,
                                               " at offset ", r.offset));
      }
      engine::DestroyObject(obj);
      return;
    }
    if (r.expire_ms != 0) d.SetExpire(ref, r.expire_ms);
  };
  sinks.function = [this](const std::string& code) {
    scripting::FunctionLibrary library;
    std::string error = scripting::BuildLibrary(code, &library);
    if (error.empty()) error = server_->functions().Add(std::move(library), false);
    return error;
  };
  absl::Status st = persistence::LoadRdbFile(path, start, c.databases, shards.limits(), sinks,
                                             stats, c.rdbchecksum.get());
  for (engine::ShardId i = 0; i < shards.size(); ++i) shards.shard(i).PublishSizes();
  if (st.ok()) st = dup;
  return st;
}

std::string Snapshots::InfoSection(int64_t now_ms) const {
  int64_t current = current_start_ms_.load(std::memory_order_relaxed);
  return absl::StrCat(
      "# Persistence\r\nloading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\n"
      "current_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n"
      "current_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n"
      "rdb_changes_since_last_save:",
      changes_since_save(), "\r\nrdb_bgsave_in_progress:", in_progress() ? 1 : 0,
      "\r\nrdb_last_save_time:", last_save_s(),
      "\r\nrdb_last_bgsave_status:", last_ok() ? "ok" : "err",
      "\r\nrdb_last_bgsave_time_sec:", last_duration_s_.load(std::memory_order_relaxed),
      "\r\nrdb_current_bgsave_time_sec:", current != 0 ? (now_ms - current) / 1000 : -1,
      "\r\nrdb_saves:", saves_.load(std::memory_order_relaxed),
      "\r\nrdb_last_cow_size:0\r\nrdb_last_load_keys_expired:0\r\nrdb_last_load_keys_loaded:",
      loaded_keys_.load(std::memory_order_relaxed), "\r\n",
      server_->append_only().InfoFields(), "\r\n");
}

}  // namespace server
