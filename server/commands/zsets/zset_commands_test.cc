// Sorted-set commands in-process against a 3-worker server: options and
// errors, both encodings and the conversion, the multi-key commands across
// shards, ZSCAN under deletions, and RESP3 reply shapes.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/shard_set.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class ZSetCommandsTest : public CommandFixture {
 protected:
  // ZADD key 0 m000 1 m001 ... (n members, score = index).
  void Fill(const std::string& key, int n) {
    std::vector<std::string> cmd = {"zadd", key};
    for (int i = 0; i < n; ++i) {
      char m[16];
      snprintf(m, sizeof(m), "m%03d", i);
      cmd.push_back(std::to_string(i));
      cmd.push_back(m);
    }
    ASSERT_EQ(Run(cmd), ":" + std::to_string(n));
  }
};

TEST_F(ZSetCommandsTest, AddOptionsAndErrors) {
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2", "b"}), ":2");
  EXPECT_EQ(Run({"zadd", "z", "NX", "5", "a", "3", "c"}), ":1");
  EXPECT_EQ(Run({"zscore", "z", "a"}), "\"1\"");
  EXPECT_EQ(Run({"zadd", "z", "XX", "CH", "5", "a", "9", "nope"}), ":1");
  EXPECT_EQ(Run({"zadd", "z", "GT", "CH", "4", "a", "6", "b"}), ":1");  // only b rises
  EXPECT_EQ(Run({"zadd", "z", "LT", "INCR", "1", "a"}), "nil");         // 5+1 is not lower
  EXPECT_EQ(Run({"zadd", "z", "INCR", "0.5", "a"}), "\"5.5\"");
  EXPECT_EQ(Run({"zincrby", "z", "-0.5", "a"}), "\"5\"");
  EXPECT_EQ(Run({"zadd", "z", "XX", "INCR", "1", "missing"}), "nil");
  EXPECT_EQ(Run({"zadd", "z", "0x10", "hex", "1e3", "exp", "-inf", "low"}), ":3");
  EXPECT_EQ(Run({"zmscore", "z", "hex", "exp", "low", "none"}),
            "[\"16\", \"1000\", \"-inf\", nil]");
  EXPECT_EQ(Run({"zadd", "z", "NX", "XX", "1", "a"}),
            "-\"ERR XX and NX options at the same time are not compatible\"");
  EXPECT_EQ(Run({"zadd", "z", "GT", "LT", "1", "a"}),
            "-\"ERR GT, LT, and/or NX options at the same time are not compatible\"");
  EXPECT_EQ(Run({"zadd", "z", "INCR", "1", "a", "2", "b"}),
            "-\"ERR INCR option supports a single increment-element pair\"");
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"zadd", "z", "nan", "a"}), "-\"ERR value is not a valid float\"");
  EXPECT_EQ(Run({"zadd", "z", " 1", "a"}), "-\"ERR value is not a valid float\"");
  EXPECT_EQ(Run({"zadd", "z", "1", "ok", "x", "bad"}), "-\"ERR value is not a valid float\"");
  EXPECT_EQ(Run({"zscore", "z", "ok"}), "nil");  // all or nothing
  EXPECT_EQ(Run({"zadd", "inf", "inf", "x"}), ":1");
  EXPECT_EQ(Run({"zincrby", "inf", "-inf", "x"}), "-\"ERR resulting score is not a number (NaN)\"");
  EXPECT_EQ(Run({"zadd", "z"}), "-\"ERR wrong number of arguments for 'zadd' command\"");
  EXPECT_EQ(Run({"set", "str", "v"}), "+\"OK\"");
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"zadd", "str", "1", "a"},
                                             {"zscore", "str", "a"},
                                             {"zrange", "str", "0", "1"},
                                             {"zcard", "str"},
                                             {"zpopmin", "str"},
                                             {"zscan", "str", "0"},
                                             {"zrank", "str", "a"}}) {
    EXPECT_EQ(Run(cmd), "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"")
        << cmd[0];
  }
}

TEST_F(ZSetCommandsTest, EncodingConvertsPastLimitsAndNeverBack) {
  Fill("z", 128);
  EXPECT_EQ(Run({"object", "encoding", "z"}), "\"listpack\"");
  EXPECT_EQ(Run({"zadd", "z", "1000", "m128"}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "z"}), "\"skiplist\"");
  EXPECT_EQ(Run({"zremrangebyrank", "z", "0", "-2"}), ":128");
  EXPECT_EQ(Run({"zrange", "z", "0", "-1"}), "[\"m128\"]");
  EXPECT_EQ(Run({"object", "encoding", "z"}), "\"skiplist\"");
  EXPECT_EQ(Run({"zadd", "long", "1", std::string(64, 'a')}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "long"}), "\"listpack\"");
  EXPECT_EQ(Run({"zadd", "long", "1", std::string(65, 'b')}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "long"}), "\"skiplist\"");
  EXPECT_EQ(Run({"type", "long"}), "+\"zset\"");
  // Removing the last member deletes the key, in either encoding.
  EXPECT_EQ(Run({"zrem", "z", "m128", "other"}), ":1");
  EXPECT_EQ(Run({"exists", "z"}), ":0");
  EXPECT_EQ(Run({"zpopmin", "long", "5"}).substr(0, 1), "[");
  EXPECT_EQ(Run({"exists", "long"}), ":0");
}

// The same queries against a listpack and a skiplist set whose low members
// are equal, each against the answer worked out by hand (member mNNN has
// score NNN): the two encodings share the range parser, so comparing them
// with each other alone would let a parser bug pass.
TEST_F(ZSetCommandsTest, RangesAgreeAcrossEncodings) {
  Fill("small", 20);
  Fill("large", 300);
  EXPECT_EQ(Run({"object", "encoding", "small"}), "\"listpack\"");
  EXPECT_EQ(Run({"object", "encoding", "large"}), "\"skiplist\"");
  const std::vector<std::pair<std::vector<std::string>, std::string>> queries = {
      {{"zrange", "K", "2", "5", "withscores"},
       "[\"m002\", \"2\", \"m003\", \"3\", \"m004\", \"4\", \"m005\", \"5\"]"},
      {{"zrange", "K", "(3", "7", "byscore", "limit", "1", "3"},
       "[\"m005\", \"m006\", \"m007\"]"},
      {{"zrange", "K", "7", "(3", "byscore", "rev", "withscores"},
       "[\"m007\", \"7\", \"m006\", \"6\", \"m005\", \"5\", \"m004\", \"4\"]"},
      {{"zrangebyscore", "K", "-inf", "(2"}, "[\"m000\", \"m001\"]"},
      {{"zrevrangebyscore", "K", "5", "-inf", "limit", "2", "2"}, "[\"m003\", \"m002\"]"},
      {{"zcount", "K", "(1", "4"}, ":3"},
      {{"zrank", "K", "m007"}, ":7"},
      {{"zscore", "K", "m019"}, "\"19\""},
      {{"zrangebyscore", "K", "5", "3"}, "[]"},
  };
  for (const auto& [q, want] : queries) {
    for (const char* key : {"small", "large"}) {
      auto query = q;
      query[1] = key;
      EXPECT_EQ(Run(query), want) << q[0] << " on " << key;
    }
  }
  EXPECT_EQ(Run({"zrange", "small", "0", "2", "rev"}), "[\"m019\", \"m018\", \"m017\"]");
  EXPECT_EQ(Run({"zrange", "large", "0", "2", "rev"}), "[\"m299\", \"m298\", \"m297\"]");
  // Index and LIMIT bounds at the ends of the integer range clamp to the set.
  for (std::vector<std::string> q :
       {std::vector<std::string>{"zrange", "large", "-9223372036854775808", "9223372036854775807"},
        std::vector<std::string>{"zrangebyscore", "large", "0", "+inf", "limit", "0",
                                 "9223372036854775807"}}) {
    resp::Value all = RunValue(q);
    ASSERT_EQ(all.elements.size(), 300u) << q[0];
    EXPECT_EQ(all.elements.front().str, "m000");
    EXPECT_EQ(all.elements.back().str, "m299");
  }
  EXPECT_EQ(Run({"zrange", "large", "0", "-1", "limit", "0", "1"}),
            "-\"ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
            "BYLEX\"");
  EXPECT_EQ(Run({"zrangebyscore", "large", "a", "1"}), "-\"ERR min or max is not a float\"");
  EXPECT_EQ(Run({"zrange", "nokey", "0", "-1"}), "[]");
}

TEST_F(ZSetCommandsTest, LexRangesAndRemovals) {
  std::vector<std::string> cmd = {"zadd", "lex"};
  for (char c = 'a'; c <= 'z'; ++c) {
    cmd.push_back("0");
    cmd.push_back(std::string(1, c));
  }
  Run(cmd);
  EXPECT_EQ(Run({"zlexcount", "lex", "[c", "(f"}), ":3");
  EXPECT_EQ(Run({"zrangebylex", "lex", "(w", "+"}), "[\"x\", \"y\", \"z\"]");
  EXPECT_EQ(Run({"zrevrangebylex", "lex", "[c", "-", "limit", "1", "5"}), "[\"b\", \"a\"]");
  EXPECT_EQ(Run({"zrangebylex", "lex", "c", "d"}),
            "-\"ERR min or max not valid string range item\"");
  EXPECT_EQ(Run({"zremrangebylex", "lex", "-", "[m"}), ":13");
  EXPECT_EQ(Run({"zremrangebyscore", "lex", "(0", "+inf"}), ":0");
  EXPECT_EQ(Run({"zremrangebyrank", "lex", "-3", "-1"}), ":3");
  EXPECT_EQ(Run({"zcard", "lex"}), ":10");
  EXPECT_EQ(Run({"zremrangebyrank", "lex", "5", "2"}), ":0");
  EXPECT_EQ(Run({"zremrangebyscore", "lex", "-inf", "+inf"}), ":10");
  EXPECT_EQ(Run({"exists", "lex"}), ":0");
}

TEST_F(ZSetCommandsTest, PopsAndRandomMembers) {
  Fill("p", 5);
  EXPECT_EQ(Run({"zpopmin", "p"}), "[\"m000\", \"0\"]");
  EXPECT_EQ(Run({"zpopmax", "p", "2"}), "[\"m004\", \"4\", \"m003\", \"3\"]");
  EXPECT_EQ(Run({"zpopmin", "p", "-1"}), "-\"ERR value is out of range, must be positive\"");
  EXPECT_EQ(Run({"zpopmin", "p", "0"}), "[]");
  EXPECT_EQ(Run({"zpopmin", "nokey"}), "[]");
  // Positive counts: distinct members; at least the size: all, highest first.
  EXPECT_EQ(Run({"zrandmember", "p", "10"}), "[\"m002\", \"m001\"]");
  resp::Value two = RunValue({"zrandmember", "p", "2", "withscores"});
  ASSERT_EQ(two.elements.size(), 4u);
  EXPECT_NE(two.elements[0].str, two.elements[2].str);
  // Negative counts repeat members.
  resp::Value many = RunValue({"zrandmember", "p", "-50"});
  ASSERT_EQ(many.elements.size(), 50u);
  std::set<std::string> seen;
  for (const auto& v : many.elements) seen.insert(v.str);
  EXPECT_EQ(seen, (std::set<std::string>{"m001", "m002"}));
  EXPECT_EQ(Run({"zrandmember", "p", "-9223372036854775807"}), "-\"ERR value is out of range\"");
  EXPECT_EQ(Run({"zrandmember", "p", "1", "withscores", "x"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"zrandmember", "nokey"}), "nil");
  EXPECT_EQ(Run({"zrandmember", "nokey", "3"}), "[]");
  Fill("big", 1000);
  resp::Value sample = RunValue({"zrandmember", "big", "300"});
  std::set<std::string> distinct;
  for (const auto& v : sample.elements) distinct.insert(v.str);
  EXPECT_EQ(distinct.size(), 300u);
}

// Every member present for a whole ZSCAN is returned at least once, even
// while other members are deleted between the calls.
TEST_F(ZSetCommandsTest, ScanSurvivesDeletions) {
  Fill("s", 1000);
  std::set<std::string> seen;
  std::string cursor = "0";
  int deleted = 0, calls = 0;
  do {
    resp::Value reply = RunValue({"zscan", "s", cursor, "COUNT", "20"});
    ASSERT_EQ(reply.elements.size(), 2u);
    const auto& items = reply.elements[1].elements;
    for (size_t i = 0; i < items.size(); i += 2) seen.insert(items[i].str);
    cursor = reply.elements[0].str;
    // Delete members above 500 (never those we check for below).
    for (int k = 0; k < 7; ++k, ++deleted) {
      char m[16];
      snprintf(m, sizeof(m), "m%03d", 999 - deleted);
      Run({"zrem", "s", m});
    }
    ASSERT_LT(++calls, 1000);
  } while (cursor != "0");
  for (int i = 0; i <= 500; ++i) {
    char m[16];
    snprintf(m, sizeof(m), "m%03d", i);
    EXPECT_EQ(seen.count(m), 1u) << m;
  }
  // MATCH filters what one call visits; a COUNT past the size visits all.
  resp::Value matched = RunValue({"zscan", "s", "0", "MATCH", "m00*", "COUNT", "100000"});
  ASSERT_EQ(matched.elements.size(), 2u);
  EXPECT_EQ(matched.elements[0].str, "0");
  std::map<std::string, std::string> pairs;
  const auto& items = matched.elements[1].elements;
  for (size_t i = 0; i + 1 < items.size(); i += 2) pairs[items[i].str] = items[i + 1].str;
  EXPECT_EQ(items.size(), 20u);
  EXPECT_EQ(pairs.size(), 10u);
  EXPECT_EQ(pairs["m007"], "7");
  Fill("tiny", 3);
  EXPECT_EQ(Run({"zscan", "tiny", "0"}),
            "[\"0\", [\"m000\", \"0\", \"m001\", \"1\", \"m002\", \"2\"]]");
  EXPECT_EQ(Run({"zscan", "tiny", "x"}), "-\"ERR invalid cursor\"");
  EXPECT_EQ(Run({"zscan", "tiny", "0", "COUNT", "0"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"zscan", "nokey", "0", "BOGUS"}), "[\"0\", []]");
}

TEST_F(ZSetCommandsTest, MultiKeyCommandsAcrossShards) {
  std::vector<std::string> k = KeysOnDistinctShards("zk", 3);
  EXPECT_EQ(Run({"zadd", k[0], "1", "a", "2", "b", "3", "c"}), ":3");
  EXPECT_EQ(Run({"zadd", k[1], "10", "b", "20", "c", "30", "d"}), ":3");
  EXPECT_EQ(Run({"sadd", k[2], "c", "d", "e"}), ":3");
  EXPECT_EQ(Run({"zunion", "3", k[0], k[1], k[2], "withscores"}),
            "[\"a\", \"1\", \"e\", \"1\", \"b\", \"12\", \"c\", \"24\", \"d\", \"31\"]");
  EXPECT_EQ(
      Run({"zinter", "2", k[0], k[1], "weights", "2", "0.5", "aggregate", "max", "withscores"}),
      "[\"b\", \"5\", \"c\", \"10\"]");
  EXPECT_EQ(Run({"zdiff", "3", k[0], k[1], k[2]}), "[\"a\"]");
  // The destination is on yet another shard than some inputs.
  EXPECT_EQ(Run({"zunionstore", k[2], "2", k[0], k[1], "aggregate", "min"}), ":4");
  EXPECT_EQ(Run({"zrange", k[2], "0", "-1", "withscores"}),
            "[\"a\", \"1\", \"b\", \"2\", \"c\", \"3\", \"d\", \"30\"]");
  EXPECT_EQ(Run({"zinterstore", k[0], "2", k[1], "nokey"}), ":0");
  EXPECT_EQ(Run({"exists", k[0]}), ":0");
  EXPECT_EQ(Run({"zdiffstore", k[0], "2", k[2], k[1]}), ":1");
  EXPECT_EQ(Run({"zrange", k[0], "0", "-1"}), "[\"a\"]");
  EXPECT_EQ(Run({"zrangestore", k[0], k[2], "(1", "+inf", "byscore", "limit", "1", "5"}), ":2");
  EXPECT_EQ(Run({"zrange", k[0], "0", "-1"}), "[\"c\", \"d\"]");
  // A wrong-typed input anywhere fails the command and leaves the
  // destination alone, even with a bad option after it.
  EXPECT_EQ(Run({"set", "str", "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"zunionstore", k[0], "2", k[1], "str", "weights", "x", "1"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  EXPECT_EQ(Run({"zunionstore", k[0], "2", k[1], k[1], "weights", "x", "1"}),
            "-\"ERR weight value is not a float\"");
  EXPECT_EQ(Run({"zrange", k[0], "0", "-1"}), "[\"c\", \"d\"]");
  EXPECT_EQ(Run({"zunion", "0", k[0]}),
            "-\"ERR at least 1 input key is needed for 'zunion' command\"");
  EXPECT_EQ(Run({"zunion", "3", k[0]}), "-\"ERR syntax error\"");
  // ZMPOP takes the first key that exists, wherever it lives.
  EXPECT_EQ(Run({"zmpop", "3", "nokey", k[1], k[0], "max", "count", "2"}),
            "[\"" + k[1] + "\", [[\"d\", \"30\"], [\"c\", \"20\"]]]");
  EXPECT_EQ(Run({"zmpop", "2", "nokey", "str", "min"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  EXPECT_EQ(Run({"zmpop", "1", "nokey", "min"}), "nil");
  EXPECT_EQ(Run({"zmpop", "1", k[1], "min", "count", "10"}),
            "[\"" + k[1] + "\", [[\"b\", \"10\"]]]");
  EXPECT_EQ(Run({"exists", k[1]}), ":0");
  EXPECT_EQ(Run({"zmpop", "0", k[1], "min"}), "-\"ERR numkeys should be greater than 0\"");
}

TEST_F(ZSetCommandsTest, CopyAndRenameMoveWholeSetsBetweenShards) {
  std::vector<std::string> k = KeysOnDistinctShards("cp", 3);
  Fill(k[0], 200);
  Fill(k[1], 3);
  EXPECT_EQ(Run({"copy", k[0], k[2]}), ":1");
  EXPECT_EQ(Run({"object", "encoding", k[2]}), "\"skiplist\"");
  EXPECT_EQ(Run({"zrem", k[2], "m000"}), ":1");  // the copy is deep
  EXPECT_EQ(Run({"zcard", k[0]}), ":200");
  EXPECT_EQ(Run({"zrank", k[2], "m199"}), ":198");
  EXPECT_EQ(Run({"rename", k[1], k[2]}), "+\"OK\"");
  EXPECT_EQ(Run({"object", "encoding", k[2]}), "\"listpack\"");
  EXPECT_EQ(Run({"zrange", k[2], "0", "-1", "withscores"}),
            "[\"m000\", \"0\", \"m001\", \"1\", \"m002\", \"2\"]");
}

TEST_F(ZSetCommandsTest, RespThreeShapes) {
  EXPECT_EQ(Run({"hello", "3"}).substr(0, 1), "{");
  EXPECT_EQ(Run({"zadd", "r", "1.5", "a", "2", "b"}), ":2");
  EXPECT_EQ(Run({"zscore", "r", "a"}), ",1.5");
  EXPECT_EQ(Run({"zscore", "r", "none"}), "nil");
  EXPECT_EQ(Run({"zrange", "r", "0", "-1", "withscores"}), "[[\"a\", ,1.5], [\"b\", ,2]]");
  EXPECT_EQ(Run({"zrange", "r", "0", "-1"}), "[\"a\", \"b\"]");
  EXPECT_EQ(Run({"zunion", "1", "r", "withscores"}), "[[\"a\", ,1.5], [\"b\", ,2]]");
  EXPECT_EQ(Run({"zrandmember", "r", "5", "withscores"}), "[[\"b\", ,2], [\"a\", ,1.5]]");
  EXPECT_EQ(Run({"zscan", "r", "0"}), "[\"0\", [\"a\", \"1.5\", \"b\", \"2\"]]");
  EXPECT_EQ(Run({"zincrby", "r", "1", "a"}), ",2.5");
  EXPECT_EQ(Run({"zpopmin", "r"}), "[\"b\", ,2]");
  EXPECT_EQ(Run({"zpopmin", "r", "1"}), "[[\"a\", ,2.5]]");
  EXPECT_EQ(Run({"zmpop", "1", "r", "min"}), "nil");
  EXPECT_EQ(Run({"zadd", "r", "inf", "x"}), ":1");
  EXPECT_EQ(Run({"zmpop", "1", "r", "min"}), "[\"r\", [[\"x\", ,inf]]]");
}

TEST_F(ZSetCommandsTest, BlockingPopsWaitForAnAdd) {
  EXPECT_EQ(Run({"bzpopmin", "none", "0.05"}), "nil");
  EXPECT_EQ(Run({"bzmpop", "0.05", "1", "none", "max"}), "nil");
  EXPECT_EQ(Run({"bzpopmax", "none", "-1"}), "-\"ERR timeout is negative\"");
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2", "b"}), ":2");
  EXPECT_EQ(Run({"bzpopmax", "none", "z", "0"}), "[\"z\", \"b\", \"2\"]");
  EXPECT_EQ(Run({"set", "s", "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"bzpopmin", "s", "0"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  // Waiting on two keys; the add to the second one serves it.
  Send({"bzpopmin", "w1", "w2", "0"}, 1);
  WaitForBlockedClients(1);
  Send({"bzmpop", "0", "2", "w1", "w2", "max", "count", "5"}, 2);
  WaitForBlockedClients(2);
  EXPECT_EQ(Run({"zadd", "w2", "5", "x", "6", "y", "7", "z"}), ":3");
  EXPECT_EQ(Receive(1), "[\"w2\", \"x\", \"5\"]");
  EXPECT_EQ(Receive(2), "[\"w2\", [[\"z\", \"7\"], [\"y\", \"6\"]]]");
  EXPECT_EQ(Run({"exists", "w2"}), ":0");
  // A list under the key does not wake a sorted-set waiter.
  Send({"bzpopmin", "w1", "0.2"}, 1);
  WaitForBlockedClients(1);
  EXPECT_EQ(Run({"rpush", "w1", "l"}), ":1");
  EXPECT_EQ(Receive(1), "nil");
}

}  // namespace
}  // namespace server
