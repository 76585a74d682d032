#include "server/pubsub/tracking_table.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "server/command/text.h"

namespace pubsub {

namespace {

bool AddOnce(std::vector<Subscriber>& v, Subscriber who) {
  if (std::find(v.begin(), v.end(), who) != v.end()) return false;
  v.push_back(who);
  return true;
}

}  // namespace

TrackingTable::Stripe& TrackingTable::StripeOf(std::string_view key) {
  return stripes_[absl::HashOf(server::AV(key)) % kStripes];
}

void TrackingTable::AddClient(Subscriber who) {
  std::unique_lock lock(mu_);
  if (AddOnce(clients_, who)) clients_count_.store(clients_.size(), std::memory_order_relaxed);
}

void TrackingTable::RemoveClient(Subscriber who) {
  std::unique_lock lock(mu_);
  auto it = std::find(clients_.begin(), clients_.end(), who);
  if (it == clients_.end()) return;
  clients_.erase(it);
  clients_count_.store(clients_.size(), std::memory_order_relaxed);
}

void TrackingTable::Remember(std::string_view key, Subscriber who) {
  Stripe& stripe = StripeOf(key);
  std::unique_lock lock(stripe.mu);
  auto [it, added_key] = stripe.keys.try_emplace(server::AV(key));
  if (added_key) keys_.fetch_add(1, std::memory_order_relaxed);
  if (AddOnce(it->second, who)) items_.fetch_add(1, std::memory_order_relaxed);
}

void TrackingTable::AddPrefix(std::string_view prefix, Subscriber who) {
  std::unique_lock lock(mu_);
  if (AddOnce(prefixes_[server::AV(prefix)], who)) {
    prefix_count_.store(prefixes_.size(), std::memory_order_relaxed);
  }
}

void TrackingTable::RemovePrefix(std::string_view prefix, Subscriber who) {
  std::unique_lock lock(mu_);
  auto it = prefixes_.find(server::AV(prefix));
  if (it == prefixes_.end()) return;
  auto pos = std::find(it->second.begin(), it->second.end(), who);
  if (pos != it->second.end()) it->second.erase(pos);
  if (it->second.empty()) prefixes_.erase(it);
  prefix_count_.store(prefixes_.size(), std::memory_order_relaxed);
}

size_t TrackingTable::prefixes() const { return prefix_count_.load(std::memory_order_relaxed); }

std::vector<Subscriber> TrackingTable::TakeReaders(std::string_view key) {
  std::vector<Subscriber> readers;
  if (keys_.load(std::memory_order_relaxed) == 0) return readers;
  Stripe& stripe = StripeOf(key);
  std::unique_lock lock(stripe.mu);
  auto it = stripe.keys.find(server::AV(key));
  if (it == stripe.keys.end()) return readers;
  readers.swap(it->second);
  stripe.keys.erase(it);
  keys_.fetch_sub(1, std::memory_order_relaxed);
  items_.fetch_sub(readers.size(), std::memory_order_relaxed);
  return readers;
}

void TrackingTable::Invalidate(std::string_view key, uint64_t writer, Outbox& outbox) {
  if (!active()) return;
  if (prefix_count_.load(std::memory_order_relaxed) > 0) {
    std::shared_lock lock(mu_);
    for (const auto& [prefix, subs] : prefixes_) {
      if (key.substr(0, prefix.size()) != std::string_view(prefix)) continue;
      for (const Subscriber& sub : subs) {
        outbox.AddInvalidation(sub.worker, sub.client, key, writer, prefix, /*from_prefix=*/true);
      }
    }
  }
  for (const Subscriber& sub : TakeReaders(key)) {
    outbox.AddInvalidation(sub.worker, sub.client, key, writer, "", /*from_prefix=*/false);
  }
}

void TrackingTable::InvalidateAll(uint64_t writer, Outbox& outbox) {
  {
    std::shared_lock lock(mu_);
    for (const Subscriber& sub : clients_) {
      outbox.AddInvalidation(sub.worker, sub.client, "", writer, "", /*from_prefix=*/false,
                             /*all_keys=*/true);
    }
  }
  for (Stripe& stripe : stripes_) {
    std::unique_lock lock(stripe.mu);
    size_t items = 0;
    for (const auto& [key, subs] : stripe.keys) items += subs.size();
    keys_.fetch_sub(stripe.keys.size(), std::memory_order_relaxed);
    items_.fetch_sub(items, std::memory_order_relaxed);
    stripe.keys.clear();
  }
}

void TrackingTable::Limit(size_t max_keys, Outbox& outbox) {
  if (max_keys == 0) return;
  // Evicts whole stripes' keys in turn, the first ones each holds: Redis
  // walks its radix tree at random; any key will do, every reader is told.
  for (size_t tried = 0; tried < kStripes && keys() > max_keys; ++tried) {
    Stripe& stripe = stripes_[next_stripe_.fetch_add(1, std::memory_order_relaxed) % kStripes];
    std::vector<std::pair<std::string, std::vector<Subscriber>>> evicted;
    {
      std::unique_lock lock(stripe.mu);
      while (!stripe.keys.empty() && keys() > max_keys) {
        auto it = stripe.keys.begin();
        keys_.fetch_sub(1, std::memory_order_relaxed);
        items_.fetch_sub(it->second.size(), std::memory_order_relaxed);
        evicted.emplace_back(it->first, std::move(it->second));
        stripe.keys.erase(it);
      }
    }
    for (const auto& [key, subs] : evicted) {
      for (const Subscriber& sub : subs) {
        outbox.AddInvalidation(sub.worker, sub.client, key, /*writer=*/0, "", false);
      }
    }
  }
}

}  // namespace pubsub
