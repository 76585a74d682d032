#include "engine/set_object.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace engine {
namespace {

std::vector<std::string> Members(const SetObject& set) {
  std::vector<std::string> out;
  set.ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::set<std::string> MemberSet(const SetObject& set) {
  std::vector<std::string> v = Members(set);
  return {v.begin(), v.end()};
}

// Random operations against std::set, over integer-only members (so the set
// stays an intset until it passes the limit) or mixed members.
void RandomizedModelCheck(bool integers_only, int64_t intset_limit, uint32_t seed) {
  EncodingLimits limits;
  limits.set_max_intset_entries = intset_limit;
  SetObject set;
  std::set<std::string> model;
  std::mt19937 rng(seed);
  // An intset turns into a hashtable past the limit or on a non-integer
  // member, and never back (as in Redis).
  bool converted = false;
  size_t largest = 0;
  for (int step = 0; step < 20000; ++step) {
    std::string m = std::to_string(static_cast<int>(rng() % 600) - 100);
    if (!integers_only && rng() % 50 == 0) m = "m" + m;
    switch (rng() % 4) {
      case 0:
      case 1:
        ASSERT_EQ(set.Add(m, limits), model.insert(m).second) << m;
        break;
      case 2:
        ASSERT_EQ(set.Remove(m), model.erase(m) == 1) << m;
        break;
      case 3:
        if (set.size() > 0) {
          std::string taken = set.TakeAt(rng() % set.size());
          ASSERT_EQ(model.erase(taken), 1u) << taken;
        }
        break;
    }
    ASSERT_EQ(set.size(), model.size());
    ASSERT_EQ(set.Contains(m), model.count(m) == 1);
    largest = std::max(largest, model.size());
    converted = converted || model.size() > static_cast<size_t>(intset_limit) ||
                (model.count(m) == 1 && m[0] == 'm');
    ASSERT_EQ(set.encoding, converted ? Encoding::kHashtable : Encoding::kIntset)
        << "step " << step << ", " << model.size() << " members";
  }
  // The runs are built to cross the limit or stay below it, as named.
  EXPECT_EQ(converted, !integers_only || largest > static_cast<size_t>(intset_limit));
  EXPECT_EQ(MemberSet(set), model);
  SetObject* copy = set.Clone();
  EXPECT_EQ(copy->encoding, set.encoding);
  EXPECT_EQ(Members(*copy), Members(set));
  delete copy;
}

TEST(SetObjectTest, RandomizedIntsetStaysIntsetBelowTheLimit) {
  RandomizedModelCheck(true, 512, 7);
}

TEST(SetObjectTest, RandomizedWithConversions) {
  RandomizedModelCheck(true, 64, 8);
  RandomizedModelCheck(false, 512, 9);
}

TEST(SetObjectTest, IntsetListsMembersInAscendingNumericOrder) {
  EncodingLimits limits;
  SetObject set;
  for (const char* m : {"10", "-5", "3", "9223372036854775807", "-9223372036854775808", "3"}) {
    set.Add(m, limits);
  }
  EXPECT_EQ(set.encoding, Encoding::kIntset);
  EXPECT_EQ(Members(set), (std::vector<std::string>{"-9223372036854775808", "-5", "3", "10",
                                                    "9223372036854775807"}));
  char scratch[SetObject::kScratchSize];
  EXPECT_EQ(set.At(1, scratch), "-5");
  EXPECT_EQ(set.TakeAt(0), "-9223372036854775808");
  EXPECT_EQ(Members(set), (std::vector<std::string>{"-5", "3", "10", "9223372036854775807"}));
}

TEST(SetObjectTest, NonCanonicalIntegersAreStrings) {
  EncodingLimits limits;
  for (const char* m : {"01", "-0", "+1", " 1", "1.0", "9223372036854775808", ""}) {
    SetObject set;
    set.Add("1", limits);
    EXPECT_FALSE(set.Contains(m));
    EXPECT_TRUE(set.Add(m, limits)) << m;
    EXPECT_EQ(set.encoding, Encoding::kHashtable) << m;
    EXPECT_TRUE(set.Contains(m));
    EXPECT_TRUE(set.Contains("1"));
  }
}

TEST(SetObjectTest, IntsetBecomesHashtablePastTheLimitAndNeverBack) {
  EncodingLimits limits;
  SetObject set;
  for (int i = 0; i < 512; ++i) set.Add(std::to_string(i), limits);
  EXPECT_EQ(set.encoding, Encoding::kIntset);
  EXPECT_FALSE(set.Add("5", limits));  // present: no growth, no conversion
  EXPECT_EQ(set.encoding, Encoding::kIntset);
  set.Add("100000", limits);
  EXPECT_EQ(set.encoding, Encoding::kHashtable);
  EXPECT_EQ(set.size(), 513u);
  for (int i = 0; i < 512; ++i) EXPECT_TRUE(set.Contains(std::to_string(i)));
  while (set.size() > 1) set.TakeAt(0);
  EXPECT_EQ(set.encoding, Encoding::kHashtable);
}

TEST(SetObjectTest, LimitChangesApplyFromTheNextAdd) {
  EncodingLimits limits;
  limits.set_max_intset_entries = 0;
  SetObject set;
  set.Add("1", limits);
  EXPECT_EQ(set.encoding, Encoding::kHashtable);
}

TEST(SetObjectTest, ScanOfIntsetReturnsEverythingOnce) {
  EncodingLimits limits;
  SetObject set;
  for (int i = 0; i < 100; ++i) set.Add(std::to_string(i), limits);
  size_t visited = 0;
  EXPECT_EQ(set.Scan(0, 10, [&](std::string_view) { ++visited; }), 0u);
  EXPECT_EQ(visited, 100u);
}

TEST(SetObjectTest, ScanOfHashtableSurvivesPops) {
  EncodingLimits limits;
  SetObject set;
  std::set<std::string> all;
  for (int i = 0; i < 1000; ++i) {
    set.Add("m" + std::to_string(i), limits);
    all.insert("m" + std::to_string(i));
  }
  std::mt19937 rng(1);
  std::set<std::string> seen, popped;
  uint64_t cursor = 0;
  do {
    cursor = set.Scan(cursor, 25, [&](std::string_view m) { seen.emplace(m); });
    for (int i = 0; i < 5 && set.size() > 0; ++i) popped.insert(set.TakeAt(rng() % set.size()));
  } while (cursor != 0);
  for (const std::string& m : all) {
    if (popped.count(m) == 0) {
      EXPECT_EQ(seen.count(m), 1u) << m;
    }
  }
}

}  // namespace
}  // namespace engine
