// The append-only file: loading Redis 7.0's multi-part directory at start,
// the log that write commands go to, and rewrites without fork (a snapshot
// whose point in time is where the next incremental file begins).
#include "server/core/append_only.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/rdb/rdb_records.h"
#include "engine/runtime.h"
#include "server/core/aof_replay.h"
#include "server/core/server.h"
#include "server/core/snapshots.h"
#include "server/core/worker.h"
#include "server/persistence/mapped_file.h"
#include "server/persistence/snapshot_file.h"

namespace server {
namespace {

constexpr const char* kRewriteInProgress =
    "ERR Background append only file rewriting already in progress";

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

AppendOnly::AppendOnly(Server* server) : server_(server) {}

AppendOnly::~AppendOnly() { Shutdown(); }

std::string AppendOnly::Dir() const {
  const Config& c = server_->config();
  return absl::StrCat(c.dir.get(), "/", c.appenddirname);
}

std::string AppendOnly::Prefix() const { return server_->config().appendfilename; }

absl::Status AppendOnly::LoadFile(const aof::AofFileInfo& file, bool last) {
  std::string path = absl::StrCat(Dir(), "/", file.name);
  persistence::MappedFile mapped;
  absl::Status st = mapped.Open(path);
  if (absl::IsNotFound(st)) {
    return absl::NotFoundError(absl::StrCat("The append log file ", file.name,
                                            " doesn't exist: ", std::strerror(ENOENT)));
  }
  if (!st.ok()) {
    return absl::InternalError(absl::StrCat("Fatal error: can't open the append log file ",
                                            file.name, " for reading: ", std::string(st.message())));
  }
  std::string_view bytes = mapped.view();
  if (bytes.empty()) return absl::OkStatus();
  if (bytes.substr(0, 5) == "REDIS") {
    // An RDB base: keys whose TTL passed stay (the DELs follow in the
    // incremental files), as Redis loads an AOF's RDB part.
    persistence::LoadStats stats;
    st = server_->snapshots().LoadFile(path, /*now_ms=*/0, &stats);
    if (!st.ok()) {
      return absl::DataLossError(absl::StrCat("Error reading the RDB base file ", file.name,
                                              ", AOF loading aborted: ", std::string(st.message())));
    }
    return absl::OkStatus();
  }
  AofReplay replay(*server_);
  AofReplay::Outcome outcome;
  st = replay.Run(bytes, 0, file.name, &outcome);
  if (!st.ok()) return st;
  if (!outcome.truncated) return absl::OkStatus();
  if (!last) {
    return absl::DataLossError(absl::StrCat("Unexpected end of file reading the append only file ",
                                            file.name, ": the truncated file is not the last file"));
  }
  if (!server_->config().aof_load_truncated) {
    return absl::DataLossError(absl::StrCat(
        "Unexpected end of file reading the append only file ", file.name,
        ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
        "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration "
        "option to yes and restart the server."));
  }
  std::fprintf(stderr,
               "!!! Warning: short read while loading the AOF file %s!!!\n"
               "!!! Truncating the AOF %s at offset %zu !!!\n",
               file.name.c_str(), file.name.c_str(), outcome.valid_up_to);
  if (truncate(path.c_str(), static_cast<off_t>(outcome.valid_up_to)) != 0) {
    return absl::InternalError(absl::StrCat("Error truncating the AOF file ", file.name, ": ",
                                            std::strerror(errno)));
  }
  std::fprintf(stderr, "AOF %s loaded anyway because aof-load-truncated is enabled\n",
               file.name.c_str());
  return absl::OkStatus();
}

absl::Status AppendOnly::LoadAtStartup(bool* used) {
  *used = false;
  const Config& c = server_->config();
  std::string dir = Dir();
  // Read whether or not the AOF is on, as Redis does: a later rewrite
  // numbers its files after the ones there.
  aof::Manifest m;
  absl::Status st = aof::ReadManifest(dir, aof::ManifestName(Prefix()), &m);
  bool found = st.ok();
  if (!found && !absl::IsNotFound(st)) {
    return absl::DataLossError(
        absl::StrCat("Fatal AOF manifest error: ", std::string(st.message())));
  }
  if (found) {
    std::lock_guard<std::mutex> lock(mu_);
    manifest_ = m;
  }
  if (!c.appendonly) return absl::OkStatus();
  state_.store(State::kOn);
  engine::CdsThreadScope scope;  // the main thread inserts, before any worker runs
  if (!found) {
    // Redis 7.0 would upgrade a Redis 6 appendonly.aof in `dir`; refusing
    // beats starting empty beside it.
    std::string legacy = absl::StrCat(c.dir.get(), "/", Prefix());
    if (Exists(legacy)) {
      return absl::FailedPreconditionError(absl::StrCat(
          legacy, " is an append-only file of Redis before 7.0, which this server does not "
                  "upgrade: start redis-server 7.0 on it once (it converts it to ",
          c.appenddirname, "/), or remove it"));
    }
    *used = true;  // appendonly yes: the RDB file is not read, as in Redis
    return absl::OkStatus();
  }
  *used = true;
  int64_t start = WallClockMs();
  size_t total = (m.base ? 1 : 0) + m.incr.size();
  size_t n = 0;
  uint64_t fixed = 0;
  if (m.base) {
    st = LoadFile(*m.base, ++n == total);
    if (!st.ok()) return st;
    base_size_.store(FileSize(absl::StrCat(dir, "/", m.base->name)), std::memory_order_relaxed);
    fixed += base_size_.load(std::memory_order_relaxed);
  }
  for (const aof::AofFileInfo& f : m.incr) {
    st = LoadFile(f, ++n == total);
    if (!st.ok()) return st;
    if (n < total) fixed += FileSize(absl::StrCat(dir, "/", f.name));
  }
  fixed_size_.store(fixed, std::memory_order_relaxed);
  std::printf("DB loaded from append only file: %.3f seconds\n",
              static_cast<double>(WallClockMs() - start) / 1000);
  return absl::OkStatus();
}

absl::Status AppendOnly::OpenAtStartup() {
  std::lock_guard<std::mutex> lock(mu_);
  started_ = true;
  if (!server_->config().appendonly) {
    DeleteHistory();  // also with the AOF off, as Redis
    return absl::OkStatus();
  }
  state_.store(State::kOn);
  std::string dir = Dir();
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("Can't open or create append-only dir ", dir, ": ",
                                            std::strerror(errno)));
  }
  if (manifest_.empty()) {
    // A new directory: the (empty) dataset becomes its base, as Redis does.
    std::string base = manifest_.NewBase(Prefix(), true);
    std::string prologue;
    rdb::AppendHeader(&prologue);
    rdb::AppendAux(&prologue, "redis-ver", "7.0.15");
    rdb::AppendAux(&prologue, "redis-bits", "64");
    rdb::AppendAux(&prologue, "ctime", absl::StrCat(WallClockMs() / 1000));
    rdb::AppendAux(&prologue, "aof-base", "1");
    persistence::SnapshotFile file;
    absl::Status st = file.Open(dir, base, std::move(prologue), server_->config().rdbchecksum);
    if (!st.ok()) return st;
    absl::Status result;
    file.Finish([&result](absl::Status s, uint64_t) { result = s; });
    file.Wait();
    if (!result.ok()) return result;
    base_size_.store(FileSize(absl::StrCat(dir, "/", base)), std::memory_order_relaxed);
    fixed_size_.store(base_size_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    std::printf("Creating AOF base file %s on server start\n", base.c_str());
  }
  if (manifest_.incr.empty()) manifest_.NewIncr(Prefix());
  // Left by a crash: the files a finished rewrite had not yet deleted, and
  // the log of a first rewrite that never completed.
  DeleteHistory();
  unlink(absl::StrCat(dir, "/temp-", Prefix(), ".incr").c_str());
  absl::Status st = log_.Open(absl::StrCat(dir, "/", manifest_.incr.back().name), log_.policy());
  if (!st.ok()) return st;
  st = aof::WriteManifest(dir, aof::ManifestName(Prefix()), manifest_);
  if (!st.ok()) return st;
  active_.store(&log_, std::memory_order_release);
  return absl::OkStatus();
}

void AppendOnly::SetEnabled(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_) return;  // Config::appendonly is what OpenAtStartup reads
  if (on) {
    State off = State::kOff;
    // The log begins at the rewrite's point in time (worker 0's timer).
    if (state_.compare_exchange_strong(off, State::kWaitRewrite)) scheduled_.store(true);
    return;
  }
  if (state_.exchange(State::kOff) == State::kOff) return;
  generation_.fetch_add(1);  // a rewrite in flight is dropped when it ends
  scheduled_.store(false);
  active_.store(nullptr, std::memory_order_release);
  log_.Close();
}

bool AppendOnly::LogsTransaction() {
  // Counted first, then the state read (both sequentially consistent): the
  // timer either sees this transaction or this one sees the AOF turning on.
  unlogged_.fetch_add(1);
  if (state_.load() != State::kOff) {
    unlogged_.fetch_sub(1);
    return true;
  }
  return false;
}

std::string AppendOnly::Rewrite(Worker& origin) {
  if (rewriting_.load(std::memory_order_acquire)) return absl::StrCat("-", kRewriteInProgress);
  if (server_->snapshots().in_progress()) {
    scheduled_.store(true, std::memory_order_release);
    return "+Background append only file rewriting scheduled";
  }
  std::string error = StartRewrite(origin);
  if (error == kRewriteInProgress) return absl::StrCat("-", kRewriteInProgress);
  if (!error.empty()) {
    return "-ERR Can't execute an AOF background rewriting. Please check the server logs for more "
           "information.";
  }
  return "+Background append only file rewriting started";
}

std::string AppendOnly::StartRewrite(Worker& origin) {
  std::string dir = Dir();
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::string error = absl::StrCat("Can't open or create append-only dir ", dir, ": ",
                                     std::strerror(errno));
    std::fprintf(stderr, "%s\n", error.c_str());
    return error;
  }
  std::string base_name;
  {
    std::lock_guard<std::mutex> lock(mu_);
    aof::Manifest next = manifest_;
    base_name = next.NewBase(Prefix(), true);
    point_ok_ = false;
  }
  bool idle = false;
  if (!rewriting_.compare_exchange_strong(idle, true)) return std::string(kRewriteInProgress);
  uint64_t generation = generation_.load();
  SnapshotTarget target;
  target.dir = dir;
  target.filename = base_name;
  target.at_point = [this, generation] { AtRewritePoint(generation); };
  rewrite_start_ms_.store(WallClockMs(), std::memory_order_relaxed);
  std::string error = server_->snapshots().StartAofBase(
      origin, std::move(target),
      [this, generation, base_name](absl::Status st) { RewriteDone(generation, base_name, st); });
  if (!error.empty()) {
    rewriting_.store(false, std::memory_order_release);
    rewrite_start_ms_.store(0, std::memory_order_relaxed);
    std::fprintf(stderr, "Can't rewrite the append only file: %s\n", error.c_str());
  }
  return error;
}

void AppendOnly::AtRewritePoint(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != generation_.load()) return;
  std::string dir = Dir();
  State state = state_.load();
  if (state == State::kOn) {
    // What follows goes to a new incremental file, listed after the old
    // ones (so a failed rewrite still loads everything).
    aof::Manifest next = manifest_;
    std::string name = next.NewIncr(Prefix());
    uint64_t finished_size = log_.file_size();
    absl::Status st = log_.SwitchTo(absl::StrCat(dir, "/", name));
    if (!st.ok()) {  // still on the old file: the rewrite fails when it ends
      std::fprintf(stderr, "AOF rewrite: %s\n", std::string(st.message()).c_str());
      return;
    }
    manifest_ = std::move(next);
    fixed_size_.fetch_add(finished_size, std::memory_order_relaxed);
    point_ok_ = true;
    // The end of the rewrite writes it again if this fails.
    st = aof::WriteManifest(dir, aof::ManifestName(Prefix()), manifest_);
    if (!st.ok()) std::fprintf(stderr, "AOF rewrite: %s\n", std::string(st.message()).c_str());
  } else if (state == State::kWaitRewrite) {
    // Turned on at runtime: the log starts here, in a temporary file that
    // becomes the first incremental one once the base is complete.
    std::string temp = absl::StrCat(dir, "/temp-", Prefix(), ".incr");
    unlink(temp.c_str());
    absl::Status st = log_.Open(temp, log_.policy());
    if (!st.ok()) {
      std::fprintf(stderr, "AOF rewrite: %s\n", std::string(st.message()).c_str());
      return;
    }
    active_.store(&log_, std::memory_order_release);
    point_ok_ = true;
  } else {
    point_ok_ = true;  // BGREWRITEAOF with the AOF off: a base alone
  }
}

void AppendOnly::RewriteDone(uint64_t generation, const std::string& base_name, absl::Status st) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t started = rewrite_start_ms_.load(std::memory_order_relaxed);
  // Whatever the outcome, another rewrite may start once this returns.
  struct Ended {
    AppendOnly* self;
    ~Ended() {
      self->rewrite_start_ms_.store(0, std::memory_order_relaxed);
      self->rewriting_.store(false, std::memory_order_release);
    }
  } ended{this};
  std::string dir = Dir();
  std::string base_path = absl::StrCat(dir, "/", base_name);
  if (generation != generation_.load()) {  // appendonly no meanwhile
    unlink(base_path.c_str());
    return;
  }
  auto fail = [&](const std::string& why) {
    unlink(base_path.c_str());
    std::fprintf(stderr, "Background AOF rewrite terminated with error: %s\n", why.c_str());
    last_rewrite_ok_.store(false, std::memory_order_relaxed);
    consecutive_failures_.fetch_add(1, std::memory_order_relaxed);
    // Still waiting for a first base: try again from the timer.
    if (state_.load() == State::kWaitRewrite) scheduled_.store(true, std::memory_order_release);
  };
  if (!st.ok()) return fail(std::string(st.message()));
  if (!point_ok_) return fail("the next incremental file could not be started");
  State state = state_.load();
  aof::Manifest next = manifest_;
  next.NewBase(Prefix(), true);
  if (state == State::kWaitRewrite) {
    std::string incr = next.NewIncr(Prefix());
    std::string temp = absl::StrCat(dir, "/temp-", Prefix(), ".incr");
    if (rename(temp.c_str(), absl::StrCat(dir, "/", incr).c_str()) != 0) {
      return fail(absl::StrCat("Error trying to rename the temporary AOF incr file: ",
                               std::strerror(errno)));
    }
  }
  next.MarkRewrittenIncrAsHistory();
  if (state == State::kOff) {  // BGREWRITEAOF with the AOF off: a base alone
    for (aof::AofFileInfo& f : next.incr) {
      f.type = aof::AofFileInfo::kHistory;
      next.history.push_back(f);
    }
    next.incr.clear();
  }
  absl::Status written = aof::WriteManifest(dir, aof::ManifestName(Prefix()), next);
  if (!written.ok()) return fail(std::string(written.message()));
  manifest_ = std::move(next);
  DeleteHistory();
  uint64_t base = FileSize(base_path);
  base_size_.store(base, std::memory_order_relaxed);
  fixed_size_.store(base, std::memory_order_relaxed);
  State waiting = State::kWaitRewrite;
  state_.compare_exchange_strong(waiting, State::kOn);
  last_rewrite_ok_.store(true, std::memory_order_relaxed);
  consecutive_failures_.store(0, std::memory_order_relaxed);
  rewrites_.fetch_add(1, std::memory_order_relaxed);
  last_rewrite_s_.store((WallClockMs() - started + 500) / 1000, std::memory_order_relaxed);
  std::printf("Background AOF rewrite finished successfully\n");
}

void AppendOnly::DeleteHistory() {
  if (manifest_.history.empty()) return;
  std::string dir = Dir();
  for (const aof::AofFileInfo& f : manifest_.history) {
    unlink(absl::StrCat(dir, "/", f.name).c_str());
  }
  manifest_.history.clear();
  // A manifest still naming deleted history files loads all the same (they
  // are never read); the next write of it drops them.
  absl::Status st = aof::WriteManifest(dir, aof::ManifestName(Prefix()), manifest_);
  if (!st.ok()) std::fprintf(stderr, "AOF history: %s\n", std::string(st.message()).c_str());
}

void AppendOnly::OnTimer(Worker& w) {
  if (rewriting_.load(std::memory_order_acquire) || server_->snapshots().in_progress()) return;
  // Turning on: transactions set up unlogged end before the point in time
  // (LogsTransaction), else one could run after it, logged nowhere.
  if (state_.load() == State::kWaitRewrite && unlogged_.load() > 0) return;
  if (scheduled_.exchange(false, std::memory_order_acq_rel)) {
    if (!StartRewrite(w).empty()) scheduled_.store(true, std::memory_order_release);
    return;
  }
  if (state_.load(std::memory_order_acquire) != State::kOn) return;
  const Config& c = server_->config();
  int64_t percentage = c.auto_aof_rewrite_percentage;
  uint64_t size = CurrentSize();
  if (percentage <= 0 || size < static_cast<uint64_t>(c.auto_aof_rewrite_min_size.get())) return;
  uint64_t base = std::max<uint64_t>(base_size_.load(std::memory_order_relaxed), 1);
  uint64_t growth = (size - std::min(size, base)) * 100 / base;
  if (growth >= static_cast<uint64_t>(percentage)) {
    std::printf("Starting automatic rewriting of AOF on %llu%% growth\n",
                static_cast<unsigned long long>(growth));
    StartRewrite(w);
  }
}

uint64_t AppendOnly::CurrentSize() const {
  return fixed_size_.load(std::memory_order_relaxed) + log_.file_size();
}

void AppendOnly::Shutdown() {
  active_.store(nullptr, std::memory_order_release);
  log_.Close();
}

void AppendOnly::ExitOnWriteError() const {
  std::fprintf(stderr,
               "Can't recover from AOF write error when the AOF fsync policy is 'always': %s. "
               "Exiting...\n",
               std::strerror(log_.write_errno()));
  std::fflush(stderr);
  _exit(1);
}

std::string AppendOnly::WriteError() const {
  return absl::StrCat("MISCONF Errors writing to the AOF file: ", std::strerror(log_.write_errno()));
}

void AppendOnly::Removed(int db, std::string_view key) {
  CommandLog* l = log();
  if (l == nullptr) return;
  std::string_view del[] = {"DEL", key};
  l->Add(db, del);
}

std::string AppendOnly::InfoFields() const {
  int64_t started = rewrite_start_ms_.load(std::memory_order_relaxed);
  bool on = enabled();
  std::string out = absl::StrCat(
      "aof_enabled:", on ? 1 : 0, "\r\naof_rewrite_in_progress:", rewriting_.load() ? 1 : 0,
      "\r\naof_rewrite_scheduled:", scheduled_.load() ? 1 : 0,
      "\r\naof_last_rewrite_time_sec:", last_rewrite_s_.load(),
      "\r\naof_current_rewrite_time_sec:", started != 0 ? (WallClockMs() - started) / 1000 : -1,
      "\r\naof_last_bgrewrite_status:", last_rewrite_ok_.load() ? "ok" : "err",
      "\r\naof_rewrites:", rewrites_.load(),
      "\r\naof_rewrites_consecutive_failures:", consecutive_failures_.load(),
      "\r\naof_last_write_status:", on && log_.write_failed() ? "err" : "ok",
      "\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n");
  if (on) {
    absl::StrAppend(&out, "aof_current_size:", CurrentSize(), "\r\naof_base_size:",
                    base_size_.load(), "\r\naof_pending_rewrite:", scheduled_.load() ? 1 : 0,
                    "\r\naof_buffer_length:", log_.buffered(),
                    "\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n");
  }
  return out;
}

}  // namespace server
