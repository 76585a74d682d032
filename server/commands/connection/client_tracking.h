#ifndef SHARDIS_SERVER_COMMANDS_CONNECTION_CLIENT_TRACKING_H_
#define SHARDIS_SERVER_COMMANDS_CONNECTION_CLIENT_TRACKING_H_

#include "server/command/command.h"
#include "server/core/worker.h"

namespace server {

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN]
// [OPTOUT] [NOLOOP], CLIENT CACHING YES|NO, CLIENT TRACKINGINFO and
// CLIENT GETREDIR, with Redis 7.0's checks and errors.
void ClientTracking(Args args, ClientContext& ctx);
void ClientCaching(Args args, ClientContext& ctx);
void ClientTrackingInfo(ClientContext& ctx);
void ClientGetRedir(ClientContext& ctx);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMANDS_CONNECTION_CLIENT_TRACKING_H_
