// The append-only file's buffer and writer thread. Appenders only copy
// bytes under mu_; the writer (or, under appendfsync always, a worker at the
// end of its iteration) takes the whole buffer at once under file_mu_ and
// writes it with as few syscalls as there are turns.
#include "server/aof/append_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace aof {
namespace {

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Writes bytes[*done..] to fd, retrying short writes; 0, or the errno that
// stopped it (*done says how far it got).
int WriteAll(int fd, const std::string& bytes, size_t* done) {
  while (*done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + *done, bytes.size() - *done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : ENOSPC;
    *done += static_cast<size_t>(n);
  }
  return 0;
}

void AppendLength(std::string* out, char kind, size_t n) {
  out->push_back(kind);
  absl::StrAppend(out, n);
  out->append("\r\n");
}

}  // namespace

const char* FsyncPolicyName(FsyncPolicy p) {
  switch (p) {
    case FsyncPolicy::kAlways:
      return "always";
    case FsyncPolicy::kEverySec:
      return "everysec";
    case FsyncPolicy::kNo:
      return "no";
  }
  return "everysec";
}

bool ParseFsyncPolicy(std::string_view text, FsyncPolicy* out) {
  for (FsyncPolicy p : {FsyncPolicy::kAlways, FsyncPolicy::kEverySec, FsyncPolicy::kNo}) {
    std::string_view name = FsyncPolicyName(p);
    if (text.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < text.size() && same; ++i) {
      same = (text[i] | 0x20) == name[i];
    }
    if (same) {
      *out = p;
      return true;
    }
  }
  return false;
}

AppendLog::~AppendLog() { Close(); }

void AppendLog::AppendCommand(std::string* out, server::Args argv) {
  AppendLength(out, '*', argv.size());
  for (std::string_view a : argv) {
    AppendLength(out, '$', a.size());
    out->append(a.data(), a.size());
    out->append("\r\n");
  }
}

absl::Status AppendLog::Open(const std::string& path, FsyncPolicy policy) {
  if (open_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError("the append-only log is open already");
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("Can't open the append-only file ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  uint64_t size = fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  {
    std::lock_guard<std::mutex> file_lock(file_mu_);
    fd_ = fd;
    last_fsync_ms_ = MonotonicMs();
  }
  {
    // Whatever a closed log was still handed is not for this file.
    std::lock_guard<std::mutex> lock(mu_);
    buffer_.clear();
    appended_.store(0, std::memory_order_relaxed);
    selected_db_ = -1;
    stopping_ = false;
  }
  synced_.store(0, std::memory_order_relaxed);
  buffered_.store(0, std::memory_order_relaxed);
  file_size_.store(size, std::memory_order_relaxed);
  policy_.store(policy, std::memory_order_relaxed);
  open_.store(true, std::memory_order_release);
  writer_ = std::thread([this] { WriterLoop(); });
  return absl::OkStatus();
}

void AppendLog::AppendLocked(int db, server::Args argv) {
  size_t before = buffer_.size();
  if (db != selected_db_) {
    std::string index = absl::StrCat(db);
    std::string_view select[] = {"SELECT", index};
    AppendCommand(&buffer_, select);
    selected_db_ = db;
  }
  AppendCommand(&buffer_, argv);
  appended_.store(appended_.load(std::memory_order_relaxed) + (buffer_.size() - before),
                  std::memory_order_release);
  file_size_.fetch_add(buffer_.size() - before, std::memory_order_relaxed);
}

void AppendLog::Add(int db, server::Args argv) {
  std::lock_guard<std::mutex> lock(mu_);
  AppendLocked(db, argv);
  buffered_.store(buffer_.size(), std::memory_order_relaxed);
}

void AppendLog::AddAtomic(const std::vector<server::LoggedCommand>& commands) {
  if (commands.empty()) return;
  std::vector<std::string_view> views;
  std::lock_guard<std::mutex> lock(mu_);
  // MULTI after the first command's SELECT, as Redis writes it.
  std::string_view multi[] = {"MULTI"};
  AppendLocked(commands[0].db, multi);
  for (const server::LoggedCommand& c : commands) {
    views.assign(c.argv.begin(), c.argv.end());
    AppendLocked(c.db, views);
  }
  std::string_view exec[] = {"EXEC"};
  AppendLocked(selected_db_, exec);
  buffered_.store(buffer_.size(), std::memory_order_relaxed);
}

void AppendLog::WriteOut(bool fsync) {
  std::string bytes;
  uint64_t upto = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bytes.swap(buffer_);
    upto = appended_.load(std::memory_order_relaxed);
    buffered_.store(0, std::memory_order_relaxed);
  }
  if (fd_ < 0) return;
  size_t done = 0;
  if (int error = WriteAll(fd_, bytes, &done); error != 0) {
    write_errno_.store(error, std::memory_order_relaxed);
    // Kept for the next turn, ahead of what came meanwhile.
    std::lock_guard<std::mutex> lock(mu_);
    buffer_.insert(0, bytes, done, std::string::npos);
    buffered_.store(buffer_.size(), std::memory_order_relaxed);
    return;
  }
  if (fsync && upto > synced_.load(std::memory_order_relaxed)) {
    last_fsync_ms_ = MonotonicMs();
    if (fdatasync(fd_) != 0) {
      write_errno_.store(errno, std::memory_order_relaxed);
      return;
    }
    synced_.store(upto, std::memory_order_release);
  }
  write_errno_.store(0, std::memory_order_relaxed);
}

void AppendLog::SyncNow() {
  uint64_t target = appended_.load(std::memory_order_acquire);
  std::lock_guard<std::mutex> file_lock(file_mu_);
  // Another worker's turn may have covered ours meanwhile (group commit).
  if (synced_.load(std::memory_order_acquire) >= target) return;
  WriteOut(/*fsync=*/true);
}

void AppendLog::WriterLoop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // After a failed write the bytes wait in the buffer: retry at the
      // writer's pace, not in a spin.
      bool failing = write_errno_.load(std::memory_order_relaxed) != 0;
      if ((buffer_.empty() || failing) && !stopping_) {
        writer_waiting_ = true;
        // Workers wake the writer once per loop iteration that appended
        // (Poke); the timeout is everysec's fsync.
        cv_.wait_for(lock, std::chrono::milliseconds(kWriterPeriodMs));
        writer_waiting_ = false;
      }
      if (stopping_) return;
    }
    std::lock_guard<std::mutex> file_lock(file_mu_);
    bool fsync = policy() == FsyncPolicy::kEverySec && MonotonicMs() - last_fsync_ms_ >= 1000;
    WriteOut(fsync);
  }
}

void AppendLog::Poke() {
  std::lock_guard<std::mutex> lock(mu_);
  if (writer_waiting_ && !buffer_.empty()) cv_.notify_one();
}

absl::Status AppendLog::SwitchTo(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("Can't open the append-only file ", path, ": ", std::strerror(errno)));
  }
  std::lock_guard<std::mutex> file_lock(file_mu_);
  std::string old_bytes;
  uint64_t upto = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old_bytes.swap(buffer_);
    upto = appended_.load(std::memory_order_relaxed);
    selected_db_ = -1;  // a new file states its db again (a spare SELECT if this fails)
    buffered_.store(0, std::memory_order_relaxed);
  }
  // The old file's tail first, made durable: the new file starts only
  // where the old one is complete.
  size_t done = 0;
  int error = fd_ >= 0 ? WriteAll(fd_, old_bytes, &done) : 0;
  if (error == 0 && fd_ >= 0 && fdatasync(fd_) != 0) error = errno;
  if (error != 0) {
    std::lock_guard<std::mutex> lock(mu_);
    buffer_.insert(0, old_bytes, done, std::string::npos);
    buffered_.store(buffer_.size(), std::memory_order_relaxed);
    ::close(fd);
    ::unlink(path.c_str());
    return absl::InternalError(absl::StrCat("Can't finish the append-only file before ", path,
                                            ": ", std::strerror(error)));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    file_size_.store(buffer_.size(), std::memory_order_relaxed);
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  synced_.store(upto, std::memory_order_release);
  last_fsync_ms_ = MonotonicMs();
  return absl::OkStatus();
}

void AppendLog::Close() {
  if (!open_.exchange(false, std::memory_order_acq_rel)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
  std::lock_guard<std::mutex> file_lock(file_mu_);
  WriteOut(/*fsync=*/true);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace aof
