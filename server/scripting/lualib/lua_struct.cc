#include "server/scripting/lualib/lua_struct.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace scripting {
namespace {

// Every function here may raise a Lua error, which longjmps through its frame:
// none of them may hold an object with a destructor.

constexpr int kMaxIntegerSize = 32;
// What a bare '!' means: the alignment Redis computes for a double in a
// struct, at least that of an int.
constexpr int kDefaultMaxAlign = static_cast<int>(std::max(alignof(double), sizeof(int)));
constexpr bool kNativeLittle = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
// struct.size stays a valid lua_Integer. Unreachable in practice: it would
// take a format string of many gigabytes.
constexpr size_t kMaxFormatSize = PTRDIFF_MAX;

// The state a format's control options ('<', '>', '!') change.
struct Layout {
  bool little = kNativeLittle;
  size_t max_align = 1;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The count after an option ("i8", "c100", "!4"), or `absent` with no digits.
// Counts are bounded by INT_MAX, which is what keeps every size computed from
// a format far from overflowing a size_t.
int ReadCount(lua_State* L, const char** fmt, int absent) {
  if (!IsDigit(**fmt)) return absent;
  int n = 0;
  while (IsDigit(**fmt)) {
    const int digit = *(*fmt)++ - '0';
    if (n > (INT_MAX - digit) / 10) luaL_error(L, "integral size overflow");
    n = n * 10 + digit;
  }
  return n;
}

// Bytes item `opt` takes. 0 for 's', 'c0' and the control options, whose
// size the caller works out.
size_t ItemSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'b':
    case 'B':
      return sizeof(char);
    case 'h':
    case 'H':
      return sizeof(short);
    case 'l':
    case 'L':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'x':
      return 1;
    case 'c':
      return static_cast<size_t>(ReadCount(L, fmt, 1));
    case 'i':
    case 'I': {
      const int n = ReadCount(L, fmt, sizeof(int));
      if (n > kMaxIntegerSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", n, kMaxIntegerSize);
      }
      return static_cast<size_t>(n);
    }
    default:
      return 0;
  }
}

// Zero bytes that go before an item of `size` bytes at offset `pos`. This is
// Redis's rule verbatim, since it decides the bytes on the wire: an item
// aligns to its size capped at max_align, strings never align, and a size
// that is not a power of 2 (i3) gives the odd mask Redis uses too.
size_t Padding(size_t pos, const Layout& layout, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  size = std::min(size, layout.max_align);
  return (size - (pos & (size - 1))) & (size - 1);
}

void ApplyControl(lua_State* L, char opt, const char** fmt, Layout* layout) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      layout->little = false;
      return;
    case '<':
      layout->little = true;
      return;
    case '!': {
      const int align = ReadCount(L, fmt, kDefaultMaxAlign);
      if (align <= 0 || (align & (align - 1)) != 0) {
        luaL_error(L, "alignment %d is not a power of 2", align);
      }
      layout->max_align = static_cast<size_t>(align);
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

// The C cast (uint64_t)d as Redis's build performs it on x86-64, where it
// also decides what NaN and out-of-range numbers pack to. C++ leaves those
// undefined, so they are spelled out: NaN and anything below -2^63 give 2^63,
// anything from 2^64 up gives 0, negative numbers wrap.
uint64_t DoubleToUint64(double d) {
  constexpr double kTwo63 = 0x1p63;
  constexpr double kTwo64 = 0x1p64;
  constexpr uint64_t kIndefinite = uint64_t{1} << 63;
  if (std::isnan(d)) return kIndefinite;
  if (d < 0) {
    return d >= -kTwo63 ? static_cast<uint64_t>(static_cast<int64_t>(d)) : kIndefinite;
  }
  return d < kTwo64 ? static_cast<uint64_t>(d) : 0;
}

// (float)d with IEEE round-to-nearest, spelled out for finite d beyond the
// float range (undefined in C++): above FLT_MAX by half an ulp or more it is
// infinity, as the hardware rounds it for Redis.
float DoubleToFloat(double d) {
  constexpr double kMax = std::numeric_limits<float>::max();
  if (!std::isfinite(d) || std::fabs(d) <= kMax) return static_cast<float>(d);
  const float big = std::fabs(d) < kMax + 0x1p103 ? std::numeric_limits<float>::max()
                                                  : std::numeric_limits<float>::infinity();
  return d < 0 ? -big : big;
}

// Floats and doubles travel in the byte order the format asks for.
void ToOrder(void* bytes, size_t n, bool little) {
  if (little != kNativeLittle) {
    char* p = static_cast<char*>(bytes);
    std::reverse(p, p + n);
  }
}

// Integers wider than 8 bytes get zero bytes above the low 64 bits, negative
// numbers too: that is what Redis writes.
void AddInteger(luaL_Buffer* out, lua_Number n, bool little, size_t size) {
  uint64_t v = DoubleToUint64(n);
  char bytes[kMaxIntegerSize];
  for (size_t i = 0; i < size; ++i) {
    bytes[little ? i : size - 1 - i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  luaL_addlstring(out, bytes, size);
}

// The low 64 bits of the `size`-byte integer at p.
uint64_t ReadUnsigned(const char* p, size_t size, bool little) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    v = (v << 8) | static_cast<unsigned char>(p[little ? size - 1 - i : i]);
  }
  return v;
}

int64_t ReadSigned(const char* p, size_t size, bool little) {
  uint64_t v = ReadUnsigned(p, size, little);
  if (size > 0 && size < 8) {
    const uint64_t high = ~uint64_t{0} << (size * 8 - 1);  // the sign bit and above
    if ((v & high) != 0) v |= high;
  }
  return static_cast<int64_t>(v);
}

int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  // The buffer may keep pieces on the stack above the arguments. This nil
  // separates them, so an argument the format wants but the caller did not
  // pass reads as nil (Redis's "number expected, got nil"), never as a piece.
  lua_pushnil(L);
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  Layout layout;
  int arg = 2;
  size_t total = 0;  // bytes in `out`, which alignment is relative to
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = ItemSize(L, opt, &fmt);
    const size_t pad = Padding(total, layout, opt, size);
    for (size_t i = 0; i < pad; ++i) luaL_addchar(&out, '\0');
    total += pad;
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        AddInteger(&out, luaL_checknumber(L, arg++), layout.little, size);
        break;
      case 'x':
        luaL_addchar(&out, '\0');
        break;
      case 'f': {
        float f = DoubleToFloat(luaL_checknumber(L, arg++));
        ToOrder(&f, sizeof f, layout.little);
        luaL_addlstring(&out, reinterpret_cast<const char*>(&f), sizeof f);
        break;
      }
      case 'd': {
        double d = luaL_checknumber(L, arg++);
        ToOrder(&d, sizeof d, layout.little);
        luaL_addlstring(&out, reinterpret_cast<const char*>(&d), sizeof d);
        break;
      }
      case 'c':
      case 's': {
        size_t len;
        const char* s = luaL_checklstring(L, arg++, &len);
        if (size == 0) size = len;
        // `arg` already names the next argument; Redis reports that one, and
        // scripts see the same text here.
        luaL_argcheck(L, len >= size, arg, "string too short");
        luaL_addlstring(&out, s, size);
        if (opt == 's') {
          luaL_addchar(&out, '\0');
          ++size;
        }
        break;
      }
      default:
        ApplyControl(L, opt, &fmt, &layout);
    }
    total += size;
  }
  luaL_pushresult(&out);
  return 1;
}

// unpack's "c0": the length is the value unpacked just before, which the
// string replaces among the results. Numeric strings count, as in Redis.
size_t TakePreviousLength(lua_State* L, int results) {
  if (results == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
  const size_t n = static_cast<size_t>(DoubleToUint64(lua_tonumber(L, -1)));
  lua_pop(L, 1);
  return n;
}

int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t len;
  const char* data = luaL_checklstring(L, 2, &len);
  // A negative init wraps to a position past the end, which the bounds check
  // refuses as "data string too short": Redis's answer too.
  size_t pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  Layout layout;
  int results = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = ItemSize(L, opt, &fmt);
    const size_t pad = Padding(pos, layout, opt, size);
    // Ordered so that nothing wraps: pos may be past len, size up to INT_MAX.
    luaL_argcheck(L, pos <= len && pad <= len - pos && size <= len - pos - pad, 2,
                  "data string too short");
    pos += pad;
    luaL_checkstack(L, 2, "too many results");  // this item and the position
    const char* p = data + pos;
    switch (opt) {
      case 'b':
      case 'h':
      case 'l':
      case 'i':
        lua_pushnumber(L, static_cast<lua_Number>(ReadSigned(p, size, layout.little)));
        ++results;
        break;
      case 'B':
      case 'H':
      case 'L':
      case 'T':
      case 'I':
        lua_pushnumber(L, static_cast<lua_Number>(ReadUnsigned(p, size, layout.little)));
        ++results;
        break;
      case 'x':
        break;
      case 'f': {
        float f;
        std::memcpy(&f, p, sizeof f);
        ToOrder(&f, sizeof f, layout.little);
        lua_pushnumber(L, f);
        ++results;
        break;
      }
      case 'd': {
        double d;
        std::memcpy(&d, p, sizeof d);
        ToOrder(&d, sizeof d, layout.little);
        lua_pushnumber(L, d);
        ++results;
        break;
      }
      case 'c':
        if (size == 0) {
          size = TakePreviousLength(L, results);
          --results;
          luaL_argcheck(L, size <= len - pos, 2, "data string too short");
        }
        lua_pushlstring(L, p, size);
        ++results;
        break;
      case 's': {
        const void* end = std::memchr(p, '\0', len - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        const size_t n = static_cast<size_t>(static_cast<const char*>(end) - p);
        lua_pushlstring(L, p, n);
        ++results;
        size = n + 1;
        break;
      }
      default:
        ApplyControl(L, opt, &fmt, &layout);
    }
    pos += size;
  }
  // Wraps back to init when a negative init met an empty format, as in Redis.
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Layout layout;
  size_t pos = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    const size_t size = ItemSize(L, opt, &fmt);
    const size_t pad = Padding(pos, layout, opt, size);
    if (opt == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
    if (opt == 'c' && size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
    // Unknown letters and digits pass here, though pack and unpack refuse
    // them: Redis's size() only checks the other characters.
    if (!IsAlnum(opt)) ApplyControl(L, opt, &fmt, &layout);
    if (pad + size > kMaxFormatSize - pos) luaL_argerror(L, 1, "format size too large");
    pos += pad + size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

const luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"size", Size},
    {nullptr, nullptr},
};

}  // namespace

int OpenLuaStruct(lua_State* L) {
  luaL_register(L, "struct", kFunctions);
  return 1;
}

}  // namespace scripting
