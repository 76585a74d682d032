#include "engine/object.h"

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

}  // namespace
}  // namespace engine
