// CONFIG GET / SET / RESETSTAT in-process.
#include <chrono>
#include <string>

#include "engine/shard_set.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class ConfigCommandsTest : public CommandFixture {};

TEST_F(ConfigCommandsTest, GetByGlobsAndAliases) {
  EXPECT_EQ(Run({"config", "get", "hash-max-listpack-entries"}),
            "[\"hash-max-listpack-entries\", \"512\"]");
  EXPECT_EQ(Run({"config", "get", "zset-max-ziplist-value"}),
            "[\"zset-max-ziplist-value\", \"64\"]");
  resp::Value all = RunValue({"config", "get", "*max-*-entries", "timeout"});
  // hash/zset entries under both names, set-max-intset-entries, timeout.
  EXPECT_EQ(all.elements.size(), 2u * 6);
  EXPECT_EQ(Run({"config", "get", "nothing-like-this"}), "[]");
  EXPECT_EQ(Run({"config", "get"}), "-\"ERR wrong number of arguments for 'config|get' command\"");
}

TEST_F(ConfigCommandsTest, SetChangesThresholdsForNewWrites) {
  EXPECT_EQ(
      Run({"config", "set", "hash-max-ziplist-entries", "100", "list-max-listpack-size", "4"}),
      "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "hash-max-listpack-entries"}),
            "[\"hash-max-listpack-entries\", \"100\"]");
  EXPECT_EQ(server().shards().limits().hash_max_listpack_entries.load(), 100);
  EXPECT_EQ(server().shards().limits().list_max_listpack_size.load(), 4);
  EXPECT_EQ(Run({"config", "set", "timeout", "30"}), "+\"OK\"");
  EXPECT_EQ(server().config().timeout.get(), 30);
}

TEST_F(ConfigCommandsTest, SetErrorsAreRedisErrorsAndChangeNothing) {
  EXPECT_EQ(Run({"config", "set", "foo", "1"}),
            "-\"ERR Unknown option or number of arguments for CONFIG SET - 'foo'\"");
  EXPECT_EQ(Run({"config", "set", "hash-max-listpack-entries", "abc"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - "
            "argument couldn't be parsed into an integer\"");
  EXPECT_EQ(Run({"config", "set", "timeout", "-1"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
            "between 0 and 2147483647 inclusive\"");
  // All or nothing: the valid first pair is not applied.
  EXPECT_EQ(Run({"config", "set", "timeout", "5", "maxmemory", "lots"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
            "be a memory value\"");
  EXPECT_EQ(Run({"config", "get", "timeout"}), "[\"timeout\", \"0\"]");
  EXPECT_EQ(Run({"config", "set", "timeout", "1", "timeout", "2"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate "
            "parameter\"");
  EXPECT_EQ(Run({"config", "set", "dir", "/tmp"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config\"");
  EXPECT_EQ(Run({"config", "set", "databases", "4"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config\"");
  EXPECT_EQ(Run({"config", "set", "timeout"}),
            "-\"ERR wrong number of arguments for 'config|set' command\"");
  EXPECT_EQ(Run({"config", "set", "maxmemory-policy", "allkeys-lru", "save", ""}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "maxmemory-policy"}), "[\"maxmemory-policy\", \"allkeys-lru\"]");
}

TEST_F(ConfigCommandsTest, ResetStatZeroesCounters) {
  Run({"get", "missing"});
  Run({"set", "k", "v"});
  Run({"get", "k"});
  EXPECT_NE(RunValue({"info", "stats"}).str.find("keyspace_misses:1"), std::string::npos);
  EXPECT_EQ(Run({"config", "resetstat"}), "+\"OK\"");
  std::string stats = RunValue({"info", "stats"}).str;
  EXPECT_NE(stats.find("keyspace_misses:0"), std::string::npos) << stats;
  EXPECT_NE(stats.find("keyspace_hits:0"), std::string::npos) << stats;
}

TEST_F(ConfigCommandsTest, PersistenceSettingsAndNotifications) {
  auto failed = [](const std::string& name, const std::string& why) {
    return "-\"ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why +
           "\"";
  };
  EXPECT_EQ(Run({"config", "set", "save", "", "appendonly", "no"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", ""}), "+\"OK\"");
  // Save points are stored as Redis prints them; bad ones refused whole.
  EXPECT_EQ(Run({"config", "set", "save", "900  1 300 10"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "save"}), "[\"save\", \"900 1 300 10\"]");
  EXPECT_EQ(Run({"config", "set", "save", "900"}), failed("save", "Invalid save parameters"));
  EXPECT_EQ(Run({"config", "set", "save", "0 1"}), failed("save", "Invalid save parameters"));
  EXPECT_EQ(Run({"config", "set", "save", "10 -1"}), failed("save", "Invalid save parameters"));
  EXPECT_EQ(Run({"config", "get", "save"}), "[\"save\", \"900 1 300 10\"]");
  EXPECT_EQ(Run({"config", "set", "save", ""}), "+\"OK\"");
  // Turning the append-only file on starts a rewrite: end to end in
  // tests/persistence_aof_test.py. Its settings are checked here.
  EXPECT_EQ(Run({"config", "set", "appendonly", "maybe"}),
            failed("appendonly", "argument must be 'yes' or 'no'"));
  EXPECT_EQ(Run({"config", "set", "appendfsync", "always"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "appendfsync"}), "[\"appendfsync\", \"always\"]");
  EXPECT_EQ(Run({"config", "set", "appendfsync", "sometimes"}),
            failed("appendfsync", "argument(s) must be one of the following: everysec, always, no"));
  EXPECT_EQ(Run({"config", "set", "appendfsync", "EVERYSEC"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "appendfsync"}), "[\"appendfsync\", \"everysec\"]");
  EXPECT_EQ(Run({"config", "set", "appenddirname", "x"}),
            failed("appenddirname", "can't set immutable config"));
  EXPECT_EQ(Run({"config", "get", "appenddirname"}), "[\"appenddirname\", \"appendonlydir\"]");
  EXPECT_EQ(Run({"config", "set", "auto-aof-rewrite-percentage", "-1"}),
            failed("auto-aof-rewrite-percentage", "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(Run({"config", "set", "auto-aof-rewrite-min-size", "1mb"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "auto-aof-rewrite-min-size"}),
            "[\"auto-aof-rewrite-min-size\", \"1048576\"]");
  for (const char* name : {"rdbcompression", "rdbchecksum", "stop-writes-on-bgsave-error"}) {
    EXPECT_EQ(Run({"config", "get", name}), "[\"" + std::string(name) + "\", \"yes\"]");
    EXPECT_EQ(Run({"config", "set", name, "no"}), "+\"OK\"");
    EXPECT_EQ(Run({"config", "get", name}), "[\"" + std::string(name) + "\", \"no\"]");
    EXPECT_EQ(Run({"config", "set", name, "on"}), failed(name, "argument must be 'yes' or 'no'"));
    EXPECT_EQ(Run({"config", "set", name, "yes"}), "+\"OK\"");
  }
  // dir and dbfilename are protected, as in Redis 7.0.
  EXPECT_EQ(Run({"config", "set", "dir", "/tmp"}), failed("dir", "can't set protected config"));
  EXPECT_EQ(Run({"config", "set", "dbfilename", "x.rdb"}),
            failed("dbfilename", "can't set protected config"));
  EXPECT_EQ(Run({"config", "get", "dbfilename"}), "[\"dbfilename\", \"dump.rdb\"]");
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", "Q"}),
            failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmd'."));
  EXPECT_EQ(Run({"config", "get", "save"}), "[\"save\", \"\"]");
  EXPECT_EQ(Run({"config", "get", "appendonly"}), "[\"appendonly\", \"no\"]");
  EXPECT_EQ(Run({"config", "get", "notify-keyspace-events"}), "[\"notify-keyspace-events\", \"\"]");
  // Keyspace notifications are ours now: stored and printed as Redis does.
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", "KEA"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "notify-keyspace-events"}),
            "[\"notify-keyspace-events\", \"AKE\"]");
  EXPECT_EQ(Run({"config", "set", "notify-keyspace-events", "Kq"}),
            failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmd'."));
  EXPECT_EQ(Run({"config", "get", "notify-keyspace-events"}),
            "[\"notify-keyspace-events\", \"AKE\"]");
}

TEST_F(ConfigCommandsTest, HzAndOutputLimitsAreSettableAsInRedis) {
  EXPECT_EQ(Run({"config", "set", "hz", "100"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "hz"}), "[\"hz\", \"100\"]");
  EXPECT_EQ(Run({"config", "set", "hz", "100000"}), "+\"OK\"");  // clamped, as Redis does
  EXPECT_EQ(Run({"config", "get", "hz"}), "[\"hz\", \"500\"]");
  EXPECT_EQ(Run({"config", "set", "hz", "0"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "hz"}), "[\"hz\", \"1\"]");
  EXPECT_EQ(Run({"config", "set", "hz", "10"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "set", "client-output-buffer-limit", "normal 1mb 512kb 10 pubsub 0 0 0"}),
            "+\"OK\"");
  EXPECT_EQ(Run({"config", "get", "client-output-buffer-limit"}),
            "[\"client-output-buffer-limit\", \"normal 1048576 524288 10 slave 268435456 67108864 "
            "60 pubsub 0 0 0\"]");
  EXPECT_EQ(server().config().normal_output_limit.hard.get(), 1 << 20);
  EXPECT_EQ(Run({"config", "set", "client-output-buffer-limit", "normal 1mb 0"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') "
            "- Wrong number of arguments in buffer limit configuration.\"");
  EXPECT_EQ(Run({"config", "set", "client-output-buffer-limit", "normal 0 0 0 nobody 0 0 0"}),
            "-\"ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') "
            "- Invalid client class specified in buffer limit configuration.\"");
  // A refused value changes nothing.
  EXPECT_EQ(server().config().normal_output_limit.hard.get(), 1 << 20);
}

TEST_F(ConfigCommandsTest, RuntimeLimitsReachOpenConnections) {
  Run({"ping"}, 1);  // connection 1 is open before the change
  EXPECT_EQ(Run({"config", "set", "proto-max-bulk-len", "1mb"}), "+\"OK\"");
  std::string big = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n";
  std::vector<resp::Value> reply = RunRaw(big, 1, 1);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].str, "ERR Protocol error: invalid bulk length");
  EXPECT_EQ(Run({"config", "set", "proto-max-bulk-len", "512mb"}), "+\"OK\"");
  // A client that connected while a password was required gets the normal
  // limits once it is cleared.
  EXPECT_EQ(Run({"config", "set", "requirepass", "secret"}), "+\"OK\"");
  EXPECT_EQ(Run({"auth", "secret"}), "+\"OK\"");
  Disconnect(2);
  EXPECT_EQ(Run({"ping"}, 2), "-\"NOAUTH Authentication required.\"");
  EXPECT_EQ(Run({"config", "set", "requirepass", ""}), "+\"OK\"");
  std::vector<std::string> eleven = {"rpush", "l"};
  for (int i = 0; i < 9; ++i) eleven.push_back("x");
  EXPECT_EQ(Run(eleven, 2), ":9");
}

TEST_F(ConfigCommandsTest, ClientNoEvictShowsInClientList) {
  EXPECT_EQ(Run({"client", "no-evict", "on"}), "+\"OK\"");
  EXPECT_NE(RunValue({"client", "info"}).str.find(" flags=e "), std::string::npos);
  EXPECT_EQ(Run({"client", "no-evict", "off"}), "+\"OK\"");
  std::string info = RunValue({"client", "info"}).str;
  EXPECT_NE(info.find(" flags=N "), std::string::npos) << info;
  // Memory fields are the client's, not zeros.
  EXPECT_EQ(info.find(" tot-mem=0 "), std::string::npos) << info;
  EXPECT_EQ(info.find(" argv-mem=0 "), std::string::npos) << info;
}

TEST_F(ConfigCommandsTest, TimeIsTheClockInSecondsAndMicroseconds) {
  auto now_us = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  int64_t before = now_us();
  resp::Value t = RunValue({"time"});
  int64_t after = now_us();
  ASSERT_EQ(t.elements.size(), 2u);
  int64_t seconds = std::stoll(t.elements[0].str), micros = std::stoll(t.elements[1].str);
  EXPECT_GE(micros, 0);
  EXPECT_LT(micros, 1000000);
  int64_t at = seconds * 1000000 + micros;
  EXPECT_GE(at, before);
  EXPECT_LE(at, after);
  EXPECT_EQ(Run({"time", "x"}), "-\"ERR wrong number of arguments for 'time' command\"");
}

}  // namespace
}  // namespace server
