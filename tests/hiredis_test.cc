// End-to-end through hiredis (the C client most Redis clients wrap): starts
// the real server binary on a free port and talks to it.
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern char** environ;

namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  close(fd);
  return ntohs(sa.sin_port);
}

class HiredisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    std::string port = std::to_string(port_);
    // No save points, and a directory of its own: Bazel keeps the test's
    // working directory between runs, and a dump.rdb there would be loaded.
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir = tmp != nullptr ? tmp : "/tmp";
    std::vector<const char*> argv = {"server/server", "--port", port.c_str(), "--threads", "3",
                                     "--save", "", "--dir", dir.c_str(), nullptr};
    ASSERT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv.data()),
                          environ),
              0);
    for (int i = 0; i < 200 && ctx_ == nullptr; ++i) {
      redisContext* c = redisConnect("127.0.0.1", port_);
      if (c != nullptr && c->err == 0) {
        ctx_ = c;
      } else {
        if (c != nullptr) redisFree(c);
        usleep(20000);
      }
    }
    ASSERT_NE(ctx_, nullptr) << "server did not start";
  }

  void TearDown() override {
    if (ctx_ != nullptr) redisFree(ctx_);
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "unclean shutdown";
  }

  redisReply* Command(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    void* r = redisvCommand(ctx_, fmt, ap);
    va_end(ap);
    return static_cast<redisReply*>(r);
  }

  pid_t pid_ = 0;
  int port_ = 0;
  redisContext* ctx_ = nullptr;
};

TEST_F(HiredisTest, BinarySafeValuesAndTypes) {
  std::string value("a\0b\r\nc", 6);
  redisReply* r = Command("SET %s %b", "bin", value.data(), value.size());
  ASSERT_EQ(r->type, REDIS_REPLY_STATUS);
  EXPECT_STREQ(r->str, "OK");
  freeReplyObject(r);
  r = Command("GET bin");
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(r->str, r->len), value);
  freeReplyObject(r);
  r = Command("GET nothere");
  EXPECT_EQ(r->type, REDIS_REPLY_NIL);
  freeReplyObject(r);
  r = Command("RPUSH list a b");
  EXPECT_EQ(r->type, REDIS_REPLY_INTEGER);
  EXPECT_EQ(r->integer, 2);
  freeReplyObject(r);
  r = Command("GET list");
  ASSERT_EQ(r->type, REDIS_REPLY_ERROR);
  EXPECT_STREQ(r->str, "WRONGTYPE Operation against a key holding the wrong kind of value");
  freeReplyObject(r);
}

TEST_F(HiredisTest, LargeValueRoundTrip) {
  std::string big(8 << 20, 'z');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  redisReply* r = Command("SET big %b", big.data(), big.size());
  EXPECT_EQ(r->type, REDIS_REPLY_STATUS);
  freeReplyObject(r);
  r = Command("GET big");
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_TRUE(std::string(r->str, r->len) == big);
  freeReplyObject(r);
}

TEST_F(HiredisTest, PipelineAcrossShardsKeepsOrder) {
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    redisAppendCommand(ctx_, "SET k%d %d", i, i);
    redisAppendCommand(ctx_, "GET k%d", (i * 7919) % (i + 1));
  }
  for (int i = 0; i < n; ++i) {
    void* raw = nullptr;
    ASSERT_EQ(redisGetReply(ctx_, &raw), REDIS_OK);
    auto* set = static_cast<redisReply*>(raw);
    EXPECT_EQ(set->type, REDIS_REPLY_STATUS);
    freeReplyObject(set);
    ASSERT_EQ(redisGetReply(ctx_, &raw), REDIS_OK);
    auto* get = static_cast<redisReply*>(raw);
    ASSERT_EQ(get->type, REDIS_REPLY_STRING) << i;
    EXPECT_EQ(std::string(get->str, get->len), std::to_string((i * 7919) % (i + 1)));
    freeReplyObject(get);
  }
  redisReply* r = Command("DBSIZE");
  EXPECT_EQ(r->integer, n);
  freeReplyObject(r);
}

}  // namespace
