#ifndef SHARDIS_SERVER_SCRIPTING_SHA1_H_
#define SHARDIS_SERVER_SCRIPTING_SHA1_H_

#include <string>
#include <string_view>

namespace scripting {

// SHA-1 of `data` as 40 lower-case hex digits: the name of a script (EVALSHA,
// SCRIPT LOAD) and redis.sha1hex. Not for security: Redis names scripts so.
std::string Sha1Hex(std::string_view data);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_SHA1_H_
