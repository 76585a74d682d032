#include "net/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace net {

namespace {

std::atomic<uint64_t> next_connection_id{1};

std::string FormatAddress(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
  }
  return absl::StrCat(host, ":", port);
}

absl::Status Errno(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", strerror(errno)));
}

}  // namespace

namespace {

absl::Status ParseAddress(const std::string& address, int port, sockaddr_storage* out,
                          socklen_t* len, int* family) {
  sockaddr_storage& ss = *out;
  if (address.find(':') != std::string::npos) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad bind address ", address));
    }
    *len = sizeof(sockaddr_in6);
    *family = AF_INET6;
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    std::string host = address == "localhost" ? "127.0.0.1" : address;
    if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad bind address ", address));
    }
    *len = sizeof(sockaddr_in);
    *family = AF_INET;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPortFree(const std::string& address, int port) {
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  absl::Status st = ParseAddress(address, port, &ss, &len, &family);
  if (!st.ok()) return st;
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  int one = 1;
  // SO_REUSEADDR only: TIME_WAIT leftovers do not count as "in use", live
  // listeners (with or without SO_REUSEPORT) do.
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) {
    st = Errno(absl::StrCat("bind ", address, ":", port));
  }
  close(fd);
  return st;
}

absl::StatusOr<int> ListenTcp(const std::string& address, int port, int backlog) {
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  absl::Status parsed = ParseAddress(address, port, &ss, &len, &family);
  if (!parsed.ok()) return parsed;
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
    close(fd);
    return Errno("SO_REUSEPORT");
  }
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) {
    absl::Status st = Errno(absl::StrCat("bind ", address, ":", port));
    close(fd);
    return st;
  }
  if (listen(fd, backlog) < 0) {
    close(fd);
    return Errno("listen");
  }
  return fd;
}

absl::StatusOr<int> ListenUnix(const std::string& path, int permissions, int backlog) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    return absl::InvalidArgumentError("unix socket path too long");
  }
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket(unix)");
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
    absl::Status st = Errno(absl::StrCat("bind ", path));
    close(fd);
    return st;
  }
  if (permissions != 0) chmod(path.c_str(), permissions);
  if (listen(fd, backlog) < 0) {
    close(fd);
    return Errno("listen(unix)");
  }
  return fd;
}

Acceptor::Acceptor(EventLoop* loop, int listen_fd, bool is_unix, bool shared_fd,
                   ConnectionHandler* handler)
    : loop_(loop), fd_(listen_fd), is_unix_(is_unix), shared_fd_(shared_fd), handler_(handler) {
  loop_->Add(fd_, EPOLLIN | (shared_fd ? uint32_t{EPOLLEXCLUSIVE} : 0u), this);
}

Acceptor::~Acceptor() {
  loop_->Remove(fd_);
  if (!shared_fd_) close(fd_);
}

void Acceptor::OnEvents(uint32_t events) {
  // Bounded so one busy listener cannot starve established connections.
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or EMFILE: retried on the next readiness event
    }
    std::string peer, local;
    if (is_unix_) {
      peer = "/unix";
      local = "/unix";
    } else {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      peer = FormatAddress(ss);
      sockaddr_storage ls{};
      socklen_t llen = sizeof(ls);
      getsockname(fd, reinterpret_cast<sockaddr*>(&ls), &llen);
      local = FormatAddress(ls);
    }
    uint64_t id = next_connection_id.fetch_add(1, std::memory_order_relaxed);
    auto* conn = new Connection(loop_, fd, handler_, id, std::move(peer), std::move(local), is_unix_);
    handler_->OnOpen(conn);
  }
}

}  // namespace net
