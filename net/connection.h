#ifndef SHARDIS_NET_CONNECTION_H_
#define SHARDIS_NET_CONNECTION_H_

#include <sys/uio.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "net/event_loop.h"

namespace net {

class Connection;

// What the protocol layer (the server) implements. All calls come on the
// connection's loop thread.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // A new connection was accepted on this loop.
  virtual void OnOpen(Connection* conn) = 0;
  // New bytes arrived in conn->input(); consume what was used.
  virtual void OnData(Connection* conn) = 0;
  // The connection is closed; called exactly once, after which the object is
  // deleted at the end of the loop iteration.
  virtual void OnClose(Connection* conn) = 0;
  // Everything appended so far has been written to the socket.
  virtual void OnOutputDrained(Connection* conn) {}
};

// A non-blocking stream socket owned by one EventLoop.
//
// Input: a contiguous buffer that grows for large requests (the handler may
// ask for room with ReserveInput) and shrinks back once drained. Output:
// appended replies are kept in chunks and written with one writev per loop
// iteration; a slow reader only grows the chunk list, the handler decides
// when that is too much (output_bytes()).
class Connection : public IoHandler {
 public:
  Connection(EventLoop* loop, int fd, ConnectionHandler* handler, uint64_t id, std::string peer,
             std::string local, bool is_unix);
  ~Connection() override;

  uint64_t id() const { return id_; }
  EventLoop* loop() const { return loop_; }
  const std::string& peer_address() const { return peer_; }
  const std::string& local_address() const { return local_; }
  bool is_unix() const { return is_unix_; }
  bool closed() const { return closed_; }
  int fd() const { return fd_; }

  // Bytes received and not yet consumed.
  std::string_view input() const { return {in_buf_.get() + in_start_, in_end_ - in_start_}; }
  void ConsumeInput(size_t n);
  // Makes room so that `total` unconsumed bytes fit without regrowing.
  void ReserveInput(size_t total);
  size_t input_capacity() const { return in_cap_; }
  // Gives a grown, currently empty input buffer back (for idle clients).
  void ShrinkIdleInput();

  // The buffer to append replies to; call CommitOutput() after appending.
  std::string* output();
  void CommitOutput();
  // Bytes appended and not yet written to the socket.
  size_t output_bytes() const { return out_bytes_ + out_.back().size() - out_front_offset_; }

  // Stops or restarts reading from the socket (back-pressure while replies of
  // earlier commands are outstanding).
  void PauseReading();
  void ResumeReading();

  // Writes what is pending, then closes.
  void CloseAfterFlush();
  // Closes at once, dropping unsent output.
  void Close();

  // Called by the loop: one writev of everything pending.
  void Flush();
  void OnEvents(uint32_t events) override;

  void set_user_data(void* p) { user_data_ = p; }
  void* user_data() const { return user_data_; }

 private:
  void ReadOnce();
  void UpdateInterest();
  void Destroy();

  EventLoop* loop_;
  int fd_;
  ConnectionHandler* handler_;
  uint64_t id_;
  std::string peer_;
  std::string local_;
  bool is_unix_;

  std::unique_ptr<char[]> in_buf_;
  size_t in_cap_ = 0;
  bool last_read_filled_ = false;
  size_t in_start_ = 0;
  size_t in_end_ = 0;

  std::deque<std::string> out_;  // never empty: back() is the append target
  size_t out_front_offset_ = 0;  // bytes of out_.front() already written
  size_t out_bytes_ = 0;         // bytes in all chunks but the back one
  bool flush_scheduled_ = false;
  bool want_write_ = false;      // EPOLLOUT registered
  bool reading_ = true;
  bool closing_ = false;
  bool closed_ = false;
  void* user_data_ = nullptr;
};

}  // namespace net

#endif  // SHARDIS_NET_CONNECTION_H_
