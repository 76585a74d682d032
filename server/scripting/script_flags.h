#ifndef SHARDIS_SERVER_SCRIPTING_SCRIPT_FLAGS_H_
#define SHARDIS_SERVER_SCRIPTING_SCRIPT_FLAGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scripting {

// What a script declares about itself: a `#!lua flags=...` first line of an
// EVAL script, or the `flags` of a registered function.
enum ScriptFlag : uint32_t {
  kNoWrites = 1 << 0,
  kAllowOom = 1 << 1,
  kAllowStale = 1 << 2,
  kNoCluster = 1 << 3,
  kAllowCrossSlotKeys = 1 << 4,
  // No shebang: Redis's pre-7.0 rules (may write, checked per command).
  kEvalCompat = 1 << 8,
};

// The flag names, as Redis spells them, in its order.
struct ScriptFlagName {
  ScriptFlag flag;
  std::string_view name;
};
const std::vector<ScriptFlagName>& ScriptFlagNames();

struct Shebang {
  uint32_t flags = kEvalCompat;
  size_t length = 0;  // bytes of the first line (kept out of the compiled body)
  std::string error;  // Redis's text when the line is invalid
};

// Reads the shebang of an EVAL body, if it has one.
Shebang ParseShebang(std::string_view body);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_SCRIPT_FLAGS_H_
