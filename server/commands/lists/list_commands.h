#ifndef SHARDIS_SERVER_COMMANDS_LISTS_LIST_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_LISTS_LIST_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// The list commands on one key, and (through RegisterListMoveCommands) the
// ones that move elements between keys or wait for them.
void RegisterListCommands(CommandTable& table);

// LMOVE, RPOPLPUSH, LMPOP and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
// BLMPOP (list_move_commands.cc); called by RegisterListCommands.
void RegisterListMoveCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_LISTS_LIST_COMMANDS_H_
