#ifndef SHARDIS_SERVER_COMMAND_TEXT_H_
#define SHARDIS_SERVER_COMMAND_TEXT_H_

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace server {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view); arguments are std::string_view, so the few abseil
// string helpers the commands need get std::string_view front doors here.

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(a[i]) != absl::ascii_tolower(b[i])) return false;
  }
  return true;
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(c);
  return out;
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_TEXT_H_
