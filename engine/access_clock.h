#ifndef SHARDIS_ENGINE_ACCESS_CLOCK_H_
#define SHARDIS_ENGINE_ACCESS_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace engine {

struct Object;

// What approximate LRU and LFU eviction know about a value (Redis's 24-bit
// `lru` field, split in two here): the second of its last access and a
// logarithmic access counter that decays with idle time.
//
// Values are touched by their owner and by the read fast path on other
// threads, so both fields are written through relaxed atomic refs; a lost
// update only makes the approximation slightly rougher.

// Process-wide settings, any thread (CONFIG SET writes them).
struct AccessSettings {
  // With an LFU maxmemory-policy the counter is maintained on each access;
  // otherwise only the access time is (Redis tracks one or the other).
  std::atomic<bool> lfu{false};
  std::atomic<int64_t> lfu_log_factor{10};
  std::atomic<int64_t> lfu_decay_minutes{1};
};
namespace access_clock_internal {
extern AccessSettings settings;
}
inline AccessSettings& access_settings() { return access_clock_internal::settings; }

// A coarse clock in seconds, advanced by the shards' timers (Redis's
// lruclock), so touching a value costs no system call.
namespace access_clock_internal {
extern std::atomic<uint32_t> seconds;
}
inline uint32_t AccessNow() {
  return access_clock_internal::seconds.load(std::memory_order_relaxed);
}
void AdvanceAccessClock(int64_t now_ms);

// A new value's counter: new keys must not be the first evicted (Redis's
// LFU_INIT_VAL).
inline constexpr uint8_t kInitialFrequency = 5;

// Records an access: the time, and under LFU a probabilistic increment of
// the (decayed) counter. Any thread.
void Touch(const Object* obj);
// Seconds since the last access.
uint32_t IdleSeconds(const Object* obj);
// The counter after decay for the minutes the value sat idle (OBJECT FREQ).
uint8_t DecayedFrequency(const Object* obj);

}  // namespace engine

#endif  // SHARDIS_ENGINE_ACCESS_CLOCK_H_
