#include "engine/lookup_prefetch.h"

namespace engine {

void LookupPrefetch::Add(const Db& db, std::string_view key) {
  if (size_ == kMaxKeys) return;
  // Stage 1 as keys arrive: the slot's address needs no load of its own
  // (the segment table is small and stays cached).
  size_t hash = Db::EntryHash{}(key);
  const Db::Map::Slot* slot = db.map_.PrefetchSlot(hash);
  if (slot != nullptr) items_[size_++] = {hash, slot, nullptr};
}

size_t LookupPrefetch::Run() {
  for (size_t i = 0; i < size_; ++i) items_[i].head = Db::Map::PrefetchHead(items_[i].slot);
  size_t in_use = 0;
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].head == nullptr) continue;
    Db::Map::PrefetchFirstNode(items_[i].head);
    ++in_use;
  }
  cds::gc::HP::Guard guard;
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].head != nullptr) {
      Db::Map::PrefetchValueOrNext(items_[i].head, items_[i].hash, guard);
    }
  }
  size_ = 0;
  return in_use;
}

}  // namespace engine
