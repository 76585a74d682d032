#ifndef SHARDIS_SERVER_COMMAND_POP_COUNT_H_
#define SHARDIS_SERVER_COMMAND_POP_COUNT_H_

#include <cstdint>
#include <string_view>

#include "engine/object.h"
#include "server/command/command.h"

namespace server {

inline constexpr std::string_view kPopCountOutOfRange =
    "ERR value is out of range, must be positive";

// The optional count of LPOP / RPOP / SPOP / ZPOPMIN / ZPOPMAX key [count]
// at args[2]: *has_count tells whether it was given, *count is 1 without
// it. False when it is not a non-negative integer (reply
// kPopCountOutOfRange, Redis's text for both cases).
inline bool ParsePopCount(Args args, int64_t* count, bool* has_count) {
  *has_count = args.size() > 2;
  *count = 1;
  return !*has_count || (engine::ParseInt64(args[2], count) && *count >= 0);
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_POP_COUNT_H_
