#ifndef SHARDIS_ENGINE_DB_H_
#define SHARDIS_ENGINE_DB_H_

// clang-format off
#include <cds/gc/hp.h>
#include <cds/container/michael_list_hp.h>
#include <cds/container/split_list_map.h>
// clang-format on

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/hash/hash.h"
#include "engine/object.h"

namespace engine {

// The value slot of one key. `obj` and `expire_ms` are atomics because the
// read fast path loads them from other threads; only the owner stores.
struct Entry {
  std::atomic<Object*> obj{nullptr};  // nullptr only while being inserted
  std::atomic<int64_t> expire_ms{0};  // absolute unix ms; 0 = no expiry
  static constexpr uint32_t kNoExpirePos = UINT32_MAX;
  uint32_t expire_pos = kNoExpirePos;  // owner only: index in Db::expires_

  Entry() = default;
  // libcds builds nodes from a temporary value; only an unpublished Entry is
  // ever copied.
  Entry(const Entry& o)
      : obj(o.obj.load(std::memory_order_relaxed)),
        expire_ms(o.expire_ms.load(std::memory_order_relaxed)),
        expire_pos(o.expire_pos) {}
};

// A key as the owner sees it: stable until the key is erased (only the owner
// erases, so the owner may keep these across its own calls).
struct KeyRef {
  const std::string* key = nullptr;
  Entry* entry = nullptr;
  explicit operator bool() const { return entry != nullptr; }
  Object* obj() const { return entry->obj.load(std::memory_order_relaxed); }
};

// One logical database of one shard: the key -> value map (a libcds
// split-ordered lock-free hash map, so other threads can read it), plus the
// owner-only index of keys that carry a TTL.
//
// Threading: every method is for the owning shard's thread, except
// ReadShared, which any thread attached to libcds may call at any time.
class Db {
 public:
  Db() = default;
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A live key, or an empty ref. A key whose TTL passed is deleted first
  // (lazy expiry), exactly as if it had never been there.
  KeyRef Find(std::string_view key, int64_t now_ms);
  // Inserts `obj` under a new key (which must not exist) with no TTL.
  KeyRef Insert(std::string_view key, Object* obj);
  // Sets key to obj: replaces (and retires) an existing value, keeping its TTL
  // only when keep_ttl; expire_ms (0 = none) applies otherwise.
  KeyRef Set(std::string_view key, Object* obj, int64_t expire_ms, bool keep_ttl, int64_t now_ms);
  // Publishes a new value for an existing key; the old one is retired.
  void Replace(KeyRef ref, Object* obj);
  // Removes a key and retires its value. False if it did not exist.
  bool Erase(std::string_view key);
  // Removes the key and hands its value to the caller instead of retiring it
  // (RENAME/MOVE). The caller must publish it in a Db (never free it
  // directly: readers may still hold it).
  Object* Detach(KeyRef ref, int64_t* expire_ms);
  // 0 removes the TTL.
  void SetExpire(KeyRef ref, int64_t expire_ms);
  void Clear();

  size_t size() const { return size_; }
  size_t expires_size() const { return expires_.size(); }

  // Visits every live key (expired ones are skipped, not deleted).
  template <typename F>
  void ForEach(int64_t now_ms, F&& f);

  // Active expiry: samples keys with a TTL and deletes the expired ones, at
  // most `max_deletes`. Returns how many were deleted.
  size_t ExpireSample(int64_t now_ms, size_t samples);

  // A random key with a TTL, or an empty ref (owner thread).
  KeyRef RandomExpiring(uint64_t rnd);

  // Any thread: calls f(const Object*, int64_t expire_ms) with the live value
  // of key while hazard pointers keep it alive, and returns true; false when
  // the key is missing or expired. Only immutable parts (strings, type tags,
  // TTL) may be read inside f.
  template <typename F>
  bool ReadShared(std::string_view key, int64_t now_ms, F&& f) const;

  // The split-order position of a key: the map keeps its nodes sorted by it,
  // and it does not change as the table grows, so it is the SCAN cursor space.
  static uint64_t ScanOrder(std::string_view key);

  // Visits live keys in ScanOrder starting at the first key whose order is
  // >= from, until f has been called `count` times; returns the order of the
  // first key not visited, or 0 when the map ended. Keys present for the whole
  // of a full scan are visited at least once.
  template <typename F>
  uint64_t Scan(uint64_t from, size_t count, int64_t now_ms, F&& f);

 private:
  struct KeyHash {
    size_t operator()(std::string_view s) const { return absl::HashOf(s); }
  };
  struct KeyCompare {
    int operator()(std::string_view a, std::string_view b) const { return a.compare(b); }
  };
  struct MapTraits : public cds::container::split_list::traits {
    typedef cds::container::michael_list_tag ordered_list;
    typedef KeyHash hash;
    struct ordered_list_traits : public cds::container::michael_list::traits {
      typedef KeyCompare compare;
    };
  };
  using Map = cds::container::SplitListMap<cds::gc::HP, std::string, Entry, MapTraits>;

  KeyRef Lookup(std::string_view key) const;
  void RemoveFromExpires(Entry* e);
  static void RetireObject(Object* obj);

  // mutable: libcds lookups are non-const even when they do not modify.
  mutable Map map_;
  size_t size_ = 0;
  std::vector<KeyRef> expires_;  // owner only; keys with a TTL

};

template <typename F>
void Db::ForEach(int64_t now_ms, F&& f) {
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    Entry& e = it->second;
    Object* obj = e.obj.load(std::memory_order_relaxed);
    if (obj == nullptr) continue;
    int64_t exp = e.expire_ms.load(std::memory_order_relaxed);
    if (exp != 0 && exp <= now_ms) continue;
    f(it->first, e);
  }
}

template <typename F>
uint64_t Db::Scan(uint64_t from, size_t count, int64_t now_ms, F&& f) {
  size_t visited = 0;
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    uint64_t order = ScanOrder(it->first);
    if (order < from) continue;
    // Stop only between different orders, so equal-order keys (hash
    // collisions) are never split across two calls.
    if (visited >= count) return order;
    Entry& e = it->second;
    Object* obj = e.obj.load(std::memory_order_relaxed);
    int64_t exp = e.expire_ms.load(std::memory_order_relaxed);
    if (obj == nullptr || (exp != 0 && exp <= now_ms)) continue;
    f(it->first, e);
    ++visited;
  }
  return 0;
}

template <typename F>
bool Db::ReadShared(std::string_view key, int64_t now_ms, F&& f) const {
  bool found = false;
  cds::gc::HP::Guard guard;
  map_.find(key, [&](Map::value_type& kv) {
    const Entry& e = kv.second;
    int64_t exp = e.expire_ms.load(std::memory_order_acquire);
    if (exp != 0 && exp <= now_ms) return;
    // The node guard keeps the entry alive; this guard keeps the value alive
    // after the owner swaps in a new one and retires this one.
    const Object* obj = guard.protect(e.obj);
    if (obj == nullptr) return;
    f(obj, exp);
    found = true;
  });
  return found;
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_DB_H_
