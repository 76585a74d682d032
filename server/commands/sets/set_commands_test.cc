// Set commands, in-process against a 3-worker server. Replies are rendered
// with resp::ToString: :1, "bulk", nil, [a, b], ~[a, b] (a RESP3 set).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "server/testing/command_fixture.h"

namespace server {
namespace {

constexpr char kWrongType[] =
    "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"";

class SetCommandsTest : public CommandFixture {
 protected:
  std::set<std::string> Members(const std::string& key) {
    std::set<std::string> out;
    for (const resp::Value& m : RunValue({"smembers", key}).elements) out.insert(m.str);
    return out;
  }

  std::set<std::string> Elements(const std::vector<std::string>& cmd) {
    std::set<std::string> out;
    for (const resp::Value& m : RunValue(cmd).elements) out.insert(m.str);
    return out;
  }

  void AddRange(const std::string& key, int from, int to, const std::string& prefix = "") {
    std::vector<std::string> cmd = {"sadd", key};
    for (int i = from; i < to; ++i) cmd.push_back(prefix + std::to_string(i));
    ASSERT_EQ(RunValue(cmd).integer, to - from);
  }
};

TEST_F(SetCommandsTest, AddRemoveAndMembership) {
  EXPECT_EQ(Run({"sadd", "s", "3", "1", "2", "1"}), ":3");
  EXPECT_EQ(Run({"smembers", "s"}), "[\"1\", \"2\", \"3\"]");  // an intset: ascending
  EXPECT_EQ(Run({"scard", "s"}), ":3");
  EXPECT_EQ(Run({"scard", "nokey"}), ":0");
  EXPECT_EQ(Run({"sismember", "s", "2"}), ":1");
  EXPECT_EQ(Run({"sismember", "s", "02"}), ":0");
  EXPECT_EQ(Run({"sismember", "nokey", "2"}), ":0");
  EXPECT_EQ(Run({"smismember", "s", "1", "9", "3"}), "[:1, :0, :1]");
  EXPECT_EQ(Run({"smismember", "nokey", "1", "9"}), "[:0, :0]");
  EXPECT_EQ(Run({"srem", "s", "1", "9", "1"}), ":1");
  EXPECT_EQ(Run({"srem", "nokey", "1"}), ":0");
  EXPECT_EQ(Run({"smembers", "nokey"}), "[]");
  EXPECT_EQ(Run({"srem", "s", "2", "3"}), ":2");
  EXPECT_EQ(Run({"exists", "s"}), ":0");  // empty sets never stay
  EXPECT_EQ(Run({"type", "s"}), "+\"none\"");
  EXPECT_EQ(Run({"sadd", "s"}), "-\"ERR wrong number of arguments for 'sadd' command\"");
  EXPECT_EQ(Run({"set", "str", "x"}), "+\"OK\"");
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"sadd", "str", "a"},
                                             {"srem", "str", "a"},
                                             {"spop", "str"},
                                             {"spop", "str", "2"},
                                             {"srandmember", "str"},
                                             {"srandmember", "str", "-2"},
                                             {"smembers", "str"},
                                             {"scard", "str"},
                                             {"sismember", "str", "a"},
                                             {"smismember", "str", "a"},
                                             {"sscan", "str", "0"},
                                             {"sinter", "str"},
                                             {"sunion", "nokey", "str"},
                                             {"sdiff", "nokey", "str"},
                                             {"sintercard", "2", "nokey", "str"},
                                             {"sinterstore", "d", "nokey", "str"},
                                             {"smove", "str", "d", "a"}}) {
    EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  }
  EXPECT_EQ(Run({"exists", "d"}), ":0");
}

TEST_F(SetCommandsTest, EncodingFollowsTheIntsetLimit) {
  AddRange("s", 0, 512);
  EXPECT_EQ(Run({"object", "encoding", "s"}), "\"intset\"");
  EXPECT_EQ(Run({"sadd", "s", "511"}), ":0");
  EXPECT_EQ(Run({"object", "encoding", "s"}), "\"intset\"");
  EXPECT_EQ(Run({"sadd", "s", "-1"}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "s"}), "\"hashtable\"");
  EXPECT_EQ(Run({"scard", "s"}), ":513");
  EXPECT_EQ(Run({"sismember", "s", "-1"}), ":1");
  EXPECT_EQ(Run({"sadd", "t", "1", "2"}), ":2");
  EXPECT_EQ(Run({"sadd", "t", "01"}), ":1");  // not canonical: a string
  EXPECT_EQ(Run({"object", "encoding", "t"}), "\"hashtable\"");
  EXPECT_EQ(Run({"srem", "t", "01"}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "t"}), "\"hashtable\"");  // never back
  EXPECT_EQ(Run({"sadd", "u", "-9223372036854775808", "9223372036854775807", "0"}), ":3");
  EXPECT_EQ(Run({"smembers", "u"}), "[\"-9223372036854775808\", \"0\", \"9223372036854775807\"]");
  EXPECT_EQ(Run({"object", "encoding", "u"}), "\"intset\"");
}

TEST_F(SetCommandsTest, Pop) {
  EXPECT_EQ(Run({"spop", "nokey"}), "nil");
  EXPECT_EQ(Run({"spop", "nokey", "3"}), "[]");
  EXPECT_EQ(Run({"spop", "nokey", "x"}), "-\"ERR value is out of range, must be positive\"");
  EXPECT_EQ(Run({"spop", "nokey", "-1"}), "-\"ERR value is out of range, must be positive\"");
  EXPECT_EQ(Run({"spop", "nokey", "1", "2"}), "-\"ERR syntax error\"");
  AddRange("s", 0, 10);
  EXPECT_EQ(Run({"spop", "s", "0"}), "[]");
  std::set<std::string> popped;
  popped.insert(RunValue({"spop", "s"}).str);
  for (const resp::Value& m : RunValue({"spop", "s", "4"}).elements) popped.insert(m.str);
  EXPECT_EQ(popped.size(), 5u);
  EXPECT_EQ(Run({"scard", "s"}), ":5");
  std::set<std::string> rest = Members("s");
  for (const std::string& m : popped) EXPECT_EQ(rest.count(m), 0u);
  // A count past the size pops everything (in set order) and deletes the key.
  std::vector<std::string> sorted(rest.begin(), rest.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) { return std::stoi(a) < std::stoi(b); });
  std::string want = "[";
  for (size_t i = 0; i < sorted.size(); ++i) want += (i ? ", \"" : "\"") + sorted[i] + "\"";
  EXPECT_EQ(Run({"spop", "s", "100"}), want + "]");
  EXPECT_EQ(Run({"exists", "s"}), ":0");
  EXPECT_EQ(Run({"sadd", "one", "x"}), ":1");
  EXPECT_EQ(Run({"spop", "one"}), "\"x\"");
  EXPECT_EQ(Run({"exists", "one"}), ":0");
  AddRange("big", 0, 1000, "m");
  EXPECT_EQ(RunValue({"spop", "big", "990"}).elements.size(), 990u);
  EXPECT_EQ(Run({"scard", "big"}), ":10");
}

TEST_F(SetCommandsTest, RandMember) {
  EXPECT_EQ(Run({"srandmember", "nokey"}), "nil");
  EXPECT_EQ(Run({"srandmember", "nokey", "5"}), "[]");
  EXPECT_EQ(Run({"srandmember", "nokey", "-5"}), "[]");
  EXPECT_EQ(Run({"srandmember", "nokey", "x"}), "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"srandmember", "nokey", "-9223372036854775808"}),
            "-\"ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\"");
  EXPECT_EQ(Run({"srandmember", "nokey", "-9223372036854775807"}), "[]");
  EXPECT_EQ(Run({"srandmember", "nokey", "1", "2"}), "-\"ERR syntax error\"");
  AddRange("s", 0, 5);
  EXPECT_EQ(Run({"srandmember", "s", "0"}), "[]");
  EXPECT_EQ(Run({"srandmember", "s", "5"}), "[\"0\", \"1\", \"2\", \"3\", \"4\"]");
  EXPECT_EQ(Run({"srandmember", "s", "9223372036854775807"}),
            "[\"0\", \"1\", \"2\", \"3\", \"4\"]");
  EXPECT_EQ(Elements({"srandmember", "s", "3"}).size(), 3u);
  resp::Value repeated = RunValue({"srandmember", "s", "-200"});
  ASSERT_EQ(repeated.elements.size(), 200u);
  std::set<std::string> distinct;
  for (const resp::Value& m : repeated.elements) distinct.insert(m.str);
  EXPECT_EQ(distinct, Members("s"));
  EXPECT_EQ(Run({"srandmember", "s", "-9223372036854775807"}), "-\"ERR value is out of range\"");
  EXPECT_EQ(Run({"scard", "s"}), ":5");  // nothing removed
  AddRange("big", 0, 1000, "m");
  EXPECT_EQ(Elements({"srandmember", "big", "999"}).size(), 999u);
  EXPECT_EQ(Elements({"srandmember", "big", "20"}).size(), 20u);
}

TEST_F(SetCommandsTest, RespThreeShapes) {
  AddRange("s", 0, 3);
  EXPECT_EQ(Run({"hello", "3"}).substr(0, 1), "{");
  EXPECT_EQ(Run({"smembers", "s"}), "~[\"0\", \"1\", \"2\"]");
  EXPECT_EQ(Run({"smembers", "nokey"}), "~[]");
  EXPECT_EQ(Run({"sinter", "s", "s"}), "~[\"0\", \"1\", \"2\"]");
  EXPECT_EQ(Run({"sunion", "nokey"}), "~[]");
  EXPECT_EQ(Run({"srandmember", "s", "5"}), "[\"0\", \"1\", \"2\"]");  // an array, as in Redis
  EXPECT_EQ(Run({"spop", "nokey", "1"}), "~[]");
  EXPECT_EQ(Run({"spop", "nokey"}), "nil");
  EXPECT_EQ(Run({"spop", "s", "5"}), "~[\"0\", \"1\", \"2\"]");
}

TEST_F(SetCommandsTest, AlgebraAcrossShards) {
  std::vector<std::string> k = KeysOnDistinctShards("set", 3);
  const std::string &a = k[0], &b = k[1], &c = k[2];
  EXPECT_EQ(Run({"sadd", a, "1", "2", "3", "x"}), ":4");
  EXPECT_EQ(Run({"sadd", b, "2", "3", "4", "x"}), ":4");
  EXPECT_EQ(Run({"sadd", c, "3", "4", "5", "x"}), ":4");
  EXPECT_EQ(Elements({"sinter", a, b, c}), (std::set<std::string>{"3", "x"}));
  EXPECT_EQ(Elements({"sinter", a, b}), (std::set<std::string>{"2", "3", "x"}));
  EXPECT_EQ(Elements({"sinter", a, b, "nokey"}), std::set<std::string>{});
  EXPECT_EQ(Elements({"sunion", a, b, c, "nokey"}),
            (std::set<std::string>{"1", "2", "3", "4", "5", "x"}));
  EXPECT_EQ(Elements({"sdiff", a, b}), (std::set<std::string>{"1"}));
  EXPECT_EQ(Elements({"sdiff", c, a}), (std::set<std::string>{"4", "5"}));
  EXPECT_EQ(Elements({"sdiff", a, a}), std::set<std::string>{});
  EXPECT_EQ(Elements({"sdiff", "nokey", a}), std::set<std::string>{});
  EXPECT_EQ(Elements({"sdiff", a, "nokey"}), Members(a));
  EXPECT_EQ(Elements({"sinter", a}), Members(a));
  EXPECT_EQ(Run({"sintercard", "3", a, b, c}), ":2");
  EXPECT_EQ(Run({"sintercard", "2", a, b, "LIMIT", "2"}), ":2");
  EXPECT_EQ(Run({"sintercard", "2", a, b, "LIMIT", "0"}), ":3");
  EXPECT_EQ(Run({"sintercard", "2", a, "nokey"}), ":0");
  // An all-integer result is an intset: ascending, like Redis.
  EXPECT_EQ(Run({"sinter", a, b, c, "x-not-there"}), "[]");
  EXPECT_EQ(Run({"srem", a, "x"}), ":1");
  EXPECT_EQ(Run({"srem", b, "x"}), ":1");
  EXPECT_EQ(Run({"sunion", b, a}), "[\"1\", \"2\", \"3\", \"4\"]");
}

TEST_F(SetCommandsTest, StoreAcrossShards) {
  std::vector<std::string> k = KeysOnDistinctShards("st", 3);
  const std::string &a = k[0], &b = k[1], &dst = k[2];
  AddRange(a, 0, 10);
  AddRange(b, 5, 600);
  EXPECT_EQ(Run({"set", dst, "a string"}), "+\"OK\"");
  EXPECT_EQ(Run({"expire", dst, "1000"}), ":1");
  EXPECT_EQ(Run({"sinterstore", dst, a, b}), ":5");
  EXPECT_EQ(Run({"smembers", dst}), "[\"5\", \"6\", \"7\", \"8\", \"9\"]");
  EXPECT_EQ(Run({"ttl", dst}), ":-1");  // a new value: no TTL
  EXPECT_EQ(Run({"object", "encoding", dst}), "\"intset\"");
  EXPECT_EQ(Run({"sunionstore", dst, a, b}), ":600");
  EXPECT_EQ(Run({"object", "encoding", dst}), "\"hashtable\"");
  EXPECT_EQ(Run({"sdiffstore", dst, a, b}), ":5");
  EXPECT_EQ(Run({"smembers", dst}), "[\"0\", \"1\", \"2\", \"3\", \"4\"]");
  // The destination may be a source.
  EXPECT_EQ(Run({"sunionstore", dst, dst, a}), ":10");
  EXPECT_EQ(Run({"sdiffstore", dst, dst, b}), ":5");
  EXPECT_EQ(Run({"sinterstore", dst, a, "nokey"}), ":0");
  EXPECT_EQ(Run({"exists", dst}), ":0");  // an empty result deletes the destination
  EXPECT_EQ(Run({"set", dst, "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"sdiffstore", dst, "nokey"}), ":0");
  EXPECT_EQ(Run({"exists", dst}), ":0");
  EXPECT_EQ(Run({"set", "str", "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"sadd", dst, "kept"}), ":1");
  EXPECT_EQ(Run({"sunionstore", dst, a, "str"}), kWrongType);
  EXPECT_EQ(Run({"smembers", dst}), "[\"kept\"]");   // untouched on error
  EXPECT_EQ(Run({"sinterstore", "str", a}), ":10");  // any destination type is replaced
  EXPECT_EQ(Run({"type", "str"}), "+\"set\"");
}

TEST_F(SetCommandsTest, InterCardArguments) {
  EXPECT_EQ(Run({"sintercard", "0", "a"}), "-\"ERR numkeys should be greater than 0\"");
  EXPECT_EQ(Run({"sintercard", "-1", "a"}), "-\"ERR numkeys should be greater than 0\"");
  EXPECT_EQ(Run({"sintercard", "x", "a"}), "-\"ERR numkeys should be greater than 0\"");
  EXPECT_EQ(Run({"sintercard", "01", "a"}), "-\"ERR numkeys should be greater than 0\"");
  EXPECT_EQ(Run({"sintercard", "2", "a"}),
            "-\"ERR Number of keys can't be greater than number of args\"");
  EXPECT_EQ(Run({"sintercard", "99999999999999999999", "a"}),
            "-\"ERR numkeys should be greater than 0\"");
  EXPECT_EQ(Run({"sintercard", "1", "a", "b"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"sintercard", "1", "a", "LIMIT"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"sintercard", "1", "a", "LIMIT", "-1"}), "-\"ERR LIMIT can't be negative\"");
  EXPECT_EQ(Run({"sintercard", "1", "a", "LIMIT", "x"}), "-\"ERR LIMIT can't be negative\"");
  EXPECT_EQ(Run({"sintercard", "1", "a", "limit", "5", "LIMIT", "2"}), ":0");
  AddRange("a", 0, 100);
  EXPECT_EQ(Run({"sintercard", "1", "a", "limit", "5", "LIMIT", "2"}), ":2");
  EXPECT_EQ(Run({"sintercard", "1", "a"}), ":100");
  EXPECT_EQ(Run({"sintercard", "1"}),
            "-\"ERR wrong number of arguments for 'sintercard' command\"");
}

TEST_F(SetCommandsTest, MoveAcrossShards) {
  std::vector<std::string> k = KeysOnDistinctShards("mv", 2);
  const std::string &src = k[0], &dst = k[1];
  EXPECT_EQ(Run({"smove", src, dst, "a"}), ":0");
  EXPECT_EQ(Run({"sadd", src, "a", "b"}), ":2");
  EXPECT_EQ(Run({"smove", src, dst, "zz"}), ":0");
  EXPECT_EQ(Run({"exists", dst}), ":0");
  EXPECT_EQ(Run({"smove", src, dst, "a"}), ":1");
  EXPECT_EQ(Run({"smembers", dst}), "[\"a\"]");
  EXPECT_EQ(Run({"smove", src, src, "b"}), ":1");
  EXPECT_EQ(Run({"smove", src, src, "zz"}), ":0");
  EXPECT_EQ(Run({"sadd", dst, "b"}), ":1");
  EXPECT_EQ(Run({"smove", src, dst, "b"}), ":1");  // already at the destination: still moved
  EXPECT_EQ(Run({"exists", src}), ":0");           // the emptied source is gone
  EXPECT_EQ(Run({"scard", dst}), ":2");
  EXPECT_EQ(Run({"set", "str", "x"}), "+\"OK\"");
  EXPECT_EQ(Run({"smove", dst, "str", "a"}), kWrongType);
  EXPECT_EQ(Run({"smove", "str", dst, "a"}), kWrongType);
  EXPECT_EQ(Run({"smove", "nokey", "str", "a"}), ":0");  // a missing source answers first
  EXPECT_EQ(Run({"scard", dst}), ":2");
  // Into an intset past its limit: the destination converts.
  AddRange(src, 0, 512);
  AddRange("{" + src + "}int", 1000, 1001);
  EXPECT_EQ(Run({"smove", "{" + src + "}int", src, "1000"}), ":1");
  EXPECT_EQ(Run({"object", "encoding", src}), "\"hashtable\"");
}

TEST_F(SetCommandsTest, Scan) {
  EXPECT_EQ(Run({"sscan", "nokey", "0"}), "[\"0\", []]");
  EXPECT_EQ(Run({"sscan", "nokey", "0", "bogus"}), "[\"0\", []]");
  EXPECT_EQ(Run({"sscan", "nokey", "abc"}), "-\"ERR invalid cursor\"");
  AddRange("s", 0, 12);
  EXPECT_EQ(Run({"sscan", "s", "0", "match", "1*", "count", "1"}),
            "[\"0\", [\"1\", \"10\", \"11\"]]");
  EXPECT_EQ(Run({"sscan", "s", "0", "count", "0"}), "-\"ERR syntax error\"");
  AddRange("big", 0, 1000, "m");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    resp::Value reply = RunValue({"sscan", "big", cursor, "count", "100"});
    for (const resp::Value& m : reply.elements[1].elements) seen.insert(m.str);
    cursor = reply.elements[0].str;
    ++calls;
    Run({"spop", "big"});  // pops between calls never hide what stays
  } while (cursor != "0" && calls < 1000);
  EXPECT_EQ(calls, 10);
  for (const std::string& m : Members("big")) EXPECT_EQ(seen.count(m), 1u) << m;
}

}  // namespace
}  // namespace server
