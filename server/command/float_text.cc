#include "server/command/float_text.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"

namespace server {

bool ParseLongDouble(std::string_view s, long double* out) {
  // Redis's string2ld reads into a 5 KB buffer: 5119 bytes at most.
  constexpr size_t kMaxChars = 5 * 1024 - 1;
  if (s.empty() || s.size() > kMaxChars || absl::ascii_isspace(s.front())) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  long double v = strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || std::isnan(v)) return false;
  // Out of range is an overflow, or an underflow all the way to zero; a
  // subnormal result (also ERANGE) is a value.
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
  *out = v;
  return true;
}

std::string FormatLongDouble(long double v) {
  char buf[5600];
  int len = snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (std::memchr(buf, '.', len) != nullptr) {
    while (len > 0 && buf[len - 1] == '0') --len;
    if (len > 0 && buf[len - 1] == '.') --len;
  }
  std::string out(buf, len);
  if (out == "-0") out = "0";
  return out;
}

}  // namespace server
