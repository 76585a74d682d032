// Pub/Sub in-process: subscribers and publishers on different workers of a
// 3-worker server (connections land on workers round-robin).
#include "absl/strings/str_cat.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class PubSubCommandsTest : public CommandFixture {};

TEST_F(PubSubCommandsTest, SubscribeConfirmsEachChannelWithTheRunningCount) {
  EXPECT_EQ(Run({"subscribe", "a", "b", "a"}, 1), "[\"subscribe\", \"a\", :1]");
  EXPECT_EQ(Receive(1), "[\"subscribe\", \"b\", :2]");
  EXPECT_EQ(Receive(1), "[\"subscribe\", \"a\", :2]");  // again: counted once
  EXPECT_EQ(Run({"psubscribe", "a*"}, 1), "[\"psubscribe\", \"a*\", :3]");
  EXPECT_EQ(Run({"ssubscribe", "s"}, 1), "[\"ssubscribe\", \"s\", :1]");  // its own count
  EXPECT_EQ(Run({"pubsub", "numsub", "a", "b", "c"}), "[\"a\", :1, \"b\", :1, \"c\", :0]");
  EXPECT_EQ(Run({"pubsub", "numpat"}), ":1");
  EXPECT_EQ(Run({"pubsub", "shardnumsub", "s", "a"}), "[\"s\", :1, \"a\", :0]");
  EXPECT_EQ(Run({"pubsub", "channels", "b*"}), "[\"b\"]");
  EXPECT_EQ(Run({"pubsub", "shardchannels"}), "[\"s\"]");
}

TEST_F(PubSubCommandsTest, PublishReachesChannelAndPatternSubscribersOnEveryWorker) {
  Run({"subscribe", "news"}, 1);
  Run({"psubscribe", "n*"}, 2);
  Run({"subscribe", "news"}, 3);
  Run({"psubscribe", "n*"}, 3);
  EXPECT_EQ(Run({"publish", "news", "hi"}), ":4");
  EXPECT_EQ(Receive(1), "[\"message\", \"news\", \"hi\"]");
  EXPECT_EQ(Receive(2), "[\"pmessage\", \"n*\", \"news\", \"hi\"]");
  EXPECT_EQ(Receive(3), "[\"message\", \"news\", \"hi\"]");
  EXPECT_EQ(Receive(3), "[\"pmessage\", \"n*\", \"news\", \"hi\"]");
  EXPECT_EQ(Run({"publish", "other", "x"}), ":0");
  // Shard channels are apart: PUBLISH does not reach them, nor SPUBLISH
  // patterns.
  Run({"ssubscribe", "news"}, 4);
  EXPECT_EQ(Run({"spublish", "news", "s"}), ":1");
  EXPECT_EQ(Receive(4), "[\"smessage\", \"news\", \"s\"]");
}

TEST_F(PubSubCommandsTest, OnePublishersMessagesArriveInOrder) {
  Run({"subscribe", "seq"}, 1);
  std::string pipeline;
  for (int i = 0; i < 500; ++i) pipeline += Encode({"publish", "seq", absl::StrCat(i)});
  std::vector<resp::Value> replies = RunRaw(pipeline, 500);
  for (const resp::Value& r : replies) EXPECT_EQ(r.integer, 1);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(Receive(1), absl::StrCat("[\"message\", \"seq\", \"", i, "\"]"));
  }
}

TEST_F(PubSubCommandsTest, UnsubscribeStopsDeliveryAndAlwaysReplies) {
  Run({"subscribe", "a", "b"}, 1);
  Receive(1);
  EXPECT_EQ(Run({"unsubscribe", "a"}, 1), "[\"unsubscribe\", \"a\", :1]");
  EXPECT_EQ(Run({"publish", "a", "x"}), ":0");
  EXPECT_EQ(Run({"unsubscribe"}, 1), "[\"unsubscribe\", \"b\", :0]");
  EXPECT_EQ(Run({"unsubscribe"}, 1), "[\"unsubscribe\", nil, :0]");
  EXPECT_EQ(Run({"punsubscribe", "x", "y"}, 1), "[\"punsubscribe\", \"x\", :0]");
  EXPECT_EQ(Receive(1), "[\"punsubscribe\", \"y\", :0]");
  // Unsubscribed from everything: an ordinary connection again.
  EXPECT_EQ(Run({"ping"}, 1), "+\"PONG\"");
  EXPECT_EQ(Run({"pubsub", "channels"}), "[]");
}

TEST_F(PubSubCommandsTest, Resp2SubscriberMayOnlyChangeSubscriptions) {
  Run({"subscribe", "a"}, 1);
  EXPECT_EQ(Run({"get", "x"}, 1),
            "-\"ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\"");
  EXPECT_EQ(Run({"client", "id"}, 1),
            "-\"ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
            "QUIT / RESET are allowed in this context\"");
  EXPECT_EQ(Run({"ping"}, 1), "[\"pong\", \"\"]");
  EXPECT_EQ(Run({"ping", "hi"}, 1), "[\"pong\", \"hi\"]");
  EXPECT_EQ(Run({"reset"}, 1), "+\"RESET\"");
  EXPECT_EQ(Run({"publish", "a", "x"}), ":0");  // RESET left the channel
  EXPECT_EQ(Run({"get", "x"}, 1), "nil");
}

TEST_F(PubSubCommandsTest, Resp3SubscriberRunsAnythingAndReadsPushes) {
  Run({"hello", "3"}, 1);
  EXPECT_EQ(Run({"subscribe", "a"}, 1), ">[\"subscribe\", \"a\", :1]");
  EXPECT_EQ(Run({"set", "k", "v"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"publish", "a", "m"}), ":1");
  EXPECT_EQ(Receive(1), ">[\"message\", \"a\", \"m\"]");
  EXPECT_EQ(Run({"ping"}, 1), "+\"PONG\"");
  EXPECT_EQ(Run({"unsubscribe"}, 1), ">[\"unsubscribe\", \"a\", :0]");
  EXPECT_EQ(Run({"unsubscribe"}, 1), ">[\"unsubscribe\", nil, :0]");
}

TEST_F(PubSubCommandsTest, ClientReplyOffStillDeliversPushes) {
  Run({"hello", "3"}, 1);
  Send({"client", "reply", "off"}, 1);
  Send({"subscribe", "c"}, 1);
  EXPECT_EQ(Receive(1), ">[\"subscribe\", \"c\", :1]");
  Send({"set", "k", "v"}, 1);  // no reply
  EXPECT_EQ(Run({"publish", "c", "m"}), ":1");
  EXPECT_EQ(Receive(1), ">[\"message\", \"c\", \"m\"]");
  EXPECT_EQ(Run({"client", "reply", "on"}, 1), "+\"OK\"");
  Send({"client", "reply", "skip"}, 1);
  Send({"get", "k"}, 1);  // skipped
  EXPECT_EQ(Run({"get", "k"}, 1), "\"v\"");
  EXPECT_EQ(Run({"client", "reply", "maybe"}, 1), "-\"ERR syntax error\"");
}

TEST_F(PubSubCommandsTest, DisconnectDropsSubscriptions) {
  Run({"subscribe", "a"}, 1);
  Run({"psubscribe", "a*"}, 1);
  Disconnect(1);
  for (int i = 0; i < 100; ++i) {
    if (RunValue({"publish", "a", "x"}).integer == 0) break;
  }
  EXPECT_EQ(Run({"publish", "a", "x"}), ":0");
  EXPECT_EQ(Run({"pubsub", "numpat"}), ":0");
}

TEST_F(PubSubCommandsTest, ClientListShowsSubscriptions) {
  Run({"subscribe", "a", "b"}, 1);
  Receive(1);
  Run({"psubscribe", "p"}, 1);
  std::string list = RunValue({"client", "list", "type", "pubsub"}).str;
  EXPECT_NE(list.find("flags=P "), std::string::npos) << list;
  EXPECT_NE(list.find(" sub=2 psub=1 ssub=0 "), std::string::npos) << list;
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 1);
  std::string normal = RunValue({"client", "list", "type", "normal"}).str;
  EXPECT_EQ(normal.find("flags=P"), std::string::npos) << normal;
}

TEST_F(PubSubCommandsTest, Errors) {
  EXPECT_EQ(Run({"publish", "a"}), "-\"ERR wrong number of arguments for 'publish' command\"");
  EXPECT_EQ(Run({"subscribe"}), "-\"ERR wrong number of arguments for 'subscribe' command\"");
  EXPECT_EQ(Run({"pubsub", "foo"}), "-\"ERR unknown subcommand 'foo'. Try PUBSUB HELP.\"");
  EXPECT_EQ(Run({"pubsub", "numpat", "x"}),
            "-\"ERR wrong number of arguments for 'pubsub|numpat' command\"");
  EXPECT_EQ(Run({"pubsub", "channels", "a", "b"}),
            "-\"ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
            "HELP.\"");
}

}  // namespace
}  // namespace server
