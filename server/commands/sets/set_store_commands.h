#ifndef SHARDIS_SERVER_COMMANDS_SETS_SET_STORE_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_SETS_SET_STORE_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// The set commands over several keys (SMOVE, SINTER, SUNION, SDIFF, their
// *STORE forms, SINTERCARD); RegisterSetCommands adds them.
void RegisterSetStoreCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_SETS_SET_STORE_COMMANDS_H_
