#include "server/pubsub/keyspace_notifier.h"

#include "absl/strings/str_cat.h"

namespace pubsub {

namespace {

struct Letter {
  char letter;
  uint32_t flag;
};
// In the order CONFIG GET prints them (after A, which stands for the first
// group when all of it is set).
constexpr Letter kClassLetters[] = {
    {'g', engine::kEventGeneric}, {'$', engine::kEventString},  {'l', engine::kEventList},
    {'s', engine::kEventSet},     {'h', engine::kEventHash},    {'z', engine::kEventZset},
    {'x', engine::kEventExpired}, {'e', engine::kEventEvicted}, {'t', engine::kEventStream},
    {'d', engine::kEventModule},  {'n', engine::kEventNew},
};
constexpr Letter kTargetLetters[] = {
    {'K', engine::kEventKeyspace}, {'E', engine::kEventKeyevent}, {'m', engine::kEventKeyMiss}};

}  // namespace

void KeyspaceNotifier::Emit(uint32_t event_class, std::string_view event, std::string_view key,
                            int db_index) {
  Outbox* outbox = Outbox::Current();
  if (outbox == nullptr) return;
  uint32_t mask = this->mask();
  std::string db = absl::StrCat(db_index);
  if (mask & engine::kEventKeyspace) {
    std::string channel = "__keyspace@";
    channel.append(db).append("__:").append(key);
    registry_.Publish(SubscriptionRegistry::Space::kChannel, channel, event, *outbox);
  }
  if (mask & engine::kEventKeyevent) {
    std::string channel = "__keyevent@";
    channel.append(db).append("__:").append(event);
    registry_.Publish(SubscriptionRegistry::Space::kChannel, channel, key, *outbox);
  }
}

void KeyspaceNotifier::KeyChanged(std::string_view key) {
  Outbox* outbox = Outbox::Current();
  if (outbox != nullptr) tracking_.Invalidate(key, engine::ChangeAuthor::Current(), *outbox);
}

std::optional<uint32_t> KeyspaceNotifier::ParseFlags(std::string_view letters) {
  uint32_t mask = 0;
  for (char ch : letters) {
    if (ch == 'A') {
      mask |= engine::kEventAll;
      continue;
    }
    bool known = false;
    for (const Letter& l : kClassLetters) {
      if (l.letter == ch) mask |= l.flag, known = true;
    }
    for (const Letter& l : kTargetLetters) {
      if (l.letter == ch) mask |= l.flag, known = true;
    }
    if (!known) return std::nullopt;
  }
  return mask;
}

std::string KeyspaceNotifier::FormatFlags(uint32_t mask) {
  std::string out;
  if ((mask & engine::kEventAll) == engine::kEventAll) {
    // As Redis prints it: 'n', outside A, is not shown next to it.
    out = "A";
  } else {
    for (const Letter& l : kClassLetters) {
      if (mask & l.flag) out += l.letter;
    }
  }
  for (const Letter& l : kTargetLetters) {
    if (mask & l.flag) out += l.letter;
  }
  return out;
}

}  // namespace pubsub
