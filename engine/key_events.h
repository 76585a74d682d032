#ifndef SHARDIS_ENGINE_KEY_EVENTS_H_
#define SHARDIS_ENGINE_KEY_EVENTS_H_

#include <atomic>
#include <cstdint>
#include <string_view>

namespace engine {

// The classes of keyspace events, with Redis's bit values (its
// notify-keyspace-events letters in the comments).
enum KeyEventClass : uint32_t {
  kEventKeyspace = 1 << 0,  // K: publish to __keyspace@<db>__:<key>
  kEventKeyevent = 1 << 1,  // E: publish to __keyevent@<db>__:<event>
  kEventGeneric = 1 << 2,   // g
  kEventString = 1 << 3,    // $
  kEventList = 1 << 4,      // l
  kEventSet = 1 << 5,       // s
  kEventHash = 1 << 6,      // h
  kEventZset = 1 << 7,      // z
  kEventExpired = 1 << 8,   // x
  kEventEvicted = 1 << 9,   // e
  kEventStream = 1 << 10,   // t
  kEventKeyMiss = 1 << 11,  // m (not part of A)
  kEventModule = 1 << 13,   // d
  kEventNew = 1 << 14,      // n (not part of A)
  kEventAll = kEventGeneric | kEventString | kEventList | kEventSet | kEventHash | kEventZset |
              kEventExpired | kEventEvicted | kEventStream | kEventModule,
};

// Where a Db reports what happened to its keys (Redis's
// notifyKeyspaceEvent). The engine only reports; the server decides who
// hears it. `enabled` is the configured mask: a class outside it costs the
// reporting code one relaxed load.
class KeyEvents {
 public:
  virtual ~KeyEvents() = default;

  bool wants(uint32_t event_class) const {
    uint32_t mask = mask_.load(std::memory_order_relaxed);
    return (mask & event_class) != 0 && (mask & (kEventKeyspace | kEventKeyevent)) != 0;
  }
  uint32_t mask() const { return mask_.load(std::memory_order_relaxed); }
  void set_mask(uint32_t mask) { mask_.store(mask, std::memory_order_relaxed); }

  // Called on whichever thread changed the key (its shard's, or a script's
  // that holds the shard), only when wants(event_class).
  virtual void Emit(uint32_t event_class, std::string_view event, std::string_view key,
                    int db_index) = 0;

 private:
  std::atomic<uint32_t> mask_{0};
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_KEY_EVENTS_H_
