#ifndef SHARDIS_SERVER_COMMANDS_HASHES_HASH_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_HASHES_HASH_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// HSET and every other hash command.
void RegisterHashCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_HASHES_HASH_COMMANDS_H_
