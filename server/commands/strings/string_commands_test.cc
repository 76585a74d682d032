// String commands, in-process against a 3-worker server. Replies are
// rendered with resp::ToString: +"OK", -"ERR ...", :1, "bulk", nil, [a, b].
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class StringCommandsTest : public CommandFixture {};

TEST_F(StringCommandsTest, SetGetAndOptions) {
  EXPECT_EQ(Run({"set", "k", "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}), "\"v\"");
  EXPECT_EQ(Run({"get", "nokey"}), "nil");
  EXPECT_EQ(Run({"set", "k", "w", "NX"}), "nil");
  EXPECT_EQ(Run({"set", "k", "w", "XX", "GET"}), "\"v\"");
  EXPECT_EQ(Run({"set", "k", "x", "EX", "0"}), "-\"ERR invalid expire time in 'set' command\"");
  EXPECT_EQ(Run({"set", "k", "x", "EX", "1", "PX", "1"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"set", "k", "x", "PX", "100000"}), "+\"OK\"");
  int64_t pttl = RunValue({"pttl", "k"}).integer;
  EXPECT_GT(pttl, 90000);
  EXPECT_LE(pttl, 100000);
  EXPECT_EQ(Run({"set", "k", "y", "KEEPTTL"}), "+\"OK\"");
  EXPECT_NE(Run({"pttl", "k"}), ":-1");
}

TEST_F(StringCommandsTest, CountersAndOverflow) {
  EXPECT_EQ(Run({"incr", "n"}), ":1");
  EXPECT_EQ(Run({"incrby", "n", "41"}), ":42");
  EXPECT_EQ(Run({"decrby", "n", "2"}), ":40");
  EXPECT_EQ(Run({"set", "max", "9223372036854775807"}), "+\"OK\"");
  EXPECT_EQ(Run({"incr", "max"}), "-\"ERR increment or decrement would overflow\"");
  EXPECT_EQ(Run({"set", "s", "abc"}), "+\"OK\"");
  EXPECT_EQ(Run({"incr", "s"}), "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"incrbyfloat", "f", "1.5"}), "\"1.5\"");
  EXPECT_EQ(Run({"incrbyfloat", "f", "abc"}), "-\"ERR value is not a valid float\"");
}

TEST_F(StringCommandsTest, RangesAndAppend) {
  EXPECT_EQ(Run({"append", "a", "Hello"}), ":5");
  EXPECT_EQ(Run({"append", "a", " World"}), ":11");
  EXPECT_EQ(Run({"getrange", "a", "-5", "-1"}), "\"World\"");
  EXPECT_EQ(Run({"setrange", "a", "6", "Redis"}), ":11");
  EXPECT_EQ(Run({"get", "a"}), "\"Hello Redis\"");
  EXPECT_EQ(Run({"setrange", "pad", "3", "x"}), ":4");
  EXPECT_EQ(Run({"get", "pad"}), "\"\\x00\\x00\\x00x\"");
  EXPECT_EQ(Run({"strlen", "a"}), ":11");
}

TEST_F(StringCommandsTest, MultiKeyAcrossShardsKeepsArgumentOrder) {
  std::vector<std::string> mset = {"mset"};
  std::vector<std::string> mget = {"mget"};
  std::string want = "[";
  for (int i = 0; i < 20; ++i) {
    mset.push_back("key" + std::to_string(i));
    mset.push_back("v" + std::to_string(i));
    mget.push_back("key" + std::to_string(i));
    want += (i ? ", " : "") + std::string("\"v") + std::to_string(i) + "\"";
  }
  want += ", nil]";
  mget.push_back("missing");
  EXPECT_EQ(Run(mset), "+\"OK\"");
  EXPECT_EQ(Run(mget), want);
  EXPECT_EQ(Run({"msetnx", "key0", "x", "fresh", "y"}), ":0");
  EXPECT_EQ(Run({"get", "fresh"}), "nil");
  EXPECT_EQ(Run({"msetnx", "fresh", "y", "fresh2", "z"}), ":1");
  EXPECT_EQ(Run({"dbsize"}), ":22");
}

TEST_F(StringCommandsTest, WriteThenReadFromAnotherConnectionAndRespThree) {
  EXPECT_EQ(Run({"set", "shared", "1"}, 0), "+\"OK\"");
  EXPECT_EQ(Run({"get", "shared"}, 1), "\"1\"");
  EXPECT_EQ(Run({"hello", "3"}, 1).substr(0, 1), "{");
  EXPECT_EQ(Run({"get", "nokey"}, 1), "nil");
  EXPECT_EQ(Run({"mget", "shared", "nokey"}, 1), "[\"1\", nil]");
}

TEST_F(StringCommandsTest, PipelineRepliesInOrder) {
  std::string req;
  for (int i = 0; i < 500; ++i) {
    std::string k = "p" + std::to_string(i);
    req += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$1\r\nx\r\n";
    req += "*2\r\n$4\r\nINCR\r\n$3\r\nctr\r\n";
  }
  std::vector<resp::Value> replies = RunRaw(req, 1000);
  ASSERT_EQ(replies.size(), 1000u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(replies[2 * i].str, "OK");
    EXPECT_EQ(replies[2 * i + 1].integer, i + 1);
  }
}

// Pipelined commands are looked at ahead of running them (their keys are
// prefetched, on every shard): the replies must still be those of running
// them one by one, across SELECT, writes inside the batch, and another
// client rewriting other keys of the same shards meanwhile.
TEST_F(StringCommandsTest, PipelinedBatchesAnswerAsIfRunOneByOne) {
  std::string writes;
  for (int i = 0; i < 3000; ++i) {
    std::string k = "w" + std::to_string(i % 700);
    writes += i % 3 == 2 ? Encode({"DEL", k}) : Encode({"SET", k, std::to_string(i)});
  }
  RunRaw(writes, 0, 1);  // not waiting: it runs while the batch below does
  std::string req;
  std::vector<std::string> want;
  for (int g = 0; g < 150; ++g) {
    std::string k = "r" + std::to_string(g);
    std::string v = std::to_string(g * 7);
    for (const auto& [args, reply] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"SET", k, v}, "+\"OK\""},
             {{"GET", k}, "\"" + v + "\""},
             {{"SELECT", "1"}, "+\"OK\""},
             {{"GET", k}, "nil"},
             {{"SELECT", "0"}, "+\"OK\""},
             {{"GET", "none" + v}, "nil"},
             {{"STRLEN", k}, ":" + std::to_string(v.size())},
             {{"GETSET", k, "x"}, "\"" + v + "\""},
             {{"DEL", k}, ":1"},
             {{"GET", k}, "nil"},
         }) {
      req += Encode(args);
      want.push_back(reply);
    }
  }
  std::vector<resp::Value> replies = RunRaw(req, want.size());
  ASSERT_EQ(replies.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(resp::ToString(replies[i]), want[i]) << i;
  EXPECT_EQ(RunRaw("", 3000, 1).size(), 3000u);
}

TEST_F(StringCommandsTest, SetRangeOffsetsNearTheEndOfTheIntegerRange) {
  const std::string too_big = "-\"ERR string exceeds maximum allowed size (proto-max-bulk-len)\"";
  EXPECT_EQ(Run({"setrange", "k", "9223372036854775807", "A"}), too_big);
  EXPECT_EQ(Run({"set", "k", "abc"}), "+\"OK\"");
  EXPECT_EQ(Run({"setrange", "k", "9223372036854775807", "A"}), too_big);
  EXPECT_EQ(Run({"setrange", "k", "536870911", "AB"}), too_big);
  EXPECT_EQ(Run({"setrange", "k", "-9223372036854775808", "A"}), "-\"ERR offset is out of range\"");
  // An empty value changes nothing, whatever the offset.
  EXPECT_EQ(Run({"setrange", "k", "9223372036854775807", ""}), ":3");
  EXPECT_EQ(Run({"get", "k"}), "\"abc\"");
  EXPECT_EQ(Run({"info", "stats"}).find("command_exceptions:0\\r\\n") != std::string::npos, true);
}

TEST_F(StringCommandsTest, KeyBeforeNumbersAsRedisOrdersThem) {
  EXPECT_EQ(Run({"rpush", "list", "a"}), ":1");
  const std::string wrong = "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"";
  EXPECT_EQ(Run({"getex", "list", "ex", "x"}), wrong);
  EXPECT_EQ(Run({"getex", "nokey", "ex", "-1"}), "nil");
  EXPECT_EQ(Run({"incrbyfloat", "list", "x"}), wrong);
  EXPECT_EQ(Run({"lindex", "nokey", "x"}), "nil");
  EXPECT_EQ(Run({"lset", "nokey", "x", "v"}), "-\"ERR no such key\"");
  // Syntax before the expire value; repeats Redis accepts.
  EXPECT_EQ(Run({"set", "k", "v", "px", "x", "y"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"set", "k", "v", "ex", "100", "ex", "200"}), "+\"OK\"");
  EXPECT_EQ(Run({"ttl", "k"}), ":200");
  EXPECT_EQ(Run({"set", "k", "v", "ex", "1", "px", "2"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"getex", "k", "persist", "persist"}), "\"v\"");
  EXPECT_EQ(Run({"ttl", "k"}), ":-1");
}

TEST_F(StringCommandsTest, IncrByFloatTakesInfinityOnlyToRefuseTheResult) {
  const std::string nan_or_inf = "-\"ERR increment would produce NaN or Infinity\"";
  EXPECT_EQ(Run({"incrbyfloat", "f", "-inf"}), nan_or_inf);
  EXPECT_EQ(Run({"incrbyfloat", "f", "nan"}), "-\"ERR value is not a valid float\"");
  EXPECT_EQ(Run({"set", "f", "inf"}), "+\"OK\"");
  EXPECT_EQ(Run({"incrbyfloat", "f", "1"}), nan_or_inf);
  EXPECT_EQ(Run({"get", "f"}), "\"inf\"");
}

}  // namespace
}  // namespace server
