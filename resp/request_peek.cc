#include "resp/request_peek.h"

namespace resp {
namespace {

// Reads "<prefix><digits>\r\n" at *pos; false on anything else (a sign,
// leading junk, a missing terminator, more than 18 digits).
bool ReadHeader(std::string_view buf, size_t* pos, char prefix, int64_t* value) {
  size_t p = *pos;
  if (p >= buf.size() || buf[p] != prefix) return false;
  ++p;
  int64_t v = 0;
  size_t digits = 0;
  while (p < buf.size() && buf[p] >= '0' && buf[p] <= '9') {
    if (++digits > 18) return false;
    v = v * 10 + (buf[p] - '0');
    ++p;
  }
  if (digits == 0 || p + 1 >= buf.size() || buf[p] != '\r' || buf[p + 1] != '\n') return false;
  *pos = p + 2;
  *value = v;
  return true;
}

// Reads one "$N\r\n<N bytes>\r\n" bulk at *pos.
bool ReadBulk(std::string_view buf, size_t* pos, std::string_view* bulk) {
  int64_t len = 0;
  size_t p = *pos;
  if (!ReadHeader(buf, &p, '$', &len)) return false;
  if (static_cast<uint64_t>(len) + 2 > buf.size() - p) return false;
  *bulk = buf.substr(p, static_cast<size_t>(len));
  *pos = p + static_cast<size_t>(len) + 2;
  return true;
}

}  // namespace

size_t PeekCommands(std::string_view buf, absl::Span<PeekedCommand> out) {
  size_t pos = 0;
  size_t n = 0;
  while (n < out.size()) {
    int64_t argc = 0;
    if (!ReadHeader(buf, &pos, '*', &argc) || argc <= 0 || argc > kMaxPeekedArgs) break;
    PeekedCommand cmd;
    cmd.argc = argc;
    bool complete = true;
    for (int64_t i = 0; i < argc && complete; ++i) {
      std::string_view arg;
      complete = ReadBulk(buf, &pos, &arg);
      if (i == 0) cmd.name = arg;
      if (i == 1) cmd.first_arg = arg;
    }
    if (!complete) break;
    out[n++] = cmd;
  }
  return n;
}

}  // namespace resp
