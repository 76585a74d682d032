#include "engine/lookup_prefetch.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "engine/runtime.h"
#include "gtest/gtest.h"

namespace engine {
namespace {

class LookupPrefetchTest : public ::testing::Test {
 protected:
  CdsRuntime runtime_;
  CdsThreadScope scope_;
  std::unique_ptr<Db> db_ = std::make_unique<Db>();
  void TearDown() override { db_.reset(); }
};

// Once a key has been looked up, its bucket is in use (libcds creates a
// bucket lazily, at the first lookup after the table doubled), so the staged
// walk must find its dummy node: this checks the slot address computed from
// libcds's segment table against the table itself, across many segments
// (4096 buckets each).
TEST_F(LookupPrefetchTest, FindsTheBucketOfEveryKeyLookedUp) {
  const int kKeys = 60000;
  for (int i = 0; i < kKeys; ++i) {
    db_->Insert("key:" + std::to_string(i), StringObject::Create("v"));
  }
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(db_->Find("key:" + std::to_string(i), 1));
  LookupPrefetch prefetch;
  for (int i = 0; i < kKeys; i += LookupPrefetch::kMaxKeys) {
    for (int j = i; j < i + static_cast<int>(LookupPrefetch::kMaxKeys) && j < kKeys; ++j) {
      prefetch.Add(*db_, "key:" + std::to_string(j));
    }
    size_t added = prefetch.size();
    ASSERT_EQ(prefetch.Run(), added) << i;
    EXPECT_EQ(prefetch.size(), 0u);
  }
}

TEST_F(LookupPrefetchTest, KeepsAtMostABatchAndChangesNothing) {
  LookupPrefetch prefetch;
  for (int i = 0; i < 40; ++i) prefetch.Add(*db_, "absent" + std::to_string(i));
  EXPECT_EQ(prefetch.size(), LookupPrefetch::kMaxKeys);
  prefetch.Run();
  EXPECT_EQ(prefetch.size(), 0u);
  EXPECT_EQ(db_->size(), 0u);
  EXPECT_FALSE(db_->Find("absent0", 1));
}

TEST_F(LookupPrefetchTest, ARepeatedKeyTakesOnePlace) {
  db_->Insert("hot", StringObject::Create("v"));
  LookupPrefetch prefetch;
  for (int i = 0; i < 5; ++i) prefetch.Add(*db_, "hot");
  EXPECT_EQ(prefetch.size(), 1u);
  EXPECT_EQ(prefetch.Run(), 1u);
}

// Prefetching from another thread while the owner inserts and erases reads
// only what outlives the keys (ASan and TSan variants of this test check
// that), and never disturbs the map.
TEST_F(LookupPrefetchTest, AnotherThreadMayPrefetchWhileTheOwnerWrites) {
  std::atomic<bool> stop{false};
  std::atomic<size_t> runs{0};
  std::thread reader([&] {
    CdsThreadScope scope;
    LookupPrefetch prefetch;
    for (uint32_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
      for (size_t j = 0; j < LookupPrefetch::kMaxKeys; ++j) {
        prefetch.Add(*db_, "k" + std::to_string((n * 7 + j) % 5000));
      }
      prefetch.Run();
      runs.fetch_add(1, std::memory_order_relaxed);
    }
  });
  while (runs.load() == 0) std::this_thread::yield();
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 5000; ++i) db_->Set("k" + std::to_string(i), StringObject::Create("v"), 0,
                                            false, 1);
    for (int i = 0; i < 5000; i += 2) EXPECT_TRUE(db_->Erase("k" + std::to_string(i)));
  }
  stop.store(true);
  reader.join();
  EXPECT_EQ(db_->size(), 2500u);
  EXPECT_TRUE(db_->Find("k1", 1));
  EXPECT_FALSE(db_->Find("k0", 1));
}

}  // namespace
}  // namespace engine
