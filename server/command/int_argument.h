#ifndef SHARDIS_SERVER_COMMAND_INT_ARGUMENT_H_
#define SHARDIS_SERVER_COMMAND_INT_ARGUMENT_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace server {

// Reads an integer argument as Redis's getRangeLongFromObjectOrReply does:
// false when `text` is not a 64-bit integer ("ERR value is not an integer
// or out of range") or lies outside [min, max] ("ERR value is out of range,
// value must between min and max"); with a `message`, that text stands for
// both (SWAPDB's "ERR invalid first DB index").
bool ParseIntInRange(std::string_view text, int64_t min, int64_t max, int64_t* out,
                     std::string* error, std::string_view message = {});

// A database index as SELECT, MOVE and COPY read it: a C int first.
inline bool ParseDbIndexArgument(std::string_view text, int64_t* out, std::string* error) {
  return ParseIntInRange(text, std::numeric_limits<int32_t>::min(),
                         std::numeric_limits<int32_t>::max(), out, error);
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_INT_ARGUMENT_H_
