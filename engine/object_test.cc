#include "engine/object.h"

#include <random>
#include <set>

#include "gtest/gtest.h"

namespace engine {
namespace {

TEST(ParseInt64Test, CanonicalOnly) {
  int64_t v;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  for (const char* bad : {"", "-", "+1", "01", "-0", " 1", "1 ", "1a", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

TEST(StringObjectTest, EncodingsLikeRedis) {
  char scratch[24];
  StringObject* i = StringObject::Create("123");
  EXPECT_EQ(i->encoding, Encoding::kInt);
  EXPECT_EQ(i->View(scratch), "123");
  EXPECT_EQ(i->size(), 3u);
  StringObject* e = StringObject::Create("0123");
  EXPECT_EQ(e->encoding, Encoding::kEmbStr);
  StringObject* r = StringObject::Create(std::string(45, 'x'));
  EXPECT_EQ(r->encoding, Encoding::kRaw);
  EXPECT_EQ(r->size(), 45u);
  std::string bin("a\0b\r\n", 5);
  StringObject* b = StringObject::Create(bin);
  EXPECT_EQ(b->View(scratch), bin);
  for (Object* o : {static_cast<Object*>(i), static_cast<Object*>(e), static_cast<Object*>(r),
                    static_cast<Object*>(b)}) {
    DestroyObject(o);
  }
}

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
