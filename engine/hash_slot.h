#ifndef SHARDIS_ENGINE_HASH_SLOT_H_
#define SHARDIS_ENGINE_HASH_SLOT_H_

#include <cstdint>
#include <string_view>

namespace engine {

inline constexpr int kNumSlots = 16384;

// CRC16-CCITT (XMODEM), the checksum Redis Cluster uses for key slots.
uint16_t Crc16(std::string_view data);

// The Redis Cluster hash slot of a key: CRC16 of the key mod 16384, or of the
// hashtag when the key holds a non-empty `{...}` (first '{', then the first
// '}' after it). Keys sharing a hashtag share a slot, hence a shard.
uint16_t KeyHashSlot(std::string_view key);

}  // namespace engine

#endif  // SHARDIS_ENGINE_HASH_SLOT_H_
