#ifndef SHARDIS_SERVER_PERSISTENCE_SNAPSHOT_FILE_H_
#define SHARDIS_SERVER_PERSISTENCE_SNAPSHOT_FILE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace persistence {

// Where a snapshot's bytes go: a writer thread of its own appends chunks
// (from any thread, in the order pushed) to a temporary file in the target
// directory while checksumming them; Finish adds EOF and the CRC-64, fsyncs
// and renames the file over the target, then fsyncs the directory - so a
// crash at any point leaves either the old file or the new one, whole.
class SnapshotFile {
 public:
  // Called on the writer thread once the outcome is known.
  using Done = std::function<void(absl::Status status, uint64_t bytes)>;

  SnapshotFile() = default;
  ~SnapshotFile();
  SnapshotFile(const SnapshotFile&) = delete;
  SnapshotFile& operator=(const SnapshotFile&) = delete;

  // Creates temp-<pid>-<n>.rdb in `dir` and starts the writer with
  // `prologue` (header, AUX fields, functions). `checksum`: rdbchecksum.
  absl::Status Open(const std::string& dir, const std::string& filename, std::string prologue,
                    bool checksum);
  // Any thread. Returns the bytes queued and not yet written, which
  // producers keep bounded (queued_bytes() > kHighWater: slow down).
  size_t Push(std::string chunk);
  size_t queued_bytes() const;
  static constexpr size_t kHighWater = size_t{64} << 20;
  // Called (writer thread) when the queue falls back under half the high
  // water mark after having passed it: producers may resume.
  void set_on_drain(std::function<void()> fn) { on_drain_ = std::move(fn); }

  // Ends the file (success) or abandons it (`abandon`: the temp file is
  // removed, the target untouched); `done` runs on the writer thread.
  void Finish(Done done, bool abandon = false);
  // Waits for the writer thread to end (after Finish).
  void Wait();

 private:
  void WriterLoop();
  absl::Status WriteAll(const std::string& bytes);
  absl::Status Complete();

  std::string dir_, target_, temp_;
  int fd_ = -1;
  bool checksum_ = true;
  uint64_t crc_ = 0;
  uint64_t written_ = 0;
  absl::Status error_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool throttled_ = false;
  bool finishing_ = false;
  bool abandon_ = false;
  Done done_;
  std::function<void()> on_drain_;
  std::thread writer_;
};

}  // namespace persistence

#endif  // SHARDIS_SERVER_PERSISTENCE_SNAPSHOT_FILE_H_
