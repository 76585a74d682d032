#include "engine/hash_slot.h"

#include "gtest/gtest.h"

namespace engine {
namespace {

// Expected values were read from a real redis-server in cluster mode
// (CLUSTER KEYSLOT).
TEST(HashSlotTest, MatchesRedisCluster) {
  EXPECT_EQ(KeyHashSlot("foo"), 12182);
  EXPECT_EQ(KeyHashSlot("bar"), 5061);
  EXPECT_EQ(KeyHashSlot("hello"), 866);
  EXPECT_EQ(KeyHashSlot(""), 0);
}

TEST(HashSlotTest, HashtagRules) {
  EXPECT_EQ(KeyHashSlot("{user1000}.following"), 3443);
  EXPECT_EQ(KeyHashSlot("{user1000}.followers"), 3443);
  EXPECT_EQ(KeyHashSlot("foo{}{bar}"), 8363);     // empty tag: whole key
  EXPECT_EQ(KeyHashSlot("foo{{bar}}zap"), 4015);  // tag is "{bar"
  EXPECT_EQ(KeyHashSlot("foo{bar}{zap}"), 5061);  // first tag only: "bar"
}

TEST(HashSlotTest, Crc16ReferenceVector) {
  // The CRC16/XMODEM check value.
  EXPECT_EQ(Crc16("123456789"), 0x31C3);
}

}  // namespace
}  // namespace engine
