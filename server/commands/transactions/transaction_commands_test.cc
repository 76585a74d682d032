// MULTI / EXEC / DISCARD / WATCH / UNWATCH in-process, on 3 workers: the
// replies Redis 7.0 gives, and atomicity across shards.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

class TransactionCommandsTest : public CommandFixture {
 protected:
  // MULTI, the commands (each must answer QUEUED), EXEC's reply.
  std::string Transaction(const std::vector<std::vector<std::string>>& commands, size_t conn = 0) {
    EXPECT_EQ(Run({"multi"}, conn), "+\"OK\"");
    for (const auto& cmd : commands) EXPECT_EQ(Run(cmd, conn), "+\"QUEUED\"") << cmd[0];
    return Run({"exec"}, conn);
  }
};

TEST_F(TransactionCommandsTest, RunsQueuedCommandsInOrderAcrossShards) {
  std::vector<std::string> k = KeysOnDistinctShards("tx", 3);
  EXPECT_EQ(Transaction({{"set", k[0], "1"},
                         {"incr", k[0]},
                         {"rpush", k[1], "a", "b"},
                         {"mget", k[0], k[2]},
                         {"lrange", k[1], "0", "-1"},
                         {"del", k[0], k[1], k[2]},
                         {"ping"}}),
            "[+\"OK\", :2, :2, [\"2\", nil], [\"a\", \"b\"], :2, +\"PONG\"]");
  EXPECT_EQ(Run({"exists", k[0], k[1]}), ":0");
  EXPECT_EQ(Transaction({}), "[]");
}

TEST_F(TransactionCommandsTest, ManyCommandsOverEveryShard) {
  std::vector<std::string> k = KeysOnDistinctShards("many", 3);
  std::vector<std::vector<std::string>> commands;
  std::string expected = "[";
  for (int i = 0; i < 100; ++i) {
    commands.push_back({"incr", k[i % 3]});
    absl::StrAppend(&expected, i ? ", " : "", ":", i / 3 + 1);
  }
  EXPECT_EQ(Transaction(commands), expected + "]");
  EXPECT_EQ(Run({"mget", k[0], k[1], k[2]}), "[\"34\", \"33\", \"33\"]");
}

TEST_F(TransactionCommandsTest, RuntimeErrorsStayInTheirSlot) {
  EXPECT_EQ(Run({"set", "str", "x"}), "+\"OK\"");
  EXPECT_EQ(Transaction({{"lpush", "str", "a"}, {"incr", "str"}, {"set", "after", "1"}}),
            "[-\"WRONGTYPE Operation against a key holding the wrong kind of value\", "
            "-\"ERR value is not an integer or out of range\", +\"OK\"]");
  EXPECT_EQ(Run({"get", "after"}), "\"1\"");
}

TEST_F(TransactionCommandsTest, QueueingErrorsAbortTheWholeTransaction) {
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "a", "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"nosuch", "x"}),
            "-\"ERR unknown command 'nosuch', with args beginning with: 'x' \"");
  EXPECT_EQ(Run({"get"}), "-\"ERR wrong number of arguments for 'get' command\"");
  EXPECT_EQ(Run({"client", "nosuch"}),
            "-\"ERR unknown subcommand 'nosuch'. Try CLIENT HELP.\"");
  EXPECT_EQ(Run({"set", "b", "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"exec"}), "-\"EXECABORT Transaction discarded because of previous errors.\"");
  EXPECT_EQ(Run({"exists", "a", "b"}), ":0");
  EXPECT_EQ(Run({"exec"}), "-\"ERR EXEC without MULTI\"");  // the state is gone
}

TEST_F(TransactionCommandsTest, ControlCommandErrors) {
  EXPECT_EQ(Run({"exec"}), "-\"ERR EXEC without MULTI\"");
  EXPECT_EQ(Run({"discard"}), "-\"ERR DISCARD without MULTI\"");
  EXPECT_EQ(Run({"unwatch"}), "+\"OK\"");
  EXPECT_EQ(Run({"multi", "x"}), "-\"ERR wrong number of arguments for 'multi' command\"");
  EXPECT_EQ(Run({"watch"}), "-\"ERR wrong number of arguments for 'watch' command\"");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  // Neither of these aborts the transaction.
  EXPECT_EQ(Run({"multi"}), "-\"ERR MULTI calls can not be nested\"");
  EXPECT_EQ(Run({"watch", "x"}), "-\"ERR WATCH inside MULTI is not allowed\"");
  EXPECT_EQ(Run({"unwatch"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"set", "d", "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"discard"}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "d"}), ":0");
  // EXEC refused by its arity ends a transaction with the reason, and says
  // EXECABORT even outside one, as Redis does.
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "d", "1"}), "+\"QUEUED\"");
  const std::string abort =
      "-\"EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
      "command\"";
  EXPECT_EQ(Run({"exec", "x"}), abort);
  EXPECT_EQ(Run({"exec"}), "-\"ERR EXEC without MULTI\"");
  EXPECT_EQ(Run({"exec", "x"}), abort);
  EXPECT_EQ(Run({"exists", "d"}), ":0");
}

TEST_F(TransactionCommandsTest, SelectInsideMultiMovesTheLaterCommands) {
  EXPECT_EQ(Transaction({{"set", "k", "db0"},
                         {"select", "4"},
                         {"set", "k", "db4"},
                         {"mset", "m", "1", "n", "2"},
                         {"select", "99"},
                         {"get", "k"}}),
            "[+\"OK\", +\"OK\", +\"OK\", +\"OK\", -\"ERR DB index is out of range\", \"db4\"]");
  EXPECT_EQ(Run({"get", "k"}), "\"db4\"");  // the client stays in db 4
  EXPECT_EQ(Run({"exists", "m", "n"}), ":2");
  EXPECT_EQ(Run({"select", "0"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "k"}), "\"db0\"");
  EXPECT_EQ(Run({"exists", "m"}), ":0");
}

TEST_F(TransactionCommandsTest, BlockingCommandsDoNotBlockInside) {
  EXPECT_EQ(Run({"rpush", "full", "x"}), ":1");
  EXPECT_EQ(Transaction({{"blpop", "empty", "0"},
                         {"brpoplpush", "empty", "dst", "0"},
                         {"blmove", "empty", "dst", "left", "left", "0"},
                         {"bzpopmin", "emptyz", "0"},
                         {"blmpop", "0", "1", "empty", "left"},
                         {"blpop", "full", "0"}}),
            "[nil, nil, nil, nil, nil, [\"full\", \"x\"]]");
  // (RESP2 tells the two nils apart, "$-1" for the moves and "*-1" for the
  // pops: tests/transaction_test.py compares the bytes with Redis's.)
}

TEST_F(TransactionCommandsTest, BlockedClientsAreServedAfterTheWholeTransaction) {
  Send({"blpop", "wake", "0"}, 1);
  WaitForBlockedClients(1);
  EXPECT_EQ(Transaction({{"lpush", "wake", "a"}, {"lpush", "wake", "b"}, {"lpush", "wake", "c"}}),
            "[:1, :2, :3]");
  EXPECT_EQ(Receive(1), "[\"wake\", \"c\"]");
  // A value that is gone again by the end of EXEC wakes nobody.
  Send({"blpop", "gone", "0"}, 1);
  WaitForBlockedClients(1);
  EXPECT_EQ(Transaction({{"lpush", "gone", "a"}, {"del", "gone"}, {"set", "gone", "s"}}),
            "[:1, :1, +\"OK\"]");
  EXPECT_EQ(Run({"del", "gone"}), ":1");
  EXPECT_EQ(Run({"lpush", "gone", "b"}), ":1");
  EXPECT_EQ(Receive(1), "[\"gone\", \"b\"]");
}

TEST_F(TransactionCommandsTest, ClientCommandsInsideSeeEveryWorker) {
  Run({"ping"}, 1);
  Run({"ping"}, 2);
  resp::Value reply = RunValue({"exec"}, 0);  // not in MULTI yet
  EXPECT_EQ(reply.str, "ERR EXEC without MULTI");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"client", "setname", "txclient"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"client", "list"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"client", "getname"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"dbsize"}), "+\"QUEUED\"");
  resp::Value exec = RunValue({"exec"});
  ASSERT_EQ(exec.elements.size(), 4u);
  EXPECT_EQ(exec.elements[0].str, "OK");
  // CLIENT LIST gathers from every worker: three clients, its own renamed.
  std::string list = exec.elements[1].str;
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 3) << list;
  EXPECT_NE(list.find("name=txclient"), std::string::npos) << list;
  EXPECT_EQ(exec.elements[2].str, "txclient");
  EXPECT_EQ(exec.elements[3].integer, 0);
  EXPECT_EQ(Run({"ping"}), "+\"PONG\"");  // nothing left over in the reply stream
}

TEST_F(TransactionCommandsTest, Resp3Replies) {
  EXPECT_EQ(RunValue({"hello", "3"}).elements.size(), 14u);
  EXPECT_EQ(Transaction({{"get", "nokey"}, {"hset", "h", "f", "v"}, {"hgetall", "h"}}),
            "[nil, :1, {\"f\": \"v\"}]");
  EXPECT_EQ(Run({"watch", "h"}), "+\"OK\"");
  EXPECT_EQ(Run({"hset", "h", "f", "w"}), ":0");
  EXPECT_EQ(Transaction({{"ping"}}), "nil");
  std::vector<resp::Value> raw = RunRaw(Encode({"watch", "h"}) + Encode({"del", "h"}) +
                                            Encode({"multi"}) + Encode({"exec"}),
                                        4);
  EXPECT_EQ(raw[3].type, resp::Type::kNull);  // RESP3 "_"
}

TEST_F(TransactionCommandsTest, StateEndsWithResetQuitAndDisconnect) {
  EXPECT_EQ(Run({"select", "2"}), "+\"OK\"");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "r", "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"reset"}), "+\"RESET\"");
  EXPECT_EQ(Run({"exec"}), "-\"ERR EXEC without MULTI\"");
  EXPECT_EQ(Run({"exists", "r"}), ":0");
  EXPECT_EQ(Run({"set", "r", "db0"}), "+\"OK\"");  // RESET went back to db 0
  EXPECT_EQ(Run({"select", "2"}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "r"}), ":0");
  EXPECT_EQ(Run({"select", "0"}), "+\"OK\"");

  EXPECT_EQ(Run({"multi"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"set", "q", "1"}, 1), "+\"QUEUED\"");
  EXPECT_EQ(Run({"quit"}, 1), "+\"OK\"");  // QUIT is not queued
  EXPECT_EQ(Receive(1), "<connection closed>");
  EXPECT_EQ(Run({"multi"}, 2), "+\"OK\"");
  EXPECT_EQ(Run({"set", "q", "1"}, 2), "+\"QUEUED\"");
  Disconnect(2);
  EXPECT_EQ(Run({"exec"}, 2), "-\"ERR EXEC without MULTI\"");  // a new connection
  EXPECT_EQ(Run({"exists", "q"}), ":0");
}

TEST_F(TransactionCommandsTest, WatchedKeyWrittenByAnyClientFailsExec) {
  std::vector<std::string> k = KeysOnDistinctShards("w", 3);
  EXPECT_EQ(Run({"set", k[0], "1"}), "+\"OK\"");
  EXPECT_EQ(Run({"watch", k[0], k[1], k[2]}), "+\"OK\"");
  EXPECT_EQ(Run({"lpush", k[2], "x"}, 1), ":1");  // another connection, maybe another worker
  EXPECT_EQ(Transaction({{"set", k[0], "2"}}), "nil");
  EXPECT_EQ(Run({"get", k[0]}), "\"1\"");
  // EXEC dropped the watches: the next one runs.
  EXPECT_EQ(Run({"lpush", k[2], "y"}, 1), ":2");
  EXPECT_EQ(Transaction({{"set", k[0], "2"}}), "[+\"OK\"]");
  // The watching client's own write counts too.
  EXPECT_EQ(Run({"watch", k[1]}), "+\"OK\"");
  EXPECT_EQ(Run({"set", k[1], "mine"}), "+\"OK\"");
  EXPECT_EQ(Transaction({{"ping"}}), "nil");
}

TEST_F(TransactionCommandsTest, WatchedKeyUntouchedOrUnwatchedRuns) {
  EXPECT_EQ(Run({"set", "u", "1"}), "+\"OK\"");
  EXPECT_EQ(Run({"watch", "u", "nokey"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "u"}, 1), "\"1\"");          // reads do not count
  EXPECT_EQ(Run({"lpush", "str-err", "x"}, 1), ":1");  // other keys do not
  EXPECT_EQ(Run({"incr", "str-err"}, 1),
            "-\"WRONGTYPE Operation against a key holding the wrong kind of value\"");
  EXPECT_EQ(Transaction({{"incr", "u"}}), "[:2]");
  EXPECT_EQ(Run({"watch", "u"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "u", "9"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"unwatch"}), "+\"OK\"");
  EXPECT_EQ(Transaction({{"incr", "u"}}), "[:10]");
  // DISCARD drops the watches (and their dirtiness).
  EXPECT_EQ(Run({"watch", "u"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "u", "1"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"discard"}), "+\"OK\"");
  EXPECT_EQ(Transaction({{"incr", "u"}}), "[:2]");
}

TEST_F(TransactionCommandsTest, WatchRemembersTheDb) {
  EXPECT_EQ(Run({"select", "5"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "x", "30"}), "+\"OK\"");
  EXPECT_EQ(Run({"watch", "x"}), "+\"OK\"");
  EXPECT_EQ(Run({"select", "1"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "x", "10"}), "+\"OK\"");
  EXPECT_EQ(Run({"select", "5"}), "+\"OK\"");
  EXPECT_EQ(Transaction({{"ping"}}), "[+\"PONG\"]");
}

TEST_F(TransactionCommandsTest, KeyspaceChangesTouchWatchedKeys) {
  auto expect_dirty = [&](const std::vector<std::string>& setup,
                          const std::vector<std::string>& change, const std::string& key,
                          bool dirty) {
    Run({"flushall"});
    if (!setup.empty()) Run(setup);
    EXPECT_EQ(Run({"watch", key}), "+\"OK\"");
    Run(change, 1);
    EXPECT_EQ(Transaction({{"ping"}}), dirty ? "nil" : "[+\"PONG\"]") << change[0];
  };
  expect_dirty({"set", "x", "1"}, {"expire", "x", "100"}, "x", true);
  expect_dirty({"set", "x", "1"}, {"del", "x"}, "x", true);
  expect_dirty({"set", "x", "1"}, {"rename", "x", "y"}, "x", true);
  expect_dirty({"set", "y", "1"}, {"rename", "y", "x"}, "x", true);
  expect_dirty({"set", "x", "1"}, {"flushall"}, "x", true);
  expect_dirty({"set", "x", "1"}, {"flushdb"}, "x", true);
  expect_dirty({}, {"flushall"}, "x", false);  // FLUSH touches only keys that exist
  expect_dirty({"set", "x", "1"}, {"swapdb", "0", "1"}, "x", true);
  expect_dirty({"set", "x", "1"}, {"rpush", "l", "a"}, "x", false);
  // SWAPDB of a db where the key is missing, with one where it exists.
  Run({"flushall"});
  Run({"select", "1"}, 1);
  Run({"set", "x", "1"}, 1);
  EXPECT_EQ(Run({"watch", "x"}), "+\"OK\"");
  Run({"swapdb", "0", "1"}, 1);
  EXPECT_EQ(Transaction({{"ping"}}), "nil");
}

TEST_F(TransactionCommandsTest, ExpiryOfAWatchedKey) {
  // Expires after WATCH: EXEC fails (whether active expiry deleted it or
  // EXEC finds it expired).
  EXPECT_EQ(Run({"set", "e", "1", "px", "20"}), "+\"OK\"");
  EXPECT_EQ(Run({"watch", "e"}), "+\"OK\"");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_EQ(Transaction({{"ping"}}), "nil");
  // Already expired when watched: its deletion changes nothing.
  EXPECT_EQ(Run({"set", "s", "1", "px", "1"}), "+\"OK\"");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(Run({"watch", "s"}), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "s"}), ":0");  // lazy expiry deletes it
  EXPECT_EQ(Transaction({{"ping"}}), "[+\"PONG\"]");
}

TEST_F(TransactionCommandsTest, OutOfMemory) {
  EXPECT_EQ(Run({"set", "x", "v"}), "+\"OK\"");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "y", "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"get", "x"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1"}, 1), "+\"OK\"");
  // Over the limit, queueing anything is refused, and EXEC then aborts...
  EXPECT_EQ(Run({"get", "x"}),
            "-\"OOM command not allowed when used memory > 'maxmemory'.\"");
  EXPECT_EQ(Run({"exec"}), "-\"EXECABORT Transaction discarded because of previous errors.\"");
  // ... EXEC with a write queued before the limit is refused with the reason...
  EXPECT_EQ(Run({"config", "set", "maxmemory", "0"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "y", "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"exec"}),
            "-\"EXECABORT Transaction discarded because of: OOM command not allowed when used "
            "memory > 'maxmemory'.\"");
  // ... one with only reads runs, and DISCARD always works.
  EXPECT_EQ(Run({"config", "set", "maxmemory", "0"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "x"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "1"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"exec"}), "[\"v\"]");
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", "z", "1"}), "-\"OOM command not allowed when used memory > 'maxmemory'.\"");
  EXPECT_EQ(Run({"discard"}), "+\"OK\"");
  EXPECT_EQ(Run({"config", "set", "maxmemory", "0"}, 1), "+\"OK\"");
  EXPECT_EQ(Run({"exists", "y", "z"}), ":0");
}

TEST_F(TransactionCommandsTest, CommandInfo) {
  EXPECT_EQ(Run({"command", "info", "watch"}),
            "[[\"watch\", :-2, [+\"noscript\", +\"loading\", +\"stale\", +\"fast\", "
            "+\"allow_busy\"], :1, :-1, :1, [+\"@fast\", +\"@transaction\"], [], [], []]]");
  EXPECT_EQ(Run({"command", "info", "exec"}),
            "[[\"exec\", :1, [+\"noscript\", +\"loading\", +\"stale\", +\"skip_slowlog\"], :0, "
            ":0, :0, [+\"@slow\", +\"@transaction\"], [], [], []]]");
}

}  // namespace
}  // namespace server
