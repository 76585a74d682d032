#include "engine/eviction.h"

#include <set>
#include <string>

#include "engine/access_clock.h"
#include "engine/runtime.h"
#include "engine/shard.h"
#include "engine/shard_set.h"
#include "gtest/gtest.h"

namespace engine {
namespace {

class EvictionTest : public ::testing::Test {
 protected:
  void SetUp() override { shard().set_now_ms(AccessNow() * int64_t{1000}); }
  void TearDown() override { access_settings().lfu = false; }
  Shard& shard() { return set_.shard(0); }
  Db& db(int i = 0) { return shard().db(i); }
  void Add(int db_index, const std::string& key, int64_t expire_ms = 0) {
    db(db_index).Set(key, StringObject::Create("v"), expire_ms, false, shard().now_ms());
  }
  // Makes a key look idle for `seconds`.
  void Age(const std::string& key, uint32_t seconds) {
    db().Peek(key, shard().now_ms()).obj()->access_time = AccessNow() - seconds;
  }

  CdsRuntime runtime_;
  CdsThreadScope scope_;
  ShardSet set_{1};
};

TEST_F(EvictionTest, ParsesPolicyNamesLikeRedis) {
  EvictionPolicy p;
  ASSERT_TRUE(ParseEvictionPolicy("ALLKEYS-LRU", &p));
  EXPECT_EQ(p, EvictionPolicy::kAllKeysLru);
  EXPECT_STREQ(EvictionPolicyName(EvictionPolicy::kVolatileTtl), "volatile-ttl");
  EXPECT_FALSE(ParseEvictionPolicy("allkeys", &p));
  EXPECT_FALSE(ParseEvictionPolicy("", &p));
}

TEST_F(EvictionTest, SampleKeysReachesEveryKeyFromRandomPoints) {
  EXPECT_EQ(db().SampleKeys(7, 5, [](Entry&) {}), 0u);
  for (int i = 0; i < 1000; ++i) Add(0, "k" + std::to_string(i));
  std::set<std::string> seen;
  for (uint64_t r = 0; r < 4000; ++r) {
    size_t n = db().SampleKeys(r * 0x9E3779B97F4A7C15ull, 5,
                               [&](Entry& e) { seen.insert(std::string(e.key())); });
    EXPECT_EQ(n, 5u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(EvictionTest, SampleKeysWrapsAroundASmallDb) {
  Add(0, "only");
  for (uint64_t r = 0; r < 64; ++r) {
    int calls = 0;
    size_t n = db().SampleKeys(r, 5, [&](Entry& e) {
      EXPECT_EQ(e.key(), "only");
      ++calls;
    });
    EXPECT_GE(n, 1u);
    EXPECT_EQ(n, static_cast<size_t>(calls));
  }
}

TEST_F(EvictionTest, NothingToEvict) {
  EXPECT_FALSE(shard().EvictOne(EvictionPolicy::kAllKeysLru, 5));
  Add(0, "persistent");
  EXPECT_FALSE(shard().EvictOne(EvictionPolicy::kNoEviction, 5));
  for (auto p : {EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu,
                 EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl}) {
    EXPECT_FALSE(shard().EvictOne(p, 5)) << EvictionPolicyName(p);
  }
  EXPECT_EQ(db().size(), 1u);
  EXPECT_EQ(shard().evicted_keys.load(), 0u);
}

TEST_F(EvictionTest, AllKeysRandomEmptiesEveryDb) {
  for (int i = 0; i < 50; ++i) Add(i % 3, "k" + std::to_string(i));
  int evicted = 0;
  while (shard().EvictOne(EvictionPolicy::kAllKeysRandom, 5)) ++evicted;
  EXPECT_EQ(evicted, 50);
  EXPECT_EQ(db(0).size() + db(1).size() + db(2).size(), 0u);
  EXPECT_EQ(shard().evicted_keys.load(), 50u);
}

TEST_F(EvictionTest, VolatilePoliciesOnlyTakeKeysWithATtl) {
  int64_t later = shard().now_ms() + 3600 * 1000;
  for (int i = 0; i < 100; ++i) Add(0, "p" + std::to_string(i));
  for (int i = 0; i < 20; ++i) Add(0, "t" + std::to_string(i), later);
  int evicted = 0;
  while (shard().EvictOne(EvictionPolicy::kVolatileRandom, 5)) ++evicted;
  EXPECT_EQ(evicted, 20);
  EXPECT_EQ(db().size(), 100u);
  EXPECT_EQ(db().expires_size(), 0u);
}

TEST_F(EvictionTest, VolatileTtlTakesTheSoonestExpiryFirst) {
  int64_t now = shard().now_ms();
  for (int i = 0; i < 10; ++i) Add(0, "t" + std::to_string(i), now + 1000 * (i + 1) * 60);
  // The pool sees every key of a db this small, so the order is exact.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(shard().EvictOne(EvictionPolicy::kVolatileTtl, 10));
    EXPECT_FALSE(db().Peek("t" + std::to_string(i), now)) << i;
  }
}

// Approximate LRU: with samples of 10 from 2,000 keys, evicting half must
// take mostly the keys that were idle.
TEST_F(EvictionTest, AllKeysLruPrefersIdleKeys) {
  for (int i = 0; i < 2000; ++i) Add(0, "k" + std::to_string(i));
  for (int i = 0; i < 1000; ++i) Age("k" + std::to_string(2 * i), 100 + i % 50);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(shard().EvictOne(EvictionPolicy::kAllKeysLru, 10));
  int recent_left = 0;
  for (int i = 0; i < 1000; ++i)
    recent_left += db().Peek("k" + std::to_string(2 * i + 1), 0) ? 1 : 0;
  EXPECT_GT(recent_left, 900);
}

TEST_F(EvictionTest, AllKeysLfuPrefersRarelyUsedKeys) {
  access_settings().lfu = true;
  for (int i = 0; i < 2000; ++i) Add(0, "k" + std::to_string(i));
  // Many reads move a counter up (logarithmically: about 10 for 1000).
  for (int i = 0; i < 1000; ++i) {
    KeyRef ref = db().Peek("k" + std::to_string(2 * i + 1), 0);
    for (int j = 0; j < 300; ++j) Touch(ref.obj());
  }
  EXPECT_GT(DecayedFrequency(db().Peek("k1", 0).obj()), kInitialFrequency);
  EXPECT_EQ(DecayedFrequency(db().Peek("k0", 0).obj()), kInitialFrequency);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(shard().EvictOne(EvictionPolicy::kAllKeysLfu, 10));
  int popular_left = 0;
  for (int i = 0; i < 1000; ++i)
    popular_left += db().Peek("k" + std::to_string(2 * i + 1), 0) ? 1 : 0;
  EXPECT_GT(popular_left, 900);
}

TEST_F(EvictionTest, LfuCounterDecaysWithIdleMinutes) {
  access_settings().lfu = true;
  Add(0, "k");
  const Object* obj = db().Peek("k", 0).obj();
  obj->frequency = 20;
  obj->access_time = AccessNow() - 5 * 60;
  EXPECT_EQ(DecayedFrequency(obj), 15);
  access_settings().lfu_decay_minutes = 0;  // 0: never decays
  EXPECT_EQ(DecayedFrequency(obj), 20);
  access_settings().lfu_decay_minutes = 1;
  obj->access_time = AccessNow() - 100 * 60;
  EXPECT_EQ(DecayedFrequency(obj), 0);
}

TEST_F(EvictionTest, OverwriteKeepsTheCounterAndFindTouches) {
  Add(0, "k");
  Age("k", 500);
  EXPECT_GE(IdleSeconds(db().Peek("k", 0).obj()), 500u);  // Peek does not touch
  db().Find("k", 0);
  EXPECT_EQ(IdleSeconds(db().Peek("k", 0).obj()), 0u);
  db().Peek("k", 0).obj()->frequency = 42;
  Add(0, "k");  // SET over it
  EXPECT_EQ(db().Peek("k", 0).obj()->frequency, 42);
}

}  // namespace
}  // namespace engine
