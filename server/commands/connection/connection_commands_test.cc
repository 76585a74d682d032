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

TEST_F(ConnectionCommandsTest, ClientUnblockEndsAWaitOnAnyWorker) {
  for (std::string how : {"timeout", "error"}) {
    int64_t waiter = RunValue({"client", "id"}, 1).integer;
    Send({"blpop", "nokey-" + how, "0"}, 1);
    WaitForBlockedClients(1);
    EXPECT_EQ(Run({"client", "unblock", absl::StrCat(waiter), how}), ":1");
    EXPECT_EQ(Receive(1), how == "timeout" ? "nil"
                                           : "-\"UNBLOCKED client unblocked via CLIENT UNBLOCK\"");
    WaitForBlockedClients(0);
    // No longer blocked: nothing to do.
    EXPECT_EQ(Run({"client", "unblock", absl::StrCat(waiter)}), ":0");
    EXPECT_EQ(Run({"ping"}, 1), "+\"PONG\"");
  }
  EXPECT_EQ(Run({"client", "unblock", "x"}),
            "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"client", "unblock", "1", "later"}),
            "-\"ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\"");
  EXPECT_EQ(Run({"client", "unblock", "1", "timeout", "x"}),
            "-\"ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT "
            "HELP.\"");
}

TEST_F(ConnectionCommandsTest, ClientListFilters) {
  int64_t other = RunValue({"client", "id"}, 1).integer;
  int64_t me = RunValue({"client", "id"}).integer;
  std::string both = RunValue({"client", "list", "id", absl::StrCat(other), absl::StrCat(me)}).str;
  // In the order asked, one line each.
  EXPECT_EQ(both.find(absl::StrCat("id=", other, " ")), 0u) << both;
  EXPECT_NE(both.find(absl::StrCat("\nid=", me, " ")), std::string::npos) << both;
  EXPECT_EQ(RunValue({"client", "list", "id", "999999"}).str, "");
  EXPECT_EQ(Run({"client", "list", "id", "x"}), "-\"ERR Invalid client ID\"");
  EXPECT_NE(RunValue({"client", "list", "type", "normal"}).str.find(absl::StrCat("id=", other)),
            std::string::npos);
  EXPECT_EQ(RunValue({"client", "list", "type", "pubsub"}).str, "");
  EXPECT_EQ(Run({"client", "list", "type", "x"}), "-\"ERR Unknown client type 'x'\"");
  EXPECT_EQ(Run({"client", "list", "x"}), "-\"ERR syntax error\"");
}

TEST_F(ConnectionCommandsTest, ContainerArityComesFromTheSubcommandEntry) {
  EXPECT_EQ(Run({"client", "help", "x"}),
            "-\"ERR wrong number of arguments for 'client|help' command\"");
  EXPECT_EQ(Run({"client", "getredir", "x"}),
            "-\"ERR wrong number of arguments for 'client|getredir' command\"");
  EXPECT_EQ(Run({"client", "nosuch"}), "-\"ERR unknown subcommand 'nosuch'. Try CLIENT HELP.\"");
  EXPECT_EQ(Run({"config", "get"}), "-\"ERR wrong number of arguments for 'config|get' command\"");
  EXPECT_EQ(Run({"object", "encoding"}),
            "-\"ERR wrong number of arguments for 'object|encoding' command\"");
  EXPECT_EQ(Run({"client", "getredir"}), ":-1");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[\"flags\", [\"off\"], \"redirect\", :-1, \"prefixes\", []]");
  EXPECT_EQ(RunValue({"client", "help"}).elements.size(), 48u);  // Redis 7.0's text
}

TEST_F(ConnectionCommandsTest, AuthWithoutAPasswordAcceptsTheDefaultUser) {
  EXPECT_EQ(Run({"auth", "default", "anything"}), "+\"OK\"");
  EXPECT_EQ(Run({"auth", "someone", "anything"}),
            "-\"WRONGPASS invalid username-password pair or user is disabled.\"");
  EXPECT_EQ(Run({"auth", "anything"}),
            "-\"ERR AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?\"");
}

TEST_F(ConnectionCommandsTest, DbIndexArgumentsAreCInts) {
  const std::string range =
      "-\"ERR value is out of range, value must between -2147483648 and 2147483647\"";
  EXPECT_EQ(Run({"select", "9223372036854775807"}), range);
  EXPECT_EQ(Run({"move", "k", "-9223372036854775808"}), range);
  EXPECT_EQ(Run({"copy", "k", "k2", "db", "4294967296"}), range);
  EXPECT_EQ(Run({"select", "2147483647"}), "-\"ERR DB index is out of range\"");
  EXPECT_EQ(Run({"swapdb", "9223372036854775807", "1"}), "-\"ERR invalid first DB index\"");
  EXPECT_EQ(Run({"swapdb", "0", "x"}), "-\"ERR invalid second DB index\"");
  EXPECT_EQ(Run({"swapdb", "0", "2147483647"}), "-\"ERR DB index is out of range\"");
}

}  // namespace
}  // namespace server
