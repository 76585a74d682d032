#ifndef SHARDIS_SERVER_COMMANDS_KEYSPACE_KEYSPACE_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_KEYSPACE_KEYSPACE_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// DEL, EXISTS, TYPE, the TTL commands, KEYS, SCAN, DBSIZE, FLUSHDB/FLUSHALL,
// RANDOMKEY, OBJECT, and (through RegisterKeyMoveCommands) the commands that
// move values between keys.
void RegisterKeyspaceCommands(CommandTable& table);

// RENAME, RENAMENX, COPY, MOVE, SWAPDB (key_move_commands.cc); called by
// RegisterKeyspaceCommands.
void RegisterKeyMoveCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_KEYSPACE_KEYSPACE_COMMANDS_H_
