#ifndef SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// The sorted-set commands on one key, and through the three below the
// range, multi-key and pop-from-several ones.
void RegisterZSetCommands(CommandTable& table);

// ZRANGE and its older forms, ZRANGESTORE (zset_range_commands.cc).
void RegisterZSetRangeCommands(CommandTable& table);

// ZUNION, ZINTER, ZDIFF and their *STORE forms (zset_store_commands.cc).
void RegisterZSetStoreCommands(CommandTable& table);

// ZMPOP, BZPOPMIN, BZPOPMAX, BZMPOP (zset_pop_commands.cc).
void RegisterZSetPopCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_ZSETS_ZSET_COMMANDS_H_
