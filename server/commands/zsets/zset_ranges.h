#ifndef SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_RANGES_H_
#define SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_RANGES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/zset_entry.h"
#include "resp/reply_writer.h"

// Argument parsing and reply shapes shared by the sorted-set commands.
namespace server {

inline constexpr std::string_view kScoreRangeError = "ERR min or max is not a float";
inline constexpr std::string_view kLexRangeError = "ERR min or max not valid string range item";

// A score or weight as Redis's getDoubleFromObject reads it: strtod over the
// whole argument, so "1e3", "0x10", ".5", "inf" and "-inf" parse; a leading
// space, trailing bytes, NaN, overflow to +-inf and underflow to 0 do not.
bool ParseScore(std::string_view s, double* out);

// ZRANGEBYSCORE/ZCOUNT bounds (Redis's zslParseRange): "(" makes a bound
// exclusive; the rest goes through strtod as a C string. Unlike ParseScore,
// leading spaces, "" (0) and overflow (inf) are accepted; NaN is not.
bool ParseScoreRange(std::string_view min, std::string_view max, engine::ScoreRange* out);

// ZRANGEBYLEX/ZLEXCOUNT bounds: "-", "+", "[member" or "(member".
bool ParseLexRange(std::string_view min, std::string_view max, engine::LexRange* out);

// A sorted-set array reply of n members, optionally with scores: RESP2 is
// flat (member, score, member, ...); RESP3 nests each pair in a 2-array, as
// Redis 7.0's ZRANGE WITHSCORES does. Follow with n ZArrayItem calls.
void ZArrayHeader(resp::ReplyWriter& out, size_t n, bool withscores);
void ZArrayItem(resp::ReplyWriter& out, std::string_view member, double score, bool withscores);

// LIMIT offset count applied to `available` matches, as ZRANGEBYSCORE and
// ZRANGEBYLEX apply it: a negative offset selects nothing, a negative count
// means all the rest. Returns how many to take after skipping `offset`.
uint64_t LimitedCount(uint64_t available, int64_t offset, int64_t count);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_RANGES_H_
