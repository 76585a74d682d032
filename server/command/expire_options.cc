#include "server/command/expire_options.h"

#include <climits>

#include "engine/object.h"
#include "server/command/command.h"

namespace server {

bool ParseExpireTime(std::string_view arg, TimeUnit unit, bool relative, int64_t now_ms,
                     std::string_view command, int64_t* when_ms, std::string* error) {
  int64_t v;
  if (!engine::ParseInt64(arg, &v)) {
    *error = std::string(errors::kNotInteger);
    return false;
  }
  if (v <= 0 || (unit == TimeUnit::kSeconds && v > LLONG_MAX / 1000)) {
    *error = errors::InvalidExpire(command);
    return false;
  }
  if (unit == TimeUnit::kSeconds) v *= 1000;
  if (relative) {
    if (v > LLONG_MAX - now_ms) {
      *error = errors::InvalidExpire(command);
      return false;
    }
    v += now_ms;
  }
  *when_ms = v;
  return true;
}

}  // namespace server
