#ifndef SHARDIS_SERVER_COMMAND_COMMAND_TABLE_H_
#define SHARDIS_SERVER_COMMAND_COMMAND_TABLE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/command/command.h"

namespace server {

// Every command the server knows, as data. Families add theirs through their
// Register*Commands functions (server/commands/<family>/); AllCommands()
// (server/commands/all_commands.h) builds the table with all of them.
class CommandTable {
 public:
  CommandTable() = default;

  void Add(CommandSpec spec);
  // Case-insensitive; nullptr for unknown commands.
  const CommandSpec* Find(std::string_view name) const;
  // Find, and "container|sub" for a subcommand (COMMAND INFO client|list).
  const CommandSpec* FindFull(std::string_view name) const;
  const std::vector<std::unique_ptr<CommandSpec>>& all() const { return specs_; }

 private:
  std::vector<std::unique_ptr<CommandSpec>> specs_;
  absl::flat_hash_map<std::string, const CommandSpec*> by_name_;
};

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_COMMAND_TABLE_H_
