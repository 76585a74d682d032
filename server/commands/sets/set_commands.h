#ifndef SHARDIS_SERVER_COMMANDS_SETS_SET_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_SETS_SET_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// The set commands on one key, and (through RegisterSetStoreCommands) the
// ones over several keys.
void RegisterSetCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_SETS_SET_COMMANDS_H_
