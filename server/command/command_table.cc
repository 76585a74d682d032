#include "server/command/command_table.h"

#include "server/command/text.h"

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

const CommandSpec* CommandTable::FindFull(std::string_view name) const {
  size_t bar = name.find('|');
  const CommandSpec* container = Find(name.substr(0, bar));
  if (bar == std::string_view::npos || container == nullptr) return container;
  for (const CommandSpec& sub : container->subcommands) {
    if (EqualsIgnoreCase(sub.name, name)) return &sub;
  }
  return nullptr;
}

}  // namespace server
