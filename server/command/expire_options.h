#ifndef SHARDIS_SERVER_COMMAND_EXPIRE_OPTIONS_H_
#define SHARDIS_SERVER_COMMAND_EXPIRE_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace server {

enum class TimeUnit { kSeconds, kMilliseconds };

// Converts an EX/PX/EXAT/PXAT argument into an absolute unix time in ms, the
// way Redis's getExpireMillisecondsOrReply does. On failure returns false and
// sets *error to Redis's message for `command` (the lower-case full name).
bool ParseExpireTime(std::string_view arg, TimeUnit unit, bool relative, int64_t now_ms,
                     std::string_view command, int64_t* when_ms, std::string* error);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_EXPIRE_OPTIONS_H_
