// Connection commands in-process: CLIENT KILL and friends.
#include "absl/strings/str_cat.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class ConnectionCommandsTest : public CommandFixture {};

TEST_F(ConnectionCommandsTest, ClientKillById) {
  int64_t victim = RunValue({"client", "id"}, 1).integer;
  EXPECT_EQ(Run({"client", "kill", "id", absl::StrCat(victim)}), ":1");
  EXPECT_EQ(Receive(1), "<connection closed>");
  EXPECT_EQ(Run({"client", "kill", "id", "999999"}), ":0");
  EXPECT_EQ(Run({"ping"}), "+\"PONG\"");
}

TEST_F(ConnectionCommandsTest, ClientKillByAddressOldAndNewForms) {
  resp::Value info = RunValue({"client", "info"}, 1);
  std::string addr = info.str.substr(info.str.find("addr=") + 5);
  addr = addr.substr(0, addr.find(' '));
  EXPECT_EQ(Run({"client", "kill", "1.2.3.4:5"}), "-\"ERR No such client\"");
  EXPECT_EQ(Run({"client", "kill", addr}), "+\"OK\"");
  EXPECT_EQ(Receive(1), "<connection closed>");
  EXPECT_EQ(Run({"client", "kill", "addr", addr}), ":0");
}

TEST_F(ConnectionCommandsTest, ClientKillSkipsTheCallerUnlessAsked) {
  Run({"ping"}, 1);
  Run({"ping"}, 2);
  // Every other client, on whichever worker it lives.
  EXPECT_EQ(Run({"client", "kill", "type", "normal"}), ":2");
  EXPECT_EQ(Receive(1), "<connection closed>");
  EXPECT_EQ(Receive(2), "<connection closed>");
  EXPECT_EQ(Run({"client", "kill", "type", "pubsub"}), ":0");
  int64_t me = RunValue({"client", "id"}).integer;
  // SKIPME no: the reply arrives, then the connection closes.
  EXPECT_EQ(Run({"client", "kill", "id", absl::StrCat(me), "skipme", "no"}), ":1");
  EXPECT_EQ(Receive(0), "<connection closed>");
}

TEST_F(ConnectionCommandsTest, ClientKillErrors) {
  EXPECT_EQ(Run({"client", "kill", "id", "abc"}), "-\"ERR client-id should be greater than 0\"");
  EXPECT_EQ(Run({"client", "kill", "type", "bogus"}), "-\"ERR Unknown client type 'bogus'\"");
  EXPECT_EQ(Run({"client", "kill", "user", "nobody"}), "-\"ERR No such user 'nobody'\"");
  EXPECT_EQ(Run({"client", "kill", "skipme", "maybe"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"client", "kill", "maxage", "10"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"client", "kill", "id", "1", "type"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"client", "kill"}),
            "-\"ERR wrong number of arguments for 'client|kill' command\"");
  EXPECT_EQ(Run({"client", "no-evict", "on"}), "+\"OK\"");
  EXPECT_EQ(Run({"client", "no-evict", "maybe"}), "-\"ERR syntax error\"");
}

}  // namespace
}  // namespace server
