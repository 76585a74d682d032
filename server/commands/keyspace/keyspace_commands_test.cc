// Keyspace commands in-process against a 3-worker server: SCAN's cursor
// across shards, active expiry, databases, cross-shard RENAME/COPY.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class KeyspaceCommandsTest : public CommandFixture {
 protected:
  // Runs a full SCAN with the given options; returns every key seen.
  std::multiset<std::string> ScanAll(std::vector<std::string> options) {
    std::multiset<std::string> seen;
    std::string cursor = "0";
    for (int calls = 0; calls < 100000; ++calls) {
      std::vector<std::string> cmd = {"scan", cursor};
      cmd.insert(cmd.end(), options.begin(), options.end());
      resp::Value reply = RunValue(cmd);
      EXPECT_EQ(reply.elements.size(), 2u);
      if (reply.elements.size() != 2) break;
      for (const resp::Value& k : reply.elements[1].elements) seen.insert(k.str);
      cursor = reply.elements[0].str;
      if (cursor == "0") break;
    }
    return seen;
  }
};

TEST_F(KeyspaceCommandsTest, ScanVisitsEveryKeyOfEveryShard) {
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < 1000; ++i) {
    mset.push_back("key:" + std::to_string(i));
    mset.push_back("v");
  }
  ASSERT_EQ(Run(mset), "+\"OK\"");
  EXPECT_EQ(Run({"rpush", "a-list", "x"}), ":1");
  std::multiset<std::string> all = ScanAll({"COUNT", "37"});
  EXPECT_EQ(all.size(), 1001u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 1001u);  // no duplicates here
  std::multiset<std::string> matched = ScanAll({"MATCH", "key:1*"});
  EXPECT_EQ(matched.size(), 111u);  // 1, 10-19, 100-199
  std::multiset<std::string> lists = ScanAll({"TYPE", "list"});
  EXPECT_EQ(lists, (std::multiset<std::string>{"a-list"}));
  EXPECT_EQ(Run({"scan", "abc"}), "-\"ERR invalid cursor\"");
  EXPECT_EQ(Run({"scan", "0", "COUNT", "0"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"scan", "0", "MATCH"}), "-\"ERR syntax error\"");
}

TEST_F(KeyspaceCommandsTest, ActiveExpiryRemovesKeysNobodyReads) {
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Run({"set", "t" + std::to_string(i), "v", "PX", "30"}), "+\"OK\"");
  }
  EXPECT_EQ(Run({"set", "persistent", "v"}), "+\"OK\"");
  // No reads of the t* keys: only the 10 Hz cycle can delete them.
  std::string dbsize;
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    dbsize = Run({"dbsize"});
    if (dbsize == ":1") break;
  }
  EXPECT_EQ(dbsize, ":1");
  resp::Value info = RunValue({"info", "stats"});
  EXPECT_NE(info.str.find("expired_keys:200"), std::string::npos) << info.str;
}

TEST_F(KeyspaceCommandsTest, DatabasesAreIsolatedAndSwap) {
  EXPECT_EQ(Run({"set", "k", "db0"}), "+\"OK\"");
  EXPECT_EQ(Run({"select", "3"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}), "nil");
  EXPECT_EQ(Run({"set", "k", "db3"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}, 1), "\"db0\"");  // another connection, still in db 0
  EXPECT_EQ(Run({"swapdb", "0", "3"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}, 1), "\"db3\"");
  EXPECT_EQ(Run({"get", "k"}), "\"db0\"");
  EXPECT_EQ(Run({"move", "k", "0"}), ":0");  // exists there already
  EXPECT_EQ(Run({"flushdb"}), "+\"OK\"");
  EXPECT_EQ(Run({"dbsize"}, 1), ":1");
}

TEST_F(KeyspaceCommandsTest, RenameAndCopyAcrossShardsKeepValueAndTtl) {
  // Keys without a hashtag spread over shards; try many pairs so some cross.
  for (int i = 0; i < 30; ++i) {
    std::string src = "src" + std::to_string(i), dst = "dst" + std::to_string(i);
    ASSERT_EQ(Run({"set", src, "v" + std::to_string(i), "EX", "1000"}), "+\"OK\"");
    EXPECT_EQ(Run({"rename", src, dst}), "+\"OK\"");
    EXPECT_EQ(Run({"exists", src}), ":0");
    EXPECT_EQ(Run({"get", dst}), "\"v" + std::to_string(i) + "\"");
    EXPECT_GT(RunValue({"ttl", dst}).integer, 990);
    EXPECT_EQ(Run({"copy", dst, src}), ":1");
    EXPECT_EQ(Run({"get", src}), "\"v" + std::to_string(i) + "\"");
  }
  EXPECT_EQ(Run({"rename", "nothere", "x"}), "-\"ERR no such key\"");
}

// A read of a key whose TTL passed but that is still stored, from a worker
// that owns it or not (the read fast path then leaves it to its owner):
// "expired" comes before "keymiss", as in Redis, and the key is gone.
TEST_F(KeyspaceCommandsTest, ReadOfAnExpiredKeyRaisesExpiredThenKeymiss) {
  ASSERT_EQ(Run({"config", "set", "notify-keyspace-events", "Exm"}), "+\"OK\"");
  Run({"psubscribe", "__keyevent@0__:*"}, 1);
  for (const std::string& key : KeysOnDistinctShards("exp", 3)) {
    for (std::string read : {"get", "strlen", "type", "ttl", "exists"}) {
      ASSERT_EQ(Run({"set", key, "v", "pxat", "1"}), "+\"OK\"");
      Run({read, key});
      EXPECT_EQ(Receive(1), absl::StrCat("[\"pmessage\", \"__keyevent@0__:*\", "
                                         "\"__keyevent@0__:expired\", \"",
                                         key, "\"]"))
          << read;
      EXPECT_EQ(Receive(1), absl::StrCat("[\"pmessage\", \"__keyevent@0__:*\", "
                                         "\"__keyevent@0__:keymiss\", \"",
                                         key, "\"]"))
          << read;
    }
  }
  EXPECT_EQ(Run({"dbsize"}), ":0");
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", ""}), "+\"OK\"");
}

TEST_F(KeyspaceCommandsTest, ScanTakesAnyCursorRedisTakes) {
  for (int i = 0; i < 20; ++i) Run({"set", absl::StrCat("key", i), "v"});
  for (std::string cursor : {"-1", "2147483647", "9223372036854775807", "18446744073709551615"}) {
    resp::Value reply = RunValue({"scan", cursor});
    ASSERT_EQ(reply.elements.size(), 2u) << cursor;
  }
  EXPECT_EQ(Run({"scan", "18446744073709551616"}), "-\"ERR invalid cursor\"");
}

TEST_F(KeyspaceCommandsTest, CommandListsSubcommandsAsRedis) {
  resp::Value all = RunValue({"command", "list"});
  auto has = [&](const std::string& name) {
    for (const resp::Value& v : all.elements) {
      if (v.str == name) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("get"));
  EXPECT_TRUE(has("client|unblock"));
  EXPECT_TRUE(has("config|get"));
  EXPECT_EQ(Run({"command", "list", "filterby", "pattern", "client|u*"}), "[\"client|unblock\"]");
  EXPECT_EQ(Run({"command", "list", "filterby", "module", "x"}), "[]");
  EXPECT_EQ(Run({"command", "list", "filterby", "x", "y"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"command", "list", "filterby"}), "-\"ERR syntax error\"");
  resp::Value info = RunValue({"command", "info", "client|list", "nosuch"});
  ASSERT_EQ(info.elements.size(), 2u);
  EXPECT_EQ(info.elements[0].elements[0].str, "client|list");
  EXPECT_EQ(info.elements[0].elements[1].integer, -2);
  EXPECT_EQ(resp::ToString(info.elements[1]), "nil");
  // BLPOP's flags include blocking, which COMMAND used to drop.
  EXPECT_NE(Run({"command", "info", "blpop"}).find("\"blocking\""), std::string::npos);
  EXPECT_EQ(RunValue({"command", "help"}).elements.size(), 21u);
}

}  // namespace
}  // namespace server
