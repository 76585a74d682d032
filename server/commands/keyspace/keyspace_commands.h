#ifndef SHARDIS_SERVER_COMMANDS_KEYSPACE_KEYSPACE_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_KEYSPACE_KEYSPACE_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// DEL, EXISTS, TYPE, the TTL commands, KEYS, SCAN, DBSIZE, FLUSHDB/FLUSHALL,
// RANDOMKEY, OBJECT, and (through RegisterKeyMoveCommands and
// RegisterDumpCommands) the commands that move values between keys and
// DUMP/RESTORE.
void RegisterKeyspaceCommands(CommandTable& table);

// RENAME, RENAMENX, COPY, MOVE, SWAPDB (key_move_commands.cc); called by
// RegisterKeyspaceCommands.
void RegisterKeyMoveCommands(CommandTable& table);

// DUMP, RESTORE (dump_commands.cc); called by RegisterKeyspaceCommands.
void RegisterDumpCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_KEYSPACE_KEYSPACE_COMMANDS_H_
