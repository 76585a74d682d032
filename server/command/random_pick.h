#ifndef SHARDIS_SERVER_COMMAND_RANDOM_PICK_H_
#define SHARDIS_SERVER_COMMAND_RANDOM_PICK_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace server {

// Random picks for SPOP, SRANDMEMBER, HRANDFIELD (and ZRANDMEMBER): the
// count argument and the sampling.

// A uniformly random 64-bit value from this thread's generator.
uint64_t NextRandom();

// The count of SRANDMEMBER/HRANDFIELD/ZRANDMEMBER key count: n >= 0 asks
// for up to n distinct elements, -n for exactly n picks that may repeat.
struct RandomCount {
  uint64_t n = 0;
  bool distinct = true;
};

// Parses like Redis (an integer in [-2^63 + 1, 2^63 - 1]); false after
// setting *error to Redis's text.
bool ParseRandomCount(std::string_view text, RandomCount* out, std::string_view* error);

// With WITHVALUES/WITHSCORES Redis refuses counts past +-(2^63 - 1) / 2,
// whose reply length would overflow.
bool WithinPairedCountRange(const RandomCount& count);
inline constexpr std::string_view kCountOutOfRange = "ERR value is out of range";

// Picks that may repeat are each a reply element, however small the
// container: Redis builds such a reply without bound (and a large enough
// count exhausts its memory). We refuse more than this many with
// kCountOutOfRange instead.
inline constexpr uint64_t kMaxRepeatedPicks = uint64_t{1} << 24;

// k distinct positions in [0, n) (k <= n), in random order.
std::vector<uint32_t> SampleDistinct(size_t n, size_t k);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_RANDOM_PICK_H_
