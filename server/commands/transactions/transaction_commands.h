#ifndef SHARDIS_SERVER_COMMANDS_TRANSACTIONS_TRANSACTION_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_TRANSACTIONS_TRANSACTION_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// MULTI, EXEC, DISCARD, WATCH and UNWATCH. The worker queues commands
// between MULTI and EXEC and runs EXEC (//server/core, worker_exec.cc); the
// plan EXEC follows is //server/transaction.
void RegisterTransactionCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_TRANSACTIONS_TRANSACTION_COMMANDS_H_
