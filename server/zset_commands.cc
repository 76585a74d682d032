// Sorted-set commands (Redis's t_zset.c).
#include "server/command_table.h"

namespace server {

void RegisterZSetCommands(CommandTable& t) {}

}  // namespace server
