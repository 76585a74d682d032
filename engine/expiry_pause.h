#ifndef SHARDIS_ENGINE_EXPIRY_PAUSE_H_
#define SHARDIS_ENGINE_EXPIRY_PAUSE_H_

namespace engine {

// While one is alive on a thread, nothing there treats a key as expired:
// lookups keep keys whose TTL passed, and commands set a past TTL instead of
// deleting (Redis while loading). A command replayed from an append-only
// file must see the keys its original saw, although their TTLs may have
// passed since; the DELs the file holds for expiries remove them in turn.
class ExpiryPause {
 public:
  ExpiryPause() { ++depth(); }
  ~ExpiryPause() { --depth(); }
  ExpiryPause(const ExpiryPause&) = delete;
  ExpiryPause& operator=(const ExpiryPause&) = delete;

  static bool active() { return depth() > 0; }

 private:
  static int& depth() {
    static thread_local int n = 0;
    return n;
  }
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_EXPIRY_PAUSE_H_
