#include "engine/zset_indexed_set.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace engine {

ZEntry* ZEntry::Create(std::string_view member, double score) {
  void* mem = std::malloc(sizeof(ZEntry) + member.size());
  if (mem == nullptr) throw std::bad_alloc();
  auto* e = new (mem) ZEntry();
  e->score_ = score;
  e->len_ = static_cast<uint32_t>(member.size());
  if (!member.empty()) std::memcpy(e->data_, member.data(), member.size());
  return e;
}

void ZEntry::Destroy(ZEntry* e) {
  e->~ZEntry();
  std::free(e);
}

ZIndexedSet::ZIndexedSet() = default;

ZIndexedSet::~ZIndexedSet() {
  for (ZEntry* e : entries_) ZEntry::Destroy(e);
}

void ZIndexedSet::Reserve(size_t n) {
  entries_.reserve(n);
  index_.reserve(n);
}

ZEntry* ZIndexedSet::Find(std::string_view member) const {
  auto it = index_.find(member);
  return it == index_.end() ? nullptr : entries_[*it];
}

void ZIndexedSet::Insert(std::string_view member, double score) {
  ZEntry* e = ZEntry::Create(member, score);
  entries_.push_back(e);
  index_.insert(static_cast<uint32_t>(entries_.size() - 1));
  tree_.Insert(e);
}

void ZIndexedSet::SetScore(ZEntry* e, double score) {
  tree_.Erase(e);
  e->score_ = score;
  tree_.Insert(e);
}

void ZIndexedSet::Erase(ZEntry* e) {
  auto it = index_.find(e->member());
  uint32_t pos = *it;
  uint32_t last = static_cast<uint32_t>(entries_.size() - 1);
  index_.erase(it);
  if (pos != last) {
    // The last entry moves into the hole: re-key its index slot.
    index_.erase(index_.find(last));
    entries_[pos] = entries_[last];
    index_.insert(pos);
  }
  entries_.pop_back();
  tree_.Erase(e);
  ZEntry::Destroy(e);
}

uint64_t ZIndexedSet::Scan(uint64_t cursor, size_t count,
                           absl::FunctionRef<void(const ZEntry*)> visit) const {
  uint64_t remaining = entries_.size();
  if (cursor != 0 && cursor < remaining) remaining = cursor;
  uint64_t stop = remaining > count ? remaining - count : 0;
  while (remaining > stop) visit(entries_[--remaining]);
  return remaining;
}

}  // namespace engine
