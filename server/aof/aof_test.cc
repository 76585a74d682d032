#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/aof/append_log.h"
#include "server/aof/command_reader.h"
#include "server/aof/manifest.h"

namespace aof {
namespace {

std::string TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(base != nullptr ? base : "/tmp", "/aof-", getpid(), "-",
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::string cmd = absl::StrCat("rm -rf '", dir, "' && mkdir -p '", dir, "'");
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> ReadCommands(std::string_view bytes,
                                                   CommandReader::Result* last) {
  CommandReader reader(bytes);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> argv;
  while ((*last = reader.Next(&argv)) == CommandReader::Result::kCommand) {
    out.emplace_back(argv.begin(), argv.end());
  }
  return out;
}

using Cmd = std::vector<std::string>;

TEST(CommandReaderTest, ReadsCommandsAndAnnotations) {
  std::string bytes = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n"
                      "$1\r\nk\r\n$0\r\n\r\n";
  CommandReader::Result last;
  auto cmds = ReadCommands(bytes, &last);
  EXPECT_EQ(last, CommandReader::Result::kEnd);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0], (Cmd{"SELECT", "0"}));
  EXPECT_EQ(cmds[1], (Cmd{"SET", "k", ""}));
}

TEST(CommandReaderTest, EveryTruncationIsTruncatedAtTheLastWholeCommand) {
  std::string one = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  std::string bytes = one + one;
  for (size_t cut = one.size() + 1; cut < bytes.size(); ++cut) {
    CommandReader reader(std::string_view(bytes).substr(0, cut));
    std::vector<std::string_view> argv;
    ASSERT_EQ(reader.Next(&argv), CommandReader::Result::kCommand);
    EXPECT_EQ(reader.Next(&argv), CommandReader::Result::kTruncated) << cut;
    EXPECT_EQ(reader.valid_up_to(), one.size());
  }
}

TEST(CommandReaderTest, RefusesWhatIsNotACommand) {
  for (std::string bad : {"SET k v\r\n", "*0\r\n", "*-1\r\n", "*1\r\n+OK\r\n", "*1\r\n$x\r\n",
                          "*1\r\n$1\r\nab\r\n", "*1\r\n$-1\r\n", "*99999999999999999999\r\n"}) {
    CommandReader reader(bad);
    std::vector<std::string_view> argv;
    EXPECT_EQ(reader.Next(&argv), CommandReader::Result::kBadFormat) << bad;
  }
}

TEST(ManifestTest, FormatsAndParsesAsRedis) {
  Manifest m;
  EXPECT_EQ(m.NewBase("appendonly.aof", true), "appendonly.aof.1.base.rdb");
  EXPECT_EQ(m.NewIncr("appendonly.aof"), "appendonly.aof.1.incr.aof");
  EXPECT_EQ(m.Format(),
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  // A rewrite: a new incr file, then a new base; the old ones are history.
  m.NewIncr("appendonly.aof");
  m.NewBase("appendonly.aof", true);
  m.MarkRewrittenIncrAsHistory();
  EXPECT_EQ(m.Format(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.1.base.rdb seq 1 type h\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
  Manifest back;
  ASSERT_TRUE(Manifest::Parse(m.Format(), &back).ok());
  EXPECT_EQ(back.Format(), m.Format());
  EXPECT_EQ(back.base_seq, 2);
  EXPECT_EQ(back.incr_seq, 2);
  EXPECT_EQ(back.history.size(), 2u);
}

TEST(ManifestTest, QuotesNamesThatNeedIt) {
  Manifest m;
  m.NewIncr("my file \"x\"");
  EXPECT_EQ(m.Format(), "file \"my file \\\"x\\\".1.incr.aof\" seq 1 type i\n");
  Manifest back;
  ASSERT_TRUE(Manifest::Parse(m.Format(), &back).ok());
  EXPECT_EQ(back.incr[0].name, "my file \"x\".1.incr.aof");
}

TEST(ManifestTest, RefusesWhatRedisRefuses) {
  Manifest m;
  auto error = [&](std::string text) {
    absl::Status st = Manifest::Parse(text, &m);
    return st.ok() ? std::string("ok") : std::string(st.message());
  };
  EXPECT_NE(error("").find("Found an empty AOF manifest"), std::string::npos);
  EXPECT_NE(error("file a seq 1\n").find("Invalid AOF manifest file format"), std::string::npos);
  EXPECT_NE(error("file a seq 1 type i").find("too long line"), std::string::npos);
  EXPECT_NE(error("file a/b seq 1 type i\n").find("just a filename"), std::string::npos);
  EXPECT_NE(error("file a seq 1 type b\nfile b seq 2 type b\n").find("duplicate base"),
            std::string::npos);
  EXPECT_NE(error("file a seq 2 type i\nfile b seq 2 type i\n").find("non-monotonic"),
            std::string::npos);
  EXPECT_NE(error("file a seq 1 type x\n").find("Unknown AOF file type"), std::string::npos);
  EXPECT_NE(error("file a seq 0 type i\n").find("Invalid"), std::string::npos);
  EXPECT_EQ(error("# comment\nfile a seq 1 type i extra 1\n"), "ok");
}

TEST(ManifestTest, WritesAndReadsTheFile) {
  std::string dir = TempDir();
  Manifest m;
  EXPECT_TRUE(absl::IsNotFound(ReadManifest(dir, "appendonly.aof.manifest", &m)));
  m.NewBase("appendonly.aof", true);
  m.NewIncr("appendonly.aof");
  ASSERT_TRUE(WriteManifest(dir, ManifestName("appendonly.aof"), m).ok());
  Manifest back;
  ASSERT_TRUE(ReadManifest(dir, "appendonly.aof.manifest", &back).ok());
  EXPECT_EQ(back.Format(), m.Format());
  EXPECT_NE(access((dir + "/temp-appendonly.aof.manifest").c_str(), F_OK), 0);
}

TEST(AppendLogTest, WritesSelectsAndAtomicBlocks) {
  std::string dir = TempDir();
  std::string path = dir + "/a.aof";
  for (FsyncPolicy policy : {FsyncPolicy::kAlways, FsyncPolicy::kEverySec, FsyncPolicy::kNo}) {
    unlink(path.c_str());
    AppendLog log;
    ASSERT_TRUE(log.Open(path, policy).ok());
    std::string_view set[] = {"SET", "k", "v"};
    log.Add(0, set);
    log.Add(0, set);
    log.Add(3, set);
    server::LoggedCommand a{3, {"INCR", "n"}}, b{5, {"DEL", "x"}};
    log.AddAtomic({a, b});
    if (policy == FsyncPolicy::kAlways) {
      EXPECT_TRUE(log.unsynced());
      log.SyncNow();
      EXPECT_FALSE(log.unsynced());
    }
    log.Close();
    CommandReader::Result last;
    auto cmds = ReadCommands(ReadAll(path), &last);
    EXPECT_EQ(last, CommandReader::Result::kEnd);
    std::vector<Cmd> expected = {{"SELECT", "0"}, {"SET", "k", "v"}, {"SET", "k", "v"},
                                 {"SELECT", "3"}, {"SET", "k", "v"}, {"MULTI"},
                                 {"INCR", "n"},   {"SELECT", "5"},   {"DEL", "x"},
                                 {"EXEC"}};
    EXPECT_EQ(cmds, expected) << FsyncPolicyName(policy);
  }
}

TEST(AppendLogTest, ReopenAppendsAndSwitchStartsWithSelect) {
  std::string dir = TempDir();
  std::string first = dir + "/1.aof", second = dir + "/2.aof";
  std::string_view set[] = {"SET", "k", "v"};
  {
    AppendLog log;
    ASSERT_TRUE(log.Open(first, FsyncPolicy::kEverySec).ok());
    log.Add(2, set);
  }
  AppendLog log;
  ASSERT_TRUE(log.Open(first, FsyncPolicy::kEverySec).ok());
  EXPECT_EQ(log.file_size(), ReadAll(first).size());
  log.Add(2, set);
  ASSERT_TRUE(log.SwitchTo(second).ok());
  EXPECT_EQ(log.file_size(), 0u);
  log.Add(2, set);
  log.Close();
  CommandReader::Result last;
  EXPECT_EQ(ReadCommands(ReadAll(first), &last),
            (std::vector<Cmd>{{"SELECT", "2"}, {"SET", "k", "v"}, {"SELECT", "2"}, {"SET", "k", "v"}}));
  EXPECT_EQ(ReadCommands(ReadAll(second), &last),
            (std::vector<Cmd>{{"SELECT", "2"}, {"SET", "k", "v"}}));
}

// Many threads append (some as always-fsync workers would) while the writer
// runs: every command is in the file once, whole, each thread's in order.
TEST(AppendLogTest, ConcurrentAppendersKeepEachThreadsOrder) {
  std::string dir = TempDir();
  std::string path = dir + "/c.aof";
  AppendLog log;
  ASSERT_TRUE(log.Open(path, FsyncPolicy::kEverySec).ok());
  constexpr int kThreads = 4, kEach = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string key = absl::StrCat("t", t), value = absl::StrCat(i);
        std::string_view argv[] = {"RPUSH", key, value};
        log.Add(t, argv);
        if (i % 100 == 0) log.Poke();
        if (t == 0 && i % 500 == 0) log.SyncNow();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  log.Close();
  CommandReader::Result last;
  auto cmds = ReadCommands(ReadAll(path), &last);
  EXPECT_EQ(last, CommandReader::Result::kEnd);
  std::vector<int> next(kThreads, 0);
  int db = -1;
  for (const Cmd& c : cmds) {
    if (c[0] == "SELECT") {
      db = std::stoi(c[1]);
      continue;
    }
    ASSERT_EQ(c.size(), 3u);
    int t = std::stoi(c[1].substr(1));
    EXPECT_EQ(t, db);  // each command follows its own db's SELECT
    EXPECT_EQ(std::stoi(c[2]), next[t]++);
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kEach);
}

}  // namespace
}  // namespace aof
