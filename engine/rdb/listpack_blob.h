#ifndef SHARDIS_ENGINE_RDB_LISTPACK_BLOB_H_
#define SHARDIS_ENGINE_RDB_LISTPACK_BLOB_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rdb {

// Redis's listpack byte format (listpack.c), as RDB 10 stores small hashes,
// sorted sets and list nodes: a 6-byte header (total bytes, element count),
// entries of encoding + data + a backwards length, and a 0xFF terminator.
// Strings that are canonical integers are stored as integers, as Redis does.
class ListpackWriter {
 public:
  ListpackWriter();
  void Add(std::string_view s);
  void AddInteger(int64_t v);
  size_t count() const { return count_; }
  size_t bytes() const { return buf_.size() + 1; }
  // The finished listpack (the writer is empty afterwards).
  std::string Finish();

 private:
  void AppendBacklen(size_t entry_len);
  std::string buf_;
  size_t count_ = 0;
};

// Walks a listpack from untrusted bytes: every entry is bounds-checked, so a
// corrupt blob ends the walk with failed() instead of reading past it.
class ListpackReader {
 public:
  // Checks the header and terminator.
  explicit ListpackReader(std::string_view blob);
  // The next entry; integers are formatted into `scratch` (>= 21 bytes).
  // False at the end or on corruption (then failed()).
  bool Next(std::string_view* s, char* scratch);
  bool failed() const { return failed_; }
  // The count the header claims (65535: "count them").
  size_t header_count() const { return header_count_; }

 private:
  bool Fail() {
    failed_ = true;
    return false;
  }
  std::string_view blob_;
  size_t pos_ = 6;
  size_t header_count_ = 0;
  bool failed_ = false;
};

}  // namespace rdb

#endif  // SHARDIS_ENGINE_RDB_LISTPACK_BLOB_H_
