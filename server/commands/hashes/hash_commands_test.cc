// Hash commands, in-process against a 3-worker server. Replies are rendered
// with resp::ToString: +"OK", -"ERR ...", :1, "bulk", nil, [a, b], {k: v}.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/testing/command_fixture.h"

namespace server {
namespace {

constexpr char kWrongType[] =
    "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"";

class HashCommandsTest : public CommandFixture {
 protected:
  // Every field -> value pair a full HSCAN returns (duplicates kept, so a
  // test can see them); *calls gets the number of HSCAN calls.
  std::multimap<std::string, std::string> ScanAll(const std::string& key,
                                                  std::vector<std::string> options,
                                                  int* calls = nullptr) {
    std::multimap<std::string, std::string> seen;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> cmd = {"hscan", key, cursor};
      cmd.insert(cmd.end(), options.begin(), options.end());
      resp::Value reply = RunValue(cmd);
      EXPECT_EQ(reply.elements.size(), 2u) << resp::ToString(reply);
      if (reply.elements.size() != 2) break;
      const auto& items = reply.elements[1].elements;
      EXPECT_EQ(items.size() % 2, 0u);
      for (size_t i = 0; i + 1 < items.size(); i += 2) seen.emplace(items[i].str, items[i + 1].str);
      cursor = reply.elements[0].str;
    } while (cursor != "0" && ++n < 100000);
    if (calls) *calls = n + 1;
    return seen;
  }

  void FillHash(const std::string& key, int fields) {
    std::vector<std::string> cmd = {"hset", key};
    for (int i = 0; i < fields; ++i) {
      cmd.push_back("f" + std::to_string(i));
      cmd.push_back("v" + std::to_string(i));
    }
    ASSERT_EQ(RunValue(cmd).integer, fields);
  }
};

TEST_F(HashCommandsTest, SetGetAndFriends) {
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2"}), ":2");
  EXPECT_EQ(Run({"hset", "h", "a", "10", "c", "3"}), ":1");
  EXPECT_EQ(Run({"hget", "h", "a"}), "\"10\"");
  EXPECT_EQ(Run({"hget", "h", "zz"}), "nil");
  EXPECT_EQ(Run({"hget", "nokey", "a"}), "nil");
  EXPECT_EQ(Run({"hmget", "h", "a", "zz", "c"}), "[\"10\", nil, \"3\"]");
  EXPECT_EQ(Run({"hmget", "nokey", "a", "b"}), "[nil, nil]");
  EXPECT_EQ(Run({"hsetnx", "h", "a", "x"}), ":0");
  EXPECT_EQ(Run({"hsetnx", "h", "d", "4"}), ":1");
  EXPECT_EQ(Run({"hsetnx", "fresh", "d", "4"}), ":1");
  EXPECT_EQ(Run({"hmset", "h", "e", "5"}), "+\"OK\"");
  EXPECT_EQ(Run({"hlen", "h"}), ":5");
  EXPECT_EQ(Run({"hlen", "nokey"}), ":0");
  EXPECT_EQ(Run({"hstrlen", "h", "a"}), ":2");
  EXPECT_EQ(Run({"hstrlen", "h", "zz"}), ":0");
  EXPECT_EQ(Run({"hexists", "h", "a"}), ":1");
  EXPECT_EQ(Run({"hexists", "h", "zz"}), ":0");
  EXPECT_EQ(Run({"hexists", "nokey", "a"}), ":0");
  // Listpack order is insertion order, and an update keeps the position.
  EXPECT_EQ(Run({"hkeys", "h"}), "[\"a\", \"b\", \"c\", \"d\", \"e\"]");
  EXPECT_EQ(Run({"hvals", "h"}), "[\"10\", \"2\", \"3\", \"4\", \"5\"]");
  EXPECT_EQ(Run({"hgetall", "h"}),
            "[\"a\", \"10\", \"b\", \"2\", \"c\", \"3\", \"d\", \"4\", \"e\", \"5\"]");
  EXPECT_EQ(Run({"hgetall", "nokey"}), "[]");
  EXPECT_EQ(Run({"hkeys", "nokey"}), "[]");
  EXPECT_EQ(Run({"type", "h"}), "+\"hash\"");
}

TEST_F(HashCommandsTest, ArityAndWrongType) {
  EXPECT_EQ(Run({"hset", "h", "a"}), "-\"ERR wrong number of arguments for 'hset' command\"");
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b"}),
            "-\"ERR wrong number of arguments for 'hset' command\"");
  EXPECT_EQ(Run({"HMSET", "h", "a", "1", "b"}),
            "-\"ERR wrong number of arguments for 'hmset' command\"");
  EXPECT_EQ(Run({"exists", "h"}), ":0");  // a failed HSET creates nothing
  EXPECT_EQ(Run({"hget", "h"}), "-\"ERR wrong number of arguments for 'hget' command\"");
  EXPECT_EQ(Run({"set", "s", "x"}), "+\"OK\"");
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"hset", "s", "a", "1"},
                                             {"hsetnx", "s", "a", "1"},
                                             {"hget", "s", "a"},
                                             {"hmget", "s", "a"},
                                             {"hdel", "s", "a"},
                                             {"hlen", "s"},
                                             {"hstrlen", "s", "a"},
                                             {"hexists", "s", "a"},
                                             {"hkeys", "s"},
                                             {"hvals", "s"},
                                             {"hgetall", "s"},
                                             {"hincrby", "s", "a", "1"},
                                             {"hincrbyfloat", "s", "a", "1"},
                                             {"hrandfield", "s"},
                                             {"hrandfield", "s", "2"},
                                             {"hscan", "s", "0"}}) {
    EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  }
  EXPECT_EQ(Run({"get", "s"}), "\"x\"");
}

TEST_F(HashCommandsTest, DeletingTheLastFieldDeletesTheKey) {
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2"}), ":2");
  EXPECT_EQ(Run({"hdel", "h", "a", "a", "zz"}), ":1");
  EXPECT_EQ(Run({"exists", "h"}), ":1");
  EXPECT_EQ(Run({"hdel", "h", "b"}), ":1");
  EXPECT_EQ(Run({"exists", "h"}), ":0");
  EXPECT_EQ(Run({"hdel", "h", "b"}), ":0");
  FillHash("big", 200);
  std::vector<std::string> del = {"hdel", "big"};
  for (int i = 0; i < 200; ++i) del.push_back("f" + std::to_string(i));
  EXPECT_EQ(Run(del), ":200");
  EXPECT_EQ(Run({"exists", "big"}), ":0");
}

TEST_F(HashCommandsTest, IncrByAndIncrByFloat) {
  EXPECT_EQ(Run({"hincrby", "h", "n", "5"}), ":5");
  EXPECT_EQ(Run({"hincrby", "h", "n", "-7"}), ":-2");
  EXPECT_EQ(Run({"hincrby", "h", "n", "x"}), "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"hset", "h", "max", "9223372036854775807", "s", "abc", "f", "1.5", "z", "01"}),
            ":4");
  EXPECT_EQ(Run({"hincrby", "h", "max", "1"}), "-\"ERR increment or decrement would overflow\"");
  EXPECT_EQ(Run({"hincrby", "h", "max", "-9223372036854775808"}), ":-1");
  EXPECT_EQ(Run({"hincrby", "h", "s", "1"}), "-\"ERR hash value is not an integer\"");
  EXPECT_EQ(Run({"hincrby", "h", "f", "1"}), "-\"ERR hash value is not an integer\"");
  EXPECT_EQ(Run({"hincrby", "h", "z", "1"}), "-\"ERR hash value is not an integer\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "0.25"}), "\"1.75\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "z", "1"}), "\"2\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "new", "-0"}), "\"0\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s", "1"}), "-\"ERR hash value is not a float\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "abc"}), "-\"ERR value is not a valid float\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "inf"}), "-\"ERR value is NaN or Infinity\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "nan"}), "-\"ERR value is not a valid float\"");
  EXPECT_EQ(Run({"hset", "h", "inf", "inf"}), ":1");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "inf", "1"}),
            "-\"ERR increment would produce NaN or Infinity\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "hex", "0x10"}), "\"16\"");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "tiny", "1e-4950"}), "\"0\"");  // subnormal, not an error
  EXPECT_EQ(Run({"hget", "h", "f"}), "\"1.75\"");
  // Errors on a missing key create nothing.
  EXPECT_EQ(Run({"hincrby", "nokey", "a", "x"}),
            "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"exists", "nokey"}), ":0");
}

TEST_F(HashCommandsTest, EncodingFollowsTheListpackLimits) {
  // hash-max-listpack-entries is 512 in Redis 7.0 (zsets: 128).
  FillHash("h", 512);
  EXPECT_EQ(Run({"object", "encoding", "h"}), "\"listpack\"");
  EXPECT_EQ(Run({"hset", "h", "f0", "updated"}), ":0");
  EXPECT_EQ(Run({"object", "encoding", "h"}), "\"listpack\"");
  EXPECT_EQ(Run({"hset", "h", "f512", "v"}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "h"}), "\"hashtable\"");
  EXPECT_EQ(Run({"hlen", "h"}), ":513");
  EXPECT_EQ(Run({"hget", "h", "f0"}), "\"updated\"");

  std::string v64(64, 'v'), v65(65, 'v');
  EXPECT_EQ(Run({"hset", "lv", "a", v64}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "lv"}), "\"listpack\"");
  // HSETNX that sets nothing does not convert (Redis 7.0 neither).
  EXPECT_EQ(Run({"hsetnx", "lv", "a", v65}), ":0");
  EXPECT_EQ(Run({"object", "encoding", "lv"}), "\"listpack\"");
  EXPECT_EQ(Run({"hset", "lv", "a", v65}), ":0");
  EXPECT_EQ(Run({"object", "encoding", "lv"}), "\"hashtable\"");
  EXPECT_EQ(Run({"hincrby", "lf", std::string(65, 'f'), "1"}), ":1");
  EXPECT_EQ(Run({"object", "encoding", "lf"}), "\"hashtable\"");
  // Never back: shrinking keeps the hashtable.
  EXPECT_EQ(Run({"hdel", "lv", "a"}), ":1");
  EXPECT_EQ(Run({"hset", "h", "small", "1"}), ":1");
  std::vector<std::string> del = {"hdel", "h"};
  for (int i = 0; i < 513; ++i) del.push_back("f" + std::to_string(i));
  EXPECT_EQ(Run(del), ":513");
  EXPECT_EQ(Run({"hgetall", "h"}), "[\"small\", \"1\"]");
  EXPECT_EQ(Run({"object", "encoding", "h"}), "\"hashtable\"");
}

TEST_F(HashCommandsTest, RespThreeShapes) {
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2"}), ":2");
  EXPECT_EQ(Run({"hello", "3"}).substr(0, 1), "{");
  EXPECT_EQ(Run({"hgetall", "h"}), "{\"a\": \"1\", \"b\": \"2\"}");
  EXPECT_EQ(Run({"hgetall", "nokey"}), "{}");
  EXPECT_EQ(Run({"hrandfield", "h", "5", "withvalues"}), "[[\"a\", \"1\"], [\"b\", \"2\"]]");
  EXPECT_EQ(Run({"hrandfield", "h", "5"}), "[\"a\", \"b\"]");
  EXPECT_EQ(Run({"hrandfield", "nokey"}), "nil");
  EXPECT_EQ(Run({"hrandfield", "nokey", "1"}), "[]");
  EXPECT_EQ(Run({"hmget", "h", "zz"}), "[nil]");
  resp::Value pairs = RunValue({"hrandfield", "h", "-5", "withvalues"});
  ASSERT_EQ(pairs.elements.size(), 5u);
  for (const resp::Value& p : pairs.elements) {
    ASSERT_EQ(p.elements.size(), 2u);
    EXPECT_EQ(p.elements[0].str == "a" ? "1" : "2", p.elements[1].str);
  }
}

TEST_F(HashCommandsTest, RandField) {
  EXPECT_EQ(Run({"hrandfield", "nokey"}), "nil");
  EXPECT_EQ(Run({"hrandfield", "nokey", "3"}), "[]");
  EXPECT_EQ(Run({"hrandfield", "nokey", "-3", "withvalues"}), "[]");
  EXPECT_EQ(Run({"hrandfield", "nokey", "x"}), "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2", "c", "3"}), ":3");
  std::set<std::string> fields = {"a", "b", "c"};
  EXPECT_EQ(fields.count(RunValue({"hrandfield", "h"}).str), 1u);
  EXPECT_EQ(Run({"hrandfield", "h", "0"}), "[]");
  EXPECT_EQ(Run({"hrandfield", "h", "0", "withvalues"}), "[]");
  // A count past the size returns the whole hash, in order.
  EXPECT_EQ(Run({"hrandfield", "h", "10", "withvalues"}),
            "[\"a\", \"1\", \"b\", \"2\", \"c\", \"3\"]");
  resp::Value two = RunValue({"hrandfield", "h", "2"});
  ASSERT_EQ(two.elements.size(), 2u);
  EXPECT_NE(two.elements[0].str, two.elements[1].str);
  // Listpack samples come in listpack order.
  EXPECT_LT(two.elements[0].str, two.elements[1].str);
  resp::Value many = RunValue({"hrandfield", "h", "-100"});
  ASSERT_EQ(many.elements.size(), 100u);
  std::set<std::string> distinct;
  for (const resp::Value& f : many.elements) distinct.insert(f.str);
  EXPECT_EQ(distinct, fields);  // 100 picks out of 3: all show up
  resp::Value flat = RunValue({"hrandfield", "h", "-4", "withvalues"});
  EXPECT_EQ(flat.elements.size(), 8u);
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withvalue"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withvalues", "x"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"hrandfield", "h", "-9223372036854775808"}),
            "-\"ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\"");
  EXPECT_EQ(Run({"hrandfield", "h", "-4611686018427387904", "withvalues"}),
            "-\"ERR value is out of range\"");
  EXPECT_EQ(Run({"hrandfield", "h", "4611686018427387904", "withvalues"}),
            "-\"ERR value is out of range\"");
  // Counts Redis would never finish answering are refused, not attempted.
  EXPECT_EQ(Run({"hrandfield", "h", "-9223372036854775807"}), "-\"ERR value is out of range\"");
  EXPECT_EQ(Run({"hrandfield", "h", "-4611686018427387903", "withvalues"}),
            "-\"ERR value is out of range\"");
  EXPECT_EQ(RunValue({"hrandfield", "h", "9223372036854775807"}).elements.size(), 3u);

  FillHash("big", 600);
  ASSERT_EQ(Run({"object", "encoding", "big"}), "\"hashtable\"");
  resp::Value sample = RunValue({"hrandfield", "big", "250", "withvalues"});
  ASSERT_EQ(sample.elements.size(), 500u);
  std::set<std::string> sampled;
  for (size_t i = 0; i < sample.elements.size(); i += 2) {
    sampled.insert(sample.elements[i].str);
    EXPECT_EQ("v" + sample.elements[i].str.substr(1), sample.elements[i + 1].str);
  }
  EXPECT_EQ(sampled.size(), 250u);
  EXPECT_EQ(RunValue({"hrandfield", "big", "10"}).elements.size(), 10u);
  EXPECT_EQ(RunValue({"hrandfield", "big", "1000"}).elements.size(), 600u);
}

TEST_F(HashCommandsTest, ScanSmallHashInOneCall) {
  EXPECT_EQ(Run({"hscan", "nokey", "0"}), "[\"0\", []]");
  EXPECT_EQ(Run({"hscan", "nokey", "0", "count", "0"}), "[\"0\", []]");  // options unread
  EXPECT_EQ(Run({"hscan", "nokey", "x"}), "-\"ERR invalid cursor\"");
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2", "ab", "3"}), ":3");
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "1"}),
            "[\"0\", [\"a\", \"1\", \"b\", \"2\", \"ab\", \"3\"]]");
  EXPECT_EQ(Run({"hscan", "h", "12345"}), "[\"0\", [\"a\", \"1\", \"b\", \"2\", \"ab\", \"3\"]]");
  EXPECT_EQ(Run({"hscan", "h", "0", "match", "a*"}), "[\"0\", [\"a\", \"1\", \"ab\", \"3\"]]");
  EXPECT_EQ(Run({"hscan", "h", "0", "match", "a*", "match", "b"}), "[\"0\", [\"b\", \"2\"]]");
  EXPECT_EQ(Run({"hscan", "h", "-1"}).substr(0, 6), "[\"0\", ");
  EXPECT_EQ(Run({"hscan", "h", ""}).substr(0, 6), "[\"0\", ");
  EXPECT_EQ(Run({"hscan", "h", " 1"}), "-\"ERR invalid cursor\"");
  EXPECT_EQ(Run({"hscan", "h", "18446744073709551616"}), "-\"ERR invalid cursor\"");
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "0"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "x"}),
            "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"hscan", "h", "0", "match"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"hscan", "h", "0", "type", "string"}), "-\"ERR syntax error\"");
}

TEST_F(HashCommandsTest, ScanLargeHashVisitsEverythingByCount) {
  FillHash("h", 1000);
  int calls = 0;
  std::multimap<std::string, std::string> all = ScanAll("h", {"COUNT", "50"}, &calls);
  // Unchanged between calls: each field exactly once, with its value.
  EXPECT_EQ(all.size(), 1000u);
  std::set<std::string> distinct;
  for (const auto& [f, v] : all) {
    distinct.insert(f);
    EXPECT_EQ("v" + f.substr(1), v);
  }
  EXPECT_EQ(distinct.size(), 1000u);
  EXPECT_EQ(calls, 20);
  EXPECT_EQ(ScanAll("h", {"MATCH", "f99*"}).size(), 11u);  // f99, f990..f999
}

TEST_F(HashCommandsTest, ScanKeepsItsPromiseWhileFieldsAreDeleted) {
  FillHash("h", 600);
  ASSERT_EQ(Run({"object", "encoding", "h"}), "\"hashtable\"");
  std::set<std::string> seen;
  std::set<std::string> deleted;
  std::string cursor = "0";
  int i = 0;
  do {
    resp::Value reply = RunValue({"hscan", "h", cursor, "COUNT", "20"});
    const auto& items = reply.elements[1].elements;
    for (size_t k = 0; k < items.size(); k += 2) seen.insert(items[k].str);
    cursor = reply.elements[0].str;
    // Delete two fields (visited or not) between calls.
    for (int d = 0; d < 2; ++d, ++i) {
      std::string f = "f" + std::to_string((i * 37) % 600);
      if (RunValue({"hdel", "h", f}).integer == 1) deleted.insert(f);
    }
  } while (cursor != "0");
  for (int k = 0; k < 600; ++k) {
    std::string f = "f" + std::to_string(k);
    if (deleted.count(f) == 0) {
      EXPECT_EQ(seen.count(f), 1u) << f;
    }
  }
}

TEST_F(HashCommandsTest, CopyAndRenameAcrossShardsKeepBothEncodings) {
  // No common hashtag: with 3 shards these land apart.
  EXPECT_EQ(Run({"hset", "src", "a", "1", "b", "2"}), ":2");
  FillHash("bigsrc", 600);
  ASSERT_NE(server().shards().ShardOf("src"), server().shards().ShardOf("dst-1"));
  EXPECT_EQ(Run({"copy", "src", "dst-1"}), ":1");
  EXPECT_EQ(Run({"hset", "src", "a", "changed"}), ":0");
  EXPECT_EQ(Run({"hgetall", "dst-1"}), "[\"a\", \"1\", \"b\", \"2\"]");
  EXPECT_EQ(Run({"object", "encoding", "dst-1"}), "\"listpack\"");
  EXPECT_EQ(Run({"rename", "bigsrc", "bigdst"}), "+\"OK\"");
  EXPECT_EQ(Run({"object", "encoding", "bigdst"}), "\"hashtable\"");
  EXPECT_EQ(Run({"hget", "bigdst", "f599"}), "\"v599\"");
  EXPECT_EQ(Run({"copy", "bigdst", "bigcopy"}), ":1");
  EXPECT_EQ(Run({"hlen", "bigcopy"}), ":600");
}

}  // namespace
}  // namespace server
