#ifndef SHARDIS_ENGINE_RDB_LEGACY_BLOBS_H_
#define SHARDIS_ENGINE_RDB_LEGACY_BLOBS_H_

#include <cstddef>
#include <string_view>

namespace rdb {

// The packed formats older Redis versions wrote into RDB files, read-only:
// we never write them, but dumps from Redis 2.6 to 6.2 hold them.
// Both walk untrusted bytes with bounds checks; corruption ends the walk
// with failed().

// ziplist.c (lists, small hashes and sorted sets until Redis 7.0): a 10-byte
// header, entries of previous-length + encoding + data, 0xFF.
class ZiplistReader {
 public:
  explicit ZiplistReader(std::string_view blob);
  // Integers are formatted into `scratch` (>= 21 bytes).
  bool Next(std::string_view* s, char* scratch);
  bool failed() const { return failed_; }

 private:
  bool Fail() {
    failed_ = true;
    return false;
  }
  std::string_view blob_;
  size_t pos_ = 10;
  size_t prev_len_ = 0;
  bool failed_ = false;
};

// zipmap.c (small hashes until Redis 2.6): a count byte, then key, value
// pairs with free space after each value, 0xFF.
class ZipmapReader {
 public:
  explicit ZipmapReader(std::string_view blob);
  bool Next(std::string_view* field, std::string_view* value);
  bool failed() const { return failed_; }

 private:
  bool ReadLen(size_t* len);
  bool Fail() {
    failed_ = true;
    return false;
  }
  std::string_view blob_;
  size_t pos_ = 1;
  bool failed_ = false;
};

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_LEGACY_BLOBS_H_
