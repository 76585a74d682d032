#include "engine/db.h"

#include <atomic>
#include <set>
#include <thread>

#include "engine/runtime.h"
#include "gtest/gtest.h"

namespace engine {
namespace {

class DbTest : public ::testing::Test {
 protected:
  CdsRuntime runtime_;
  CdsThreadScope scope_;
  std::unique_ptr<Db> db_ = std::make_unique<Db>();
  void TearDown() override { db_.reset(); }
};

std::string StringOf(const Object* o) {
  char scratch[24];
  return std::string(static_cast<const StringObject*>(o)->View(scratch));
}

TEST_F(DbTest, SetFindEraseAndSize) {
  db_->Set("a", StringObject::Create("1"), 0, false, 1000);
  db_->Set("b", StringObject::Create("two"), 0, false, 1000);
  EXPECT_EQ(db_->size(), 2u);
  KeyRef a = db_->Find("a", 1000);
  ASSERT_TRUE(a);
  EXPECT_EQ(StringOf(a.obj()), "1");
  db_->Set("a", StringObject::Create("x"), 0, false, 1000);
  EXPECT_EQ(StringOf(db_->Find("a", 1000).obj()), "x");
  EXPECT_EQ(db_->size(), 2u);
  EXPECT_TRUE(db_->Erase("a"));
  EXPECT_FALSE(db_->Erase("a"));
  EXPECT_FALSE(db_->Find("a", 1000));
  EXPECT_EQ(db_->size(), 1u);
}

TEST_F(DbTest, LazyAndActiveExpiry) {
  db_->Set("t", StringObject::Create("v"), 2000, false, 1000);
  EXPECT_EQ(db_->expires_size(), 1u);
  EXPECT_TRUE(db_->Find("t", 1999));
  EXPECT_FALSE(db_->Find("t", 2000));  // lazily deleted
  EXPECT_EQ(db_->size(), 0u);
  EXPECT_EQ(db_->expires_size(), 0u);

  for (int i = 0; i < 100; ++i) {
    db_->Set("k" + std::to_string(i), StringObject::Create("v"), i < 50 ? 1500 : 0, false, 1000);
  }
  size_t deleted = 0;
  for (int round = 0; round < 100 && db_->expires_size() > 0; ++round) {
    deleted += db_->ExpireSample(2000, 20);
  }
  EXPECT_EQ(deleted, 50u);
  EXPECT_EQ(db_->size(), 50u);
}

TEST_F(DbTest, KeepTtlAndPersist) {
  KeyRef r = db_->Set("k", StringObject::Create("v"), 5000, false, 1000);
  db_->Set("k", StringObject::Create("w"), 0, true, 1000);
  EXPECT_EQ(db_->Find("k", 1000).entry->expire_ms.load(), 5000);
  db_->Set("k", StringObject::Create("z"), 0, false, 1000);
  EXPECT_EQ(db_->Find("k", 1000).entry->expire_ms.load(), 0);
  EXPECT_EQ(db_->expires_size(), 0u);
  (void)r;
}

TEST_F(DbTest, ScanVisitsEveryKeyOnceWithoutChanges) {
  std::set<std::string> all;
  for (int i = 0; i < 1000; ++i) {
    all.insert("key:" + std::to_string(i));
    db_->Set("key:" + std::to_string(i), StringObject::Create("v"), 0, false, 1);
  }
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor =
        db_->Scan(cursor, 37, 1, [&](std::string_view k, Entry&) { seen.insert(std::string(k)); });
    ++calls;
  } while (cursor != 0 && calls < 1000);
  EXPECT_EQ(seen.size(), all.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
}

TEST_F(DbTest, ScanKeepsKeysPresentThroughoutDespiteDeletes) {
  for (int i = 0; i < 500; ++i)
    db_->Set("s" + std::to_string(i), StringObject::Create("v"), 0, false, 1);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor =
        db_->Scan(cursor, 10, 1, [&](std::string_view k, Entry&) { seen.insert(std::string(k)); });
    // Delete odd keys and add new ones while scanning.
    db_->Erase("s" + std::to_string(2 * step + 1));
    db_->Set("new" + std::to_string(step), StringObject::Create("v"), 0, false, 1);
    ++step;
  } while (cursor != 0);
  for (int i = 0; i < 500; i += 2) EXPECT_TRUE(seen.count("s" + std::to_string(i))) << i;
}

TEST_F(DbTest, ReadSharedFromAnotherThreadSeesWholeValues) {
  db_->Set("k", StringObject::Create("gen0-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), 0,
           false, 1);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    CdsThreadScope scope;
    while (!stop.load()) {
      db_->ReadShared("k", 1, [&](const Object* o, int64_t) {
        std::string v = StringOf(o);
        // Every published value is "genN-" followed by 46 'x'.
        if (v.size() < 50 || v.substr(v.size() - 46) != std::string(46, 'x')) ++bad;
      });
      ++reads;
    }
  });
  // On a loaded machine the writer could finish before the reader starts.
  while (reads.load() == 0) std::this_thread::yield();
  for (int gen = 1; gen < 20000; ++gen) {
    db_->Set("k", StringObject::Create("gen" + std::to_string(gen) + "-" + std::string(46, 'x')), 0,
             false, 1);
    if (gen % 1000 == 0) {
      db_->Erase("k");
      db_->Set("k", StringObject::Create("gen-" + std::string(46, 'x')), 0, false, 1);
    }
  }
  stop.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace engine
