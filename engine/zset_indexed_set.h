#ifndef SHARDIS_ENGINE_ZSET_INDEXED_SET_H_
#define SHARDIS_ENGINE_ZSET_INDEXED_SET_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/zset_btree.h"
#include "engine/zset_entry.h"

namespace engine {

// The "skiplist" encoding of a large sorted set (Redis's name; see ZBTree
// for why the ordered index is a B+tree). Each member is one ZEntry, pointed
// at from three places:
//   - entries_, a dense vector: O(1) random members and a SCAN cursor that
//     survives deletions (see Scan);
//   - index_, a hash set of positions in entries_: member -> entry in O(1);
//   - tree_, ordered by (score, member): ranks and ranges in O(log n).
// Removal moves the last entry into the hole, so positions stay dense.
//
// Owner-thread only. Not movable: the index's functors point at entries_.
class ZIndexedSet {
 public:
  ZIndexedSet();
  ~ZIndexedSet();
  ZIndexedSet(const ZIndexedSet&) = delete;
  ZIndexedSet& operator=(const ZIndexedSet&) = delete;

  size_t size() const { return entries_.size(); }
  void Reserve(size_t n);

  ZEntry* Find(std::string_view member) const;
  // Adds a member that is not present.
  void Insert(std::string_view member, double score);
  // Changes the score of an entry of this set (re-sorting it).
  void SetScore(ZEntry* e, double score);
  // Removes and frees an entry of this set.
  void Erase(ZEntry* e);

  const ZBTree& tree() const { return tree_; }
  // The entry at position i < size() of the dense vector (an arbitrary but
  // stable order between changes).
  const ZEntry* StoredAt(size_t i) const { return entries_[i]; }

  // One SCAN step. The cursor counts the positions not visited yet, which are
  // always the low ones: visiting goes from the end towards position 0, and
  // a removal only ever moves the last (visited, or about to be) entry into a
  // hole. So an entry present for the whole scan is returned at least once.
  // Cursor 0 starts a scan; the returned cursor is 0 when it is complete.
  // Visits min(count, remaining) positions.
  uint64_t Scan(uint64_t cursor, size_t count, absl::FunctionRef<void(const ZEntry*)> visit) const;

 private:
  struct PosHash {
    using is_transparent = void;
    const std::vector<ZEntry*>* entries;
    size_t operator()(uint32_t pos) const { return absl::HashOf((*entries)[pos]->member()); }
    size_t operator()(std::string_view s) const { return absl::HashOf(s); }
  };
  struct PosEq {
    using is_transparent = void;
    const std::vector<ZEntry*>* entries;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const { return (*entries)[a]->member() == b; }
    bool operator()(std::string_view a, uint32_t b) const { return a == (*entries)[b]->member(); }
  };

  std::vector<ZEntry*> entries_;
  absl::flat_hash_set<uint32_t, PosHash, PosEq> index_{0, PosHash{&entries_}, PosEq{&entries_}};
  ZBTree tree_;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_ZSET_INDEXED_SET_H_
