#include "engine/db.h"

#include <cds/algo/bit_reversal.h>

namespace engine {

Db::~Db() { Clear(); }

void Db::RetireObject(Object* obj) {
  cds::gc::HP::retire(obj, [](void* p) { DestroyObject(static_cast<Object*>(p)); });
}

uint64_t Db::ScanOrder(std::string_view key) {
  return cds::algo::bit_reversal::lookup()(static_cast<size_t>(KeyHash()(key))) | 1;
}

KeyRef Db::Lookup(std::string_view key) const {
  KeyRef ref;
  map_.find(key, [&](Map::value_type& kv) { ref = KeyRef{&kv.first, &kv.second}; });
  return ref;
}

KeyRef Db::Find(std::string_view key, int64_t now_ms) {
  KeyRef ref = Lookup(key);
  if (!ref) return ref;
  int64_t exp = ref.entry->expire_ms.load(std::memory_order_relaxed);
  if (exp != 0 && exp <= now_ms) {
    Erase(key);
    return KeyRef{};
  }
  return ref;
}

KeyRef Db::Insert(std::string_view key, Object* obj) {
  KeyRef ref;
  // The node is linked before the functor runs, with obj == nullptr, which
  // readers treat as absent; the release store then publishes the value.
  map_.insert_with(std::string(key), [&](Map::value_type& kv) {
    ref = KeyRef{&kv.first, &kv.second};
    kv.second.obj.store(obj, std::memory_order_release);
  });
  ++size_;
  return ref;
}

KeyRef Db::Set(std::string_view key, Object* obj, int64_t expire_ms, bool keep_ttl,
               int64_t now_ms) {
  KeyRef ref = Find(key, now_ms);
  if (!ref) {
    ref = Insert(key, obj);
  } else {
    Replace(ref, obj);
    if (keep_ttl) return ref;
  }
  SetExpire(ref, expire_ms);
  return ref;
}

void Db::Replace(KeyRef ref, Object* obj) {
  Object* old = ref.entry->obj.exchange(obj, std::memory_order_acq_rel);
  if (old != nullptr && old != obj) RetireObject(old);
}

bool Db::Erase(std::string_view key) {
  KeyRef ref = Lookup(key);
  if (!ref) return false;
  RemoveFromExpires(ref.entry);
  // Null the slot before retiring: a reader that guarded the node re-checks
  // the pointer after publishing its hazard and so sees "absent".
  Object* old = ref.entry->obj.exchange(nullptr, std::memory_order_acq_rel);
  map_.erase(key);
  --size_;
  if (old != nullptr) RetireObject(old);
  return true;
}

Object* Db::Detach(KeyRef ref, int64_t* expire_ms) {
  *expire_ms = ref.entry->expire_ms.load(std::memory_order_relaxed);
  RemoveFromExpires(ref.entry);
  Object* obj = ref.entry->obj.exchange(nullptr, std::memory_order_acq_rel);
  std::string key = *ref.key;
  map_.erase(key);
  --size_;
  // Not retired: the value lives on under another key (or db). Readers that
  // still guard it only ever read its immutable parts, and its next owner
  // frees it through RetireObject too.
  return obj;
}

void Db::SetExpire(KeyRef ref, int64_t expire_ms) {
  Entry* e = ref.entry;
  e->expire_ms.store(expire_ms, std::memory_order_release);
  if (expire_ms == 0) {
    RemoveFromExpires(e);
  } else if (e->expire_pos == Entry::kNoExpirePos) {
    e->expire_pos = static_cast<uint32_t>(expires_.size());
    expires_.push_back(ref);
  }
}

void Db::RemoveFromExpires(Entry* e) {
  uint32_t pos = e->expire_pos;
  if (pos == Entry::kNoExpirePos) return;
  expires_[pos] = expires_.back();
  expires_[pos].entry->expire_pos = pos;
  expires_.pop_back();
  e->expire_pos = Entry::kNoExpirePos;
}

KeyRef Db::RandomExpiring(uint64_t rnd) {
  if (expires_.empty()) return KeyRef{};
  return expires_[rnd % expires_.size()];
}

size_t Db::ExpireSample(int64_t now_ms, size_t samples) {
  size_t deleted = 0;
  uint64_t x = static_cast<uint64_t>(now_ms) * 0x9E3779B97F4A7C15ull + expires_.size();
  for (size_t i = 0; i < samples && !expires_.empty(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    KeyRef ref = expires_[x % expires_.size()];
    int64_t exp = ref.entry->expire_ms.load(std::memory_order_relaxed);
    if (exp != 0 && exp <= now_ms) {
      std::string key = *ref.key;  // the node goes away with the erase
      Erase(key);
      ++deleted;
    }
  }
  return deleted;
}

void Db::Clear() {
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    Object* old = it->second.obj.exchange(nullptr, std::memory_order_acq_rel);
    if (old != nullptr) RetireObject(old);
  }
  map_.clear();
  expires_.clear();
  size_ = 0;
}

}  // namespace engine
