#ifndef SHARDIS_SERVER_COMMAND_HELP_REPLY_H_
#define SHARDIS_SERVER_COMMAND_HELP_REPLY_H_

#include <initializer_list>
#include <string_view>

#include "resp/reply_writer.h"

namespace server {

// A container's HELP reply as Redis's addReplyHelp writes it: the line
// "CONTAINER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
// then `lines`, then "HELP" / "    Prints this help.", each a status reply.
// `container` is upper case ("CLIENT").
void WriteHelp(resp::ReplyWriter& out, std::string_view container,
               std::initializer_list<std::string_view> lines);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_HELP_REPLY_H_
