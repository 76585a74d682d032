#ifndef SHARDIS_SERVER_COMMANDS_CONNECTION_CONNECTION_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_CONNECTION_CONNECTION_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// PING, ECHO, QUIT, SELECT, AUTH, HELLO and CLIENT: commands about the
// connection, run on its worker.
void RegisterConnectionCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_CONNECTION_CONNECTION_COMMANDS_H_
