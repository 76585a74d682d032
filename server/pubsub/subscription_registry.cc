#include "server/pubsub/subscription_registry.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "server/command/glob.h"
#include "server/command/text.h"

namespace pubsub {

SubscriptionRegistry::Stripe& SubscriptionRegistry::StripeOf(std::string_view name) {
  return stripes_[absl::HashOf(name) % kStripes];
}

const SubscriptionRegistry::Stripe& SubscriptionRegistry::StripeOf(std::string_view name) const {
  return stripes_[absl::HashOf(name) % kStripes];
}

bool SubscriptionRegistry::AddTo(Table& table, std::string_view name, Subscriber sub) {
  std::vector<Subscriber>& subs = table[server::AV(name)];
  if (std::find(subs.begin(), subs.end(), sub) != subs.end()) return false;
  subs.push_back(sub);
  return true;
}

bool SubscriptionRegistry::RemoveFrom(Table& table, std::string_view name, Subscriber sub) {
  auto it = table.find(server::AV(name));
  if (it == table.end()) return false;
  std::vector<Subscriber>& subs = it->second;
  auto pos = std::find(subs.begin(), subs.end(), sub);
  if (pos == subs.end()) return false;
  // Order kept: receivers hear a message in the order they subscribed.
  subs.erase(pos);
  if (subs.empty()) table.erase(it);
  return true;
}

bool SubscriptionRegistry::Add(Space space, std::string_view name, Subscriber sub) {
  if (space == Space::kPattern) {
    std::unique_lock lock(patterns_mu_);
    bool added = AddTo(patterns_, name, sub);
    patterns_count_.store(patterns_.size(), std::memory_order_relaxed);
    return added;
  }
  Stripe& stripe = StripeOf(name);
  std::unique_lock lock(stripe.mu);
  return AddTo(space == Space::kChannel ? stripe.channels : stripe.shard_channels, name, sub);
}

bool SubscriptionRegistry::Remove(Space space, std::string_view name, Subscriber sub) {
  if (space == Space::kPattern) {
    std::unique_lock lock(patterns_mu_);
    bool removed = RemoveFrom(patterns_, name, sub);
    patterns_count_.store(patterns_.size(), std::memory_order_relaxed);
    return removed;
  }
  Stripe& stripe = StripeOf(name);
  std::unique_lock lock(stripe.mu);
  return RemoveFrom(space == Space::kChannel ? stripe.channels : stripe.shard_channels, name, sub);
}

size_t SubscriptionRegistry::Publish(Space space, std::string_view channel,
                                     std::string_view message, Outbox& outbox) {
  size_t receivers = 0;
  bool shard = space == Space::kShardChannel;
  outbox.Begin(shard ? Delivery::Kind::kSMessage : Delivery::Kind::kMessage, channel, message);
  {
    const Stripe& stripe = StripeOf(channel);
    std::shared_lock lock(stripe.mu);
    const Table& table = shard ? stripe.shard_channels : stripe.channels;
    auto it = table.find(server::AV(channel));
    if (it != table.end()) {
      for (const Subscriber& sub : it->second) outbox.Add(sub.worker, sub.client);
      receivers += it->second.size();
    }
  }
  // Patterns are looked at only while some exist: the lock is shared by
  // every publisher, the stripes are not.
  if (shard || patterns_count_.load(std::memory_order_relaxed) == 0) return receivers;
  std::shared_lock lock(patterns_mu_);
  for (const auto& [pattern, subs] : patterns_) {
    if (!server::GlobMatch(pattern, channel)) continue;
    for (const Subscriber& sub : subs) outbox.Add(sub.worker, sub.client, pattern);
    receivers += subs.size();
  }
  return receivers;
}

std::vector<std::string> SubscriptionRegistry::Names(Space space, std::string_view pattern) const {
  std::vector<std::string> names;
  auto collect = [&](const Table& table) {
    for (const auto& [name, subs] : table) {
      if (pattern.empty() || server::GlobMatch(pattern, name)) names.push_back(name);
    }
  };
  if (space == Space::kPattern) {
    std::shared_lock lock(patterns_mu_);
    collect(patterns_);
    return names;
  }
  for (const Stripe& stripe : stripes_) {
    std::shared_lock lock(stripe.mu);
    collect(space == Space::kChannel ? stripe.channels : stripe.shard_channels);
  }
  return names;
}

size_t SubscriptionRegistry::Size(Space space) const {
  if (space == Space::kPattern) return NumPatterns();
  size_t n = 0;
  for (const Stripe& stripe : stripes_) {
    std::shared_lock lock(stripe.mu);
    n += (space == Space::kChannel ? stripe.channels : stripe.shard_channels).size();
  }
  return n;
}

size_t SubscriptionRegistry::Count(Space space, std::string_view name) const {
  if (space == Space::kPattern) {
    std::shared_lock lock(patterns_mu_);
    auto it = patterns_.find(server::AV(name));
    return it == patterns_.end() ? 0 : it->second.size();
  }
  const Stripe& stripe = StripeOf(name);
  std::shared_lock lock(stripe.mu);
  const Table& table = space == Space::kChannel ? stripe.channels : stripe.shard_channels;
  auto it = table.find(server::AV(name));
  return it == table.end() ? 0 : it->second.size();
}

}  // namespace pubsub
