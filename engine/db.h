#ifndef SHARDIS_ENGINE_DB_H_
#define SHARDIS_ENGINE_DB_H_

// clang-format off
#include <cds/gc/hp.h>
#include <cds/intrusive/michael_list_hp.h>
#include <cds/intrusive/split_list.h>
// clang-format on

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/hash/hash.h"
#include "engine/access_clock.h"
#include "engine/key_events.h"
#include "engine/key_waiters.h"
#include "engine/key_watchers.h"
#include "engine/object.h"
#include "engine/removal_feed.h"

namespace engine {

// One key of a keyspace: the node of the lock-free map itself, with the key
// bytes inline (one allocation per key; for a 16-byte key the node fits a
// 64-byte allocation). `obj` and `expire_ms` are atomics because the read
// fast path loads them from other threads; only the owner stores.
struct Entry
    : public cds::intrusive::split_list::node<cds::intrusive::michael_list::node<cds::gc::HP>> {
  static constexpr uint32_t kNoExpirePos = (uint32_t{1} << 31) - 1;

  std::atomic<Object*> obj{nullptr};
  std::atomic<int64_t> expire_ms{0};  // absolute unix ms; 0 = no expiry
  // Owner only: the index in Db::expires_, and whether the running snapshot
  // has this key (it has when the mark equals the db's; see BeginSnapshot).
  uint32_t expire_pos : 31 = kNoExpirePos;
  uint32_t snapshot_mark : 1 = 0;
  uint32_t key_len = 0;
  char key_data[];

  std::string_view key() const { return {key_data, key_len}; }
  // The position in the map's split order: the map keeps its nodes sorted by
  // it and it does not change as the table grows (the SCAN cursor space).
  uint64_t scan_order() const { return m_nHash; }

  static Entry* Create(std::string_view key);
  static void Destroy(Entry* e);
};

// A key as the owner sees it: stable until the key is erased (only the owner
// erases, so the owner may keep these across its own calls).
struct KeyRef {
  Entry* entry = nullptr;
  explicit operator bool() const { return entry != nullptr; }
  Object* obj() const { return entry->obj.load(std::memory_order_relaxed); }
  std::string_view key() const { return entry->key(); }
};

class Db;

// Told about each key of a snapshot (engine/rdb's ShardSnapshot): every key
// that existed when Db::BeginSnapshot ran is handed over exactly once, as it
// was then - before the first lookup that may change it, or by SaveSome.
class SnapshotObserver {
 public:
  virtual ~SnapshotObserver() = default;
  virtual void Save(const Db& db, const Entry& e) = 0;
};

// One logical database of one shard: the key -> value map (a libcds
// intrusive split-ordered lock-free hash map, so other threads can read it),
// plus the owner-only index of keys that carry a TTL.
//
// Threading: every method is for the owning shard's thread, except
// ReadShared, which any thread attached to libcds may call at any time.
class Db {
 public:
  friend class LookupPrefetch;

  Db();
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A live key, or an empty ref. A key whose TTL passed is deleted first
  // (lazy expiry), exactly as if it had never been there. Finding a key
  // counts as an access for eviction (Redis's lookupKey).
  KeyRef Find(std::string_view key, int64_t now_ms);
  // Find without recording an access (TYPE, TTL, OBJECT, eviction itself:
  // Redis's LOOKUP_NOTOUCH).
  KeyRef Peek(std::string_view key, int64_t now_ms);
  // Inserts `obj` under a new key (which must not exist) with no TTL.
  KeyRef Insert(std::string_view key, Object* obj);
  // Insert for a key that may exist (loading a file): one search instead
  // of a lookup first. An empty ref, and obj still the caller's, when the
  // key is there already.
  KeyRef InsertIfAbsent(std::string_view key, Object* obj);
  // Sets key to obj: replaces (and retires) an existing value, keeping its TTL
  // only when keep_ttl; expire_ms (0 = none) applies otherwise.
  KeyRef Set(std::string_view key, Object* obj, int64_t expire_ms, bool keep_ttl, int64_t now_ms);
  // Publishes a new value for an existing key; the old one is retired. The
  // key's access counter carries over to the new value (Redis's dbOverwrite).
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
  // FLUSHDB: Clear, after telling the clients watching keys it holds.
  void Flush(int64_t now_ms);

  size_t size() const { return size_; }
  size_t expires_size() const { return expires_.size(); }
  // Any thread (INFO): keys deleted because their TTL passed when a lookup
  // found them (lazy expiry; active expiry counts its own in the shard).
  uint64_t lazily_expired() const { return lazily_expired_.load(std::memory_order_relaxed); }
  // Any thread (INFO's avg_ttl): a running estimate of the TTL left on keys
  // with one, in ms, from active expiry's samples as Redis keeps it; 0 when
  // no key has a TTL.
  int64_t avg_ttl_ms() const { return avg_ttl_ms_.load(std::memory_order_relaxed); }

  // Where storing a list or sorted set is reported (clients blocked on the
  // key), and this db's index there. Set by the owning shard.
  void set_waiters(KeyWaiters* waiters, int index) {
    waiters_ = waiters;
    index_.store(index, std::memory_order_relaxed);
  }

  // Where keyspace events go (set once, by the server; nullptr: nowhere).
  void set_events(KeyEvents* events) { events_ = events; }
  // Who hears of keys expiry and eviction remove (set once; nullptr: nobody).
  void set_removal_feed(RemovalFeed* feed) { removal_feed_ = feed; }
  // Expiry and eviction, after removing key themselves.
  void ReportRemoved(std::string_view key) {
    if (removal_feed_ != nullptr) removal_feed_->Removed(index(), key);
  }
  // Reports an event about key in this db (Redis's notifyKeyspaceEvent):
  // one branch unless its class is enabled. Into the calling thread's
  // KeyEventLog when it has one. Any thread: a fast-path reader reports its
  // misses into its own worker's outbox.
  void Notify(uint32_t event_class, std::string_view event, std::string_view key) const {
    if (events_ == nullptr || !events_->wants(event_class)) return;
    if (KeyEventLog* log = KeyEventLog::Current()) {
      return log->Add(events_, event_class, event, key, index());
    }
    events_->Emit(event_class, event, key, index());
  }
  // Any thread (SWAPDB changes it on the owner's).
  int index() const { return index_.load(std::memory_order_relaxed); }

  // Where WATCH registrations live (the owning shard's; set once).
  void set_watchers(KeyWatchers* watchers) { watchers_ = watchers; }
  // The key was (or may have been) modified: clients watching it see their
  // EXEC fail. Costs one branch while nobody watches a key of this shard.
  // Lazy and active expiry and eviction call it themselves.
  bool watched() const { return watchers_ != nullptr && !watchers_->empty(); }
  // Someone wants NoteChanged: a WATCH on this shard, or a client tracking
  // keys (KeyEvents::tracking) anywhere.
  bool observed() const { return watched() || (events_ != nullptr && events_->tracking()); }
  void NoteChanged(std::string_view key) {
    if (watchers_ != nullptr && !watchers_->empty()) TouchWatchers(key);
    if (events_ != nullptr && events_->tracking()) events_->KeyChanged(key);
  }
  // Whether the key has an entry, expired or not (Redis's dictFind).
  bool Contains(std::string_view key) const { return Lookup(key) != nullptr; }
  // Whether the key has an entry whose TTL has passed (keyIsExpired).
  bool ContainsExpired(std::string_view key, int64_t now_ms) const;

  // Visits every live key (expired ones are skipped, not deleted).
  template <typename F>
  void ForEach(int64_t now_ms, F&& f);

  // A point-in-time snapshot without a copy (no fork): from here on, every
  // owner lookup (Find, Peek, Erase, and so every write, expiry and
  // eviction) first hands a key the snapshot does not have yet to
  // `observer`, and SaveSome walks the rest in the background. Keys created
  // afterwards are not in it. A flag per key tells which keys it has: the
  // db flips its mark here, and a key is saved once its mark matches again.
  // Between snapshots every key matches, so a lookup pays one compare.
  void BeginSnapshot(SnapshotObserver* observer);
  // Saves up to `count` keys the snapshot does not have yet, walking the map
  // from *cursor (0 at first); true when none is left.
  bool SaveSome(uint64_t* cursor, size_t count);
  // Ends the snapshot. After a complete pass (SaveSome returned true) every
  // key has the mark already; an abandoned one marks the keys not saved yet
  // as if they were (so the next snapshot starts clean), without handing
  // them over - a walk over the db.
  void EndSnapshot(bool complete);
  bool snapshotting() const { return snapshot_ != nullptr; }

  // Visits live keys in split order starting at the first key whose order is
  // >= from, until f has been called `count` times; returns the order of the
  // first key not visited, or 0 when the map ended. Keys present for the whole
  // of a full scan are visited at least once.
  template <typename F>
  uint64_t Scan(uint64_t from, size_t count, int64_t now_ms, F&& f);

  // Active expiry: samples keys with a TTL and deletes the expired ones
  // (folding the others' TTLs into avg_ttl_ms). Returns how many were
  // deleted.
  size_t ExpireSample(int64_t now_ms, size_t samples);

  // A random key with a TTL, or an empty ref (owner thread).
  KeyRef RandomExpiring(uint64_t rnd);

  // Calls f(Entry&) for up to `count` live keys that follow a random point
  // of the map (a bucket chosen by rnd, then up to 15 keys skipped, so the
  // keys deep in a long chain get picked too), wrapping around once; returns
  // how many. Like Redis's dictGetSomeKeys: cheap, roughly uniform, and may
  // repeat a key when the db has fewer than `count`. Owner thread.
  template <typename F>
  size_t SampleKeys(uint64_t rnd, size_t count, F&& f);

  // Any thread: calls f(const Object*, int64_t expire_ms) with the live value
  // of key while hazard pointers keep it alive, and returns true; false when
  // the key is missing or expired. Only immutable parts (strings, type tags,
  // TTL) may be read inside f. Records the access, like Find, when `touch`.
  // A key whose TTL passed but that the owner has not deleted yet sets
  // *expired (when given): only the owner may expire it.
  template <typename F>
  bool ReadShared(std::string_view key, int64_t now_ms, F&& f, bool touch = true,
                  bool* expired = nullptr) const;

 private:
  struct EntryHash {
    size_t operator()(std::string_view s) const { return absl::HashOf(s); }
    size_t operator()(const Entry& e) const { return absl::HashOf(e.key()); }
  };
  struct EntryCompare {
    int operator()(const Entry& a, const Entry& b) const { return a.key().compare(b.key()); }
    int operator()(const Entry& a, std::string_view b) const { return a.key().compare(b); }
    int operator()(std::string_view a, const Entry& b) const { return a.compare(b.key()); }
  };
  struct EntryDisposer {
    void operator()(Entry* e) const { Entry::Destroy(e); }
  };
  struct ListTraits : public cds::intrusive::michael_list::traits {
    typedef cds::intrusive::michael_list::base_hook<cds::opt::gc<cds::gc::HP>> hook;
    typedef EntryCompare compare;
    typedef EntryDisposer disposer;
  };
  using OrderedList = cds::intrusive::MichaelList<cds::gc::HP, Entry, ListTraits>;
  struct SetTraits : public cds::intrusive::split_list::traits {
    typedef EntryHash hash;
  };
  using ListNode = cds::intrusive::michael_list::node<cds::gc::HP>;
  using SplitNode = cds::intrusive::split_list::node<ListNode>;
  // The libcds map, plus access to a bucket's head node (which it keeps
  // protected) so keys can be sampled from a random point without an extra
  // index per key.
  class Map : public cds::intrusive::SplitListSet<cds::gc::HP, OrderedList, SetTraits> {
   public:
    using SplitListSet::SplitListSet;
    // The bucket's dummy node, created if needed (as any lookup would). It
    // lives as long as the map.
    ListNode* BucketHead(size_t hash) { return get_bucket(hash); }

    // The stages of LookupPrefetch. Any thread: without a guard they read
    // only the bucket table and dummy nodes, which live as long as the map;
    // key nodes, which may be freed at any time, are only prefetched, or
    // read under a hazard pointer (PrefetchValueOrNext).
    using Head = aux_node_type;
    using Slot = std::atomic<Head*>;
    // Where the bucket of `hash` keeps its head, prefetched; null if that
    // part of the table was never allocated.
    const Slot* PrefetchSlot(size_t hash) const {
      const Slot* slot = TableAccess::SlotOf(m_Buckets, bucket_no(hash));
      if (slot != nullptr) __builtin_prefetch(slot);
      return slot;
    }
    // The bucket's dummy node (null until the bucket is first used),
    // prefetched.
    static const Head* PrefetchHead(const Slot* slot) {
      const Head* head = slot->load(std::memory_order_acquire);
      if (head != nullptr) __builtin_prefetch(head);
      return head;
    }
    // The first node after the dummy: the bucket's first key, usually.
    static void PrefetchFirstNode(const Head* head) {
      const ListNode* next = head->m_pNext.load(std::memory_order_acquire).ptr();
      if (next != nullptr) __builtin_prefetch(next);
    }
    // Reads that first node under `guard` (another thread may unlink and
    // free it; libcds retires the Entry, which starts with the list node,
    // so guarding the node's address guards the Entry, as in SampleKeys).
    // When it is the key's, prefetches the key's value; when the key sorts
    // after it, the node after it. The dummy is never deleted, so a node its
    // link still points to once guarded is alive.
    static void PrefetchValueOrNext(const Head* head, size_t hash, cds::gc::HP::Guard& guard) {
      auto first = guard.protect(head->m_pNext, [](ListNode::marked_ptr p) { return p.ptr(); });
      const auto* node = static_cast<const SplitNode*>(first.ptr());
      if (node == nullptr) return;
      size_t order = cds::intrusive::split_list::regular_hash<bit_reversal>(hash);
      if (node->m_nHash == order) {
        // Odd orders are keys' (dummies' are even).
        __builtin_prefetch(static_cast<const Entry*>(node)->obj.load(std::memory_order_relaxed));
      } else if (node->m_nHash < order) {
        __builtin_prefetch(node->m_pNext.load(std::memory_order_relaxed).ptr());
      }
    }

   private:
    // libcds keeps the segment table protected and offers only a loading
    // bucket(n); the address of a slot, to prefetch it before loading it,
    // is read through member pointers named in a derived class.
    struct TableAccess : bucket_table {
      static_assert(std::is_same_v<Slot, typename bucket_table::table_entry>);
      static const Slot* SlotOf(const bucket_table& table, size_t bucket) {
        const auto& metrics = table.*(&TableAccess::m_metrics);
        const auto* segments = table.*(&TableAccess::m_Segments);
        const Slot* segment =
            segments[bucket >> metrics.nSegmentSizeLog2].load(std::memory_order_acquire);
        return segment == nullptr ? nullptr : segment + (bucket & (metrics.nSegmentSize - 1));
      }
    };
  };

  Entry* Lookup(std::string_view key) const;
  // Lookup for the owner: a key a running snapshot lacks is saved first.
  Entry* LookupForChange(std::string_view key) {
    Entry* e = Lookup(key);
    if (e != nullptr && e->snapshot_mark != snapshot_mark_) SaveForSnapshot(e);
    return e;
  }
  void SaveForSnapshot(Entry* e);
  void RemoveFromExpires(Entry* e);
  static void RetireObject(Object* obj);

  // Two keys per bucket on average: half the dummy nodes and bucket slots of
  // the default (about 12 bytes per key) for half a node more per lookup.
  static constexpr size_t kLoadFactor = 2;
  // libcds fixes the bucket table's capacity at construction: past it,
  // chains grow linearly. Its segments are sqrt(capacity) buckets, and the
  // first segment, its aux nodes and the directory are allocated up front, in
  // every one of a shard's 16 dbs: at 2^28 keys that was ~880 KB per db, 14 MB
  // per shard before the first key (Redis starts at under 1 MB). At 2^24 it
  // is ~235 KB per db; a db still holds 2^24 keys per shard before lookups
  // slow down (and keeps working past that).
  static constexpr size_t kMaxExpectedKeys = size_t{1} << 24;

  // mutable: libcds lookups are non-const even when they do not modify.
  void NoteStored(std::string_view key, const Object* obj) {
    if (waiters_ != nullptr && (obj->type == ObjectType::kList || obj->type == ObjectType::kZSet)) {
      waiters_->NoteStored(index(), key);
    }
  }

  mutable Map map_;
  size_t size_ = 0;
  void TouchWatchers(std::string_view key);

  KeyWaiters* waiters_ = nullptr;
  KeyWatchers* watchers_ = nullptr;
  KeyEvents* events_ = nullptr;
  RemovalFeed* removal_feed_ = nullptr;
  std::atomic<int> index_{0};
  std::vector<Entry*> expires_;  // owner only; keys with a TTL
  // Owner only: the mark of keys the running (or last) snapshot has.
  uint32_t snapshot_mark_ = 0;
  SnapshotObserver* snapshot_ = nullptr;
  // Owner-written, read by INFO on any thread.
  std::atomic<uint64_t> lazily_expired_{0};
  std::atomic<int64_t> avg_ttl_ms_{0};
};

template <typename F>
void Db::ForEach(int64_t now_ms, F&& f) {
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    Entry& e = *it;
    Object* obj = e.obj.load(std::memory_order_relaxed);
    if (obj == nullptr) continue;
    int64_t exp = e.expire_ms.load(std::memory_order_relaxed);
    if (exp != 0 && exp <= now_ms) continue;
    f(e.key(), e);
  }
}

template <typename F>
uint64_t Db::Scan(uint64_t from, size_t count, int64_t now_ms, F&& f) {
  size_t visited = 0;
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    Entry& e = *it;
    uint64_t order = e.scan_order();
    if (order < from) continue;
    // Stop only between different orders, so equal-order keys (hash
    // collisions) are never split across two calls.
    if (visited >= count) return order;
    Object* obj = e.obj.load(std::memory_order_relaxed);
    int64_t exp = e.expire_ms.load(std::memory_order_relaxed);
    if (obj == nullptr || (exp != 0 && exp <= now_ms)) continue;
    f(e.key(), e);
    ++visited;
  }
  return 0;
}

template <typename F>
size_t Db::SampleKeys(uint64_t rnd, size_t count, F&& f) {
  // A walk along the split-ordered list from a bucket's dummy node, guarded
  // hand over hand as libcds's own iterators are: readers on other threads
  // may unlink (help delete) nodes at any time.
  cds::gc::HP::Guard guards[2];
  int g = 0;
  size_t seen = 0;
  size_t skip = (rnd >> 48) & 15;
  bool wrapped = false;
  ListNode* cur = map_.BucketHead(rnd);
  while (seen < count) {
    auto next = guards[g].protect(cur->m_pNext, [](ListNode::marked_ptr p) { return p.ptr(); });
    // A marked link: cur itself was deleted; a sample may just be short.
    if (next.bits() != 0) break;
    ListNode* n = next.ptr();
    if (n == nullptr) {
      if (wrapped) break;
      wrapped = true;
      cur = map_.BucketHead(0);
      continue;
    }
    auto* node = static_cast<SplitNode*>(n);
    if (!node->is_dummy()) {
      auto& e = static_cast<Entry&>(*node);
      if (e.obj.load(std::memory_order_relaxed) != nullptr) {
        if (skip > 0 && !wrapped) {
          --skip;
        } else {
          f(e);
          ++seen;
        }
      }
    }
    cur = n;
    g ^= 1;  // the other guard keeps cur alive while the next is protected
  }
  return seen;
}

template <typename F>
bool Db::ReadShared(std::string_view key, int64_t now_ms, F&& f, bool touch, bool* expired) const {
  bool found = false;
  cds::gc::HP::Guard guard;
  map_.find(key, [&](Entry& e, std::string_view) {
    int64_t exp = e.expire_ms.load(std::memory_order_acquire);
    if (exp != 0 && exp <= now_ms) {
      if (expired != nullptr) *expired = true;
      return;
    }
    // The map's guard keeps the node alive; this guard keeps the value alive
    // after the owner swaps in a new one and retires this one.
    const Object* obj = guard.protect(e.obj);
    if (obj == nullptr) return;
    if (touch) Touch(obj);
    f(obj, exp);
    found = true;
  });
  return found;
}

}  // namespace engine

#endif  // SHARDIS_ENGINE_DB_H_
