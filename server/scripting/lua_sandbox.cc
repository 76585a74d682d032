#include "server/scripting/lua_sandbox.h"

#include <cstring>
#include <initializer_list>

namespace scripting {
namespace {

// Registry keys (their addresses are unique).
char kProxiesKey;      // weak-keyed set of every read-only proxy
char kRealGlobalsKey;  // the globals table behind the proxy

int ReadonlyError(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

// The same from inside setmetatable or rawset: Redis raises it there from
// the C function itself, so the message names no script line.
int ReadonlyErrorHere(lua_State* L) {
  lua_pushstring(L, "Attempt to modify a readonly table");
  return lua_error(L);
}

int MissingGlobalError(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    name != nullptr ? name : "?");
}

bool IsProxy(lua_State* L, int index) {
  if (!lua_istable(L, index)) return false;
  lua_pushvalue(L, index);
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_insert(L, -2);
  lua_rawget(L, -2);
  bool proxy = lua_toboolean(L, -1) != 0;
  lua_pop(L, 2);
  return proxy;
}

void MarkProxy(lua_State* L, int index) {
  lua_pushvalue(L, index);
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_insert(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

// Replaces the table on top with an empty read-only proxy of it. What
// getmetatable answers for the proxy is a read-only proxy too, so that its
// fields (__index) cannot be changed either.
void MakeProxy(lua_State* L, bool protect_meta = true) {
  int real = lua_gettop(L);
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyError);
  lua_setfield(L, -2, "__newindex");
  if (protect_meta) {
    lua_newtable(L);  // what getmetatable shows
    MakeProxy(L, false);
    lua_setfield(L, -2, "__metatable");
  } else {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  MarkProxy(L, -1);
  lua_replace(L, real);
}

int SafeSetmetatable(lua_State* L) {
  if (IsProxy(L, 1)) return ReadonlyErrorHere(L);
  // The original, kept as upvalue 1.
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

int SafeRawset(lua_State* L) {
  if (IsProxy(L, 1)) return ReadonlyErrorHere(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// getfenv(0) and friends would show the real globals: answer the proxy.
int SafeGetfenv(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_rawequal(L, -1, -2)) {
    lua_pop(L, 2);
    lua_pushvalue(L, LUA_GLOBALSINDEX);
  } else {
    lua_pop(L, 1);
  }
  return 1;
}

int LoadStringNoBinary(lua_State* L) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  const char* name = luaL_optstring(L, 2, s);
  if (len > 0 && s[0] == LUA_SIGNATURE[0]) {
    lua_pushnil(L);
    lua_pushstring(L, "binary chunks are not allowed");
    return 2;
  }
  if (luaL_loadbuffer(L, s, len, name) == 0) return 1;
  lua_pushnil(L);
  lua_insert(L, -2);
  return 2;
}

// load(func [, name]): gathers the pieces, then loads them as text only.
int LoadNoBinary(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  const char* name = luaL_optstring(L, 2, "=(load)");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (true) {
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  lua_pushcfunction(L, LoadStringNoBinary);
  lua_insert(L, -2);
  lua_pushstring(L, name);
  lua_call(L, 2, 2);
  return 2;
}

void WrapBase(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setglobal(L, name);
}

}  // namespace

void InstallSandbox(lua_State* L) {
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);

  for (const char* gone : {"loadfile", "dofile", "print", "module", "require"}) {
    lua_pushnil(L);
    lua_setglobal(L, gone);
  }
  lua_pushcfunction(L, LoadStringNoBinary);
  lua_setglobal(L, "loadstring");
  lua_pushcfunction(L, LoadNoBinary);
  lua_setglobal(L, "load");
  WrapBase(L, "setmetatable", SafeSetmetatable);
  WrapBase(L, "rawset", SafeRawset);
  WrapBase(L, "getfenv", SafeGetfenv);

  for (const char* lib : {"redis", "string", "math", "table", "cjson", "bit", "struct", "cmsgpack",
                          "os", "coroutine"}) {
    lua_getglobal(L, lib);
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    MakeProxy(L);
    lua_setglobal(L, lib);
  }

  // The strings' shared metatable would hand out the real string table:
  // getmetatable("") shows a read-only one whose __index is the proxy.
  lua_pushstring(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_newtable(L);
    lua_getglobal(L, "string");
    lua_setfield(L, -2, "__index");
    MakeProxy(L, false);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);

  // The real globals: missing names fail, new names are refused.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  int real = lua_gettop(L);
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_pushvalue(L, real);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  lua_pushcfunction(L, MissingGlobalError);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyError);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, real);
  // Scripts and chunks they load see the proxy as their globals.
  lua_pushvalue(L, real);
  MakeProxy(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, real, "_G");  // raw: the key exists already
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_pop(L, 1);
}

void SetRealGlobal(lua_State* L, const char* name) {
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_insert(L, -2);
  lua_pushstring(L, name);
  lua_insert(L, -2);
  lua_rawset(L, -3);  // raw: the globals refuse new names
  lua_pop(L, 1);
}

void MakeReadonlyProxy(lua_State* L) { MakeProxy(L); }

void MarkReadonly(lua_State* L, int index) { MarkProxy(L, index); }

void PushReadonlyError(lua_State* L) { lua_pushcfunction(L, ReadonlyError); }

void PushMissingGlobalError(lua_State* L) { lua_pushcfunction(L, MissingGlobalError); }

}  // namespace scripting
