#include "engine/lookup_prefetch.h"

namespace engine {

void LookupPrefetch::Add(const Db& db, std::string_view key) {
  if (size_ == kMaxKeys) return;
  // Stage 1 as keys arrive: the slot's address needs no load of its own
  // (the segment table is small and stays cached).
  size_t hash = Db::EntryHash{}(key);
  const Db::Map::Slot* slot = db.map_.PrefetchSlot(hash);
  if (slot == nullptr) return;
  // A pipeline hammering one key: its lines stay in cache, and a repeat
  // would only take a place in the batch.
  if (size_ > 0 && items_[size_ - 1].hash == hash && items_[size_ - 1].slot == slot) return;
  items_[size_++] = {hash, slot, nullptr};
}

size_t LookupPrefetch::Run() {
  const size_t n = size_;
  size_ = 0;
  // One key has no other misses to overlap with: its lookup may as well
  // take them itself.
  if (n == 1) return items_[0].slot->load(std::memory_order_relaxed) != nullptr ? 1 : 0;
  for (size_t i = 0; i < n; ++i) items_[i].head = Db::Map::PrefetchHead(items_[i].slot);
  size_t in_use = 0;
  for (size_t i = 0; i < n; ++i) {
    if (items_[i].head == nullptr) continue;
    Db::Map::PrefetchFirstNode(items_[i].head);
    ++in_use;
  }
  if (in_use == 0) return 0;
  cds::gc::HP::Guard guard;
  for (size_t i = 0; i < n; ++i) {
    if (items_[i].head != nullptr) {
      Db::Map::PrefetchValueOrNext(items_[i].head, items_[i].hash, guard);
    }
  }
  return in_use;
}

}  // namespace engine
