#include "server/command/help_reply.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "server/command/text.h"

namespace server {

void WriteHelp(resp::ReplyWriter& out, std::string_view container,
               std::initializer_list<std::string_view> lines) {
  out.ArrayHeader(lines.size() + 3);
  out.SimpleString(
      absl::StrCat(AV(container), " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  for (std::string_view line : lines) out.SimpleString(line);
  out.SimpleString("HELP");
  out.SimpleString("    Prints this help.");
}

}  // namespace server
