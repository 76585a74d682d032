#include "resp/request_peek.h"

#include <algorithm>

namespace resp {
namespace {

// Reads "<digits>\r\n" at p (just after a '*' or '$'); returns the byte after
// the '\n', or nullptr on anything else (a sign, no digits, more than 18
// digits, a missing terminator, the end of the buffer).
inline const char* ReadLength(const char* p, const char* end, int64_t* value) {
  const char* limit = p + std::min<ptrdiff_t>(end - p, 18);
  int64_t v = 0;
  const char* q = p;
  for (; q < limit && *q >= '0' && *q <= '9'; ++q) v = v * 10 + (*q - '0');
  if (q == p || end - q < 2 || q[0] != '\r' || q[1] != '\n') return nullptr;
  *value = v;
  return q + 2;
}

}  // namespace

size_t PeekCommands(std::string_view buf, absl::Span<PeekedCommand> out) {
  const char* p = buf.data();
  const char* const end = p + buf.size();
  size_t n = 0;
  while (n < out.size() && p < end && *p == '*') {
    int64_t argc = 0;
    p = ReadLength(p + 1, end, &argc);
    if (p == nullptr || argc <= 0 || argc > kMaxPeekedArgs) break;
    PeekedCommand cmd;
    cmd.argc = argc;
    for (int64_t i = 0; i < argc; ++i) {
      int64_t len = 0;
      if (p == end || *p != '$' || (p = ReadLength(p + 1, end, &len)) == nullptr ||
          len > end - p - 2) {
        return n;
      }
      if (i == 0) cmd.name = std::string_view(p, static_cast<size_t>(len));
      if (i == 1) cmd.first_arg = std::string_view(p, static_cast<size_t>(len));
      if (i == 2) cmd.second_arg = std::string_view(p, static_cast<size_t>(len));
      if (i == 3) cmd.third_arg = std::string_view(p, static_cast<size_t>(len));
      p += len + 2;
    }
    out[n++] = cmd;
  }
  return n;
}

}  // namespace resp
