#ifndef SHARDIS_SERVER_PUBSUB_SUBSCRIPTION_REGISTRY_H_
#define SHARDIS_SERVER_PUBSUB_SUBSCRIPTION_REGISTRY_H_

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

namespace pubsub {

// A subscribed client: the worker whose thread owns it, and its id there.
struct Subscriber {
  uint32_t worker;
  uint64_t client;
  bool operator==(const Subscriber& o) const { return worker == o.worker && client == o.client; }
};

// Who is subscribed to what, for every worker at once: SUBSCRIBE and
// PSUBSCRIBE (one namespace, as Redis's PUBLISH reaches both) and
// SSUBSCRIBE (shard channels, reached only by SPUBLISH). Thread-safe.
//
// PUBLISH only reads: the channels are split over stripes, each behind its
// own reader-writer lock (std::shared_mutex: TSan sees pthread locks, not
// Debian's uninstrumented absl::Mutex), and patterns take their lock only while there
// are any. A publish sees exactly the subscriptions made before it (a
// subscriber answers SUBSCRIBE after registering here).
class SubscriptionRegistry {
 public:
  enum class Space : uint8_t { kChannel, kPattern, kShardChannel };

  // False when sub already had it (or, for Remove, did not).
  bool Add(Space space, std::string_view name, Subscriber sub);
  bool Remove(Space space, std::string_view name, Subscriber sub);

  // Resolves the receivers of a message published to `channel` (kChannel:
  // channel subscribers, then every matching pattern's; kShardChannel:
  // shard channel subscribers) into `outbox`, and returns how many there
  // are (Redis's PUBLISH reply).
  size_t Publish(Space space, std::string_view channel, std::string_view message, Outbox& outbox);

  // PUBSUB CHANNELS / SHARDCHANNELS: the names with a subscriber, filtered
  // by a glob pattern unless it is empty.
  std::vector<std::string> Names(Space space, std::string_view pattern) const;
  // PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel.
  size_t Count(Space space, std::string_view name) const;
  // INFO's pubsub_channels & co: how many names have a subscriber.
  size_t Size(Space space) const;
  // PUBSUB NUMPAT: distinct patterns with a subscriber.
  size_t NumPatterns() const { return patterns_count_.load(std::memory_order_relaxed); }

 private:
  using Table = absl::flat_hash_map<std::string, std::vector<Subscriber>>;
  struct Stripe {
    mutable std::shared_mutex mu;
    Table channels;
    Table shard_channels;
  };
  static constexpr size_t kStripes = 16;

  Stripe& StripeOf(std::string_view name);
  const Stripe& StripeOf(std::string_view name) const;
  static bool AddTo(Table& table, std::string_view name, Subscriber sub);
  static bool RemoveFrom(Table& table, std::string_view name, Subscriber sub);

  std::array<Stripe, kStripes> stripes_;
  mutable std::shared_mutex patterns_mu_;
  Table patterns_;
  std::atomic<size_t> patterns_count_{0};
};

}  // namespace pubsub

#endif  // SHARDIS_SERVER_PUBSUB_SUBSCRIPTION_REGISTRY_H_
