#include "engine/set_object.h"

namespace engine {

void SetObject::NoteAdded(std::string_view member) {
  if (encoding != Encoding::kIntset) return;
  int64_t unused;
  if (members_.size() > kMaxIntsetEntries || !ParseInt64(member, &unused)) {
    encoding = Encoding::kHashtable;
  }
}

bool SetObject::Add(std::string_view member) {
  if (index_.find(member) != index_.end()) return false;
  members_.emplace_back(member);
  index_.insert(static_cast<uint32_t>(members_.size() - 1));
  NoteAdded(member);
  return true;
}

bool SetObject::Contains(std::string_view member) const {
  return index_.find(member) != index_.end();
}

bool SetObject::Remove(std::string_view member) {
  auto it = index_.find(member);
  if (it == index_.end()) return false;
  TakeAt(*it);
  return true;
}

std::string SetObject::TakeAt(size_t pos) {
  size_t last = members_.size() - 1;
  index_.erase(index_.find(static_cast<uint32_t>(pos)));
  if (pos != last) {
    // The last member moves into the hole: re-key its index entry.
    index_.erase(index_.find(static_cast<uint32_t>(last)));
    std::swap(members_[pos], members_[last]);
    index_.insert(static_cast<uint32_t>(pos));
  }
  std::string taken = std::move(members_.back());
  members_.pop_back();
  return taken;
}

SetObject* SetObject::Clone() const {
  auto* copy = new SetObject();
  for (const std::string& m : members_) copy->Add(m);
  copy->encoding = encoding;
  return copy;
}

}  // namespace engine
