#include "engine/access_clock.h"

#include <ctime>
#include <random>

#include "engine/object.h"

namespace engine {

namespace access_clock_internal {
std::atomic<uint32_t> seconds{static_cast<uint32_t>(std::time(nullptr))};
// A namespace-scope object, not a function-local static: Touch reads it on
// every lookup and should not pay for an initialisation guard.
AccessSettings settings;
}  // namespace access_clock_internal

namespace {

using access_clock_internal::seconds;

uint32_t LoadTime(const Object* obj) {
  return std::atomic_ref<uint32_t>(obj->access_time).load(std::memory_order_relaxed);
}

// Redis's LFULogIncr: the more often a value was accessed, the less likely
// one more access moves the 8-bit counter, so it can tell apart rates up to
// about a million hits per decay period.
uint8_t LogIncrement(uint8_t counter, int64_t log_factor) {
  if (counter == 255) return counter;
  thread_local std::minstd_rand rng{std::random_device{}()};
  double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  double base = counter > kInitialFrequency ? counter - kInitialFrequency : 0;
  double p = 1.0 / (base * static_cast<double>(log_factor) + 1);
  return r < p ? counter + 1 : counter;
}

}  // namespace

void AdvanceAccessClock(int64_t now_ms) {
  auto now = static_cast<uint32_t>(now_ms / 1000);
  // Every shard ticks; only the first one in a new second writes the line.
  if (seconds.load(std::memory_order_relaxed) != now) {
    seconds.store(now, std::memory_order_relaxed);
  }
}

uint32_t IdleSeconds(const Object* obj) {
  uint32_t now = AccessNow();
  uint32_t then = LoadTime(obj);
  return now > then ? now - then : 0;
}

uint8_t DecayedFrequency(const Object* obj) {
  uint8_t counter = std::atomic_ref<uint8_t>(obj->frequency).load(std::memory_order_relaxed);
  int64_t decay = access_settings().lfu_decay_minutes.load(std::memory_order_relaxed);
  if (decay <= 0) return counter;
  int64_t periods = IdleSeconds(obj) / 60 / decay;
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

void Touch(const Object* obj) {
  const AccessSettings& s = access_settings();
  if (s.lfu.load(std::memory_order_relaxed)) {
    uint8_t counter =
        LogIncrement(DecayedFrequency(obj), s.lfu_log_factor.load(std::memory_order_relaxed));
    std::atomic_ref<uint8_t> freq(obj->frequency);
    if (freq.load(std::memory_order_relaxed) != counter) {
      freq.store(counter, std::memory_order_relaxed);
    }
  }
  // Stores only when the second changed: hot keys read from many threads
  // do not bounce their cache line for every read.
  uint32_t now = AccessNow();
  std::atomic_ref<uint32_t> time(obj->access_time);
  if (time.load(std::memory_order_relaxed) != now) time.store(now, std::memory_order_relaxed);
}

}  // namespace engine
