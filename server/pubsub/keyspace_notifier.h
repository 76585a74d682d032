#ifndef SHARDIS_SERVER_PUBSUB_KEYSPACE_NOTIFIER_H_
#define SHARDIS_SERVER_PUBSUB_KEYSPACE_NOTIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/key_events.h"
#include "server/pubsub/subscription_registry.h"

namespace pubsub {

// Keyspace notifications: turns the engine's key events into messages on
// __keyspace@<db>__:<key> (the event's name as the message) and
// __keyevent@<db>__:<event> (the key as the message), as the
// notify-keyspace-events mask asks. Publishes into the calling thread's
// outbox, so events reach subscribers after the command that raised them.
class KeyspaceNotifier : public engine::KeyEvents {
 public:
  explicit KeyspaceNotifier(SubscriptionRegistry& registry) : registry_(registry) {}

  void Emit(uint32_t event_class, std::string_view event, std::string_view key,
            int db_index) override;

  // notify-keyspace-events' letters (K E g $ l s h z x e t m d n A) to a
  // mask; nullopt for any other character.
  static std::optional<uint32_t> ParseFlags(std::string_view letters);
  // The mask back in Redis's canonical order (CONFIG GET).
  static std::string FormatFlags(uint32_t mask);

 private:
  SubscriptionRegistry& registry_;
};

}  // namespace pubsub

#endif  // SHARDIS_SERVER_PUBSUB_KEYSPACE_NOTIFIER_H_
