#include "engine/rdb/rdb_string.h"

#include <string>

#include "gtest/gtest.h"
#include "engine/rdb/crc64.h"

namespace rdb {
namespace {

TEST(Crc64Test, RedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, ""), 0u);
  // Continuing a CRC over two parts equals one pass.
  EXPECT_EQ(Crc64(Crc64(0, "1234"), "56789"), 0xe9c6d914c4b8d9caULL);
}

TEST(RdbStringTest, LengthsRoundTripAtEveryEncodingBoundary) {
  for (uint64_t n :
       {0ull, 1ull, 63ull, 64ull, 16383ull, 16384ull, 4294967295ull, 4294967296ull, ~0ull}) {
    std::string out;
    AppendLength(&out, n);
    size_t pos = 0;
    uint64_t back = 0;
    bool encoded = true;
    ASSERT_TRUE(ReadLength(out, &pos, &back, &encoded)) << n;
    EXPECT_EQ(back, n);
    EXPECT_FALSE(encoded);
    EXPECT_EQ(pos, out.size());
    // Every truncation is refused.
    for (size_t cut = 0; cut < out.size(); ++cut) {
      size_t p = 0;
      EXPECT_FALSE(ReadLength(std::string_view(out).substr(0, cut), &p, &back, &encoded)) << n;
    }
  }
  std::string s;
  AppendLength(&s, 64);
  EXPECT_EQ(s, std::string("\x40\x40", 2));
}

TEST(RdbStringTest, StringsIntegersAndLzf) {
  std::string out;
  AppendString(&out, "");
  AppendString(&out, std::string(100, 'x'));
  size_t pos = 0;
  std::string s;
  ASSERT_TRUE(ReadString(out, &pos, &s));
  EXPECT_EQ(s, "");
  ASSERT_TRUE(ReadString(out, &pos, &s));
  EXPECT_EQ(s, std::string(100, 'x'));
  // Integer encodings: 0xC0 int8, 0xC1 int16, 0xC2 int32 (little endian).
  std::string ints("\xc0\xff\xc1\x00\x80\xc2\x01\x00\x00\x00", 10);
  pos = 0;
  ASSERT_TRUE(ReadString(ints, &pos, &s));
  EXPECT_EQ(s, "-1");
  ASSERT_TRUE(ReadString(ints, &pos, &s));
  EXPECT_EQ(s, "-32768");
  ASSERT_TRUE(ReadString(ints, &pos, &s));
  EXPECT_EQ(s, "1");
  // LZF: "aaaaaaaaaa" = a literal 'a' (00 61), then 9 bytes back 1 (E0 00 00:
  // length 7 + 0 extra + 2, offset 0 + 1). Compressed 5 bytes, plain 10.
  std::string lzf("\xc3\x05\x0a\x00\x61\xe0\x00\x00", 8);
  pos = 0;
  ASSERT_TRUE(ReadString(lzf, &pos, &s));
  EXPECT_EQ(s, std::string(10, 'a'));
  // A back reference before the start is refused.
  std::string bad("\xc3\x02\x05\x20\x05", 5);
  pos = 0;
  EXPECT_FALSE(ReadString(bad, &pos, &s));
}

TEST(RdbStringTest, DumpFooter) {
  std::string payload = "body";
  AppendDumpFooter(&payload);
  std::string_view body;
  ASSERT_TRUE(CheckDumpFooter(payload, &body));
  EXPECT_EQ(body, "body");
  for (size_t i = 0; i < payload.size(); ++i) {
    std::string broken = payload;
    broken[i] ^= 1;
    EXPECT_FALSE(CheckDumpFooter(broken, &body)) << i;
  }
  EXPECT_FALSE(CheckDumpFooter("short", &body));
}

}  // namespace
}  // namespace rdb
