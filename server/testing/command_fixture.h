#ifndef SHARDIS_SERVER_TESTING_COMMAND_FIXTURE_H_
#define SHARDIS_SERVER_TESTING_COMMAND_FIXTURE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "resp/value.h"
#include "server/core/server.h"

namespace server {

// Runs a real Server (several workers, a real shard set) inside the test
// process on an ephemeral loopback port, and talks RESP to it:
//
//   EXPECT_EQ(Run({"set", "k", "v"}), "+\"OK\"");
//   EXPECT_EQ(Run({"mget", "k", "nokey"}), "[\"v\", nil]");
//
// Run() returns resp::ToString of the reply (see resp/value.h), so
// expectations read close to the wire. Connection(i) gives further independent clients.
class CommandFixture : public ::testing::Test {
 protected:
  explicit CommandFixture(int threads = 3) : threads_(threads) {}
  void SetUp() override;
  void TearDown() override;

  // Sends one command on connection `conn` and returns its reply, rendered.
  std::string Run(const std::vector<std::string>& args, size_t conn = 0);
  // The reply as a value.
  resp::Value RunValue(const std::vector<std::string>& args, size_t conn = 0);
  // Sends a command without waiting for its reply (blocking commands), and
  // reads the next reply later.
  void Send(const std::vector<std::string>& args, size_t conn);
  std::string Receive(size_t conn);
  // Closes connection `conn` (a later Run on it opens a new one).
  void Disconnect(size_t conn);
  // Polls INFO until blocked_clients is n (commands registered as waiting).
  void WaitForBlockedClients(int n);
  // A command in RESP, for building pipelines to send with RunRaw.
  static std::string Encode(const std::vector<std::string>& args);
  // Sends raw bytes and reads `replies` replies.
  std::vector<resp::Value> RunRaw(std::string_view bytes, size_t replies, size_t conn = 0);

  Server& server() { return *server_; }
  // `n` key names starting with `prefix` that live on pairwise different
  // shards (for cross-shard tests; no common hashtag).
  std::vector<std::string> KeysOnDistinctShards(const std::string& prefix, size_t n);

 private:
  int Connect();
  int Socket(size_t conn);

  int threads_;
  std::unique_ptr<Server> server_;
  std::vector<int> fds_;
  std::vector<std::string> pending_;  // bytes read past the last reply, per connection
};

}  // namespace server

#endif  // SHARDIS_SERVER_TESTING_COMMAND_FIXTURE_H_
