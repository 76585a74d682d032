#include "server/scripting/script_flags.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scripting {
namespace {

// The shebang's words, split on blanks (Redis uses sdssplitargs; a flag
// list never needs its quoting).
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

const std::vector<ScriptFlagName>& ScriptFlagNames() {
  static const std::vector<ScriptFlagName> kNames = {
      {kNoWrites, "no-writes"},
      {kAllowOom, "allow-oom"},
      {kAllowStale, "allow-stale"},
      {kNoCluster, "no-cluster"},
      {kAllowCrossSlotKeys, "allow-cross-slot-keys"},
  };
  return kNames;
}

Shebang ParseShebang(std::string_view body) {
  Shebang result;
  if (body.substr(0, 2) != "#!") return result;
  size_t end = body.find('\n');
  if (end == std::string_view::npos) {
    result.error = "Invalid script shebang";
    return result;
  }
  result.length = end;
  std::vector<std::string_view> words = Words(body.substr(0, end));
  if (words.empty()) {
    result.error = "Invalid engine in script shebang";
    return result;
  }
  if (words[0] != "#!lua") {
    result.error = absl::StrCat("Unexpected engine in script shebang: ",
                                absl::string_view(words[0].data(), words[0].size()));
    return result;
  }
  result.flags = 0;
  for (size_t i = 1; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (word.substr(0, 6) != "flags=") {
      result.error =
          absl::StrCat("Unknown lua shebang option: ", absl::string_view(word.data(), word.size()));
      return result;
    }
    word.remove_prefix(6);
    if (word.empty()) continue;
    for (absl::string_view name :
         absl::StrSplit(absl::string_view(word.data(), word.size()), ',')) {
      uint32_t flag = 0;
      for (const ScriptFlagName& known : ScriptFlagNames()) {
        if (std::string_view(name.data(), name.size()) == known.name) flag = known.flag;
      }
      if (flag == 0) {
        result.error = absl::StrCat("Unexpected flag in script shebang: ", name);
        return result;
      }
      result.flags |= flag;
    }
  }
  return result;
}

}  // namespace scripting
