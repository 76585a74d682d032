#ifndef SHARDIS_SERVER_COMMAND_GLOB_H_
#define SHARDIS_SERVER_COMMAND_GLOB_H_

#include <string_view>

namespace server {

// Redis's glob-style match (KEYS, SCAN MATCH, CONFIG GET): `*`, `?`,
// `[abc]`, `[^a]`, `[a-z]`, and `\` escapes. Binary safe.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_GLOB_H_
