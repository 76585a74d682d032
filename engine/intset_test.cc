#include "engine/intset.h"

#include <cstdint>
#include <random>
#include <set>

#include "gtest/gtest.h"

namespace engine {
namespace {

void ExpectSameAs(const IntSet& s, const std::set<int64_t>& model) {
  ASSERT_EQ(s.size(), model.size());
  size_t i = 0;
  for (int64_t v : model) EXPECT_EQ(s.At(i++), v);
}

TEST(IntSetTest, WidensToTheNarrowestWidthThatHoldsEveryValue) {
  IntSet s;
  EXPECT_TRUE(s.Insert(5));
  EXPECT_TRUE(s.Insert(-3));
  EXPECT_FALSE(s.Insert(5));
  EXPECT_EQ(s.bytes(), 2 * 2u);
  EXPECT_TRUE(s.Insert(INT16_MAX + 1));  // needs 4 bytes: goes last
  EXPECT_EQ(s.bytes(), 3 * 4u);
  EXPECT_TRUE(s.Insert(INT64_MIN));  // needs 8 bytes: goes first
  EXPECT_EQ(s.bytes(), 4 * 8u);
  ExpectSameAs(s, {INT64_MIN, -3, 5, INT16_MAX + 1});
  EXPECT_FALSE(s.Contains(INT64_MAX));
  EXPECT_TRUE(s.Contains(INT64_MIN));
  // Removing the wide value does not narrow the block back (as in Redis).
  EXPECT_TRUE(s.Remove(INT64_MIN));
  EXPECT_EQ(s.bytes(), 3 * 8u);
  EXPECT_FALSE(s.Remove(INT64_MIN));
  ExpectSameAs(s, {-3, 5, INT16_MAX + 1});
}

TEST(IntSetTest, WideValueLookupsInANarrowSetFindNothing) {
  IntSet s;
  s.Insert(1);
  EXPECT_FALSE(s.Contains(int64_t{1} << 40));
  EXPECT_FALSE(s.Remove(int64_t{1} << 40));
  ExpectSameAs(s, {1});
}

TEST(IntSetTest, RandomizedAgainstStdSet) {
  std::mt19937_64 rng(11);
  const int64_t ranges[] = {100, 40000, int64_t{1} << 40};
  for (int64_t range : ranges) {
    IntSet s;
    std::set<int64_t> model;
    for (int step = 0; step < 5000; ++step) {
      int64_t v = static_cast<int64_t>(rng() % (2 * range)) - range;
      switch (rng() % 4) {
        case 0:
        case 1:
          ASSERT_EQ(s.Insert(v), model.insert(v).second);
          break;
        case 2:
          ASSERT_EQ(s.Remove(v), model.erase(v) == 1);
          break;
        case 3:
          ASSERT_EQ(s.Contains(v), model.count(v) == 1);
          break;
      }
    }
    ExpectSameAs(s, model);
    IntSet copy(s);
    const std::set<int64_t> before = model;
    while (s.size() > 0) {
      size_t i = rng() % s.size();
      model.erase(s.At(i));
      s.RemoveAt(i);
    }
    EXPECT_TRUE(model.empty());
    ExpectSameAs(copy, before);  // a deep copy: untouched by the removals
  }
}

}  // namespace
}  // namespace engine
