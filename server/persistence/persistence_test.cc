#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/rdb/rdb_records.h"
#include "gtest/gtest.h"
#include "server/persistence/rdb_file_loader.h"
#include "server/persistence/save_points.h"
#include "server/persistence/snapshot_file.h"

namespace persistence {
namespace {

TEST(SavePointsTest, ParseFormatAndDue) {
  std::vector<SavePoint> points;
  ASSERT_TRUE(ParseSavePoints(kDefaultSavePoints, &points));
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(FormatSavePoints(points), "3600 1 300 100 60 10000");
  EXPECT_TRUE(ParseSavePoints("", &points));
  EXPECT_TRUE(points.empty());
  EXPECT_FALSE(ParseSavePoints("10", &points));
  EXPECT_FALSE(ParseSavePoints("0 1", &points));
  EXPECT_FALSE(ParseSavePoints("10 -1", &points));
  EXPECT_FALSE(ParseSavePoints("ten 1", &points));
  ASSERT_TRUE(ParseSavePoints("60 10", &points));
  EXPECT_FALSE(SaveDue(points, 1000, 1000 - 60, 10, 0, true));   // not past 60 s
  EXPECT_TRUE(SaveDue(points, 1000, 1000 - 61, 10, 0, true));
  EXPECT_FALSE(SaveDue(points, 1000, 1000 - 61, 9, 0, true));    // too few changes
  EXPECT_FALSE(SaveDue(points, 1000, 1000 - 61, 10, 997, false));  // retry after 5 s
  EXPECT_TRUE(SaveDue(points, 1000, 1000 - 61, 10, 994, false));
}

class SnapshotFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/snapshot_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& f : Files()) unlink((dir_ + "/" + f).c_str());
    rmdir(dir_.c_str());
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> out;
    DIR* d = opendir(dir_.c_str());
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    }
    closedir(d);
    return out;
  }
  absl::Status Write(const std::vector<std::string>& chunks, bool abandon, bool checksum = true) {
    SnapshotFile file;
    std::string prologue;
    rdb::AppendHeader(&prologue);
    absl::Status st = file.Open(dir_, "dump.rdb", prologue, checksum);
    if (!st.ok()) return st;
    for (const std::string& c : chunks) file.Push(c);
    std::promise<absl::Status> done;
    file.Finish([&](absl::Status s, uint64_t) { done.set_value(s); }, abandon);
    return done.get_future().get();
  }
  std::map<std::string, std::string> Load(absl::Status* st) {
    std::map<std::string, std::string> out;
    LoadStats stats;
    LoadSinks sinks;
    sinks.key = [&](int db, const rdb::RdbRecord& r, engine::Object* obj) {
      char scratch[24];
      out[absl::StrCat(db, ":", r.key)] =
          std::string(static_cast<engine::StringObject*>(obj)->View(scratch));
      engine::DestroyObject(obj);
    };
    *st = LoadRdbFile(dir_ + "/dump.rdb", 1000, 16, engine::EncodingLimits{}, sinks, &stats);
    return out;
  }
  std::string dir_;
};

std::string Chunk(int db, const std::string& key, const std::string& value, int64_t expire = 0) {
  std::string c;
  rdb::AppendSelectDb(&c, db);
  engine::StringObject* s = engine::StringObject::Create(value);
  rdb::KeyMeta meta;
  meta.expire_ms = expire;
  rdb::AppendKey(&c, key, *s, meta, rdb::SaveOptions{});
  engine::StringObject::Destroy(s);
  return c;
}

TEST_F(SnapshotFileTest, WritesRenamesAndLoads) {
  for (bool checksum : {true, false}) {
    ASSERT_TRUE(Write({Chunk(0, "a", "1"), Chunk(2, "b", "2"), Chunk(0, "c", "3"),
                       Chunk(0, "old", "x", 999)},
                      false, checksum)
                    .ok());
    EXPECT_EQ(Files(), std::vector<std::string>{"dump.rdb"});
    absl::Status st;
    auto keys = Load(&st);
    ASSERT_TRUE(st.ok()) << st;
    EXPECT_EQ(keys, (std::map<std::string, std::string>{{"0:a", "1"}, {"2:b", "2"}, {"0:c", "3"}}));
  }
}

TEST_F(SnapshotFileTest, AbandonedLeavesTheOldFile) {
  ASSERT_TRUE(Write({Chunk(0, "a", "old")}, false).ok());
  EXPECT_FALSE(Write({Chunk(0, "a", "new")}, true).ok());
  EXPECT_EQ(Files(), std::vector<std::string>{"dump.rdb"});
  absl::Status st;
  EXPECT_EQ(Load(&st)["0:a"], "old");
}

TEST_F(SnapshotFileTest, BadFilesAreRefusedWithTheOffset) {
  absl::Status st;
  Load(&st);
  EXPECT_TRUE(absl::IsNotFound(st));
  ASSERT_TRUE(Write({Chunk(0, "a", "1"), Chunk(0, "b", "2")}, false).ok());
  std::string path = dir_ + "/dump.rdb";
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string whole = buf.str();
  for (size_t cut : {size_t{3}, size_t{12}, whole.size() - 9, whole.size() - 1}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << whole.substr(0, cut);
    Load(&st);
    EXPECT_FALSE(st.ok()) << cut;
    EXPECT_TRUE(absl::StrContains(st.message(), "offset")) << st;
  }
  std::string bad_db = whole;
  bad_db[10] = 20;  // SELECTDB 20 of 16
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bad_db;
  Load(&st);
  EXPECT_TRUE(absl::StrContains(st.message(), "more than 16 databases")) << st;
  EXPECT_FALSE(SnapshotFile().Open("/nonexistent/dir", "dump.rdb", "", true).ok());
}

}  // namespace
}  // namespace persistence
