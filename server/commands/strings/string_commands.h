#ifndef SHARDIS_SERVER_COMMANDS_STRINGS_STRING_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_STRINGS_STRING_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// GET, SET and the other string commands, and the multi-key
// MGET/MSET/MSETNX.
void RegisterStringCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_STRINGS_STRING_COMMANDS_H_
