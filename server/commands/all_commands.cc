#include "server/commands/all_commands.h"

#include "server/commands/connection/connection_commands.h"
#include "server/commands/hashes/hash_commands.h"
#include "server/commands/keyspace/keyspace_commands.h"
#include "server/commands/lists/list_commands.h"
#include "server/commands/pubsub/pubsub_commands.h"
#include "server/commands/scripting/script_commands.h"
#include "server/commands/server/server_commands.h"
#include "server/commands/sets/set_commands.h"
#include "server/commands/strings/string_commands.h"
#include "server/commands/transactions/transaction_commands.h"
#include "server/commands/zsets/zset_commands.h"

namespace server {

CommandTable AllCommands() {
  CommandTable t;
  RegisterConnectionCommands(t);
  RegisterServerCommands(t);
  RegisterStringCommands(t);
  RegisterKeyspaceCommands(t);
  RegisterListCommands(t);
  RegisterSetCommands(t);
  RegisterHashCommands(t);
  RegisterZSetCommands(t);
  RegisterTransactionCommands(t);
  RegisterScriptCommands(t);
  RegisterPubSubCommands(t);
  return t;
}

}  // namespace server
