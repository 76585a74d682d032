#ifndef SHARDIS_NET_LISTENER_H_
#define SHARDIS_NET_LISTENER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "net/connection.h"
#include "net/event_loop.h"

namespace net {

// Opens a non-blocking TCP listening socket with SO_REUSEPORT, so every event
// loop can bind its own socket to the same address and the kernel spreads
// incoming connections across them.
absl::StatusOr<int> ListenTcp(const std::string& address, int port, int backlog = 511);

// Fails with "Address already in use" when anything else listens on
// address:port. SO_REUSEPORT would otherwise let a second server process
// silently share the port with the first; call this before ListenTcp.
absl::Status CheckPortFree(const std::string& address, int port);

// Opens a non-blocking Unix-domain listening socket (replacing a stale file).
// Unix sockets have no SO_REUSEPORT; loops share this one fd instead, each
// registering it with EPOLLEXCLUSIVE so one loop wakes per connection.
absl::StatusOr<int> ListenUnix(const std::string& path, int permissions, int backlog = 511);

// Accepts connections from one listening fd into one loop and hands each to
// the handler. Connection ids come from a process-wide counter.
class Acceptor : public IoHandler {
 public:
  Acceptor(EventLoop* loop, int listen_fd, bool is_unix, bool shared_fd,
           ConnectionHandler* handler);
  ~Acceptor() override;

  void OnEvents(uint32_t events) override;

 private:
  EventLoop* loop_;
  int fd_;
  bool is_unix_;
  bool shared_fd_;  // another acceptor closes it
  ConnectionHandler* handler_;
};

}  // namespace net

#endif  // SHARDIS_NET_LISTENER_H_
