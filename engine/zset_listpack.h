#ifndef SHARDIS_ENGINE_ZSET_LISTPACK_H_
#define SHARDIS_ENGINE_ZSET_LISTPACK_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/functional/function_ref.h"

namespace engine {

// The "listpack" encoding of a small sorted set: (member, score) entries
// packed back to back in one exactly-sized buffer, kept in (score, member)
// order. Every operation walks the buffer, as Redis's listpack does; the set
// leaves this encoding before that gets expensive (zset-max-listpack-*).
//
// Entry layout: a LEB128 varint holding (member length << 2 | score kind),
// the member bytes, then the score as int8, int16, int32 or a raw double
// (kinds 0..3): 1 + len + 1 bytes for a short member with a small integer
// score, close to Redis's listpack.
//
// Redis stores listpack scores as text, which turns -0 into 0; so does this
// (the only value the round trip through text changes).
class ZListpack {
 public:
  // Redis refuses to grow a listpack past 1 GB (the set converts instead).
  static constexpr size_t kMaxBytes = size_t{1} << 30;

  ZListpack() = default;
  ZListpack(const ZListpack& other);
  ZListpack& operator=(const ZListpack&) = delete;
  ~ZListpack();

  size_t size() const { return count_; }
  size_t bytes() const { return used_; }
  // Frees every entry.
  void Clear() {
    Resize(0);
    count_ = 0;
  }
  // Bytes one more entry for `member` would take.
  static size_t EntryBytes(std::string_view member, double score);

  // Entries are addressed by byte offset: begin() is 0, end() one past the
  // last entry. Offsets stay valid until the next change.
  uint32_t end() const { return used_; }
  // Decodes the entry at `offset` and returns the offset of the next one.
  uint32_t Read(uint32_t offset, std::string_view* member, double* score) const;

  // The offset of member's entry (its score and ascending rank too), or end().
  uint32_t Find(std::string_view member, double* score, size_t* rank) const;
  // The offset of the entry at ascending rank `rank` (end() past the last).
  uint32_t OffsetOfRank(size_t rank) const;
  // How many entries, from the first, satisfy `below` (true on a prefix).
  size_t CountPrefix(absl::FunctionRef<bool(std::string_view, double)> below) const;

  // Inserts in order; member must not be present.
  void Insert(std::string_view member, double score);
  // Removes the entries of ascending ranks [from, to).
  void EraseRanks(size_t from, size_t to);
  void EraseAt(uint32_t offset);

 private:
  void Resize(uint32_t bytes);
  void EraseBytes(uint32_t from, uint32_t to, size_t entries);

  char* buf_ = nullptr;
  uint32_t used_ = 0;
  uint32_t count_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ZSET_LISTPACK_H_
