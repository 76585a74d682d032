#ifndef SHARDIS_SERVER_COMMANDS_SCRIPTING_SCRIPT_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_SCRIPTING_SCRIPT_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH, KILL,
// HELP).
void RegisterScriptCommands(CommandTable& t);

// FCALL, FCALL_RO and FUNCTION (LOAD, DELETE, FLUSH, LIST, STATS, KILL,
// HELP); RegisterScriptCommands registers them too.
void RegisterFunctionCommands(CommandTable& t);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_SCRIPTING_SCRIPT_COMMANDS_H_
