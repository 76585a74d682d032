// List commands in-process against a 3-worker server, blocking ones included.
// Replies are rendered with resp::ToString: +"OK", -"ERR ...", :1, "bulk",
// nil, [a, b].
#include <chrono>

#include "engine/shard_set.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class ListCommandsTest : public CommandFixture {
 protected:
  // Two keys owned by different shards.
  std::pair<std::string, std::string> KeysOnTwoShards() {
    std::vector<std::string> k = KeysOnDistinctShards("key", 2);
    return {k[0], k[1]};
  }
};

TEST_F(ListCommandsTest, PushPopRangeIndex) {
  EXPECT_EQ(Run({"rpush", "l", "a", "b", "c"}), ":3");
  EXPECT_EQ(Run({"lpush", "l", "z"}), ":4");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[\"z\", \"a\", \"b\", \"c\"]");
  EXPECT_EQ(Run({"lrange", "l", "-100", "1"}), "[\"z\", \"a\"]");
  EXPECT_EQ(Run({"lindex", "l", "-1"}), "\"c\"");
  EXPECT_EQ(Run({"lindex", "l", "4"}), "nil");
  EXPECT_EQ(Run({"lpushx", "nol", "a"}), ":0");
  EXPECT_EQ(Run({"exists", "nol"}), ":0");
  EXPECT_EQ(Run({"rpushx", "l", "d"}), ":5");
  EXPECT_EQ(Run({"lpop", "l", "2"}), "[\"z\", \"a\"]");
  EXPECT_EQ(Run({"rpop", "l", "0"}), "[]");
  EXPECT_EQ(Run({"lpop", "nol", "0"}), "nil");
  EXPECT_EQ(Run({"lpop", "l", "-1"}), "-\"ERR value is out of range, must be positive\"");
  EXPECT_EQ(Run({"rpop", "l", "10"}), "[\"d\", \"c\", \"b\"]");
  EXPECT_EQ(Run({"exists", "l"}), ":0");  // an emptied list is no key
  EXPECT_EQ(Run({"set", "s", "x"}), "+\"OK\"");
  EXPECT_EQ(Run({"lpush", "s", "x"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
}

TEST_F(ListCommandsTest, SetRemTrimInsertPos) {
  EXPECT_EQ(Run({"rpush", "l", "a", "b", "a", "c", "a"}), ":5");
  EXPECT_EQ(Run({"lset", "l", "1", "B"}), "+\"OK\"");
  EXPECT_EQ(Run({"lset", "l", "9", "x"}), "-\"ERR index out of range\"");
  EXPECT_EQ(Run({"lset", "nol", "0", "x"}), "-\"ERR no such key\"");
  EXPECT_EQ(Run({"lpos", "l", "a"}), ":0");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "-1"}), ":4");
  EXPECT_EQ(Run({"lpos", "l", "a", "count", "0"}), "[:0, :2, :4]");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "2", "count", "1"}), "[:2]");
  EXPECT_EQ(Run({"lpos", "l", "a", "maxlen", "2", "count", "0"}), "[:0]");
  EXPECT_EQ(Run({"lpos", "l", "zz"}), "nil");
  EXPECT_EQ(Run({"lpos", "l", "a", "rank", "0"}).substr(0, 28), "-\"ERR RANK can't be zero: us");
  EXPECT_EQ(Run({"linsert", "l", "before", "c", "X"}), ":6");
  EXPECT_EQ(Run({"linsert", "l", "after", "nope", "X"}), ":-1");
  EXPECT_EQ(Run({"linsert", "nol", "after", "a", "X"}), ":0");
  EXPECT_EQ(Run({"lrem", "l", "-1", "a"}), ":1");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[\"a\", \"B\", \"a\", \"X\", \"c\"]");
  EXPECT_EQ(Run({"lrem", "l", "0", "a"}), ":2");
  EXPECT_EQ(Run({"ltrim", "l", "1", "-1"}), "+\"OK\"");
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), "[\"X\", \"c\"]");
  EXPECT_EQ(Run({"ltrim", "l", "5", "10"}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "l"}), ":0");
}

TEST_F(ListCommandsTest, BigListsSpanNodesAndFollowTheFillSetting) {
  for (int i = 0; i < 3000; ++i) Send({"rpush", "big", "element-" + std::to_string(i)}, 0);
  for (int i = 0; i < 3000; ++i) Receive(0);
  EXPECT_EQ(Run({"llen", "big"}), ":3000");
  EXPECT_EQ(Run({"lindex", "big", "1500"}), "\"element-1500\"");
  EXPECT_EQ(Run({"lrange", "big", "2998", "5000"}), "[\"element-2998\", \"element-2999\"]");
  EXPECT_EQ(Run({"object", "encoding", "big"}), "\"quicklist\"");
  EXPECT_EQ(Run({"linsert", "big", "after", "element-10", "new"}), ":3001");
  EXPECT_EQ(Run({"lindex", "big", "11"}), "\"new\"");
}

TEST_F(ListCommandsTest, MovesAcrossShardsAreAtomicCommands) {
  auto [a, b] = KeysOnTwoShards();
  EXPECT_EQ(Run({"rpush", a, "1", "2", "3"}), ":3");
  EXPECT_EQ(Run({"lmove", a, b, "left", "right"}), "\"1\"");
  EXPECT_EQ(Run({"rpoplpush", a, b}), "\"3\"");
  EXPECT_EQ(Run({"lrange", b, "0", "-1"}), "[\"3\", \"1\"]");
  EXPECT_EQ(Run({"lmove", a, a, "left", "right"}), "\"2\"");  // one element rotates in place
  EXPECT_EQ(Run({"lmove", a, b, "left", "left"}), "\"2\"");
  EXPECT_EQ(Run({"exists", a}), ":0");
  EXPECT_EQ(Run({"lmove", a, b, "left", "left"}), "nil");
  EXPECT_EQ(Run({"lmove", a, b, "up", "left"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"set", a, "str"}), "+\"OK\"");
  EXPECT_EQ(Run({"lmove", b, a, "left", "left"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  EXPECT_EQ(Run({"llen", b}), ":3");  // nothing was taken
  EXPECT_EQ(Run({"lmpop", "2", "missing", b, "right", "count", "2"}),
            "[\"" + b + "\", [\"1\", \"3\"]]");
  EXPECT_EQ(Run({"lmpop", "2", a, b, "left"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  EXPECT_EQ(Run({"lmpop", "0", a, "left"}), "-\"ERR numkeys should be greater than 0\"");
  EXPECT_EQ(Run({"lmpop", "1", b, "left", "count", "0"}),
            "-\"ERR count should be greater than 0\"");
}

TEST_F(ListCommandsTest, BlockingPopTimesOut) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Run({"blpop", "nothing", "0.1"}), "nil");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  EXPECT_EQ(Run({"blpop", "nothing", "-1"}), "-\"ERR timeout is negative\"");
  EXPECT_EQ(Run({"blpop", "nothing", "x"}), "-\"ERR timeout is not a float or out of range\"");
  EXPECT_EQ(Run({"set", "s", "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"blpop", "s", "0"}),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  EXPECT_EQ(Run({"brpoplpush", "nothing", "dst", "0.05"}), "nil");
  EXPECT_EQ(Run({"blmpop", "0.05", "1", "nothing", "left"}), "nil");
}

TEST_F(ListCommandsTest, PushFromAnotherClientWakesTheFirstBlockedFirst) {
  Send({"blpop", "q", "0"}, 1);
  WaitForBlockedClients(1);
  Send({"brpop", "q", "0"}, 2);
  WaitForBlockedClients(2);
  EXPECT_EQ(Run({"rpush", "q", "first", "second", "third"}), ":3");
  EXPECT_EQ(Receive(1), "[\"q\", \"first\"]");
  EXPECT_EQ(Receive(2), "[\"q\", \"third\"]");
  EXPECT_EQ(Run({"lrange", "q", "0", "-1"}), "[\"second\"]");
  WaitForBlockedClients(0);
}

TEST_F(ListCommandsTest, BlockedClientIsServedBeforeTheNextCommand) {
  Send({"blpop", "q", "0"}, 1);
  WaitForBlockedClients(1);
  // Pipelined: Redis hands the element to the blocked client right after
  // RPUSH, so the LPOP behind it finds nothing.
  std::vector<resp::Value> replies =
      RunRaw("*3\r\n$5\r\nrpush\r\n$1\r\nq\r\n$1\r\nv\r\n*2\r\n$4\r\nlpop\r\n$1\r\nq\r\n", 2, 0);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(resp::ToString(replies[1]), "nil");
  EXPECT_EQ(Receive(1), "[\"q\", \"v\"]");
}

TEST_F(ListCommandsTest, WaitsOnKeysOfSeveralShards) {
  auto [a, b] = KeysOnTwoShards();
  Send({"blpop", a, b, "0"}, 1);
  WaitForBlockedClients(1);
  EXPECT_EQ(Run({"rpush", b, "x"}), ":1");
  EXPECT_EQ(Receive(1), "[\"" + b + "\", \"x\"]");
  EXPECT_EQ(Run({"exists", b}), ":0");
  // BLMOVE into a list on another shard.
  Send({"blmove", a, b, "right", "left", "0"}, 1);
  WaitForBlockedClients(1);
  EXPECT_EQ(Run({"rpush", a, "y"}), ":1");
  EXPECT_EQ(Receive(1), "\"y\"");
  EXPECT_EQ(Run({"lrange", b, "0", "-1"}), "[\"y\"]");
  EXPECT_EQ(Run({"exists", a}), ":0");
}

TEST_F(ListCommandsTest, CommandsPipelinedBehindABlockedOneWait) {
  RunRaw("*3\r\n$5\r\nblpop\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$4\r\nping\r\n", 0, 1);
  WaitForBlockedClients(1);
  EXPECT_EQ(Run({"lpush", "q", "v"}), ":1");
  EXPECT_EQ(Receive(1), "[\"q\", \"v\"]");
  EXPECT_EQ(Receive(1), "+\"PONG\"");
}

TEST_F(ListCommandsTest, ClientThatDisconnectsWhileBlockedTakesNothing) {
  Send({"blpop", "q", "0"}, 1);
  WaitForBlockedClients(1);
  Disconnect(1);
  WaitForBlockedClients(0);
  EXPECT_EQ(Run({"rpush", "q", "kept"}), ":1");
  EXPECT_EQ(Run({"lrange", "q", "0", "-1"}), "[\"kept\"]");
}

}  // namespace
}  // namespace server
