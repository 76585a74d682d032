#include "server/testing/command_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "engine/shard_set.h"
#include "resp/reply_parser.h"
#include "server/commands/all_commands.h"

namespace server {

void CommandFixture::SetUp() {
  Config config;
  config.port = 0;
  config.save_points = std::string();  // no snapshots into the test's directory
  config.threads = threads_;
  server_ = std::make_unique<Server>(config, AllCommands());
  absl::Status st = server_->Start();
  ASSERT_TRUE(st.ok()) << st;
}

void CommandFixture::TearDown() {
  for (int fd : fds_) close(fd);
  fds_.clear();
  server_->Stop();
  server_.reset();
}

int CommandFixture::Connect() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(server_->port());
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

int CommandFixture::Socket(size_t conn) {
  while (fds_.size() <= conn) {
    fds_.push_back(Connect());
    pending_.emplace_back();
  }
  return fds_[conn];
}

std::vector<resp::Value> CommandFixture::RunRaw(std::string_view bytes, size_t replies,
                                                size_t conn) {
  int fd = Socket(conn);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) break;
    off += n;
  }
  std::vector<resp::Value> out;
  resp::ReplyParser parser;
  std::string& buf = pending_[conn];
  while (out.size() < replies) {
    size_t consumed = 0;
    resp::ReplyParser::Status st = parser.Parse(buf, &consumed);
    if (st == resp::ReplyParser::Status::kValue) {
      out.push_back(parser.TakeValue());
      buf.erase(0, consumed);
      continue;
    }
    if (st == resp::ReplyParser::Status::kError) {
      ADD_FAILURE() << "bad reply: " << parser.error();
      break;
    }
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0) break;  // closed: the caller sees fewer replies
    buf.append(chunk, n);
  }
  return out;
}

std::string CommandFixture::Encode(const std::vector<std::string>& args) {
  std::string req = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) {
    req += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  }
  return req;
}

std::vector<std::string> CommandFixture::KeysOnDistinctShards(const std::string& prefix, size_t n) {
  std::vector<std::string> keys;
  std::set<engine::ShardId> used;
  for (int i = 0; keys.size() < n && i < 10000; ++i) {
    std::string k = prefix + std::to_string(i);
    if (used.insert(server_->shards().ShardOf(k)).second) keys.push_back(k);
  }
  EXPECT_EQ(keys.size(), n);
  return keys;
}

void CommandFixture::Send(const std::vector<std::string>& args, size_t conn) {
  RunRaw(Encode(args), 0, conn);
}

std::string CommandFixture::Receive(size_t conn) {
  std::vector<resp::Value> replies = RunRaw("", 1, conn);
  return replies.empty() ? "<connection closed>" : resp::ToString(replies[0]);
}

void CommandFixture::Disconnect(size_t conn) {
  Socket(conn);
  close(fds_[conn]);
  fds_[conn] = Connect();
  pending_[conn].clear();
}

void CommandFixture::WaitForBlockedClients(int n) {
  for (int i = 0; i < 500; ++i) {
    if (server_->blocked_clients.load() == n) return;
    usleep(2000);
  }
  ADD_FAILURE() << "blocked_clients stayed " << server_->blocked_clients.load() << ", wanted " << n;
}

resp::Value CommandFixture::RunValue(const std::vector<std::string>& args, size_t conn) {
  std::vector<resp::Value> replies = RunRaw(Encode(args), 1, conn);
  if (replies.empty()) return resp::MakeError("<connection closed>");
  return std::move(replies[0]);
}

std::string CommandFixture::Run(const std::vector<std::string>& args, size_t conn) {
  return resp::ToString(RunValue(args, conn));
}

}  // namespace server
