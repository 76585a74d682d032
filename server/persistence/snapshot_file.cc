#include "server/persistence/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/rdb/crc64.h"
#include "engine/rdb/rdb_records.h"

namespace persistence {
namespace {

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(std::string(what), " ", path, ": ", strerror(errno)));
}

std::atomic<uint64_t> temp_counter{0};

}  // namespace

SnapshotFile::~SnapshotFile() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!finishing_) {
        finishing_ = true;
        abandon_ = true;
      }
    }
    cv_.notify_all();
    // The last owner may be the writer itself (a completion callback that
    // held the file): it is about to return, so let it go.
    if (writer_.get_id() == std::this_thread::get_id()) {
      writer_.detach();
    } else {
      writer_.join();
    }
  }
}

absl::Status SnapshotFile::Open(const std::string& dir, const std::string& filename,
                                std::string prologue, bool checksum) {
  dir_ = dir;
  target_ = absl::StrCat(dir, "/", filename);
  temp_ = absl::StrCat(dir, "/temp-", getpid(), "-", temp_counter.fetch_add(1), ".rdb");
  checksum_ = checksum;
  fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("Failed opening the temp RDB file", temp_);
  queue_.push_back(std::move(prologue));
  queued_ = queue_.back().size();
  writer_ = std::thread([this] { WriterLoop(); });
  return absl::OkStatus();
}

size_t SnapshotFile::Push(std::string chunk) {
  size_t queued;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued_ += chunk.size();
    queue_.push_back(std::move(chunk));
    queued = queued_;
    if (queued_ > kHighWater) throttled_ = true;
  }
  cv_.notify_one();
  return queued;
}

size_t SnapshotFile::queued_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_;
}

void SnapshotFile::Finish(Done done, bool abandon) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = std::move(done);
    finishing_ = true;
    abandon_ = abandon;
  }
  cv_.notify_all();
}

void SnapshotFile::Wait() {
  if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
}

absl::Status SnapshotFile::WriteAll(const std::string& bytes) {
  if (checksum_) crc_ = rdb::Crc64(crc_, bytes);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(fd_, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("Write error saving DB on disk:", temp_);
    off += n;
  }
  written_ += bytes.size();
  return absl::OkStatus();
}

absl::Status SnapshotFile::Complete() {
  std::string tail;
  rdb::AppendEof(&tail);
  if (checksum_) crc_ = rdb::Crc64(crc_, tail);
  rdb::AppendChecksum(&tail, checksum_ ? crc_ : 0);
  // The checksum covers itself not: write the tail without feeding it.
  bool sum = checksum_;
  checksum_ = false;
  absl::Status st = WriteAll(tail);
  checksum_ = sum;
  if (!st.ok()) return st;
  if (fsync(fd_) != 0) return Errno("fsync", temp_);
  if (close(fd_) != 0) {
    fd_ = -1;
    return Errno("close", temp_);
  }
  fd_ = -1;
  if (rename(temp_.c_str(), target_.c_str()) != 0) {
    return Errno(absl::StrCat("Error moving temp DB file ", temp_, " on the final destination"),
                 target_);
  }
  // The rename itself is durable only once the directory is synced.
  int dfd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

void SnapshotFile::WriterLoop() {
  while (true) {
    std::string chunk;
    bool drained = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || finishing_; });
      if (queue_.empty()) break;  // finishing, and everything written
      if (abandon_) {
        queue_.clear();
        queued_ = 0;
        break;
      }
      chunk = std::move(queue_.front());
      queue_.pop_front();
      queued_ -= chunk.size();
      if (throttled_ && queued_ < kHighWater / 2) {
        throttled_ = false;
        drained = true;
      }
    }
    if (error_.ok()) error_ = WriteAll(chunk);  // after an error, only drain
    if (drained && on_drain_) on_drain_();
  }
  bool abandon;
  Done done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    abandon = abandon_;
    done = std::move(done_);
  }
  absl::Status st = error_;
  if (st.ok() && abandon) st = absl::CancelledError("snapshot abandoned");
  if (st.ok()) st = Complete();
  if (!st.ok()) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    unlink(temp_.c_str());
  }
  if (on_drain_) on_drain_();  // nobody stays throttled
  if (done) done(st, written_);
}

}  // namespace persistence
