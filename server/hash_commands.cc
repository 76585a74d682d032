// Hash commands (Redis's t_hash.c).
#include "server/command_table.h"

namespace server {

void RegisterHashCommands(CommandTable& t) {}

}  // namespace server
