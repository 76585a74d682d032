#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "net/connection.h"
#include "net/event_loop.h"
#include "net/listener.h"

namespace net {
namespace {

// Echoes every byte back; "quit" closes after flushing "bye".
class EchoHandler : public ConnectionHandler {
 public:
  void OnOpen(Connection* c) override { ++opened; }
  void OnData(Connection* c) override {
    std::string_view in = c->input();
    if (in == "quit") {
      c->output()->append("bye");
      c->CommitOutput();
      c->ConsumeInput(in.size());
      c->CloseAfterFlush();
      return;
    }
    c->output()->append(in);
    c->CommitOutput();
    c->ConsumeInput(in.size());
  }
  void OnClose(Connection* c) override { ++closed; }
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
};

int BoundPort(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return ntohs(sa.sin_port);
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  return fd;
}

std::string ReadExactly(int fd, size_t n) {
  std::string out;
  char buf[65536];
  while (out.size() < n) {
    ssize_t r = read(fd, buf, std::min(sizeof(buf), n - out.size()));
    if (r <= 0) break;
    out.append(buf, r);
  }
  return out;
}

class LoopFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fd = ListenTcp("127.0.0.1", 0);
    ASSERT_TRUE(fd.ok()) << fd.status();
    port_ = BoundPort(*fd);
    acceptor_ = std::make_unique<Acceptor>(&loop_, *fd, false, false, &handler_);
    thread_ = std::thread([this] { loop_.Run(); });
  }
  void TearDown() override {
    loop_.Stop();
    thread_.join();
    acceptor_.reset();
  }
  EventLoop loop_;
  EchoHandler handler_;
  std::unique_ptr<Acceptor> acceptor_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(LoopFixture, EchoesSmallAndLargePayloads) {
  int fd = Connect(port_);
  ASSERT_EQ(write(fd, "hello", 5), 5);
  EXPECT_EQ(ReadExactly(fd, 5), "hello");

  // 8 MB forces the input buffer to grow and output to span many chunks and
  // partial writes; the reader thread drains while we write.
  std::string big(8 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + 7);
  std::string echoed;
  std::thread reader([&] { echoed = ReadExactly(fd, big.size()); });
  size_t off = 0;
  while (off < big.size()) {
    ssize_t w = write(fd, big.data() + off, big.size() - off);
    ASSERT_GT(w, 0);
    off += w;
  }
  reader.join();
  EXPECT_TRUE(echoed == big);
  close(fd);
}

TEST_F(LoopFixture, CloseAfterFlushDeliversLastReply) {
  int fd = Connect(port_);
  ASSERT_EQ(write(fd, "quit", 4), 4);
  EXPECT_EQ(ReadExactly(fd, 3), "bye");
  char c;
  EXPECT_EQ(read(fd, &c, 1), 0);  // server closed
  close(fd);
  for (int i = 0; i < 200 && handler_.closed.load() < 1; ++i) usleep(5000);
  EXPECT_EQ(handler_.closed.load(), 1);
}

TEST_F(LoopFixture, PeerDisconnectIsReported) {
  int fd = Connect(port_);
  ASSERT_EQ(write(fd, "x", 1), 1);
  EXPECT_EQ(ReadExactly(fd, 1), "x");
  close(fd);
  for (int i = 0; i < 200 && handler_.closed.load() < 1; ++i) usleep(5000);
  EXPECT_EQ(handler_.opened.load(), 1);
  EXPECT_EQ(handler_.closed.load(), 1);
}

TEST(EventLoopTest, WakeFromAnotherThreadRunsHandler) {
  EventLoop loop;
  std::atomic<int> wakes{0};
  std::atomic<int> produced{0};
  std::atomic<int> consumed{0};
  loop.SetWakeHandler([&] {
    consumed.store(produced.load());
    ++wakes;
  });
  std::thread t([&] { loop.Run(); });
  for (int i = 1; i <= 1000; ++i) {
    produced.store(i);
    loop.Wake();
  }
  for (int i = 0; i < 400 && consumed.load() != 1000; ++i) usleep(5000);
  EXPECT_EQ(consumed.load(), 1000);
  loop.Stop();
  t.join();
}

TEST(EventLoopTest, PeriodicTimerFiresAndCancels) {
  EventLoop loop;
  std::atomic<int> ticks{0};
  EventLoop::TimerId id = 0;
  id = loop.AddPeriodicTimer(1, [&] {
    if (++ticks == 5) loop.CancelTimer(id);
  });
  std::thread t([&] { loop.Run(); });
  for (int i = 0; i < 400 && ticks.load() < 5; ++i) usleep(5000);
  usleep(20000);
  loop.Stop();
  t.join();
  EXPECT_EQ(ticks.load(), 5);
}

TEST(ListenerTest, TwoSocketsShareAPortWithReusePort) {
  auto a = ListenTcp("127.0.0.1", 0);
  ASSERT_TRUE(a.ok());
  auto b = ListenTcp("127.0.0.1", BoundPort(*a));
  ASSERT_TRUE(b.ok()) << b.status();
  close(*a);
  close(*b);
}

TEST(ListenerTest, PortHeldByAnotherListenerIsReportedInUse) {
  auto a = ListenTcp("127.0.0.1", 0);
  ASSERT_TRUE(a.ok());
  int port = BoundPort(*a);
  absl::Status st = CheckPortFree("127.0.0.1", port);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Address already in use"), std::string::npos) << st;
  close(*a);
  EXPECT_TRUE(CheckPortFree("127.0.0.1", port).ok());
}

TEST(ListenerTest, BadAddressIsAnError) {
  EXPECT_FALSE(ListenTcp("not-an-ip", 0).ok());
}

}  // namespace
}  // namespace net
