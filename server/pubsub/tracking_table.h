#ifndef SHARDIS_SERVER_PUBSUB_TRACKING_TABLE_H_
#define SHARDIS_SERVER_PUBSUB_TRACKING_TABLE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/pubsub/outbox.h"
#include "server/pubsub/subscription_registry.h"

namespace pubsub {

// The server half of client-side caching (CLIENT TRACKING), for every
// worker at once: which clients read which keys (default mode) and which
// clients want every key under a prefix (BCAST). A key that changes is
// invalidated for them - through the changing thread's outbox, so the
// message leaves after the command - and leaves the table, as in Redis:
// a client hears about a key once per read. Keys are db-agnostic, as in
// Redis. Thread-safe.
//
// Entries are not removed when a client turns tracking off or goes: the
// receiving worker drops what is no longer wanted (Redis does the same, to
// keep a departing client's cleanup cheap).
class TrackingTable {
 public:
  // Clients with tracking on: they all hear about FLUSHDB / FLUSHALL.
  void AddClient(Subscriber who);
  void RemoveClient(Subscriber who);
  // Any client has tracking on (writes skip the table otherwise).
  bool active() const { return clients() > 0; }
  size_t clients() const { return clients_count_.load(std::memory_order_relaxed); }

  // A tracking client (default mode) read key.
  void Remember(std::string_view key, Subscriber who);
  // BCAST: who hears about every key starting with prefix.
  void AddPrefix(std::string_view prefix, Subscriber who);
  void RemovePrefix(std::string_view prefix, Subscriber who);

  // key changed, by client `writer` (0: the server itself - expiry,
  // eviction). Adds the invalidations to `outbox`.
  void Invalidate(std::string_view key, uint64_t writer, Outbox& outbox);
  // FLUSHDB / FLUSHALL: every tracking client is told everything is
  // invalid (a null key), and the table empties.
  void InvalidateAll(uint64_t writer, Outbox& outbox);
  // tracking-table-max-keys: over it, invalidates keys (any) until it is
  // not; max_keys 0 means no limit.
  void Limit(size_t max_keys, Outbox& outbox);

  // INFO: keys in the table, (key, client) pairs, BCAST prefixes.
  size_t keys() const { return keys_.load(std::memory_order_relaxed); }
  size_t items() const { return items_.load(std::memory_order_relaxed); }
  size_t prefixes() const;

 private:
  using Table = absl::flat_hash_map<std::string, std::vector<Subscriber>>;
  struct Stripe {
    mutable std::shared_mutex mu;
    Table keys;
  };
  static constexpr size_t kStripes = 16;

  Stripe& StripeOf(std::string_view key);
  // Moves out the readers of key (nothing when it has none).
  std::vector<Subscriber> TakeReaders(std::string_view key);

  std::array<Stripe, kStripes> stripes_;
  std::atomic<size_t> keys_{0};
  std::atomic<size_t> items_{0};
  mutable std::shared_mutex mu_;  // clients and prefixes
  std::vector<Subscriber> clients_;
  Table prefixes_;
  std::atomic<size_t> clients_count_{0};
  std::atomic<size_t> prefix_count_{0};
  std::atomic<size_t> next_stripe_{0};  // where Limit starts evicting
};

}  // namespace pubsub

#endif  // SHARDIS_SERVER_PUBSUB_TRACKING_TABLE_H_
