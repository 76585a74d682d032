#include "resp/numbers.h"

#include <cstdint>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace resp {
namespace {

TEST(ParseInt64Test, AcceptsWhatString2llAccepts) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ParseInt64("-12", &v));
  EXPECT_EQ(v, -12);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
}

TEST(ParseInt64Test, RejectsWhatString2llRejects) {
  int64_t v = 42;
  for (const char* s :
       {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1a", "0x10", "1.0", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999", "18446744073709551616"}) {
    EXPECT_FALSE(ParseInt64(s, &v)) << s;
  }
  EXPECT_EQ(v, 42);
}

TEST(FormatInt64Test, MatchesToStringAtEveryDigitBoundary) {
  char buf[kMaxInt64Chars];
  std::vector<int64_t> values = {0, INT64_MAX, INT64_MIN, INT64_MIN + 1};
  for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
    for (int64_t v : {p - 1, p, p + 1, 10 * p - 1}) {
      values.push_back(v);
      values.push_back(-v);
    }
  }
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) values.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
  for (int64_t v : values) {
    ASSERT_EQ(std::string(buf, FormatInt64(v, buf)), std::to_string(v));
  }
  EXPECT_EQ(std::string(buf, FormatUint64(UINT64_MAX, buf)), "18446744073709551615");
}

TEST(FormatInt64Test, RoundTripsThroughParse) {
  std::mt19937_64 rng(2);
  char buf[kMaxInt64Chars];
  for (int i = 0; i < 100000; ++i) {
    const int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    int64_t back = 0;
    ASSERT_TRUE(ParseInt64(std::string_view(buf, FormatInt64(v, buf)), &back));
    ASSERT_EQ(back, v);
  }
}

}  // namespace
}  // namespace resp
