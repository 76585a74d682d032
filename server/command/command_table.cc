#include "server/command/command_table.h"

#include "absl/strings/ascii.h"

namespace server {

void CommandTable::Add(CommandSpec spec) {
  specs_.push_back(std::make_unique<CommandSpec>(std::move(spec)));
  by_name_[specs_.back()->name] = specs_.back().get();
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char lower[64];
  if (name.size() >= sizeof(lower)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) lower[i] = absl::ascii_tolower(name[i]);
  auto it = by_name_.find(absl::string_view(lower, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace server
