#include "engine/rdb/value_codec.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/hash_object.h"
#include "engine/list_object.h"
#include "engine/rdb/rdb_records.h"
#include "engine/rdb/rdb_string.h"
#include "engine/set_object.h"
#include "engine/zset_object.h"
#include "gtest/gtest.h"

namespace rdb {
namespace {

using engine::EncodingLimits;
using engine::HashObject;
using engine::ListObject;
using engine::Object;
using engine::SetObject;
using engine::StringObject;
using engine::ZSetObject;

struct Deleter {
  void operator()(Object* o) const { engine::DestroyObject(o); }
};
using ObjectPtr = std::unique_ptr<Object, Deleter>;

// What a value holds, in a form two objects can be compared by.
std::vector<std::string> Contents(const Object& obj) {
  std::vector<std::string> out;
  char scratch[32];
  switch (obj.type) {
    case engine::ObjectType::kString:
      out.emplace_back(static_cast<const StringObject&>(obj).View(scratch));
      break;
    case engine::ObjectType::kList:
      static_cast<const ListObject&>(obj).VisitFrom(0, [&](size_t, std::string_view v) {
        out.emplace_back(v);
        return true;
      });
      break;
    case engine::ObjectType::kSet:
      static_cast<const SetObject&>(obj).ForEach([&](std::string_view m) { out.emplace_back(m); });
      std::sort(out.begin(), out.end());
      break;
    case engine::ObjectType::kZSet: {
      const auto& z = static_cast<const ZSetObject&>(obj);
      z.Visit(0, z.size(), false, [&](std::string_view m, double score) {
        out.push_back(std::string(m) + "=" + ScoreText(score));
      });
      break;
    }
    case engine::ObjectType::kHash:
      static_cast<const HashObject&>(obj).ForEach([&](std::string_view f, std::string_view v) {
        out.push_back(std::string(f) + "=" + std::string(v));
      });
      std::sort(out.begin(), out.end());
      break;
  }
  return out;
}

ObjectPtr Restore(std::string_view payload, const EncodingLimits& limits = EncodingLimits{}) {
  Object* obj = nullptr;
  std::string error;
  if (!RestorePayload(payload, limits, &obj, &error)) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  return ObjectPtr(obj);
}

// prefix + `unit` n times: the hex of long repetitive payloads.
std::string Repeat(const std::string& prefix, const std::string& unit, int n) {
  std::string s = prefix;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

std::string Hex(const std::string& hex) { return absl::HexStringToBytes(hex); }

// Payloads real Redis 7.0.15 produced with DUMP (rdbcompression no for the
// long ones): ours must be byte for byte the same, and theirs must load.
struct Golden {
  const char* what;
  std::string hex;
  std::function<Object*()> make;
};

std::vector<Golden> Goldens() {
  EncodingLimits limits;
  return {
      {"embstr", "000568656c6c6f0a006372df766534200a", [] { return StringObject::Create("hello"); }},
      {"int", "00c139300a009d94ea2793fc08b9", [] { return StringObject::Create("12345"); }},
      {"int64 min", "00142d393232333337323033363835343737353830380a00ede2b956eb709e81",
       [] { return StringObject::Create("-9223372036854775808"); }},
      {"raw 100 bytes", Repeat("004064", "61", 100) + "0a00afa7a1bf69717045",
       [] { return StringObject::Create(std::string(100, 'a')); }},
      {"quicklist",
       Repeat("12010240616100000006008161028162020101f178ec03f270110104e046", "78", 70) +
           "48ff0a00efb7e24f123bd268",
       [] {
         auto* l = new ListObject();
         for (const std::string& v : std::vector<std::string>{"a", "b", "1", "-5000", "70000",
                                                              std::string(70, 'x')}) {
           l->PushBack(v, -2);
         }
         return l;
       }},
      {"intset", "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b",
       [limits = &limits] {
         auto* s = new SetObject();
         for (const char* m : {"3", "1", "2"}) s->Add(m, *limits);
         return s;
       }},
      {"hashtable set", "020101610a006296e97e44d21a6d",
       [limits = &limits] {
         auto* s = new SetObject();
         s->Add("a", *limits);
         return s;
       }},
      {"listpack hash", "1012120000000400816602817602816e020701ff0a00b82adea8407ffaa8",
       [limits = &limits] {
         auto* h = new HashObject();
         h->Set("f", "v", *limits);
         h->Set("n", "7", *limits);
         return h;
       }},
      {"listpack zset",
       "112d2d0000000600816302942d302e313030303030303030303030303030303115816102010181620283322e"
       "3504ff0a00316c2bbb13f4686f",
       [limits = &limits] {
         auto* z = new ZSetObject();
         z->Add("a", 1, 0, *limits);
         z->Add("b", 2.5, 0, *limits);
         z->Add("c", -0.1, 0, *limits);
         return z;
       }},
  };
}

TEST(ValueCodecTest, DumpIsByteForByteRedis) {
  SaveOptions plain;
  plain.compress = false;
  for (const Golden& g : Goldens()) {
    ObjectPtr obj(g.make());
    std::string ours = DumpPayload(*obj, plain);
    EXPECT_EQ(absl::BytesToHexString(absl::string_view(ours.data(), ours.size())), g.hex) << g.what;
    ObjectPtr back = Restore(Hex(g.hex));
    ASSERT_NE(back, nullptr) << g.what;
    EXPECT_EQ(Contents(*back), Contents(*obj)) << g.what;
    EXPECT_EQ(back->encoding, obj->encoding) << g.what;
  }
}

TEST(ValueCodecTest, LoadsRedisCompressedPayloads) {
  // LZF output differs between builds of the compressor; what matters is
  // that theirs decodes here and ours round-trips.
  struct {
    const char* hex;
    std::vector<std::string> want;
  } cases[] = {
      {"00c3094064016161e057000161610a00e8a3b507b06df271", {std::string(100, 'a')}},
      {"120102c3214061196100000006008161028162020101f178ec03f270110104e04678e03c000148ff0a000fe0"
       "71bc6c189fad",
       {"a", "b", "1", "-5000", "70000", std::string(70, 'x')}},
      {"11c3242d0e2d0000000600816302942d302e3130e005000f3115816102010181620283322e3504ff0a0095"
       "08e61f133eadfb",
       {"c=-0.10000000000000001", "a=1", "b=2.5"}},
  };
  for (const auto& c : cases) {
    ObjectPtr obj = Restore(Hex(c.hex));
    ASSERT_NE(obj, nullptr);
    EXPECT_EQ(Contents(*obj), c.want);
    ObjectPtr again = Restore(DumpPayload(*obj, SaveOptions{}));
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(Contents(*again), c.want);
  }
}

// Every type and encoding, at sizes on both sides of each conversion.
std::vector<ObjectPtr> Assorted(const EncodingLimits& limits) {
  std::vector<ObjectPtr> out;
  for (std::string s : {std::string(), std::string("0"), std::string("-1"),
                        std::string("9223372036854775807"), std::string("2147483648"),
                        std::string("007"), std::string(44, 'e'), std::string(5000, 'r'),
                        std::string("\0\xff\n", 3)}) {
    out.emplace_back(StringObject::Create(s));
  }
  for (size_t n : {1, 2, 127, 128, 129, 600, 5000}) {
    auto* h = new HashObject();
    auto* s = new SetObject();
    auto* t = new SetObject();
    auto* z = new ZSetObject();
    auto* l = new ListObject();
    for (size_t i = 0; i < n; ++i) {
      std::string f = absl::StrCat("f", i);
      h->Set(f, i % 3 == 0 ? std::string(i % 100, 'v') : absl::StrCat(i * 7919), limits);
      s->Add(absl::StrCat(static_cast<int64_t>(i) * (i % 2 ? -1 : 1) * 104729), limits);
      t->Add(f, limits);
      double score = i % 5 == 0 ? -static_cast<double>(i) / 3 : static_cast<double>(i) * 1e10;
      if (i == 1) score = INFINITY;
      if (i == 2) score = -INFINITY;
      z->Add(f, score, 0, limits);
      l->PushBack(i % 4 == 0 ? std::string(i % 300, 'l') : absl::StrCat(i, "x"), -2);
    }
    out.emplace_back(h);
    out.emplace_back(s);
    out.emplace_back(t);
    out.emplace_back(z);
    out.emplace_back(l);
  }
  auto* wide = new HashObject();
  wide->Set("long", std::string(65, 'w'), limits);  // past hash-max-listpack-value
  out.emplace_back(wide);
  return out;
}

TEST(ValueCodecTest, EveryEncodingRoundTripsWithAndWithoutCompression) {
  EncodingLimits limits;
  for (bool compress : {false, true}) {
    SaveOptions options;
    options.compress = compress;
    for (const ObjectPtr& obj : Assorted(limits)) {
      ObjectPtr back = Restore(DumpPayload(*obj, options), limits);
      ASSERT_NE(back, nullptr);
      EXPECT_EQ(back->type, obj->type);
      EXPECT_EQ(back->encoding, obj->encoding) << engine::EncodingName(obj->encoding);
      EXPECT_EQ(Contents(*back), Contents(*obj));
    }
  }
}

TEST(ValueCodecTest, LoadingAppliesTheLimitsInForce) {
  EncodingLimits small;
  small.hash_max_listpack_entries = 2;
  small.zset_max_listpack_entries = 2;
  small.set_max_intset_entries = 2;
  EncodingLimits defaults;
  auto* h = new HashObject();
  auto* z = new ZSetObject();
  auto* s = new SetObject();
  for (int i = 0; i < 3; ++i) {
    h->Set(absl::StrCat(i), "v", defaults);
    z->Add(absl::StrCat(i), i, 0, defaults);
    s->Add(absl::StrCat(i), defaults);
  }
  for (Object* raw : std::initializer_list<Object*>{h, z, s}) {
    ObjectPtr obj(raw);
    ObjectPtr back = Restore(DumpPayload(*obj, SaveOptions{}), small);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(Contents(*back), Contents(*obj));
    EXPECT_NE(back->encoding, obj->encoding);
  }
}

TEST(ValueCodecTest, ScoreTextIsRedisD2string) {
  EXPECT_EQ(ScoreText(1), "1");
  EXPECT_EQ(ScoreText(-0.0), "-0");
  EXPECT_EQ(ScoreText(0.0), "0");
  EXPECT_EQ(ScoreText(2.5), "2.5");
  EXPECT_EQ(ScoreText(-0.1), "-0.10000000000000001");
  EXPECT_EQ(ScoreText(INFINITY), "inf");
  EXPECT_EQ(ScoreText(-INFINITY), "-inf");
  EXPECT_EQ(ScoreText(4503599627370495.0), "4503599627370495");
  EXPECT_EQ(ScoreText(4503599627370496.0), "4503599627370496");  // %.17g
  EXPECT_EQ(ScoreText(1e300), "1.0000000000000001e+300");
}

TEST(ValueCodecTest, RestoreRefusesWhatRedisRefuses) {
  Object* obj = nullptr;
  std::string error;
  std::string good = Hex("000568656c6c6f0a006372df766534200a");
  std::string bad_crc = good;
  bad_crc.back() ^= 1;
  EXPECT_FALSE(RestorePayload(bad_crc, EncodingLimits{}, &obj, &error));
  EXPECT_EQ(error, "ERR DUMP payload version or checksum are wrong");
  std::string newer = good;
  newer[newer.size() - 10] = 11;  // RDB version 11
  EXPECT_FALSE(RestorePayload(newer, EncodingLimits{}, &obj, &error));
  EXPECT_EQ(error, "ERR DUMP payload version or checksum are wrong");
  // A valid footer over a value with trailing bytes: Redis 7.0.15 restores
  // the value and ignores them.
  std::string trailing = good.substr(0, good.size() - 10) + "x";
  AppendDumpFooter(&trailing);
  ASSERT_TRUE(RestorePayload(trailing, EncodingLimits{}, &obj, &error)) << error;
  EXPECT_EQ(Contents(*obj), std::vector<std::string>{"hello"});
  engine::DestroyObject(obj);
  obj = nullptr;
  // An empty set (Redis keeps none).
  std::string empty("\x02\x00", 2);
  AppendDumpFooter(&empty);
  EXPECT_FALSE(RestorePayload(empty, EncodingLimits{}, &obj, &error));
  EXPECT_EQ(error, "ERR Bad data format");
}

}  // namespace
}  // namespace rdb
