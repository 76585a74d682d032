#include "server/command/pop_args.h"

#include <cmath>
#include <string>

#include "server/command/float_text.h"
#include "server/command/text.h"

namespace server {

namespace {

bool Fail(MultiCommand& mc, std::string error) {
  mc.SetReply([error = std::move(error)](resp::ReplyWriter& out) { out.Error(error); });
  return false;
}

}  // namespace

bool ParseBlockTimeout(std::string_view arg, int64_t* timeout_ms, std::string* error) {
  long double seconds;
  if (!ParseLongDouble(arg, &seconds)) {
    *error = "ERR timeout is not a float or out of range";
    return false;
  }
  // Rounded up, so any positive timeout waits at least 1 ms (and tiny
  // negative ones round to 0: forever), as Redis 7.0 does.
  long double ms = std::ceil(seconds * 1000.0L);
  // Redis converts with a plain cast: values past the range (and infinity)
  // come out as INT64_MIN there, hence "negative".
  if (!(ms < 9223372036854775807.0L) || ms < 0) {
    *error = "ERR timeout is negative";
    return false;
  }
  *timeout_ms = static_cast<int64_t>(ms);
  return true;
}

bool DeclareBlocking(MultiCommand& mc, std::string_view timeout, engine::ObjectType waits_for,
                     bool serve_needs_all_keys) {
  int64_t timeout_ms;
  std::string error;
  if (!ParseBlockTimeout(timeout, &timeout_ms, &error)) return Fail(mc, error);
  mc.SetBlockTimeout(timeout_ms, waits_for, serve_needs_all_keys);
  return true;
}

std::vector<int> KeysBeforeTimeout(Args args) {
  std::vector<int> keys;
  for (size_t i = 1; i + 1 < args.size(); ++i) keys.push_back(static_cast<int>(i));
  return keys;
}

bool ParseMPopArgs(MultiCommand& mc, size_t numkeys_index, std::string_view first_word,
                   std::string_view second_word, MPopArgs* out) {
  Args args = mc.args();
  int64_t numkeys;
  if (!engine::ParseInt64(args[numkeys_index], &numkeys) || numkeys <= 0) {
    return Fail(mc, "ERR numkeys should be greater than 0");
  }
  // The side word must follow the keys.
  if (static_cast<uint64_t>(numkeys) + numkeys_index + 1 >= args.size()) {
    return Fail(mc, std::string(errors::kSyntax));
  }
  std::string_view side = args[numkeys_index + 1 + static_cast<size_t>(numkeys)];
  if (EqualsIgnoreCase(side, first_word)) {
    out->first_word = true;
  } else if (EqualsIgnoreCase(side, second_word)) {
    out->first_word = false;
  } else {
    return Fail(mc, std::string(errors::kSyntax));
  }
  int64_t count = -1;
  for (size_t i = numkeys_index + 2 + static_cast<size_t>(numkeys); i < args.size(); ++i) {
    if (count == -1 && EqualsIgnoreCase(args[i], "count") && i + 1 < args.size()) {
      if (!engine::ParseInt64(args[++i], &count) || count <= 0) {
        return Fail(mc, "ERR count should be greater than 0");
      }
    } else {
      return Fail(mc, std::string(errors::kSyntax));
    }
  }
  out->count = count == -1 ? 1 : static_cast<size_t>(count);
  out->keys.clear();
  for (int64_t i = 1; i <= numkeys; ++i) {
    out->keys.push_back(static_cast<int>(numkeys_index + static_cast<size_t>(i)));
  }
  return true;
}

}  // namespace server
