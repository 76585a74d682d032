#ifndef SHARDIS_NET_EVENT_LOOP_H_
#define SHARDIS_NET_EVENT_LOOP_H_

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace net {

class Connection;

// Something that owns a file descriptor registered with an EventLoop.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // Called on the loop thread with the epoll event mask that fired.
  virtual void OnEvents(uint32_t events) = 0;
};

// One epoll event loop, owned by exactly one thread (the one that calls Run).
// Everything but Wake() and Stop() must be called on that thread.
//
// One iteration: wait for events (or the next timer), dispatch them, run the
// wake handler if another thread called Wake(), run due timers, then flush
// every connection that has output (one writev each). Idle loops sleep in
// epoll_wait: there is no busy polling.
class EventLoop {
 public:
  using TimerId = uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs iterations until Stop() is called.
  void Run();
  // One round of I/O without waiting and without the wake, timer and
  // iteration handlers: lets a handler that runs for long (a busy script)
  // still read its other connections and answer them.
  void PollOnce();
  // Thread-safe. Makes Run() return after the current iteration.
  void Stop();
  // Thread-safe and cheap when called repeatedly before the loop wakes: only
  // the first call after the loop drained writes the eventfd.
  void Wake();
  // Called on the loop thread after Wake(). Set before Run().
  void SetWakeHandler(std::function<void()> handler) { wake_handler_ = std::move(handler); }
  // Called once per iteration, after events and timers, before flushing
  // connections. The server uses it to dispatch batched cross-shard work.
  void SetIterationHandler(std::function<void()> handler) {
    iteration_handler_ = std::move(handler);
  }

  // Registers fd for `events` (EPOLLIN/EPOLLOUT/...); handler must outlive the
  // registration.
  void Add(int fd, uint32_t events, IoHandler* handler);
  void Modify(int fd, uint32_t events, IoHandler* handler);
  void Remove(int fd);

  // Runs fn every period_ms milliseconds on the loop thread until cancelled.
  TimerId AddPeriodicTimer(int64_t period_ms, std::function<void()> fn);
  void CancelTimer(TimerId id);

  // Queues a connection for the end-of-iteration flush.
  void ScheduleFlush(Connection* conn);
  // Connections closed during an iteration are deleted at its end, so that
  // callbacks further up the stack never see a dangling pointer.
  void DeleteLater(Connection* conn);

  // Milliseconds since the epoch, cached once per iteration.
  int64_t now_ms() const { return now_ms_; }
  void UpdateClock();

 private:
  struct Timer {
    int64_t due_ms;
    TimerId id;
    bool operator>(const Timer& o) const { return due_ms > o.due_ms; }
  };
  struct TimerEntry {
    int64_t period_ms;
    std::function<void()> fn;
  };

  int NextTimeoutMs() const;
  void RunDueTimers();
  void FlushConnections(bool delete_closed = true);
  void DrainWakeFd();

  int epoll_fd_;
  int wake_fd_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> wake_pending_{false};
  std::function<void()> wake_handler_;
  std::function<void()> iteration_handler_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timer_queue_;
  std::vector<std::pair<TimerId, TimerEntry>> timers_;  // few timers: linear search is fine
  TimerId next_timer_id_ = 1;
  std::vector<Connection*> flush_queue_;
  std::vector<Connection*> delete_queue_;
  int64_t now_ms_ = 0;
};

}  // namespace net

#endif  // SHARDIS_NET_EVENT_LOOP_H_
