// libFuzzer target for the command layer: each input is sent, as raw bytes,
// on a fresh connection to an in-process server (3 workers, a real shard
// set); whatever it makes the server do must not crash it or trip a
// sanitizer, and the server must still answer PING afterwards.
//
// Built with clang by tools/fuzz_commands.sh (libFuzzer needs clang; the
// project's toolchain is g++).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "server/commands/all_commands.h"
#include "server/core/config_registry.h"
#include "server/core/server.h"

namespace {

server::Server* StartServer() {
  server::Config config;
  config.port = 0;
  config.save_points = std::string();  // fuzzed SAVE/BGSAVE stay, save points do not
  config.threads = 3;
  auto* srv = new server::Server(config, server::AllCommands());
  if (!srv->Start().ok()) std::abort();
  return srv;
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  // libFuzzer's once-a-second SIGALRM can interrupt connect(): the
  // connection then completes in the background.
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  if (rc != 0 && errno == EINTR) {
    pollfd p{fd, POLLOUT, 0};
    while (poll(&p, 1, 5000) < 0 && errno == EINTR) {
    }
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    rc = err == 0 ? 0 : -1;
    errno = err;
  }
  if (rc != 0) {
    int err = errno;
    size_t open_fds = 0;
    for (int i = 0; i < 65536; ++i) open_fds += fcntl(i, F_GETFD) != -1 ? 1 : 0;
    std::fprintf(stderr, "connect failed: %s (fd %d, %zu fds open)\n", strerror(err), fd, open_fds);
    std::abort();
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  // Close with a reset: hundreds of connections a second would otherwise
  // fill the ephemeral port range with TIME_WAIT sockets.
  linger reset{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  return fd;
}

// Sends everything, then reads until the server closes, `enough` bytes came,
// or it goes quiet for `quiet_ms` (a blocked BLPOP, a command waiting for
// more bytes, or replies still on their way: closing early is fine, it
// exercises disconnects with work in flight).
std::string Exchange(int port, std::string_view bytes, int quiet_ms, size_t enough = SIZE_MAX) {
  int fd = Connect(port);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string reply;
  char buf[65536];
  pollfd p{fd, POLLIN, 0};
  while (reply.size() < enough) {
    int ready = poll(&p, 1, quiet_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return reply;
}

// Settings an input may change that would stop later inputs from reaching
// the commands at all (a password, a tiny maxmemory): put back each time.
void ResetSettings(server::Server& srv) {
  std::string_view pairs[] = {"requirepass",
                              "",
                              "maxmemory",
                              "0",
                              "maxmemory-policy",
                              "noeviction",
                              "timeout",
                              "0",
                              "proto-max-bulk-len",
                              "512mb",
                              "client-query-buffer-limit",
                              "1gb",
                              "client-output-buffer-limit",
                              "normal 0 0 0",
                              "hz",
                              "10"};
  srv.config_registry().Set(server::Args(pairs, std::size(pairs)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static server::Server* srv = StartServer();
  static uint64_t runs = 0;
  Exchange(srv->port(), std::string_view(reinterpret_cast<const char*>(data), size), 2);
  ResetSettings(*srv);
  // Keep the keyspace small, so memory reflects leaks rather than data.
  if (++runs % 500 == 0) Exchange(srv->port(), "*1\r\n$8\r\nFLUSHALL\r\n", 5000, 5);
  std::string pong = Exchange(srv->port(), "*1\r\n$4\r\nPING\r\n", 5000, 7);
  if (pong != "+PONG\r\n") {
    std::fprintf(stderr, "server stopped answering PING after this input (got %zu bytes)\n",
                 pong.size());
    std::abort();
  }
  return 0;
}
