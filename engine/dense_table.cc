#include "engine/dense_table.h"

namespace engine {

size_t DenseTable::Find(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? npos : *it;
}

void DenseTable::Add(PackedEntry entry) {
  entries_.push_back(std::move(entry));
  index_.insert(static_cast<uint32_t>(entries_.size() - 1));
}

PackedEntry DenseTable::TakeAt(size_t pos) {
  size_t last = entries_.size() - 1;
  // Index entries are found by hashing the entry they point at: erase them
  // while the entries are still in place.
  index_.erase(index_.find(static_cast<uint32_t>(pos)));
  if (pos != last) {
    index_.erase(index_.find(static_cast<uint32_t>(last)));
    std::swap(entries_[pos], entries_[last]);
    index_.insert(static_cast<uint32_t>(pos));
  }
  PackedEntry taken = std::move(entries_.back());
  entries_.pop_back();
  return taken;
}

void DenseTable::Reserve(size_t n) {
  entries_.reserve(n);
  index_.reserve(n);
}

std::unique_ptr<DenseTable> DenseTable::Clone() const {
  auto copy = std::make_unique<DenseTable>();
  copy->Reserve(entries_.size());
  for (const PackedEntry& e : entries_) copy->Add(e.Copy());
  return copy;
}

}  // namespace engine
