#ifndef SHARDIS_SERVER_SCRIPTING_LUA_SANDBOX_H_
#define SHARDIS_SERVER_SCRIPTING_LUA_SANDBOX_H_

#include <lua5.1/lua.hpp>

namespace scripting {

// Closes the interpreter's environment the way Redis 7.0 does, on a stock
// Lua 5.1 (Redis patches Lua with read-only tables; we get the same effect
// with proxies):
//   - scripts see the globals through an empty proxy: reading a missing
//     global fails ("Script attempted to access nonexistent global variable
//     'x'"), assigning any global fails ("Attempt to modify a readonly
//     table"), and _G, getfenv(0) and getmetatable(_G) give proxies only;
//   - the library tables (redis, string, math, table, cjson, bit, struct,
//     cmsgpack, os, coroutine) are read-only proxies too, and setmetatable
//     or rawset on any proxy fails the same way;
//   - loadfile, dofile and print are gone; load and loadstring refuse
//     binary chunks (a crafted one can break the VM).
// Call once, after every library and the redis table are in the globals.
void InstallSandbox(lua_State* L);

// Sets a global behind the sandbox (KEYS, ARGV before each run).
void SetRealGlobal(lua_State* L, const char* name);

// Replaces the table on top with a read-only proxy of it.
void MakeReadonlyProxy(lua_State* L);
// Marks the table at `index` as one setmetatable and rawset refuse.
void MarkReadonly(lua_State* L, int index);
// Pushes the function that raises "Attempt to modify a readonly table"
// (for a __newindex) and the one that raises "Script attempted to access
// nonexistent global variable" (for an __index).
void PushReadonlyError(lua_State* L);
void PushMissingGlobalError(lua_State* L);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_LUA_SANDBOX_H_
