#ifndef SHARDIS_SERVER_PUBSUB_KEYSPACE_NOTIFIER_H_
#define SHARDIS_SERVER_PUBSUB_KEYSPACE_NOTIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/key_events.h"
#include "server/pubsub/subscription_registry.h"
#include "server/pubsub/tracking_table.h"

namespace pubsub {

// Keyspace notifications (and CLIENT TRACKING's invalidations, which the
// engine reports the same way): turns the engine's key events into messages on
// __keyspace@<db>__:<key> (the event's name as the message) and
// __keyevent@<db>__:<event> (the key as the message), as the
// notify-keyspace-events mask asks. Publishes into the calling thread's
// outbox, so events reach subscribers after the command that raised them.
class KeyspaceNotifier : public engine::KeyEvents {
 public:
  KeyspaceNotifier(SubscriptionRegistry& registry, TrackingTable& tracking)
      : registry_(registry), tracking_(tracking) {}

  void Emit(uint32_t event_class, std::string_view event, std::string_view key,
            int db_index) override;
  // CLIENT TRACKING: the key's readers and matching prefixes hear of it.
  void KeyChanged(std::string_view key) override;

  // notify-keyspace-events' letters (K E g $ l s h z x e t m d n A) to a
  // mask; nullopt for any other character.
  static std::optional<uint32_t> ParseFlags(std::string_view letters);
  // The mask back in Redis's canonical order (CONFIG GET).
  static std::string FormatFlags(uint32_t mask);

 private:
  SubscriptionRegistry& registry_;
  TrackingTable& tracking_;
};

}  // namespace pubsub

#endif  // SHARDIS_SERVER_PUBSUB_KEYSPACE_NOTIFIER_H_
