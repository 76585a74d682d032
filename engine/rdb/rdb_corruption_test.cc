// Whatever the bytes, the codec answers "corrupt" or decodes something: it
// never reads outside its input, never asserts, never allocates what a
// corrupt length claims. Run under ASan too (rdb_corruption_test_asan).
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/hash_object.h"
#include "engine/list_object.h"
#include "engine/rdb/crc64.h"
#include "engine/rdb/rdb_reader.h"
#include "engine/rdb/rdb_records.h"
#include "engine/rdb/rdb_string.h"
#include "engine/set_object.h"
#include "engine/zset_object.h"
#include "gtest/gtest.h"

namespace rdb {
namespace {

std::vector<std::string> ValueBodies() {
  engine::EncodingLimits limits;
  std::vector<engine::Object*> objs;
  objs.push_back(engine::StringObject::Create(std::string(300, 'q')));
  auto* h = new engine::HashObject();
  auto* big = new engine::HashObject();
  auto* s = new engine::SetObject();
  auto* t = new engine::SetObject();
  auto* z = new engine::ZSetObject();
  auto* y = new engine::ZSetObject();
  auto* l = new engine::ListObject();
  for (int i = 0; i < 40; ++i) {
    h->Set(absl::StrCat("f", i), absl::StrCat(i * 1000003), limits);
    s->Add(absl::StrCat(i * -70001), limits);
    t->Add(absl::StrCat("m", i), limits);
    z->Add(absl::StrCat("z", i), i * 0.5, 0, limits);
    l->PushBack(i % 2 ? absl::StrCat(i) : std::string(i * 10, 'l'), -2);
  }
  for (int i = 0; i < 200; ++i) {
    big->Set(absl::StrCat("field", i), "v", limits);
    y->Add(absl::StrCat("y", i), i * 1e-3, 0, limits);
  }
  for (auto* o : {static_cast<engine::Object*>(h), static_cast<engine::Object*>(big),
                  static_cast<engine::Object*>(s), static_cast<engine::Object*>(t),
                  static_cast<engine::Object*>(z), static_cast<engine::Object*>(y),
                  static_cast<engine::Object*>(l)}) {
    objs.push_back(o);
  }
  std::vector<std::string> bodies;
  for (bool compress : {false, true}) {
    SaveOptions options;
    options.compress = compress;
    for (engine::Object* o : objs) {
      std::string body(1, '\0');  // the type, known once the value is written
      body[0] = static_cast<char>(SaveValue(*o, options, &body));
      bodies.push_back(body);
    }
  }
  for (engine::Object* o : objs) engine::DestroyObject(o);
  return bodies;
}

// Decodes as RESTORE does; the result does not matter, surviving does.
void Decode(std::string_view body) {
  if (body.empty()) return;
  size_t pos = 1;
  engine::Object* obj = nullptr;
  std::string error;
  engine::EncodingLimits limits;
  if (LoadValue(static_cast<uint8_t>(body[0]), body, &pos, limits, &obj, &error) ==
      LoadStatus::kOk) {
    EXPECT_LE(pos, body.size());
    engine::DestroyObject(obj);
  }
  size_t skip = 1;
  if (SkipValue(static_cast<uint8_t>(body[0]), body, &skip)) EXPECT_LE(skip, body.size());
}

TEST(RdbCorruptionTest, EveryTruncationOfEveryEncoding) {
  for (const std::string& body : ValueBodies()) {
    for (size_t cut = 0; cut < body.size(); ++cut) {
      std::string_view part(body.data(), cut);
      size_t pos = 1;
      engine::Object* obj = nullptr;
      std::string error;
      if (cut == 0) continue;
      // A prefix of a value never decodes to a whole one.
      LoadStatus st = LoadValue(static_cast<uint8_t>(part[0]), part, &pos,
                                engine::EncodingLimits{}, &obj, &error);
      if (st == LoadStatus::kOk) {
        engine::DestroyObject(obj);
        ADD_FAILURE() << "prefix of " << cut << "/" << body.size() << " decoded";
      }
    }
  }
}

TEST(RdbCorruptionTest, RandomMutationsNeverCrash) {
  std::mt19937_64 rng(12345);
  const uint8_t interesting[] = {0x00, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xc0, 0xc3,
                                 0xdf, 0xe0, 0xf0, 0xf1, 0xf4, 0xfe, 0xff};
  std::vector<std::string> bodies = ValueBodies();
  for (int round = 0; round < 20000; ++round) {
    std::string body = bodies[rng() % bodies.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0:
          body[at] ^= static_cast<char>(1 << (rng() % 8));
          break;
        case 1:
          body[at] = static_cast<char>(interesting[rng() % sizeof(interesting)]);
          break;
        case 2:
          body.erase(at, 1 + rng() % 8);
          break;
        default:
          body.insert(at, 1 + rng() % 4, static_cast<char>(rng()));
          break;
      }
      if (body.empty()) body = "\x00";
    }
    Decode(body);
  }
}

TEST(RdbCorruptionTest, CompressedLengthsMustBePlausible) {
  // Found by tools/fuzz_rdb.sh: a 1-byte LZF body claiming 4 GB once made
  // the reader allocate the claim. LZF expands at most 88 times.
  std::string s("\xc3\x01\x80\xff\xff\xff\xff\xff", 8);
  size_t pos = 0;
  std::string out;
  EXPECT_FALSE(ReadString(s, &pos, &out));
  EXPECT_EQ(out.capacity() < 1024, true);
}

TEST(RdbCorruptionTest, FileReaderSurvivesMutations) {
  std::string file;
  AppendHeader(&file);
  AppendAux(&file, "redis-ver", "7.0.15");
  AppendSelectDb(&file, 0);
  for (const std::string& body : ValueBodies()) {
    file.push_back(body[0]);
    AppendString(&file, "key");
    file.append(body, 1);
  }
  AppendEof(&file);
  AppendChecksum(&file, Crc64(0, file));
  std::mt19937_64 rng(99);
  for (int round = 0; round < 3000; ++round) {
    std::string f = file;
    for (int e = 0; e < 3; ++e) f[9 + rng() % (f.size() - 9)] = static_cast<char>(rng());
    if (round % 3 == 0) f.resize(rng() % f.size());
    RdbReader reader(f);
    if (!reader.ReadHeader()) continue;
    RdbRecord r;
    while (reader.Next(&r)) {
      if (r.kind == RdbRecord::kKey) {
        std::string body(1, static_cast<char>(r.type));
        body.append(r.payload);
        Decode(body);
      }
    }
    // A changed byte is caught by the value checks or, at the latest, the
    // checksum.
    EXPECT_FALSE(reader.done() && reader.error().empty() && f.size() == file.size() && f != file);
  }
}

}  // namespace
}  // namespace rdb
