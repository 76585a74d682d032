// CLIENT TRACKING in-process: the tracking client, the writer and the
// redirection target on different workers (connections go round-robin).
#include "absl/strings/str_cat.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class ClientTrackingTest : public CommandFixture {
 protected:
  // Connection 1 in RESP3 with tracking on (extra options appended).
  void TrackResp3(std::vector<std::string> options = {}) {
    Run({"hello", "3"}, 1);
    std::vector<std::string> cmd = {"client", "tracking", "on"};
    cmd.insert(cmd.end(), options.begin(), options.end());
    ASSERT_EQ(Run(cmd, 1), "+\"OK\"");
  }
};

TEST_F(ClientTrackingTest, Resp3ReadKeyIsInvalidatedOnceByAnotherClientsWrite) {
  TrackResp3();
  Run({"set", "k", "1"});
  EXPECT_EQ(Run({"get", "k"}, 1), "\"1\"");
  Run({"set", "other", "x"});  // not read: no message
  Run({"set", "k", "2"});
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"k\"]]");
  Run({"set", "k", "3"});                    // not read again since
  EXPECT_EQ(Run({"ping"}, 1), "+\"PONG\"");  // nothing came before it
}

TEST_F(ClientTrackingTest, RedirectToAResp2SubscriberOnAnotherWorker) {
  int64_t target = RunValue({"client", "id"}, 2).integer;
  Run({"subscribe", "__redis__:invalidate"}, 2);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", absl::StrCat(target)}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"client", "getredir"}, 1), absl::StrCat(":", target));
  Run({"mget", "a{t}", "b{t}"}, 1);
  Run({"mset", "a{t}", "1", "b{t}", "2"});
  // Default mode: a message per key, as Redis sends them.
  EXPECT_EQ(Receive(2), "[\"message\", \"__redis__:invalidate\", [\"a{t}\"]]");
  EXPECT_EQ(Receive(2), "[\"message\", \"__redis__:invalidate\", [\"b{t}\"]]");
  // FLUSHALL: everything is invalid (a null), said once.
  Run({"get", "a{t}"}, 1);
  Run({"flushall"});
  EXPECT_EQ(Receive(2), "[\"message\", \"__redis__:invalidate\", nil]");
}

TEST_F(ClientTrackingTest, BrokenRedirectIsReported) {
  int64_t target = RunValue({"client", "id"}, 2).integer;
  Run({"hello", "3"}, 1);
  Run({"client", "tracking", "on", "redirect", absl::StrCat(target)}, 1);
  Run({"get", "k"}, 1);
  Disconnect(2);
  for (int i = 0; i < 200; ++i) {
    if (RunValue({"client", "list", "id", absl::StrCat(target)}).str.empty()) break;
  }
  Run({"set", "k", "v"});
  EXPECT_EQ(Receive(1), absl::StrCat(">[\"tracking-redir-broken\", :", target, "]"));
  EXPECT_EQ(Run({"client", "trackinginfo"}, 1),
            absl::StrCat("{\"flags\": ~[\"on\", \"broken_redirect\"], \"redirect\": :", target,
                         ", \"prefixes\": []}"));
}

TEST_F(ClientTrackingTest, BcastPrefixesAndNoloop) {
  TrackResp3({"bcast", "prefix", "user:", "prefix", "order:", "noloop"});
  Run({"set", "user:1", "x"});
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"user:1\"]]");
  Run({"set", "cart:1", "x"});     // no prefix matches
  Run({"set", "user:2", "x"}, 1);  // its own write: NOLOOP
  Run({"set", "order:9", "x"});
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"order:9\"]]");
  EXPECT_EQ(Run({"client", "trackinginfo"}, 1),
            "{\"flags\": ~[\"on\", \"bcast\", \"noloop\"], \"redirect\": :0, \"prefixes\": "
            "[\"order:\", \"user:\"]}");
}

TEST_F(ClientTrackingTest, BcastSendsOneMessagePerPrefixForATransaction) {
  TrackResp3({"bcast", "prefix", "a:", "prefix", "b:"});
  Run({"multi"});
  for (const char* key : {"a:1{t}", "b:1{t}", "a:2{t}", "c:1{t}", "a:1{t}"}) Run({"incr", key});
  Run({"exec"});
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"a:1{t}\", \"a:2{t}\"]]");
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"b:1{t}\"]]");
}

TEST_F(ClientTrackingTest, OptinAndOptout) {
  TrackResp3({"optin"});
  Run({"get", "a"}, 1);  // not cached: OPTIN without CACHING YES
  EXPECT_EQ(Run({"client", "caching", "yes"}, 1), "+\"OK\"");
  Run({"get", "b"}, 1);
  Run({"get", "c"}, 1);  // CACHING YES held for one command only
  Run({"mset", "a", "1", "b", "1", "c", "1"});
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"b\"]]");
  EXPECT_EQ(Run({"client", "caching", "no"}, 1),
            "-\"ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "optout"}, 1),
            "-\"ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
            "client, and then re-enabling it with a different mode.\"");
  Run({"client", "tracking", "off"}, 1);
  Run({"client", "tracking", "on", "optout"}, 1);
  Run({"client", "caching", "no"}, 1);
  Run({"get", "a"}, 1);  // excluded
  Run({"get", "b"}, 1);
  Run({"set", "a", "2"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Receive(1), ">[\"invalidate\", [\"b\"]]");
}

TEST_F(ClientTrackingTest, TableLimitInvalidatesKeys) {
  TrackResp3();
  Run({"config", "set", "tracking-table-max-keys", "1"});
  Run({"mget", "x{t}", "y{t}"}, 1);
  // Over the limit: one of the two was invalidated at once.
  std::string msg = Receive(1);
  EXPECT_TRUE(msg == ">[\"invalidate\", [\"x{t}\"]]" || msg == ">[\"invalidate\", [\"y{t}\"]]")
      << msg;
  Run({"config", "set", "tracking-table-max-keys", "0"});
}

TEST_F(ClientTrackingTest, Errors) {
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", "999999"}),
            "-\"ERR The client ID you want redirect to does not exist\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "prefix", "a"}),
            "-\"ERR PREFIX option requires BCAST mode to be enabled\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "optin"}),
            "-\"ERR OPTIN and OPTOUT are not compatible with BCAST\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "optin", "optout"}),
            "-\"ERR You can't specify both OPTIN mode and OPTOUT mode\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "ab", "prefix", "a"}),
            "-\"ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single "
            "client must not overlap.\"");
  EXPECT_EQ(Run({"client", "tracking", "maybe"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "bogus"}), "-\"ERR syntax error\"");
  EXPECT_EQ(Run({"client", "caching", "yes"}),
            "-\"ERR CLIENT CACHING can be called only when the client is in tracking mode with "
            "OPTIN or OPTOUT mode enabled\"");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast"}), "+\"OK\"");
  EXPECT_EQ(Run({"client", "tracking", "on"}),
            "-\"ERR You can't switch BCAST mode on/off before disabling tracking for this "
            "client, and then re-enabling it with a different mode.\"");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "+\"OK\"");
  EXPECT_EQ(Run({"client", "getredir"}), ":-1");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[\"flags\", [\"off\"], \"redirect\", :-1, \"prefixes\", []]");
}

}  // namespace
}  // namespace server
