// CONFIG GET / SET / RESETSTAT in-process.
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

}  // namespace
}  // namespace server
