#include "engine/dense_table.h"

#include <map>
#include <random>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace engine {
namespace {

TEST(DenseTableTest, RandomizedAgainstStdMap) {
  DenseTable t;
  std::map<std::string, std::string> model;
  std::mt19937 rng(3);
  for (int step = 0; step < 20000; ++step) {
    std::string k = "k" + std::to_string(rng() % 700);
    std::string v = std::string(rng() % 40, 'v');
    size_t pos = t.Find(k);
    ASSERT_EQ(pos != DenseTable::npos, model.count(k) == 1);
    switch (rng() % 3) {
      case 0:
        if (pos == DenseTable::npos) {
          t.Add(PackedEntry(k, v));
        } else {
          t.ReplaceAt(pos, PackedEntry(k, v));
        }
        model[k] = v;
        break;
      case 1:
        if (pos != DenseTable::npos) {
          EXPECT_EQ(t.TakeAt(pos).key(), k);
          model.erase(k);
        }
        break;
      case 2:
        if (t.size() > 0) {
          PackedEntry taken = t.TakeAt(rng() % t.size());
          ASSERT_EQ(model.erase(std::string(taken.key())), 1u);
        }
        break;
    }
    ASSERT_EQ(t.size(), model.size());
  }
  std::unique_ptr<DenseTable> copy = t.Clone();
  for (const auto& [k, v] : model) {
    size_t pos = t.Find(k);
    ASSERT_NE(pos, DenseTable::npos);
    EXPECT_EQ(t.at(pos).value(), v);
    EXPECT_EQ(copy->at(copy->Find(k)).value(), v);
  }
}

// Redis's SCAN promise: what is there for the whole scan comes back at least
// once, whatever is added or removed between the calls.
TEST(DenseTableTest, ScanReturnsEveryEntryPresentThroughoutDespiteChanges) {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 200; ++trial) {
    DenseTable t;
    int next_key = 0;
    for (int i = 0; i < 50 + static_cast<int>(rng() % 200); ++i) {
      t.Add(PackedEntry("k" + std::to_string(next_key++), ""));
    }
    std::set<std::string> at_start, removed, seen;
    for (size_t i = 0; i < t.size(); ++i) at_start.emplace(t.at(i).key());
    uint64_t cursor = 0;
    int calls = 0;
    do {
      cursor = t.Scan(cursor, 1 + rng() % 20, [&](const PackedEntry& e) { seen.emplace(e.key()); });
      ++calls;
      for (int changes = rng() % 8; changes > 0; --changes) {
        if (rng() % 2 == 0 && t.size() > 0) {
          removed.emplace(t.TakeAt(rng() % t.size()).key());
        } else {
          t.Add(PackedEntry("k" + std::to_string(next_key++), ""));
        }
      }
    } while (cursor != 0);
    EXPECT_LT(calls, 1000);
    for (const std::string& k : at_start) {
      if (removed.count(k) == 0) {
        EXPECT_EQ(seen.count(k), 1u) << k << " in trial " << trial;
      }
    }
  }
}

TEST(DenseTableTest, ScanCursorCountsDownAndToleratesStaleCursors) {
  DenseTable t;
  for (int i = 0; i < 10; ++i) t.Add(PackedEntry(std::to_string(i), ""));
  std::string order;
  uint64_t cursor = t.Scan(0, 4, [&](const PackedEntry& e) { order += e.key(); });
  EXPECT_EQ(cursor, 6u);
  cursor = t.Scan(cursor, 4, [&](const PackedEntry& e) { order += e.key(); });
  EXPECT_EQ(cursor, 2u);
  cursor = t.Scan(cursor, 4, [&](const PackedEntry& e) { order += e.key(); });
  EXPECT_EQ(cursor, 0u);
  EXPECT_EQ(order, "9876543210");
  // A cursor past the end (the table shrank) starts from the end.
  size_t visited = 0;
  EXPECT_EQ(t.Scan(1000, 100, [&](const PackedEntry&) { ++visited; }), 0u);
  EXPECT_EQ(visited, 10u);
}

}  // namespace
}  // namespace engine
