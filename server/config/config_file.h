#ifndef SHARDIS_SERVER_CONFIG_CONFIG_FILE_H_
#define SHARDIS_SERVER_CONFIG_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/config/config.h"

namespace server {

// Splits one line the way redis.conf lines are split: words separated by
// spaces, "double quotes" with C escapes (\n \t \xHH ...), 'single quotes'.
// False on unbalanced quotes.
bool SplitConfigLine(const std::string& line, std::vector<std::string>* words);

// Reads a redis.conf-style file (`directive arg ...` per line, # comments,
// `include other.conf`) into config. Errors name the line, as redis-server's
// "FATAL CONFIG FILE ERROR" does.
absl::Status ParseConfigFile(const std::string& path, Config* config);

}  // namespace server

#endif  // SHARDIS_SERVER_CONFIG_CONFIG_FILE_H_
