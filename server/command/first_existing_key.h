#ifndef SHARDIS_SERVER_COMMAND_FIRST_EXISTING_KEY_H_
#define SHARDIS_SERVER_COMMAND_FIRST_EXISTING_KEY_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/object.h"
#include "engine/shard.h"
#include "engine/shard_set.h"
#include "server/command/multi_command.h"

namespace server {

// The key a pop-from-the-first-of-several command takes from (BLPOP,
// LMPOP, BZPOPMIN, ZMPOP, ...): the first of `keys` (argument positions)
// that exists, whatever its type - another type is WRONGTYPE, as in Redis.
//
// In the command's first phase every shard Notes its own keys; from then on
// every shard agrees on Chosen() (each entry is written by one shard, and a
// phase ends everywhere before the next starts).
class FirstExistingKey {
 public:
  FirstExistingKey(std::vector<int> keys, engine::ObjectType type)
      : keys_(std::move(keys)), type_(type), found_(keys_.size(), kMissing) {}

  const std::vector<int>& keys() const { return keys_; }

  // Phase one, on each shard: records which of its keys exist, and as what.
  void Note(const MultiCommand& mc, engine::Shard& shard, engine::Db& db) {
    for (size_t i = 0; i < keys_.size(); ++i) {
      std::string_view key = mc.args()[keys_[i]];
      if (shard.shard_set().ShardOf(key) != shard.id()) continue;
      engine::KeyEventLog::SortAt(keys_[i]);  // a lazy expiry's event
      engine::KeyRef ref = db.Find(key, shard.now_ms());
      if (ref) found_[i] = ref.obj()->type == type_ ? kWanted : kOtherType;
    }
  }

  // After phase one: the index into keys() of the first existing key, or -1.
  int Chosen() const {
    for (size_t i = 0; i < found_.size(); ++i) {
      if (found_[i] != kMissing) return static_cast<int>(i);
    }
    return -1;
  }
  // Whether the chosen key holds the wanted type (else: WRONGTYPE).
  bool ChosenHasType() const {
    int i = Chosen();
    return i >= 0 && found_[i] == kWanted;
  }
  // The chosen key's name, when `shard` owns it and it has the wanted type
  // (the shard that pops); empty otherwise.
  std::string_view KeyToPopOn(const MultiCommand& mc, const engine::Shard& shard) const {
    if (!ChosenHasType()) return {};
    std::string_view key = mc.args()[keys_[Chosen()]];
    return shard.shard_set().ShardOf(key) == shard.id() ? key : std::string_view();
  }

 private:
  enum Found : uint8_t { kMissing, kWanted, kOtherType };

  std::vector<int> keys_;
  engine::ObjectType type_;
  std::vector<Found> found_;
};

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_FIRST_EXISTING_KEY_H_
