#ifndef SHARDIS_SERVER_COMMANDS_ALL_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_ALL_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// The table of every command family. A new family is one Register call in
// all_commands.cc (and a dependency in this package's BUILD).
CommandTable AllCommands();

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_ALL_COMMANDS_H_
