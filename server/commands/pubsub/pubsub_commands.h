#ifndef SHARDIS_SERVER_COMMANDS_PUBSUB_PUBSUB_COMMANDS_H_
#define SHARDIS_SERVER_COMMANDS_PUBSUB_PUBSUB_COMMANDS_H_

#include "server/command/command_table.h"

namespace server {

// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
// SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB: run on the client's worker,
// over the server's subscription registry.
void RegisterPubSubCommands(CommandTable& table);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_PUBSUB_PUBSUB_COMMANDS_H_
