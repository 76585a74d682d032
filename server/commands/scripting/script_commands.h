#ifndef SHARDIS_SERVER_COMMANDS_SCRIPTING_SCRIPT_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_SCRIPTING_SCRIPT_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH, KILL,
// HELP).
void RegisterScriptCommands(CommandTable& t);

class ClientContext;

// SCRIPT KILL (function false) and FUNCTION KILL: asks every worker; answers
// OK, the refusal of the one running a script, or NOTBUSY.
void KillRunningScript(ClientContext& ctx, bool function);

// FCALL, FCALL_RO and FUNCTION (LOAD, DELETE, FLUSH, LIST, STATS, KILL,
// HELP); RegisterScriptCommands registers them too.
void RegisterFunctionCommands(CommandTable& t);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_SCRIPTING_SCRIPT_COMMANDS_H_
