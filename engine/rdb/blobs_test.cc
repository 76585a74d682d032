#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rdb/legacy_blobs.h"
#include "engine/rdb/listpack_blob.h"
#include "engine/rdb/rdb_string.h"
#include "gtest/gtest.h"

namespace rdb {
namespace {

template <typename Reader>
std::vector<std::string> ReadAll(std::string_view blob, bool* failed) {
  Reader r(blob);
  std::vector<std::string> out;
  std::string_view s;
  char scratch[32];
  while (r.Next(&s, scratch)) out.emplace_back(s);
  *failed = r.failed();
  return out;
}

TEST(ListpackBlobTest, EveryEncodingAtItsBoundaries) {
  std::vector<std::string> values;
  for (int64_t v : {int64_t{0}, int64_t{127}, int64_t{128}, int64_t{-1}, int64_t{-4096},
                    int64_t{4095}, int64_t{4096}, int64_t{-4097}, int64_t{32767},
                    int64_t{-32768}, int64_t{32768}, int64_t{8388607}, int64_t{-8388608},
                    int64_t{8388608}, int64_t{INT32_MAX}, int64_t{INT32_MIN},
                    int64_t{INT32_MAX} + 1, INT64_MAX, INT64_MIN}) {
    values.push_back(absl::StrCat(v));
  }
  for (size_t len : {0, 1, 63, 64, 4095, 4096, 70000}) values.push_back(std::string(len, 's'));
  // Not canonical integers: stay strings.
  for (const char* s : {"-0", "+1", "01", "9223372036854775808", " 1"}) values.push_back(s);
  ListpackWriter w;
  for (const std::string& v : values) w.Add(v);
  std::string blob = w.Finish();
  bool failed = true;
  EXPECT_EQ(ReadAll<ListpackReader>(blob, &failed), values);
  EXPECT_FALSE(failed);
  EXPECT_EQ(ListpackReader(blob).header_count(), values.size());
}

TEST(ListpackBlobTest, KnownBytes) {
  // Redis: lpAppend of "a", 7, -1 and 1000.
  ListpackWriter w;
  w.Add("a");
  w.Add("7");
  w.Add("-1");
  w.Add("1000");
  EXPECT_EQ(w.Finish(), std::string("\x12\x00\x00\x00\x04\x00"
                                    "\x81\x61\x02"
                                    "\x07\x01"
                                    "\xdf\xff\x02"
                                    "\xc3\xe8\x02"
                                    "\xff",
                                    18));
}

TEST(ListpackBlobTest, RefusesBrokenBlobs) {
  ListpackWriter w;
  w.Add("hello");
  w.Add("12345678901");
  std::string blob = w.Finish();
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    bool failed = false;
    ReadAll<ListpackReader>(blob.substr(0, cut), &failed);
    EXPECT_TRUE(failed) << cut;
  }
  std::string bad_backlen = blob;
  bad_backlen[6 + 6] = 9;  // the first entry's backlen
  bool failed = false;
  ReadAll<ListpackReader>(bad_backlen, &failed);
  EXPECT_TRUE(failed);
}

// A ziplist writer, test-only: we never write ziplists, Redis 6 did.
std::string Ziplist(const std::vector<std::string>& entries, bool ints_as_ints) {
  std::string body;
  size_t prev = 0;
  for (const std::string& e : entries) {
    std::string entry;
    if (prev < 254) {
      entry.push_back(static_cast<char>(prev));
    } else {
      entry.push_back('\xfe');
      AppendLittleEndian(&entry, prev, 4);
    }
    int64_t v = 0;
    bool is_int = ints_as_ints && !e.empty() && absl::SimpleAtoi(e, &v) && absl::StrCat(v) == e;
    if (is_int && v >= 0 && v <= 12) {
      entry.push_back(static_cast<char>(0xF1 + v));
    } else if (is_int && v >= INT8_MIN && v <= INT8_MAX) {
      entry.push_back('\xfe');
      AppendLittleEndian(&entry, static_cast<uint64_t>(v), 1);
    } else if (is_int && v >= INT16_MIN && v <= INT16_MAX) {
      entry.push_back('\xc0');
      AppendLittleEndian(&entry, static_cast<uint64_t>(v), 2);
    } else if (is_int && v >= -8388608 && v <= 8388607) {
      entry.push_back('\xf0');
      AppendLittleEndian(&entry, static_cast<uint64_t>(v), 3);
    } else if (is_int && v >= INT32_MIN && v <= INT32_MAX) {
      entry.push_back('\xd0');
      AppendLittleEndian(&entry, static_cast<uint64_t>(v), 4);
    } else if (is_int) {
      entry.push_back('\xe0');
      AppendLittleEndian(&entry, static_cast<uint64_t>(v), 8);
    } else if (e.size() < 64) {
      entry.push_back(static_cast<char>(e.size()));
      entry += e;
    } else if (e.size() < 16384) {
      entry.push_back(static_cast<char>(0x40 | (e.size() >> 8)));
      entry.push_back(static_cast<char>(e.size() & 0xff));
      entry += e;
    } else {
      entry.push_back('\x80');
      for (int shift = 24; shift >= 0; shift -= 8) entry.push_back(static_cast<char>(e.size() >> shift));
      entry += e;
    }
    prev = entry.size();
    body += entry;
  }
  std::string zl;
  AppendLittleEndian(&zl, 10 + body.size() + 1, 4);
  AppendLittleEndian(&zl, 10, 4);  // the tail offset: not read
  AppendLittleEndian(&zl, entries.size(), 2);
  return zl + body + "\xff";
}

TEST(LegacyBlobsTest, ZiplistEveryEncoding) {
  std::vector<std::string> values = {"0",      "12",         "13",         "-1",
                                     "-128",   "300",        "-40000",     "8000000",
                                     "-2147483648", "9223372036854775807", "",
                                     std::string(63, 'a'), std::string(300, 'b'),
                                     std::string(17000, 'c'), "tail"};
  for (bool ints : {false, true}) {
    std::string blob = Ziplist(values, ints);
    bool failed = true;
    EXPECT_EQ(ReadAll<ZiplistReader>(blob, &failed), values);
    EXPECT_FALSE(failed);
    for (size_t cut = 0; cut + 1 < blob.size(); cut += 97) {
      ReadAll<ZiplistReader>(blob.substr(0, cut), &failed);
      EXPECT_TRUE(failed) << cut;
    }
  }
}

TEST(LegacyBlobsTest, ZiplistPrevlenMustMatch) {
  std::string blob = Ziplist({"a", "b"}, false);
  blob[10 + 3] = 5;  // the second entry's prevlen (the first is 3 bytes)
  bool failed = false;
  ReadAll<ZiplistReader>(blob, &failed);
  EXPECT_TRUE(failed);
}

TEST(LegacyBlobsTest, Zipmap) {
  // Redis 2.4's zipmap of {"foo": "bar", "k": <300 bytes>} with free space.
  std::string blob;
  blob.push_back(2);
  blob += std::string("\x03" "foo" "\x03\x02" "bar" "xx", 11);
  std::string big(300, 'v');
  blob += "\x01k";
  blob.push_back('\xfe');
  AppendLittleEndian(&blob, big.size(), 4);
  blob.push_back(0);
  blob += big;
  blob.push_back('\xff');
  ZipmapReader r(blob);
  std::string_view f, v;
  ASSERT_TRUE(r.Next(&f, &v));
  EXPECT_EQ(f, "foo");
  EXPECT_EQ(v, "bar");
  ASSERT_TRUE(r.Next(&f, &v));
  EXPECT_EQ(f, "k");
  EXPECT_EQ(v, big);
  EXPECT_FALSE(r.Next(&f, &v));
  EXPECT_FALSE(r.failed());
  for (size_t cut = 1; cut < blob.size(); cut += 7) {
    ZipmapReader t(blob.substr(0, cut));
    while (t.Next(&f, &v)) {
    }
    EXPECT_TRUE(t.failed()) << cut;
  }
}

}  // namespace
}  // namespace rdb
