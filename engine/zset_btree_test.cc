#include "engine/zset_btree.h"

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace engine {
namespace {

struct EntryLess {
  bool operator()(const ZEntry* a, const ZEntry* b) const { return ZLess(a, b); }
};

struct EntryDeleter {
  void operator()(ZEntry* e) const { ZEntry::Destroy(e); }
};

// Inserts and erases at random (ascending runs too, which take the append
// split), first mostly growing to three levels, then mostly shrinking, and
// checks every query against a std::set, and the invariants.
TEST(ZBTreeTest, RandomOperationsMatchOrderedSet) {
  std::mt19937 rng(11);
  ZBTree tree;
  std::set<ZEntry*, EntryLess> model;
  std::vector<std::unique_ptr<ZEntry, EntryDeleter>> owned;
  double next_ascending = 1e9;
  size_t largest = 0;
  const int kSteps = 80000;
  for (int step = 0; step < kSteps; ++step) {
    bool growing = step < kSteps / 2;
    int op = rng() % 100;
    if (model.empty() || op < (growing ? 80 : 30)) {
      double score = (op % 10 == 0) ? next_ascending++ : static_cast<double>(rng() % 1000);
      std::string member = "m" + std::to_string(rng() % 100000);
      auto e = std::unique_ptr<ZEntry, EntryDeleter>(ZEntry::Create(member, score));
      if (model.count(e.get()) > 0) continue;
      tree.Insert(e.get());
      model.insert(e.get());
      owned.push_back(std::move(e));
      std::swap(owned.back(), owned[model.size() - 1]);
    } else if (growing || op < 99) {
      // Random victims come from `owned`, whose tail holds erased entries.
      size_t pick = rng() % model.size();
      std::swap(owned[pick], owned[model.size() - 1]);
      tree.Erase(owned[model.size() - 1].get());
      model.erase(owned[model.size() - 1].get());
    } else {
      // Erase a run from the low end, like ZPOPMIN / ZREMRANGEBYRANK.
      for (int i = 0; i < 50 && !model.empty(); ++i) {
        ZEntry* first = *model.begin();
        tree.Erase(first);
        model.erase(model.begin());
        for (size_t j = 0;; ++j) {  // keep the live entries at the front of `owned`
          if (owned[j].get() == first) {
            std::swap(owned[j], owned[model.size()]);
            break;
          }
        }
      }
    }
    ASSERT_EQ(tree.size(), model.size());
    largest = std::max(largest, model.size());
    if (step % 4000 == 0) {
      ASSERT_EQ(tree.Validate(), "") << "step " << step;
      size_t rank = 0;
      ZBTree::Iterator it = tree.Seek(0);
      for (ZEntry* e : model) {
        ASSERT_TRUE(it.valid());
        ASSERT_EQ(*it, e);
        ASSERT_EQ(tree.Rank(e), rank);
        ASSERT_EQ(tree.At(rank), e);
        it.Next();
        ++rank;
      }
      EXPECT_FALSE(it.valid());
      double cut = static_cast<double>(rng() % 1000);
      size_t below = 0;
      for (ZEntry* e : model) below += e->score() < cut ? 1 : 0;
      EXPECT_EQ(tree.CountPrefix([&](const ZEntry* e) { return e->score() < cut; }), below);
    }
  }
  EXPECT_GT(largest, 61u * 21u * 2u);  // the tree had three levels
  while (!model.empty()) {
    tree.Erase(*model.rbegin());
    model.erase(std::prev(model.end()));
  }
  EXPECT_EQ(tree.Validate(), "");
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_FALSE(tree.Seek(0).valid());
}

TEST(ZBTreeTest, BackwardWalkOverAscendingAppends) {
  ZBTree tree;
  std::vector<std::unique_ptr<ZEntry, EntryDeleter>> owned;
  for (int i = 0; i < 10000; ++i) {
    owned.emplace_back(ZEntry::Create("x", i));
    tree.Insert(owned.back().get());
  }
  ASSERT_EQ(tree.Validate(), "");
  ZBTree::Iterator it = tree.Seek(9999);
  for (int i = 9999; i >= 0; --i, it.Prev()) {
    ASSERT_TRUE(it.valid());
    ASSERT_EQ((*it)->score(), i);
  }
  EXPECT_FALSE(it.valid());
  EXPECT_FALSE(tree.Seek(10000).valid());
}

}  // namespace
}  // namespace engine
