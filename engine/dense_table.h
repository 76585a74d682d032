#ifndef SHARDIS_ENGINE_DENSE_TABLE_H_
#define SHARDIS_ENGINE_DENSE_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/packed_entry.h"

namespace engine {

// The "hashtable" encoding of hashes and sets: entries live densely in a
// vector (O(1) random pick for SPOP/SRANDMEMBER/HRANDFIELD, cursor-stable
// SCAN), and a flat hash set of 4-byte positions into that vector, hashed and
// compared by the entries' keys, finds them. About 8 bytes of vector plus 5-8
// bytes of index per entry, on top of the PackedEntry block itself.
//
// Removal moves the last entry into the hole (TakeAt), so positions stay
// dense. Up to 2^32 - 1 entries. Owner-thread only; neither copyable nor
// movable, because the index's hash and equality functors point at entries_.
class DenseTable {
 public:
  static constexpr size_t npos = SIZE_MAX;

  DenseTable() = default;
  DenseTable(const DenseTable&) = delete;
  DenseTable& operator=(const DenseTable&) = delete;

  size_t size() const { return entries_.size(); }
  const PackedEntry& at(size_t pos) const { return entries_[pos]; }

  // Position of the entry with this key, or npos.
  size_t Find(std::string_view key) const;
  // Appends an entry whose key is not in the table.
  void Add(PackedEntry entry);
  // Replaces the entry at pos with one of the same key (a new value).
  void ReplaceAt(size_t pos, PackedEntry entry) { entries_[pos] = std::move(entry); }
  // Removes the entry at pos and returns it; the last entry takes its place.
  PackedEntry TakeAt(size_t pos);
  void Reserve(size_t n);
  std::unique_ptr<DenseTable> Clone() const;

  // One step of a SCAN. The cursor counts the positions not yet visited:
  // a scan walks from the end of the vector towards position 0, and 0 both
  // starts a scan and, returned, ends it. Visits up to `count` entries
  // (f(const PackedEntry&)) and returns the next cursor.
  //
  // Guarantee (Redis's): an entry present for the whole scan is visited at
  // least once. Invariant: every entry not yet visited sits below the cursor.
  // Adding appends (above or below the cursor: new entries are not promised);
  // TakeAt moves the last entry into the hole, so an unvisited entry only
  // moves down (it stays below the cursor) and a visited one may come back
  // below the cursor (a duplicate, which SCAN allows).
  template <typename F>
  uint64_t Scan(uint64_t cursor, size_t count, F&& f) const;

 private:
  struct PosHash {
    using is_transparent = void;
    const std::vector<PackedEntry>* entries;
    size_t operator()(uint32_t pos) const { return absl::HashOf((*entries)[pos].key()); }
    size_t operator()(std::string_view key) const { return absl::HashOf(key); }
  };
  struct PosEq {
    using is_transparent = void;
    const std::vector<PackedEntry>* entries;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const { return (*entries)[a].key() == b; }
    bool operator()(std::string_view a, uint32_t b) const { return a == (*entries)[b].key(); }
  };

  std::vector<PackedEntry> entries_;
  absl::flat_hash_set<uint32_t, PosHash, PosEq> index_{0, PosHash{&entries_}, PosEq{&entries_}};
};

template <typename F>
uint64_t DenseTable::Scan(uint64_t cursor, size_t count, F&& f) const {
  size_t remaining = entries_.size();
  if (cursor != 0 && cursor < remaining) remaining = static_cast<size_t>(cursor);
  size_t stop = remaining > count ? remaining - count : 0;
  while (remaining > stop) f(entries_[--remaining]);
  return remaining;
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_DENSE_TABLE_H_
