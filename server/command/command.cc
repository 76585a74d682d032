#include "server/command/command.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/command/text.h"

namespace server {

CommandSpec KeyCommand(std::string name, int arity, uint32_t flags, ShardHandler handler,
                       std::vector<std::string> acl, FastReadHandler fast_read) {
  CommandSpec s{std::move(name), arity, flags, 1, 1, 1};
  s.on_shard = handler;
  s.fast_read = fast_read;
  s.acl_categories = std::move(acl);
  return s;
}

CommandSpec ClientCommand(std::string name, int arity, uint32_t flags, ClientHandler handler,
                          std::vector<std::string> acl) {
  CommandSpec s{std::move(name), arity, flags, 0, 0, 0};
  s.on_client = handler;
  s.acl_categories = std::move(acl);
  return s;
}

CommandSpec MultiKeyCommand(std::string name, int arity, uint32_t flags, int first, int last,
                            int step, MultiHandler handler, std::vector<std::string> acl) {
  CommandSpec s{std::move(name), arity, flags, first, last, step};
  s.multi = handler;
  s.acl_categories = std::move(acl);
  return s;
}

CommandSpec Subcommand(std::string full_name, int arity, uint32_t flags,
                       std::vector<std::string> acl) {
  CommandSpec s{std::move(full_name), arity, flags, 0, 0, 0};
  s.acl_categories = std::move(acl);
  return s;
}

std::string CheckSubcommand(const CommandSpec& spec, Args args) {
  for (const CommandSpec& sub : spec.subcommands) {
    std::string_view name = std::string_view(sub.name).substr(spec.name.size() + 1);
    if (!EqualsIgnoreCase(name, args[1])) continue;
    if (ArityMatches(sub, static_cast<int>(args.size()))) return std::string();
    return errors::WrongArity(sub.name);
  }
  std::string container = spec.name;
  for (char& ch : container) ch = absl::ascii_toupper(ch);
  return errors::UnknownSubcommand(container, args[1]);
}

std::vector<int> KeyPositions(const CommandSpec& spec, Args args) {
  if (spec.find_keys != nullptr) return spec.find_keys(args);
  std::vector<int> keys;
  if (!spec.has_keys()) return keys;
  int argc = static_cast<int>(args.size());
  int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += spec.key_step) keys.push_back(i);
  return keys;
}

namespace errors {

std::string WrongArity(std::string_view name) {
  return absl::StrCat("ERR wrong number of arguments for '", AV(name), "' command");
}

std::string InvalidExpire(std::string_view command) {
  return absl::StrCat("ERR invalid expire time in '", AV(command), "' command");
}

std::string UnknownSubcommand(std::string_view container, std::string_view sub) {
  return absl::StrCat("ERR unknown subcommand '", AV(sub.substr(0, 128)), "'. Try ", AV(container),
                      " HELP.");
}

}  // namespace errors

}  // namespace server
