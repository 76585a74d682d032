#include "engine/rdb/shard_snapshot.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/list_object.h"
#include "engine/rdb/crc64.h"
#include "engine/rdb/rdb_reader.h"
#include "engine/runtime.h"
#include "engine/shard_set.h"
#include "gtest/gtest.h"

namespace rdb {
namespace {

using Contents = std::map<std::pair<uint64_t, std::string>, std::string>;

std::string Text(const engine::Object* obj) {
  char scratch[24];
  if (obj->type == engine::ObjectType::kString) {
    return std::string(static_cast<const engine::StringObject*>(obj)->View(scratch));
  }
  std::string out = "list:";
  static_cast<const engine::ListObject*>(obj)->VisitFrom(0, [&](size_t, std::string_view v) {
    out += std::string(v) + ",";
    return true;
  });
  return out;
}

// What a file made of the chunks holds, key by key.
Contents Parse(const std::string& chunks) {
  std::string file;
  AppendHeader(&file);
  file += chunks;
  AppendEof(&file);
  AppendChecksum(&file, Crc64(0, file));
  RdbReader reader(file);
  EXPECT_TRUE(reader.ReadHeader());
  Contents out;
  RdbRecord r;
  uint64_t db = 0;
  while (reader.Next(&r)) {
    if (r.kind == RdbRecord::kSelectDb) db = r.db;
    if (r.kind != RdbRecord::kKey) continue;
    engine::Object* obj = nullptr;
    std::string error;
    size_t pos = 0;
    EXPECT_EQ(LoadValue(r.type, r.payload, &pos, engine::EncodingLimits{}, &obj, &error),
              LoadStatus::kOk);
    EXPECT_TRUE(out.emplace(std::make_pair(db, r.key), Text(obj)).second) << "twice: " << r.key;
    engine::DestroyObject(obj);
  }
  EXPECT_TRUE(reader.done()) << reader.error();
  return out;
}

Contents Current(engine::Shard& shard, int64_t now) {
  Contents out;
  for (int i = 0; i < shard.num_dbs(); ++i) {
    shard.db(i).ForEach(now, [&](std::string_view key, engine::Entry& e) {
      out[{static_cast<uint64_t>(i), std::string(key)}] = Text(e.obj.load());
    });
  }
  return out;
}

TEST(ShardSnapshotTest, IsThePointInTimeWhateverChangesMeanwhile) {
  engine::ShardSet set(1);
  engine::CdsThreadScope scope;
  engine::Shard& shard = set.shard(0);
  const int64_t now = 1000;
  for (int i = 0; i < 5000; ++i) {
    shard.db(i % 3).Set(absl::StrCat("k", i), engine::StringObject::Create(absl::StrCat(i)), 0,
                        false, now);
  }
  auto* list = new engine::ListObject();
  list->PushBack("a", -2);
  shard.db(0).Insert("list", list);
  shard.db(1).Set("gone", engine::StringObject::Create("x"), now - 1, false, now - 10);
  Contents before = Current(shard, now);
  ASSERT_EQ(before.size(), 5001u);

  std::string chunks;
  int chunk_count = 0;
  ShardSnapshot snap(shard, SaveOptions{}, ShardSnapshot::EvictionData::kNone,
                     [&](std::string c) {
                       chunks += c;
                       ++chunk_count;
                     },
                     4096);
  snap.Begin(now);
  int round = 0;
  while (!snap.Step(7)) {
    // Meanwhile: overwrite, delete, create, change a list in place, flush.
    ++round;
    engine::Db& db = shard.db(round % 3);
    db.Set(absl::StrCat("k", round * 3 + round % 3), engine::StringObject::Create("new"), 0,
           false, now);
    db.Erase(absl::StrCat("k", (round * 7) % 5000));
    db.Set(absl::StrCat("fresh", round), engine::StringObject::Create("f"), 0, false, now);
    if (engine::KeyRef ref = shard.db(0).Find("list", now)) {
      static_cast<engine::ListObject*>(ref.obj())->PushBack(absl::StrCat(round), -2);
    }
    if (round == 300) shard.db(2).Clear();
  }
  EXPECT_GT(round, 100);
  EXPECT_GT(chunk_count, 5);
  EXPECT_EQ(Parse(chunks), before);
  EXPECT_EQ(snap.keys_saved(), 5001u);

  // The next snapshot starts from every key again, the new ones included.
  Contents now_state = Current(shard, now);
  std::string second;
  ShardSnapshot again(shard, SaveOptions{}, ShardSnapshot::EvictionData::kNone,
                      [&](std::string c) { second += c; });
  again.Begin(now);
  while (!again.Step(1000)) {
  }
  EXPECT_EQ(Parse(second), now_state);
}

TEST(ShardSnapshotTest, AbortLeavesTheNextSnapshotWhole) {
  engine::ShardSet set(1);
  engine::CdsThreadScope scope;
  engine::Shard& shard = set.shard(0);
  for (int i = 0; i < 1000; ++i) {
    shard.db(0).Set(absl::StrCat(i), engine::StringObject::Create("v"), 0, false, 1);
  }
  {
    ShardSnapshot snap(shard, SaveOptions{}, ShardSnapshot::EvictionData::kNone,
                       [](std::string) {}, 64);
    snap.Begin(1);
    snap.Step(10);
    snap.Abort();
  }
  std::string out;
  ShardSnapshot snap(shard, SaveOptions{}, ShardSnapshot::EvictionData::kNone,
                     [&](std::string c) { out += c; });
  snap.Begin(1);
  while (!snap.Step(100)) {
  }
  EXPECT_EQ(Parse(out).size(), 1000u);
}

}  // namespace
}  // namespace rdb
