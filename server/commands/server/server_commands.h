#ifndef SHARDIS_SERVER_COMMANDS_SERVER_SERVER_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_SERVER_SERVER_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// INFO, TIME, CONFIG and COMMAND: commands about the whole server.
void RegisterServerCommands(CommandTable& table);
// SAVE, BGSAVE, LASTSAVE, SHUTDOWN (persistence_commands.cc); called by
// RegisterServerCommands.
void RegisterPersistenceCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_SERVER_SERVER_COMMANDS_H_
