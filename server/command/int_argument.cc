#include "server/command/int_argument.h"

#include "absl/strings/str_cat.h"
#include "engine/object.h"
#include "server/command/command.h"

namespace server {

bool ParseIntInRange(std::string_view text, int64_t min, int64_t max, int64_t* out,
                     std::string* error, std::string_view message) {
  int64_t v;
  if (!engine::ParseInt64(text, &v)) {
    *error = message.empty() ? std::string(errors::kNotInteger) : std::string(message);
    return false;
  }
  if (v < min || v > max) {
    *error = message.empty()
                 ? absl::StrCat("ERR value is out of range, value must between ", min, " and ", max)
                 : std::string(message);
    return false;
  }
  *out = v;
  return true;
}

}  // namespace server
