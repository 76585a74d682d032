#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "engine/hash_object.h"
#include "engine/rdb/crc64.h"
#include "engine/rdb/rdb_reader.h"
#include "engine/rdb/rdb_records.h"
#include "engine/rdb/rdb_string.h"
#include "gtest/gtest.h"

namespace rdb {
namespace {

std::string SampleFile(bool checksum) {
  engine::EncodingLimits limits;
  std::unique_ptr<engine::StringObject, void (*)(engine::StringObject*)> s(
      engine::StringObject::Create("v1"), engine::StringObject::Destroy);
  auto* h = new engine::HashObject();
  h->Set("f", "x", limits);
  std::string f;
  AppendHeader(&f);
  AppendAux(&f, "redis-ver", "7.0.15");
  AppendAux(&f, "redis-bits", "64");
  AppendFunction(&f, "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
  AppendSelectDb(&f, 0);
  AppendResizeDb(&f, 2, 1);
  AppendKey(&f, "k1", *s, KeyMeta{}, SaveOptions{});
  KeyMeta meta;
  meta.expire_ms = 4102444800000;  // 2100-01-01
  meta.frequency = 7;
  AppendKey(&f, "h", *h, meta, SaveOptions{});
  AppendSelectDb(&f, 3);
  meta = KeyMeta{};
  meta.idle_seconds = 500;
  AppendKey(&f, "k3", *s, meta, SaveOptions{});
  AppendEof(&f);
  AppendChecksum(&f, checksum ? Crc64(0, f) : 0);
  engine::DestroyObject(h);
  return f;
}

TEST(RdbFileTest, ReadsBackEveryRecord) {
  for (bool checksum : {true, false}) {
    std::string file = SampleFile(checksum);
    RdbReader reader(file);
    ASSERT_TRUE(reader.ReadHeader());
    EXPECT_EQ(reader.version(), 10);
    RdbRecord r;
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.kind, RdbRecord::kAux);
    EXPECT_EQ(r.name, "redis-ver");
    EXPECT_EQ(r.value, "7.0.15");
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.value, "64");  // written integer-encoded, read as text
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.kind, RdbRecord::kFunction);
    EXPECT_TRUE(absl::StartsWith(r.value, "#!lua name=lib"));
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.kind, RdbRecord::kSelectDb);
    EXPECT_EQ(r.db, 0u);
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.kind, RdbRecord::kResizeDb);
    EXPECT_EQ(r.keys, 2u);
    EXPECT_EQ(r.expires, 1u);
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.kind, RdbRecord::kKey);
    EXPECT_EQ(r.key, "k1");
    EXPECT_EQ(r.type, kTypeString);
    EXPECT_EQ(r.expire_ms, 0);
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.key, "h");
    EXPECT_EQ(r.type, kTypeHashListpack);
    EXPECT_EQ(r.expire_ms, 4102444800000);
    EXPECT_EQ(r.frequency, 7);
    EXPECT_EQ(r.idle_seconds, -1);
    engine::Object* obj = nullptr;
    std::string error;
    size_t pos = 0;
    ASSERT_EQ(LoadValue(r.type, r.payload, &pos, engine::EncodingLimits{}, &obj, &error),
              LoadStatus::kOk)
        << error;
    EXPECT_EQ(pos, r.payload.size());
    EXPECT_EQ(*static_cast<engine::HashObject*>(obj)->Get("f"), "x");
    engine::DestroyObject(obj);
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.db, 3u);
    ASSERT_TRUE(reader.Next(&r));
    EXPECT_EQ(r.key, "k3");
    EXPECT_EQ(r.idle_seconds, 500);
    EXPECT_FALSE(reader.Next(&r));
    EXPECT_TRUE(reader.done());
    EXPECT_EQ(reader.error(), "");
  }
}

TEST(RdbFileTest, ErrorsNameTheOffset) {
  std::string file = SampleFile(true);
  std::string flipped = file;
  flipped[30] ^= 0x20;
  RdbReader a(flipped);
  ASSERT_TRUE(a.ReadHeader());
  RdbRecord r;
  while (a.Next(&r)) {
  }
  EXPECT_FALSE(a.done());
  EXPECT_TRUE(absl::StrContains(a.error(), " at offset ")) << a.error();

  RdbReader b(std::string_view(file).substr(0, file.size() - 12));
  ASSERT_TRUE(b.ReadHeader());
  while (b.Next(&r)) {
  }
  EXPECT_FALSE(b.done());
  EXPECT_TRUE(absl::StrContains(b.error(), "offset")) << b.error();

  RdbReader c("REDIS0011xxxx");
  EXPECT_FALSE(c.ReadHeader());
  EXPECT_EQ(c.error(), "Can't handle RDB format version 0011 at offset 5");
  RdbReader d("NOTREDIS");
  EXPECT_FALSE(d.ReadHeader());
}

TEST(RdbFileTest, OlderVersionsAndSecondExpiries) {
  // RDB 6 (Redis 2.8): EXPIRETIME in seconds, a plain string, no checksum
  // check when it is zero.
  std::string f = "REDIS0006";
  f.push_back(static_cast<char>(kOpSelectDb));
  f.push_back(0);
  f.push_back(static_cast<char>(kOpExpireTime));
  AppendLittleEndian(&f, 2000000000, 4);
  f.push_back(static_cast<char>(kTypeString));
  AppendString(&f, "old");
  AppendString(&f, "value");
  AppendEof(&f);
  AppendChecksum(&f, 0);
  RdbReader reader(f);
  ASSERT_TRUE(reader.ReadHeader());
  RdbRecord r;
  ASSERT_TRUE(reader.Next(&r));
  ASSERT_TRUE(reader.Next(&r));
  EXPECT_EQ(r.key, "old");
  EXPECT_EQ(r.expire_ms, 2000000000000);
  EXPECT_FALSE(reader.Next(&r));
  EXPECT_TRUE(reader.done());
}

TEST(RdbFileTest, StreamsAreRefusedByName) {
  std::string f = "REDIS0010";
  f.push_back(static_cast<char>(kTypeStreamListpacks2));
  AppendString(&f, "events");
  f += "garbage";
  RdbReader reader(f);
  ASSERT_TRUE(reader.ReadHeader());
  RdbRecord r;
  EXPECT_FALSE(reader.Next(&r));
  EXPECT_EQ(reader.error(), "unsupported value type 19 (key 'events') at offset 17");
}

}  // namespace
}  // namespace rdb
