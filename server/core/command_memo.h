#ifndef SHARDIS_SERVER_CORE_COMMAND_MEMO_H_
#define SHARDIS_SERVER_CORE_COMMAND_MEMO_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#include "server/command/command_table.h"

namespace server {

// The last command name one thread looked up, as received, and what the
// table gave for it. A pipeline usually repeats one command, and
// CommandTable::Find (lower-casing and hashing the name) was 4% of the
// server's CPU on pipelined SETs. Not thread-safe: one per thread. The table
// must outlive it and does not change once the server runs.
class CommandMemo {
 public:
  explicit CommandMemo(const CommandTable& table) : table_(table) {}

  // Case-insensitive, like CommandTable::Find; nullptr for unknown names.
  const CommandSpec* Find(std::string_view name) {
    if (name.size() == size_ && std::memcmp(name.data(), name_, size_) == 0) return spec_;
    const CommandSpec* spec = table_.Find(name);
    if (name.size() <= sizeof(name_)) {
      std::memcpy(name_, name.data(), name.size());
      size_ = name.size();
      spec_ = spec;
    }
    return spec;
  }

 private:
  const CommandTable& table_;
  char name_[24];
  size_t size_ = SIZE_MAX;  // matches no name until the first lookup
  const CommandSpec* spec_ = nullptr;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_COMMAND_MEMO_H_
