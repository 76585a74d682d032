#include "engine/set_object.h"

#include <random>
#include <set>

#include "gtest/gtest.h"

namespace engine {
namespace {

TEST(SetObjectTest, AddRemoveTakeKeepIndexConsistent) {
  SetObject set;
  std::set<std::string> model;
  std::mt19937 rng(7);
  for (int step = 0; step < 20000; ++step) {
    std::string m = std::to_string(rng() % 500);
    switch (rng() % 3) {
      case 0:
        EXPECT_EQ(set.Add(m), model.insert(m).second);
        break;
      case 1:
        EXPECT_EQ(set.Remove(m), model.erase(m) == 1);
        break;
      case 2:
        if (set.size() > 0) {
          std::string taken = set.TakeAt(rng() % set.size());
          EXPECT_EQ(model.erase(taken), 1u);
        }
        break;
    }
    ASSERT_EQ(set.size(), model.size());
  }
  for (const std::string& m : model) EXPECT_TRUE(set.Contains(m));
  EXPECT_EQ(set.encoding, Encoding::kIntset);
  set.Add("not-a-number");
  EXPECT_EQ(set.encoding, Encoding::kHashtable);
}

TEST(SetObjectTest, IntsetBecomesHashtablePastLimit) {
  SetObject set;
  for (size_t i = 0; i < SetObject::kMaxIntsetEntries; ++i) set.Add(std::to_string(i));
  EXPECT_EQ(set.encoding, Encoding::kIntset);
  set.Add("100000");
  EXPECT_EQ(set.encoding, Encoding::kHashtable);
}

}  // namespace
}  // namespace engine
