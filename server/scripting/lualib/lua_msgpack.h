// The `cmsgpack` library of Redis's scripting environment: MessagePack
// encoding of Lua values (antirez's lua-cmsgpack 0.4, as Redis 7.0 ships it),
// reimplemented here.
#ifndef SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_MSGPACK_H_
#define SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_MSGPACK_H_

#include <lua5.1/lua.hpp>

namespace scripting {

// Creates the global table `cmsgpack` (with Redis's _NAME, _VERSION,
// _COPYRIGHT and _DESCRIPTION fields), leaves it on the stack and returns 1:
// a lua_CFunction, so it may be called directly on a fresh state or through
// lua_pushcfunction + lua_call. Raises a Lua error only when out of memory.
//
//   cmsgpack.pack(v1, ...)                  -> the encodings of v1, ... concatenated
//   cmsgpack.unpack(s)                      -> every object in s
//   cmsgpack.unpack_one(s [, off])          -> next offset, one object
//   cmsgpack.unpack_limit(s, n [, off])     -> next offset, up to n objects
// Offsets count bytes from 0; the next offset is -1 once s is consumed.
// unpack_limit(s, 0) (no offset) is unpack(s): no offset is returned.
//
// Encoding, as Redis: a table whose keys are exactly 1..n is an array, any
// other table a map (an empty table is an empty array); numbers that are
// integers in [-2^63, 2^63) take the smallest integer encoding (positive ones
// above 2^32-1 are uint64), other numbers are float32 when that is exact, else
// float64 (-0 packs as 0); strings are str (fixstr/str8/16/32); functions,
// userdata and threads are nil. A table inside 16 others packs as nil, which
// also ends circular references.
// Decoding takes nil, booleans, every int, float32/64, str and array/map;
// bin and ext are "Bad data format in input.", a truncated object is "Missing
// bytes in input.". A uint64 above 2^63-1 decodes as negative (two's
// complement), as in Redis. Nesting on decode is bounded only by the Lua
// stack, as in Redis: 3999 nested arrays decode, 4000 are "stack overflow".
int OpenLuaMsgpack(lua_State* L);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_MSGPACK_H_
