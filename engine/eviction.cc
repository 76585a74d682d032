#include "engine/eviction.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <random>

#include "engine/access_clock.h"
#include "engine/db.h"
#include "engine/shard.h"

namespace engine {

namespace {

struct PolicyName {
  EvictionPolicy policy;
  const char* name;
};
constexpr PolicyName kPolicies[] = {
    {EvictionPolicy::kVolatileLru, "volatile-lru"},
    {EvictionPolicy::kVolatileLfu, "volatile-lfu"},
    {EvictionPolicy::kVolatileRandom, "volatile-random"},
    {EvictionPolicy::kVolatileTtl, "volatile-ttl"},
    {EvictionPolicy::kAllKeysLru, "allkeys-lru"},
    {EvictionPolicy::kAllKeysLfu, "allkeys-lfu"},
    {EvictionPolicy::kAllKeysRandom, "allkeys-random"},
    {EvictionPolicy::kNoEviction, "noeviction"},
};

// How much a key deserves eviction under the policy: idle seconds for LRU,
// rarity for LFU, nearness of expiry for volatile-ttl.
uint64_t Score(const Entry& e, EvictionPolicy p) {
  const Object* obj = e.obj.load(std::memory_order_relaxed);
  switch (p) {
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu:
      return 255 - DecayedFrequency(obj);
    case EvictionPolicy::kVolatileTtl:
      return std::numeric_limits<uint64_t>::max() -
             static_cast<uint64_t>(e.expire_ms.load(std::memory_order_relaxed));
    default:
      return IdleSeconds(obj);
  }
}

}  // namespace

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out) {
  for (const PolicyName& p : kPolicies) {
    if (name.size() != std::string_view(p.name).size()) continue;
    bool same = std::equal(name.begin(), name.end(), p.name, [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
    if (same) {
      *out = p.policy;
      return true;
    }
  }
  return false;
}

const char* EvictionPolicyName(EvictionPolicy policy) {
  for (const PolicyName& p : kPolicies) {
    if (p.policy == policy) return p.name;
  }
  return "noeviction";
}

Evictor::Evictor() : rng_(std::random_device{}() | 1) { pool_.reserve(kPoolSize); }

uint64_t Evictor::NextRandom() {
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return rng_;
}

bool Evictor::EvictOne(Shard& shard, EvictionPolicy policy, int samples) {
  if (policy == EvictionPolicy::kNoEviction) return false;
  bool volatile_only = IsVolatilePolicy(policy);
  if (policy == EvictionPolicy::kAllKeysRandom || policy == EvictionPolicy::kVolatileRandom) {
    return EvictRandom(shard, volatile_only);
  }
  int64_t now = shard.now_ms();
  // Pool entries can go stale (deleted, expired, TTL removed): a few rounds
  // refill it; a shard with nothing eligible ends the loop at once.
  for (int round = 0; round < 16; ++round) {
    bool any = false;
    for (int i = 0; i < shard.num_dbs(); ++i) {
      Db& db = shard.db(i);
      if ((volatile_only ? db.expires_size() : db.size()) == 0) continue;
      any = true;
      Populate(db, i, policy, samples);
    }
    if (!any) return false;
    while (!pool_.empty()) {
      Candidate best = std::move(pool_.back());
      pool_.pop_back();
      Db& db = shard.db(best.db);
      KeyRef ref = db.Peek(best.key, now);
      if (!ref) continue;
      if (volatile_only && ref.entry->expire_ms.load(std::memory_order_relaxed) == 0) continue;
      db.Erase(best.key);
      db.NoteChanged(best.key);
      db.ReportRemoved(best.key);
      db.Notify(kEventEvicted, "evicted", best.key);
      return true;
    }
  }
  return false;
}

bool Evictor::EvictRandom(Shard& shard, bool volatile_only) {
  // Like Redis: the next db in turn that has a candidate gives a random one.
  for (int tried = 0; tried < shard.num_dbs(); ++tried) {
    next_db_ = (next_db_ + 1) % shard.num_dbs();
    Db& db = shard.db(next_db_);
    std::string key;
    bool found = false;
    if (volatile_only) {
      if (KeyRef ref = db.RandomExpiring(NextRandom())) {
        key = ref.key();
        found = true;
      }
    } else {
      found = db.SampleKeys(NextRandom(), 1, [&](Entry& e) { key = e.key(); }) > 0;
    }
    if (found && db.Erase(key)) {
      db.NoteChanged(key);
      db.ReportRemoved(key);
      db.Notify(kEventEvicted, "evicted", key);
      return true;
    }
  }
  return false;
}

void Evictor::Populate(Db& db, int db_index, EvictionPolicy policy, int samples) {
  if (IsVolatilePolicy(policy)) {
    // A run of neighbours in the TTL index from a random start: distinct
    // keys, so a db with no more keys than samples is seen whole.
    uint64_t start = NextRandom();
    for (int i = 0; i < samples; ++i) {
      KeyRef ref = db.RandomExpiring(start + i);
      if (!ref) return;
      Offer(Score(*ref.entry, policy), db_index, ref.key());
      if (static_cast<size_t>(i + 1) >= db.expires_size()) return;
    }
    return;
  }
  db.SampleKeys(NextRandom(), static_cast<size_t>(samples),
                [&](Entry& e) { Offer(Score(e, policy), db_index, e.key()); });
}

void Evictor::Offer(uint64_t score, int db, std::string_view key) {
  for (Candidate& c : pool_) {
    if (c.db == db && c.key == key) {
      c.score = score;
      std::sort(pool_.begin(), pool_.end(),
                [](const Candidate& a, const Candidate& b) { return a.score < b.score; });
      return;
    }
  }
  if (pool_.size() == kPoolSize) {
    if (score <= pool_.front().score) return;  // worse than every candidate
    pool_.erase(pool_.begin());
  }
  auto at = std::upper_bound(pool_.begin(), pool_.end(), score,
                             [](uint64_t s, const Candidate& c) { return s < c.score; });
  pool_.insert(at, Candidate{score, db, std::string(key)});
}

}  // namespace engine
