#ifndef SHARDIS_ENGINE_LOOKUP_PREFETCH_H_
#define SHARDIS_ENGINE_LOOKUP_PREFETCH_H_

#include <array>
#include <cstddef>
#include <string_view>

#include "engine/db.h"

namespace engine {

// Group prefetching for a batch of key lookups. Finding a key waits on a
// chain of dependent cache misses (the bucket's slot, the bucket's dummy
// node, the first key node of the bucket, ...); a pipelined batch of random
// keys pays them one after another. Run() walks the batch in stages, each
// starting the next load of every key, so the misses of different keys
// overlap; the lookups that follow find those lines in cache. Purely a hint:
// nothing is locked or guarded, and a key that is gone or in another db by
// the time it is looked up only wasted a prefetch.
//
// Any thread (see Db::Map::PrefetchSlot for why that is safe).
class LookupPrefetch {
 public:
  static constexpr size_t kMaxKeys = 16;

  // Ignored once kMaxKeys keys were added.
  void Add(const Db& db, std::string_view key);
  size_t size() const { return size_; }
  // Issues the remaining stages and empties the batch. Returns how many of
  // the keys' buckets were in use (had a dummy node to fetch the first key
  // node from); the others had nothing more to fetch.
  size_t Run();

 private:
  struct Item {
    const Db::Map::Slot* slot;
    const Db::Map::Head* head;
  };
  std::array<Item, kMaxKeys> items_;
  size_t size_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_LOOKUP_PREFETCH_H_
