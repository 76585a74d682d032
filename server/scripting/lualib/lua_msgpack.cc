#include "server/scripting/lualib/lua_msgpack.h"

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
// none of them may hold an object with a destructor, and pack's output lives
// in memory Lua owns.

constexpr int kMaxNesting = 16;
// Preallocation for a decoded table is capped: a length header is only a
// claim, and the table grows as its elements actually arrive.
constexpr size_t kMaxPrealloc = 1 << 16;
// Stack-overflow texts of Redis, which scripts may see.
constexpr char kTooManyValues[] =
    "too many return values at once; use unpack_one or unpack_limit instead.";
constexpr char kArrayTooDeep[] = "in function mp_decode_to_lua_array";

// ---------------------------------------------------------------- encoding

// pack's output. The bytes are a userdata at stack slot `slot`, so Lua frees
// them whatever error cuts the encoding short; growing puts a larger copy in
// that slot and the old one becomes garbage.
struct Output {
  lua_State* L;
  int slot;
  unsigned char* data;
  size_t size;
  size_t capacity;
};

void Append(Output* out, const void* bytes, size_t n) {
  if (n == 0) return;
  if (out->capacity - out->size < n) {
    if (n > SIZE_MAX / 4 || out->size > SIZE_MAX / 4 - n) luaL_error(out->L, "not enough memory");
    const size_t doubled = std::min(out->capacity, SIZE_MAX / 4) * 2;
    const size_t capacity = std::max({out->size + n, doubled, size_t{256}});
    void* grown = lua_newuserdata(out->L, capacity);
    if (out->size > 0) std::memcpy(grown, out->data, out->size);
    lua_replace(out->L, out->slot);
    out->data = static_cast<unsigned char*>(grown);
    out->capacity = capacity;
  }
  std::memcpy(out->data + out->size, bytes, n);
  out->size += n;
}

// A type byte, then the low `width` bytes of v big-endian (MessagePack's
// order for every multi-byte field).
void AppendTyped(Output* out, unsigned char type, uint64_t v, int width) {
  unsigned char bytes[9];
  bytes[0] = type;
  for (int i = 0; i < width; ++i) {
    bytes[1 + i] = static_cast<unsigned char>(v >> (8 * (width - 1 - i)));
  }
  Append(out, bytes, 1 + width);
}

void AppendByte(Output* out, unsigned char b) { Append(out, &b, 1); }

// The header of a str, array or map of n elements: the fix form below
// `fix_limit`, then 8-bit (str only: type8 != 0), 16-bit or 32-bit lengths.
void AppendLength(Output* out, uint64_t n, unsigned char fix, uint64_t fix_limit,
                  unsigned char type8, unsigned char type16, unsigned char type32) {
  if (n < fix_limit) {
    AppendByte(out, static_cast<unsigned char>(fix | n));
  } else if (type8 != 0 && n <= 0xff) {
    AppendTyped(out, type8, n, 1);
  } else if (n <= 0xffff) {
    AppendTyped(out, type16, n, 2);
  } else {
    AppendTyped(out, type32, n, 4);
  }
}

void EncodeString(lua_State* L, Output* out, const char* s, size_t len) {
  if (len > UINT32_MAX) luaL_error(L, "string too long for MessagePack");
  AppendLength(out, len, 0xa0, 32, 0xd9, 0xda, 0xdb);
  Append(out, s, len);
}

// The smallest encoding, as Redis picks it: non-negative numbers are fixint
// or uint 8..64, negative ones fixint or int 8..64.
void EncodeInteger(Output* out, int64_t n) {
  const auto bits = static_cast<uint64_t>(n);
  if (n >= 0) {
    if (n <= 0x7f) {
      AppendByte(out, static_cast<unsigned char>(n));
    } else if (n <= 0xff) {
      AppendTyped(out, 0xcc, bits, 1);
    } else if (n <= 0xffff) {
      AppendTyped(out, 0xcd, bits, 2);
    } else if (n <= 0xffffffffLL) {
      AppendTyped(out, 0xce, bits, 4);
    } else {
      AppendTyped(out, 0xcf, bits, 8);
    }
  } else if (n >= -32) {
    AppendByte(out, static_cast<unsigned char>(bits));  // 0xe0..0xff
  } else if (n >= INT8_MIN) {
    AppendTyped(out, 0xd0, bits, 1);
  } else if (n >= INT16_MIN) {
    AppendTyped(out, 0xd1, bits, 2);
  } else if (n >= INT32_MIN) {
    AppendTyped(out, 0xd2, bits, 4);
  } else {
    AppendTyped(out, 0xd3, bits, 8);
  }
}

void EncodeNumber(Output* out, lua_Number n) {
  // Lua 5.1 has only doubles: integral ones in int64 range are integers
  // (NaN fails every comparison; -0 becomes 0, as in Redis).
  if (n >= -0x1p63 && n < 0x1p63 && n == std::trunc(n)) {
    EncodeInteger(out, static_cast<int64_t>(n));
    return;
  }
  // float32 when it holds n exactly; the range test keeps the narrowing
  // defined, and infinities fit.
  if (std::isinf(n) || std::fabs(n) <= std::numeric_limits<float>::max()) {
    const float f = static_cast<float>(n);
    if (static_cast<lua_Number>(f) == n) {
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      AppendTyped(out, 0xca, bits, 4);
      return;
    }
  }
  uint64_t bits;
  std::memcpy(&bits, &n, sizeof bits);
  AppendTyped(out, 0xcb, bits, 8);
}

void EncodeValue(lua_State* L, Output* out, int level);

// Whether the table on top has exactly the keys 1..n, the tables that pack as
// arrays; *n is the key count then. Keys above INT_MAX disqualify a table, as
// Redis's int-sized check does.
bool IsArray(lua_State* L, size_t* n) {
  size_t count = 0;
  lua_Number max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    const lua_Number k = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (!(k > 0 && k <= INT_MAX && k == std::floor(k))) {
      lua_pop(L, 1);
      return false;
    }
    max = std::max(max, k);
    ++count;
  }
  *n = count;
  // Keys are distinct integers >= 1, so count == max means all of 1..max.
  return max == static_cast<lua_Number>(count);
}

void EncodeTable(lua_State* L, Output* out, int level) {
  luaL_checkstack(L, 3, "in cmsgpack.pack");  // key, value, key copy
  size_t n = 0;
  if (IsArray(L, &n)) {
    AppendLength(out, n, 0x90, 16, 0, 0xdc, 0xdd);
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, static_cast<int>(i));
      EncodeValue(L, out, level + 1);
    }
    return;
  }
  n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    ++n;
  }
  AppendLength(out, n, 0x80, 16, 0, 0xde, 0xdf);
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pushvalue(L, -2);  // a copy to encode: lua_next needs the key as it is
    EncodeValue(L, out, level + 1);
    EncodeValue(L, out, level + 1);
  }
}

// Encodes the value on top of the stack and pops it. `level` is the number of
// tables around it.
void EncodeValue(lua_State* L, Output* out, int level) {
  int type = lua_type(L, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      EncodeString(L, out, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      AppendByte(out, lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case LUA_TNUMBER:
      EncodeNumber(out, lua_tonumber(L, -1));
      break;
    case LUA_TTABLE:
      EncodeTable(L, out, level);
      break;
    default:  // nil, and what MessagePack cannot carry: functions, userdata, threads
      AppendByte(out, 0xc0);
  }
  lua_pop(L, 1);
}

int Pack(lua_State* L) {
  const int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  // Redis keeps one string per argument on the stack; asking for the same
  // room refuses the same calls.
  if (!lua_checkstack(L, nargs)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  lua_pushnil(L);  // the slot of the output's userdata
  Output out{L, lua_gettop(L), nullptr, 0, 0};
  for (int i = 1; i <= nargs; ++i) {
    lua_pushvalue(L, i);
    EncodeValue(L, &out, 0);
  }
  lua_pushlstring(L, reinterpret_cast<const char*>(out.data), out.size);
  return 1;
}

// ---------------------------------------------------------------- decoding

enum class DecodeError { kNone, kMissingBytes, kBadFormat };

// The unread part of unpack's input.
struct Input {
  const unsigned char* p;
  size_t left;
  DecodeError error;
};

bool Need(Input* in, size_t n) {
  if (in->left >= n) return true;
  in->error = DecodeError::kMissingBytes;
  return false;
}

void Skip(Input* in, size_t n) {
  in->p += n;
  in->left -= n;
}

// Reads the `width`-byte big-endian field after the type byte and skips both;
// false (error set) when the input ends first.
bool ReadField(Input* in, int width, uint64_t* v) {
  if (!Need(in, 1 + static_cast<size_t>(width))) return false;
  uint64_t x = 0;
  for (int i = 1; i <= width; ++i) x = (x << 8) | in->p[i];
  Skip(in, 1 + static_cast<size_t>(width));
  *v = x;
  return true;
}

void DecodeValue(lua_State* L, Input* in);

void DecodeArray(lua_State* L, Input* in, size_t n) {
  // Each element takes a byte at least, which bounds an honest length.
  lua_createtable(L, static_cast<int>(std::min({n, in->left, kMaxPrealloc})), 0);
  luaL_checkstack(L, 1, kArrayTooDeep);
  for (size_t i = 1; i <= n; ++i) {
    lua_pushnumber(L, static_cast<lua_Number>(i));
    DecodeValue(L, in);
    if (in->error != DecodeError::kNone) return;
    lua_rawset(L, -3);
  }
}

void DecodeMap(lua_State* L, Input* in, size_t n) {
  lua_createtable(L, 0, static_cast<int>(std::min({n, in->left / 2, kMaxPrealloc})));
  for (size_t i = 0; i < n; ++i) {
    DecodeValue(L, in);
    if (in->error != DecodeError::kNone) return;
    DecodeValue(L, in);
    if (in->error != DecodeError::kNone) return;
    lua_rawset(L, -3);  // a nil or NaN key raises Lua's own error, as in Redis
  }
}

// A str whose length field is `width` bytes after the type byte (0: fixstr,
// length in the type byte).
void DecodeString(lua_State* L, Input* in, int width) {
  uint64_t len = in->p[0] & 0x1f;
  if (width > 0 && !ReadField(in, width, &len)) return;
  if (width == 0) Skip(in, 1);
  if (!Need(in, len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(in->p), len);
  Skip(in, len);
}

// Decodes one object onto the stack, or sets in->error (leaving the stack in
// any state: the caller raises the error).
void DecodeValue(lua_State* L, Input* in) {
  if (!Need(in, 1)) return;
  // Unpacked objects stay on the stack; so do the tables being filled. That
  // also bounds this recursion: every level holds a slot at least, and a C
  // function gets at most LUAI_MAXCSTACK (8000) of them.
  luaL_checkstack(L, 1, kTooManyValues);
  const unsigned char type = in->p[0];
  uint64_t v = 0;
  if (type <= 0x7f || type >= 0xe0) {  // positive and negative fixint
    lua_pushinteger(L, type <= 0x7f ? type : type - 0x100);
    return Skip(in, 1);
  }
  switch (type & 0xf0) {
    case 0x80:
      Skip(in, 1);
      return DecodeMap(L, in, type & 0x0f);
    case 0x90:
      Skip(in, 1);
      return DecodeArray(L, in, type & 0x0f);
    case 0xa0:
    case 0xb0:
      return DecodeString(L, in, 0);
  }
  switch (type) {
    case 0xc0:
      lua_pushnil(L);
      return Skip(in, 1);
    case 0xc2:
    case 0xc3:
      lua_pushboolean(L, type == 0xc3);
      return Skip(in, 1);
    case 0xca:
      if (ReadField(in, 4, &v)) {
        const auto bits = static_cast<uint32_t>(v);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        lua_pushnumber(L, f);
      }
      return;
    case 0xcb:
      if (ReadField(in, 8, &v)) {
        double d;
        std::memcpy(&d, &v, sizeof d);
        lua_pushnumber(L, d);
      }
      return;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
      // uint64 goes through Lua's signed integer type, as in Redis: values
      // above 2^63-1 come out negative.
      if (ReadField(in, 1 << (type - 0xcc), &v)) {
        lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(v)));
      }
      return;
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const int width = 1 << (type - 0xd0);
      if (ReadField(in, width, &v)) {
        const int shift = 64 - 8 * width;  // sign-extend from the field's top bit
        lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(v << shift) >> shift));
      }
      return;
    }
    case 0xd9:
      return DecodeString(L, in, 1);
    case 0xda:
      return DecodeString(L, in, 2);
    case 0xdb:
      return DecodeString(L, in, 4);
    case 0xdc:
    case 0xdd:
      if (ReadField(in, type == 0xdc ? 2 : 4, &v)) DecodeArray(L, in, v);
      return;
    case 0xde:
    case 0xdf:
      if (ReadField(in, type == 0xde ? 2 : 4, &v)) DecodeMap(L, in, v);
      return;
    default:  // bin, ext, and the unused 0xc1
      in->error = DecodeError::kBadFormat;
  }
}

// Decodes up to `limit` objects from byte `offset` of argument 1. limit and
// offset both 0 means everything, with no offset returned; otherwise the
// next offset (-1 at the end) comes before the objects.
int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  const bool everything = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0) {
    // Redis prints the input length where it says limit.
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (everything) limit = INT_MAX;
  Input in{reinterpret_cast<const unsigned char*>(s) + offset, len - offset, DecodeError::kNone};
  int count = 0;
  for (; in.left > 0 && count < limit; ++count) {
    DecodeValue(L, &in);
    if (in.error == DecodeError::kMissingBytes) return luaL_error(L, "Missing bytes in input.");
    if (in.error == DecodeError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (everything) return count;
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  lua_pushinteger(L, in.left == 0 ? -1 : static_cast<lua_Integer>(len - in.left));
  lua_insert(L, 2);  // above the input string, the only argument left
  return count + 1;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  const lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  const lua_Integer limit = luaL_checkinteger(L, 2);
  const lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, limit, offset);
}

const luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"unpack_one", UnpackOne},
    {"unpack_limit", UnpackLimit},
    {nullptr, nullptr},
};

void SetString(lua_State* L, const char* key, const char* value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, key);
}

}  // namespace

int OpenLuaMsgpack(lua_State* L) {
  lua_newtable(L);
  luaL_register(L, nullptr, kFunctions);
  // Redis's metadata, which scripts can read.
  SetString(L, "_NAME", "cmsgpack");
  SetString(L, "_VERSION", "lua-cmsgpack 0.4.0");
  SetString(L, "_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
  SetString(L, "_DESCRIPTION", "MessagePack C implementation for Lua");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}

}  // namespace scripting
