#include "net/event_loop.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "net/connection.h"

namespace net {

namespace {

int64_t WallClockMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

void DieOnError(int rc, const char* what) {
  if (rc < 0) {
    perror(what);
    abort();
  }
}

}  // namespace

EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  DieOnError(epoll_fd_, "epoll_create1");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  DieOnError(wake_fd_, "eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // nullptr marks the wake fd
  DieOnError(epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev), "epoll_ctl(wake)");
  UpdateClock();
}

EventLoop::~EventLoop() {
  for (Connection* c : delete_queue_) delete c;
  close(wake_fd_);
  close(epoll_fd_);
}

void EventLoop::UpdateClock() { now_ms_ = WallClockMs(); }

void EventLoop::Add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  DieOnError(epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev), "epoll_ctl(add)");
}

void EventLoop::Modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  DieOnError(epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev), "epoll_ctl(mod)");
}

void EventLoop::Remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::Stop() {
  stop_.store(true, std::memory_order_release);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

void EventLoop::Wake() {
  // The exchange collapses bursts of wake-ups from producers into one write.
  if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
  }
}

void EventLoop::DrainWakeFd() {
  uint64_t value;
  [[maybe_unused]] ssize_t n = read(wake_fd_, &value, sizeof(value));
}

EventLoop::TimerId EventLoop::AddPeriodicTimer(int64_t period_ms, std::function<void()> fn) {
  TimerId id = next_timer_id_++;
  timers_.push_back({id, TimerEntry{period_ms, std::move(fn)}});
  timer_queue_.push(Timer{now_ms_ + period_ms, id});
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  timers_.erase(std::remove_if(timers_.begin(), timers_.end(),
                               [id](const auto& t) { return t.first == id; }),
                timers_.end());
  // The queue entry is dropped lazily when it comes due.
}

int EventLoop::NextTimeoutMs() const {
  if (timer_queue_.empty()) return -1;
  int64_t wait = timer_queue_.top().due_ms - WallClockMs();
  return wait <= 0 ? 0 : static_cast<int>(std::min<int64_t>(wait, 1000));
}

void EventLoop::RunDueTimers() {
  while (!timer_queue_.empty() && timer_queue_.top().due_ms <= now_ms_) {
    Timer t = timer_queue_.top();
    timer_queue_.pop();
    auto it = std::find_if(timers_.begin(), timers_.end(),
                           [&](const auto& e) { return e.first == t.id; });
    if (it == timers_.end()) continue;  // cancelled
    timer_queue_.push(Timer{now_ms_ + it->second.period_ms, t.id});
    // Copy: the callback may add or cancel timers, invalidating `it`.
    std::function<void()> fn = it->second.fn;
    fn();
  }
}

void EventLoop::ScheduleFlush(Connection* conn) { flush_queue_.push_back(conn); }

void EventLoop::DeleteLater(Connection* conn) { delete_queue_.push_back(conn); }

void EventLoop::FlushConnections(bool delete_closed) {
  // Flushing may close a connection, which may queue more work; swap first.
  for (size_t i = 0; i < flush_queue_.size(); ++i) flush_queue_[i]->Flush();
  flush_queue_.clear();
  if (!delete_closed) return;
  for (Connection* c : delete_queue_) delete c;
  delete_queue_.clear();
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  while (!stop_.load(std::memory_order_acquire)) {
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, NextTimeoutMs());
    if (n < 0 && errno != EINTR) {
      perror("epoll_wait");
      abort();
    }
    UpdateClock();
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {
        woken = true;
        continue;
      }
      static_cast<IoHandler*>(events[i].data.ptr)->OnEvents(events[i].events);
    }
    if (woken) {
      DrainWakeFd();
      // An RMW, not a store: it reads the latest producer's exchange(true)
      // and so synchronizes with it, making that producer's push visible to
      // the wake handler below.
      wake_pending_.exchange(false, std::memory_order_acq_rel);
    }
    // The wake handler runs every iteration, not only after a wake-up: work
    // pushed while wake_pending_ was still set must not wait for the next one.
    if (wake_handler_) wake_handler_();
    RunDueTimers();
    if (iteration_handler_) iteration_handler_();
    FlushConnections();
  }
}

void EventLoop::PollOnce() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epoll_fd_, events, kMaxEvents, 0);
  UpdateClock();
  for (int i = 0; i < n; ++i) {
    if (events[i].data.ptr == nullptr) continue;  // the wake fd stays readable for Run
    static_cast<IoHandler*>(events[i].data.ptr)->OnEvents(events[i].events);
  }
  // Closed connections stay allocated: frames below this call (the one
  // whose handler runs the busy script, the outer loop's pending events)
  // may still point at them. Run deletes them.
  FlushConnections(/*delete_closed=*/false);
}

}  // namespace net
