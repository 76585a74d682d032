#include "net/connection.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace net {

namespace {

constexpr size_t kMinInputBuffer = 16 * 1024;
// Room for the next read after one that filled all the room it had: the
// socket holds more, and a pipeline of 4 KB values costs mostly read(2)
// calls (each a fixed kernel cost) when read 16 KB at a time.
constexpr size_t kBurstRead = 64 * 1024;
// A drained input buffer larger than this is given back at once; smaller
// grown buffers are kept while the client is busy (pipelines of big values
// would otherwise reallocate, and page-fault, on every read) and given back
// by ShrinkIdleInput.
constexpr size_t kShrinkInputAbove = 1024 * 1024;
// A new output chunk starts past this size, so huge replies do not force
// reallocation-and-copy of everything already queued.
constexpr size_t kOutputChunk = 64 * 1024;
constexpr int kMaxIov = 64;

}  // namespace

Connection::Connection(EventLoop* loop, int fd, ConnectionHandler* handler, uint64_t id,
                       std::string peer, std::string local, bool is_unix)
    : loop_(loop),
      fd_(fd),
      handler_(handler),
      id_(id),
      peer_(std::move(peer)),
      local_(std::move(local)),
      is_unix_(is_unix) {
  in_buf_.reset(new char[kMinInputBuffer]);
  in_cap_ = kMinInputBuffer;
  out_.emplace_back();
  loop_->Add(fd_, EPOLLIN, this);
}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

void Connection::ConsumeInput(size_t n) {
  in_start_ += n;
  if (in_start_ == in_end_) {
    in_start_ = in_end_ = 0;
    if (in_cap_ > kShrinkInputAbove) {
      in_buf_.reset(new char[kMinInputBuffer]);
      in_cap_ = kMinInputBuffer;
    }
  }
}

void Connection::ShrinkIdleInput() {
  if (in_start_ == in_end_ && in_cap_ > kMinInputBuffer) {
    in_buf_.reset(new char[kMinInputBuffer]);
    in_cap_ = kMinInputBuffer;
    in_start_ = in_end_ = 0;
  }
}

void Connection::ReserveInput(size_t total) {
  size_t used = in_end_ - in_start_;
  if (total <= in_cap_ - in_start_) return;
  if (total <= in_cap_) {
    std::memmove(in_buf_.get(), in_buf_.get() + in_start_, used);
  } else {
    size_t cap = std::max(total, in_cap_ * 2);
    std::unique_ptr<char[]> bigger(new char[cap]);
    std::memcpy(bigger.get(), in_buf_.get() + in_start_, used);
    in_buf_ = std::move(bigger);
    in_cap_ = cap;
  }
  in_start_ = 0;
  in_end_ = used;
}

std::string* Connection::output() {
  if (out_.back().size() >= kOutputChunk) {
    out_bytes_ += out_.back().size();
    out_.emplace_back();
  }
  return &out_.back();
}

void Connection::CommitOutput() {
  if (!flush_scheduled_ && !closed_) {
    flush_scheduled_ = true;
    loop_->ScheduleFlush(this);
  }
}

void Connection::PauseReading() {
  if (!reading_) return;
  reading_ = false;
  UpdateInterest();
}

void Connection::ResumeReading() {
  if (reading_ || closed_) return;
  reading_ = true;
  UpdateInterest();
}

void Connection::UpdateInterest() {
  if (closed_) return;
  uint32_t events = (reading_ && !closing_ ? uint32_t{EPOLLIN} : 0u) |
                    (want_write_ ? uint32_t{EPOLLOUT} : 0u);
  loop_->Modify(fd_, events, this);
}

void Connection::ReadOnce() {
  if (last_read_filled_ && in_cap_ - in_end_ < kBurstRead) {
    ReserveInput(in_end_ - in_start_ + kBurstRead);
  } else if (in_cap_ - in_end_ < kMinInputBuffer / 4) {
    // Compact first; grow only when the unconsumed bytes fill the buffer.
    ReserveInput(std::max(in_end_ - in_start_ + kMinInputBuffer, in_cap_));
  }
  size_t room = in_cap_ - in_end_;
  ssize_t n = read(fd_, in_buf_.get() + in_end_, room);
  if (n > 0) {
    last_read_filled_ = static_cast<size_t>(n) == room;
    in_end_ += n;
    handler_->OnData(this);
    return;
  }
  if (n == 0 || (errno != EAGAIN && errno != EINTR)) Close();
}

void Connection::OnEvents(uint32_t events) {
  if (closed_) return;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    if (reading_ && !closing_) {
      ReadOnce();
    } else if (events & (EPOLLERR | EPOLLHUP)) {
      Close();
    }
  }
  // Writable again: the rest goes out with the iteration's flush, never
  // before the loop's iteration handler ran (under appendfsync always, it
  // makes what the replies acknowledge durable first).
  if (!closed_ && (events & EPOLLOUT)) CommitOutput();
}

void Connection::Flush() {
  flush_scheduled_ = false;
  if (closed_) return;
  bool had_output = output_bytes() > 0;
  while (output_bytes() > 0) {
    iovec iov[kMaxIov];
    int cnt = 0;
    size_t offset = out_front_offset_;
    for (auto it = out_.begin(); it != out_.end() && cnt < kMaxIov; ++it) {
      if (it->size() > offset) {
        iov[cnt].iov_base = const_cast<char*>(it->data()) + offset;
        iov[cnt].iov_len = it->size() - offset;
        ++cnt;
      }
      offset = 0;
    }
    // One chunk (the common case) goes out with write(2): writev's iovec
    // import costs a little on every small reply.
    ssize_t n = cnt == 1 ? write(fd_, iov[0].iov_base, iov[0].iov_len) : writev(fd_, iov, cnt);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      Close();
      return;
    }
    size_t written = static_cast<size_t>(n);
    // Drop fully written chunks; keep the last one (the append target).
    while (written > 0) {
      std::string& front = out_.front();
      size_t left = front.size() - out_front_offset_;
      if (written < left) {
        out_front_offset_ += written;
        written = 0;
      } else {
        written -= left;
        out_front_offset_ = 0;
        if (out_.size() > 1) {
          out_bytes_ -= front.size();
          out_.pop_front();
        } else {
          front.clear();
          if (front.capacity() > kOutputChunk) front.shrink_to_fit();
        }
      }
    }
  }
  bool pending = output_bytes() > 0;
  if (pending != want_write_) {
    want_write_ = pending;
    UpdateInterest();
  }
  if (!pending && closing_) {
    Close();
    return;
  }
  if (!pending && had_output) handler_->OnOutputDrained(this);
}

void Connection::CloseAfterFlush() {
  if (closed_) return;
  closing_ = true;
  if (output_bytes() == 0) {
    Close();
  } else {
    UpdateInterest();
    CommitOutput();
  }
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  loop_->Remove(fd_);
  ::shutdown(fd_, SHUT_RDWR);
  close(fd_);
  fd_ = -1;
  handler_->OnClose(this);
  loop_->DeleteLater(this);
}

}  // namespace net
