// Db: one logical database of a shard - the libcds split-ordered map of
// keys, the TTL index (expires_) and lazy/active expiry, and the retiring of
// values through hazard pointers so readers on other threads stay safe.
#include "engine/db.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <new>

#include "engine/expiry_pause.h"

namespace engine {

namespace {

// 2^64 / phi: multiplying by it spreads consecutive seeds over 64 bits.
constexpr uint64_t kGoldenRatio64 = 0x9E3779B97F4A7C15ull;

}  // namespace

Entry* Entry::Create(std::string_view key) {
  void* mem = std::malloc(sizeof(Entry) + key.size());
  auto* e = new (mem) Entry();
  e->key_len = static_cast<uint32_t>(key.size());
  if (!key.empty()) std::memcpy(e->key_data, key.data(), key.size());
  return e;
}

void Entry::Destroy(Entry* e) {
  e->~Entry();
  std::free(e);
}

Db::Db() : map_(kMaxExpectedKeys, kLoadFactor) {}

Db::~Db() { Clear(); }

void Db::RetireObject(Object* obj) {
  // A container's elements are the owner's alone: free them now, so a big
  // deleted hash does not wait in the retired list; other threads may only
  // still read its header.
  ReleaseContents(obj);
  cds::gc::HP::retire(obj, [](void* p) { DestroyObject(static_cast<Object*>(p)); });
}

Entry* Db::Lookup(std::string_view key) const {
  Entry* found = nullptr;
  map_.find(key, [&](Entry& e, std::string_view) { found = &e; });
  return found;
}

bool Db::ContainsExpired(std::string_view key, int64_t now_ms) const {
  Entry* e = Lookup(key);
  if (e == nullptr) return false;
  int64_t exp = e->expire_ms.load(std::memory_order_relaxed);
  return exp != 0 && exp <= now_ms && !ExpiryPause::active();
}

void Db::TouchWatchers(std::string_view key) { watchers_->Touch(index(), key, Contains(key)); }

KeyRef Db::Find(std::string_view key, int64_t now_ms) {
  KeyRef ref = Peek(key, now_ms);
  if (ref) Touch(ref.obj());
  return ref;
}

KeyRef Db::Peek(std::string_view key, int64_t now_ms) {
  Entry* e = LookupForChange(key);
  if (e == nullptr) return KeyRef{};
  int64_t exp = e->expire_ms.load(std::memory_order_relaxed);
  if (exp != 0 && exp <= now_ms && !ExpiryPause::active()) {
    Erase(key);
    NoteChanged(key);
    ReportRemoved(key);
    Notify(kEventExpired, "expired", key);
    lazily_expired_.store(lazily_expired_.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
    return KeyRef{};
  }
  return KeyRef{e};
}

KeyRef Db::Insert(std::string_view key, Object* obj) {
  Entry* e = Entry::Create(key);
  e->snapshot_mark = snapshot_mark_;  // a running snapshot must not see it
  // Set before linking: the insert's CAS publishes the node with its value.
  e->obj.store(obj, std::memory_order_relaxed);
  bool inserted = map_.insert(*e);
  // Callers check first, and only the owner inserts: a duplicate is a bug.
  assert(inserted && "Db::Insert of a key that exists");
  if (!inserted) {  // release builds: keep the map consistent regardless
    Entry::Destroy(e);
    KeyRef ref{Lookup(key)};
    Replace(ref, obj);
    return ref;
  }
  ++size_;
  NoteStored(key, obj);
  Notify(kEventNew, "new", key);
  return KeyRef{e};
}

KeyRef Db::InsertIfAbsent(std::string_view key, Object* obj) {
  Entry* e = Entry::Create(key);
  e->snapshot_mark = snapshot_mark_;
  e->obj.store(obj, std::memory_order_relaxed);
  if (!map_.insert(*e)) {
    e->obj.store(nullptr, std::memory_order_relaxed);
    Entry::Destroy(e);
    return KeyRef{};
  }
  ++size_;
  NoteStored(key, obj);
  Notify(kEventNew, "new", key);
  return KeyRef{e};
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
  // Only the owner stores values, so `old` cannot change under us; the new
  // value gets its counter before it is published. (Finding the key already
  // counted this access, and a new value is stamped "now" at birth.)
  Object* old = ref.entry->obj.load(std::memory_order_relaxed);
  if (old != nullptr && old != obj) {
    std::atomic_ref<uint8_t>(obj->frequency)
        .store(DecayedFrequency(old), std::memory_order_relaxed);
  }
  ref.entry->obj.store(obj, std::memory_order_release);
  if (old != nullptr && old != obj) RetireObject(old);
  NoteStored(ref.key(), obj);
}

bool Db::Erase(std::string_view key) {
  Entry* e = LookupForChange(key);
  if (e == nullptr) return false;
  RemoveFromExpires(e);
  // Null the slot before retiring: a reader that guarded the node re-checks
  // the pointer after publishing its hazard and so sees "absent".
  Object* old = e->obj.exchange(nullptr, std::memory_order_acq_rel);
  map_.erase(key);  // the node is retired (and later freed) by the map
  --size_;
  if (old != nullptr) RetireObject(old);
  return true;
}

Object* Db::Detach(KeyRef ref, int64_t* expire_ms) {
  Entry* e = ref.entry;
  if (e->snapshot_mark != snapshot_mark_) SaveForSnapshot(e);
  *expire_ms = e->expire_ms.load(std::memory_order_relaxed);
  RemoveFromExpires(e);
  Object* obj = e->obj.exchange(nullptr, std::memory_order_acq_rel);
  // Erase by value would read the key from the node being unlinked; copy it.
  std::string key(e->key());
  map_.erase(std::string_view(key));
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
    expires_.push_back(e);
  }
}

void Db::RemoveFromExpires(Entry* e) {
  uint32_t pos = e->expire_pos;
  if (pos == Entry::kNoExpirePos) return;
  expires_[pos] = expires_.back();
  expires_[pos]->expire_pos = pos;
  expires_.pop_back();
  e->expire_pos = Entry::kNoExpirePos;
}

KeyRef Db::RandomExpiring(uint64_t rnd) {
  if (expires_.empty()) return KeyRef{};
  return KeyRef{expires_[rnd % expires_.size()]};
}

size_t Db::ExpireSample(int64_t now_ms, size_t samples) {
  if (expires_.empty()) {
    avg_ttl_ms_.store(0, std::memory_order_relaxed);
    return 0;
  }
  size_t deleted = 0;
  // A double: TTLs up to INT64_MAX ms would overflow an integer sum.
  double ttl_sum = 0;
  int64_t ttl_count = 0;
  // Any cheap spread of positions will do: a xorshift from the clock.
  uint64_t x = static_cast<uint64_t>(now_ms) * kGoldenRatio64 + expires_.size();
  for (size_t i = 0; i < samples && !expires_.empty(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    Entry* e = expires_[x % expires_.size()];
    int64_t exp = e->expire_ms.load(std::memory_order_relaxed);
    if (exp != 0 && exp <= now_ms) {
      std::string key(e->key());  // the node goes away with the erase
      Erase(key);
      NoteChanged(key);
      ReportRemoved(key);
      Notify(kEventExpired, "expired", key);
      ++deleted;
    } else if (exp != 0) {
      ttl_sum += static_cast<double>(exp) - static_cast<double>(now_ms);
      ++ttl_count;
    }
  }
  if (expires_.empty()) {
    avg_ttl_ms_.store(0, std::memory_order_relaxed);
  } else if (ttl_count > 0) {
    // Redis's estimate: each sample moves the average 1/50 of the way.
    double sample = ttl_sum / static_cast<double>(ttl_count);
    double old = static_cast<double>(avg_ttl_ms_.load(std::memory_order_relaxed));
    double avg = old == 0 ? sample : old / 50 * 49 + sample / 50;
    avg_ttl_ms_.store(static_cast<int64_t>(std::min(avg, 9.2e18)), std::memory_order_relaxed);
  }
  return deleted;
}

void Db::Flush(int64_t now_ms) {
  if (watchers_ != nullptr && !watchers_->empty()) {
    watchers_->TouchAllInDb(index(), *this, nullptr, now_ms);
  }
  Clear();
}

void Db::Clear() {
  if (snapshot_ != nullptr) {
    uint64_t cursor = 0;
    while (!SaveSome(&cursor, SIZE_MAX)) {
    }
  }
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    Object* old = it->obj.exchange(nullptr, std::memory_order_acq_rel);
    if (old != nullptr) RetireObject(old);
  }
  map_.clear();
  expires_.clear();
  size_ = 0;
}

void Db::SaveForSnapshot(Entry* e) {
  e->snapshot_mark = snapshot_mark_;
  if (snapshot_ != nullptr && e->obj.load(std::memory_order_relaxed) != nullptr) {
    snapshot_->Save(*this, *e);
  }
}

void Db::BeginSnapshot(SnapshotObserver* observer) {
  assert(snapshot_ == nullptr);
  snapshot_mark_ ^= 1;
  snapshot_ = observer;
}

void Db::EndSnapshot(bool complete) {
  snapshot_ = nullptr;
  if (complete) return;
  uint64_t cursor = 0;
  while (!SaveSome(&cursor, SIZE_MAX)) {
  }
}

bool Db::SaveSome(uint64_t* cursor, size_t count) {
  // Resume at the bucket whose dummy node precedes the cursor's position in
  // split order (orders are bit-reversed hashes; bit 0 marks key nodes), so
  // a pass costs one walk of the list however it is sliced. Only this
  // thread links or marks nodes; readers elsewhere may unlink ones it
  // already deleted, hence the hand-over-hand guards.
  uint64_t order = *cursor;
  uint64_t hash = 0;
  for (int i = 0; i < 64; ++i) hash |= ((order >> i) & 1) << (63 - i);
  hash &= ~(uint64_t{1} << 63);
  cds::gc::HP::Guard guards[2];
  int g = 0;
  size_t saved = 0;
  size_t visited = 0;
  // Keys saved early by lookups are passed over; bound those too.
  const size_t max_visits = count > SIZE_MAX / 8 ? SIZE_MAX : count * 4 + 64;
  ListNode* cur = map_.BucketHead(hash);
  while (true) {
    auto next = guards[g].protect(cur->m_pNext, [](ListNode::marked_ptr p) { return p.ptr(); });
    ListNode* n = next.ptr();
    if (n == nullptr) return true;
    auto* node = static_cast<SplitNode*>(n);
    if (!node->is_dummy() && node->m_nHash >= order) {
      if (saved >= count || visited >= max_visits) {
        *cursor = node->m_nHash;
        return false;
      }
      ++visited;
      auto& e = static_cast<Entry&>(*node);
      if (e.snapshot_mark != snapshot_mark_) {
        SaveForSnapshot(&e);
        ++saved;
      }
    }
    cur = n;
    g ^= 1;
  }
}

}  // namespace engine
