#ifndef SHARDIS_ENGINE_RDB_RDB_READER_H_
#define SHARDIS_ENGINE_RDB_RDB_READER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace rdb {

// One record of an RDB file. Keys come with their value's bytes undecoded
// (LoadValue builds the object), so a loader can decode on other threads.
struct RdbRecord {
  enum Kind { kAux, kSelectDb, kResizeDb, kFunction, kKey };
  Kind kind = kAux;
  size_t offset = 0;  // where the record starts in the file
  // kAux: name and value. kFunction: the library's code in `value`.
  std::string name;
  std::string value;
  // kSelectDb: db. kResizeDb: keys, expires.
  uint64_t db = 0, keys = 0, expires = 0;
  // kKey: the key, its value's type and bytes, and what preceded it.
  std::string key;
  uint8_t type = 0;
  std::string_view payload;
  int64_t expire_ms = 0;
  int64_t idle_seconds = -1;
  int frequency = -1;
};

// Reads an RDB file held in memory (the server maps it), version 1 to 10,
// record by record, checking every length against the file's end. Errors
// name the offset they were found at; nothing is read past the buffer.
class RdbReader {
 public:
  explicit RdbReader(std::string_view file) : file_(file) {}

  // "REDIS" and a version we read. Must come first.
  bool ReadHeader();
  int version() const { return version_; }

  // The next record; false at EOF (then done()) or on an error (error()).
  // At EOF the checksum is verified, unless it is 0 (a file written with
  // rdbchecksum no) or the version predates checksums.
  bool Next(RdbRecord* r);
  bool done() const { return done_; }
  // Redis skips the check when rdbchecksum is off (default: on).
  void set_verify_checksum(bool on) { verify_checksum_ = on; }
  const std::string& error() const { return error_; }
  // Bytes consumed so far (loading progress).
  size_t offset() const { return pos_; }

 private:
  bool Fail(std::string_view what, size_t at);
  bool Finish();

  std::string_view file_;
  size_t pos_ = 0;
  int version_ = 0;
  bool done_ = false;
  bool verify_checksum_ = true;
  std::string error_;
};

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_RDB_READER_H_
