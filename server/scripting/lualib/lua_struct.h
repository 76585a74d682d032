// The `struct` library of Redis's scripting environment: binary packing of
// numbers and strings (Roberto Ierusalimschy's struct 0.x, as Redis 7.0 ships
// it), reimplemented here.
#ifndef SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_STRUCT_H_
#define SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_STRUCT_H_

#include <lua5.1/lua.hpp>

namespace scripting {

// Creates the global table `struct` (also package.loaded.struct, as
// luaL_register does) with three functions, leaves it on the stack and
// returns 1: a lua_CFunction, so it may be called directly on a fresh state or
// through lua_pushcfunction + lua_call. Raises a Lua error only when out of
// memory.
//
//   struct.pack(fmt, v1, ...)      -> string
//   struct.unpack(fmt, s [, init]) -> v1, ..., next position (1-based)
//   struct.size(fmt)               -> bytes a fixed-size format packs to
//
// Format characters, with Redis's meaning:
//   >  <   big / little endian from here on (default: the machine's)
//   ![n]   maximum alignment n (a power of 2; no n: 8); default 1, no padding
//   x      one zero byte          b B  signed / unsigned char
//   h H    short (2)              l L  long (8)        T  size_t (8)
//   i[n] I[n]  signed / unsigned integer of n bytes (default 4, at most 32)
//   c[n]   n bytes of a string (default 1). pack: c0 is the whole string;
//          unpack: c0 takes its length from the value read just before it
//   s      zero-terminated string       f d  float / double
//   ' '    ignored
// Integers travel as Lua numbers (doubles): past 2^53 they lose precision.
// Integers wider than 8 bytes carry the low 64 bits; on pack the bytes above
// are zero (as Redis writes them, negative numbers included).
//
// Every size in a format is checked before use, so no format can overflow a
// size or read past the data (Redis 7.0's fix of CVE-2020-14147). Errors are
// Redis's texts: "integral size overflow", "integral size 40 is larger than
// limit of 32", "alignment 3 is not a power of 2", "bad argument #1 to 'pack'
// (invalid format option 'z')", "bad argument #2 to 'unpack' (data string too
// short)", "unfinished string in data", "format 'c0' needs a previous size".
int OpenLuaStruct(lua_State* L);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_STRUCT_H_
