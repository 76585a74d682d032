#ifndef SHARDIS_ENGINE_LOOKUP_PREFETCH_H_
#define SHARDIS_ENGINE_LOOKUP_PREFETCH_H_

#include <array>
#include <cstddef>
#include <string_view>

#include "engine/db.h"

namespace engine {

// Group prefetching for a batch of key lookups. Finding a key waits on a
// chain of dependent cache misses (the bucket's slot, the bucket's dummy
// node, the key's node, its value); a pipelined batch of random keys pays
// them one after another. Run() walks the batch in stages, each starting the
// next load of every key (slot, dummy node, first key node, then the value
// or the second node), so the misses of different keys overlap and the
// lookups that follow find those lines in cache. Purely a hint: nothing is
// locked, and a key that is gone or in another db by the time it is looked
// up only wasted a prefetch.
//
// Any thread attached to libcds: only memory that lives as long as the map
// is read without a guard (Db::Map::PrefetchSlot), key nodes are read under
// a hazard pointer, values are only prefetched.
class LookupPrefetch {
 public:
  static constexpr size_t kMaxKeys = 16;

  // Ignored once kMaxKeys keys were added, and for a key in the same bucket
  // as the one added just before (a repeated key).
  void Add(const Db& db, std::string_view key);
  size_t size() const { return size_; }
  // Issues the remaining stages and empties the batch. Returns how many of
  // the keys' buckets were in use (had a dummy node to fetch the first key
  // node from); the others had nothing more to fetch.
  size_t Run();

 private:
  struct Item {
    size_t hash;
    const Db::Map::Slot* slot;
    const Db::Map::Head* head;
  };
  std::array<Item, kMaxKeys> items_;
  size_t size_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_LOOKUP_PREFETCH_H_
