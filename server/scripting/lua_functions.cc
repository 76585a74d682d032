// FUNCTION libraries inside a LuaRuntime: the environment their code runs
// in (only redis.register_function, redis.log and the version while loading,
// as Redis; everything scripts have once called) and redis.register_function.
#include <chrono>
#include <cstring>

#include "absl/strings/match.h"
#include "server/scripting/function_registry.h"
#include "server/scripting/lua_runtime.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/script_flags.h"

namespace scripting {
namespace {

// Registry keys.
char kFunctionEnvMetaKey;  // metatable of the library globals: __index swaps
char kLoadViewKey;         // what library code sees while it loads
char kFunctionsKey;        // function name -> callback
char kPendingKey;          // callbacks of the library being loaded

LuaRuntime* RuntimeOf(lua_State* L) { return LuaRuntime::From(L); }

int Raise(lua_State* L, const char* message) {
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushfstring(L, "ERR %s", message);
  lua_settable(L, -3);
  return lua_error(L);
}

// The flags table of the named form: every entry a known flag name.
bool ReadFlags(lua_State* L, int index, uint32_t* flags) {
  lua_pushnil(L);
  while (lua_next(L, index)) {
    const char* name = lua_isstring(L, -1) ? lua_tostring(L, -1) : nullptr;
    lua_pop(L, 1);
    if (name == nullptr) {
      lua_pop(L, 1);
      return false;
    }
    bool found = false;
    for (const ScriptFlagName& f : ScriptFlagNames()) {
      if (absl::EqualsIgnoreCase(absl::string_view(name),
                                 absl::string_view(f.name.data(), f.name.size()))) {
        *flags |= f.flag;
        found = true;
      }
    }
    if (!found) {
      lua_pop(L, 1);
      return false;
    }
  }
  return true;
}

int RegisterFunction(lua_State* L) {
  LuaRuntime* rt = RuntimeOf(L);
  if (rt == nullptr || rt->loading() == nullptr) {
    return Raise(L, "redis.register_function can only be called on FUNCTION LOAD command");
  }
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) return Raise(L, "wrong number of arguments to redis.register_function");
  const char* name = nullptr;
  size_t name_len = 0;
  const char* description = nullptr;
  uint32_t flags = 0;
  int callback = 0;
  if (argc == 2) {
    if (lua_type(L, 1) != LUA_TSTRING && lua_type(L, 1) != LUA_TNUMBER) {
      return Raise(L, "first argument to redis.register_function must be a string");
    }
    name = lua_tolstring(L, 1, &name_len);
    if (!lua_isfunction(L, 2)) {
      return Raise(L, "second argument to redis.register_function must be a function");
    }
    callback = 2;
  } else {
    if (!lua_istable(L, 1)) {
      return Raise(L,
                   "calling redis.register_function with a single argument is only applicable to "
                   "Lua table (representing named arguments).");
    }
    // Slots 2, 3, 4: the name, the description, the callback.
    lua_settop(L, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      if (lua_type(L, -2) != LUA_TSTRING) {
        return Raise(L, "named argument key given to redis.register_function is not a string");
      }
      const char* key = lua_tostring(L, -2);
      int slot = 0;
      if (absl::EqualsIgnoreCase(key, "function_name")) {
        if (!lua_isstring(L, -1)) {
          return Raise(L,
                       "function_name argument given to redis.register_function must be a string");
        }
        slot = 2;
      } else if (absl::EqualsIgnoreCase(key, "description")) {
        if (!lua_isstring(L, -1)) {
          return Raise(L, "description argument given to redis.register_function must be a string");
        }
        slot = 3;
      } else if (absl::EqualsIgnoreCase(key, "callback")) {
        if (!lua_isfunction(L, -1)) {
          return Raise(L, "callback argument given to redis.register_function must be a function");
        }
        slot = 4;
      } else if (absl::EqualsIgnoreCase(key, "flags")) {
        if (!lua_istable(L, -1)) {
          return Raise(L,
                       "flags argument to redis.register_function must be a table representing "
                       "function flags");
        }
        if (!ReadFlags(L, lua_gettop(L), &flags)) return Raise(L, "unknown flag given");
      } else {
        return Raise(L, "unknown argument given to redis.register_function");
      }
      if (slot != 0) {
        lua_pushvalue(L, -1);
        lua_replace(L, slot);
      }
      lua_pop(L, 1);  // the value; the key stays for lua_next
    }
    if (lua_isnil(L, 2))
      return Raise(L, "redis.register_function must get a function name argument");
    if (lua_isnil(L, 4)) return Raise(L, "redis.register_function must get a callback argument");
    name = lua_tolstring(L, 2, &name_len);
    if (!lua_isnil(L, 3)) description = lua_tostring(L, 3);
    callback = 4;
  }
  if (!ValidFunctionName(std::string_view(name, name_len))) {
    return Raise(L,
                 "Library names can only contain letters, numbers, or underscores(_) and must be "
                 "at least one character long");
  }
  lua_pushlightuserdata(L, &kPendingKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_getfield(L, -1, name);
  bool duplicate = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (duplicate) return Raise(L, "Function already exists in the library");
  lua_pushvalue(L, callback);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
  FunctionInfo info;
  info.name = std::string(name, name_len);
  if (description != nullptr) {
    info.description = description;
    info.has_description = true;
  }
  info.flags = flags;
  rt->loading()->push_back(std::move(info));
  return 0;
}

void LoadHook(lua_State* L, lua_Debug*) {
  LuaRuntime* rt = RuntimeOf(L);
  if (rt == nullptr || !rt->LoadTimedOut()) return;
  lua_sethook(L, LoadHook, LUA_MASKLINE, 0);
  Raise(L, "FUNCTION LOAD timeout");
}

}  // namespace

void LuaRuntime::OpenFunctions() {
  lua_State* L = L_;
  for (char* key : {&kFunctionsKey, &kPendingKey}) {
    lua_pushlightuserdata(L, key);
    lua_newtable(L);
    lua_rawset(L, LUA_REGISTRYINDEX);
  }
  // While loading: {redis = {register_function, log, LOG_*, versions}} only.
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, RegisterFunction);
  lua_setfield(L, -2, "register_function");
  lua_getglobal(L, "redis");
  for (const char* field : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                            "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(L, -1, field);
    lua_setfield(L, -3, field);
  }
  lua_pop(L, 1);
  lua_newtable(L);  // redis.call and the rest do not exist while loading
  PushMissingGlobalError(L);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  MakeReadonlyProxy(L);
  lua_setfield(L, -2, "redis");
  lua_newtable(L);
  PushMissingGlobalError(L);
  lua_setfield(L, -2, "__index");
  PushReadonlyError(L);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
  lua_pushlightuserdata(L, &kLoadViewKey);
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);

  // The globals of library code: a proxy whose __index is the load view
  // while loading and the scripts' globals otherwise.
  lua_newtable(L);  // the environment
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfield(L, -2, "__index");
  PushReadonlyError(L);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pushlightuserdata(L, &kFunctionEnvMetaKey);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_setmetatable(L, -2);
  MarkReadonly(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "__function_env");
}

bool LuaRuntime::LoadTimedOut() const { return std::chrono::steady_clock::now() > load_deadline_; }

std::string LuaRuntime::LoadLibrary(std::string_view code, size_t shebang_length,
                                    std::vector<FunctionInfo>* functions) {
  lua_State* L = L_;
  std::string_view body = code.substr(shebang_length);
  if (luaL_loadbuffer(L, body.data(), body.size(), "@user_function") != 0) {
    std::string error = "ERR Error compiling function: ";
    const char* text = lua_tostring(L, -1);
    error += text != nullptr ? text : "?";
    lua_pop(L, 1);
    return error;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "__function_env");
  lua_setfenv(L, -2);
  auto set_view = [&](bool loading) {
    lua_pushlightuserdata(L, &kFunctionEnvMetaKey);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (loading) {
      lua_pushlightuserdata(L, &kLoadViewKey);
      lua_rawget(L, LUA_REGISTRYINDEX);
    } else {
      lua_pushvalue(L, LUA_GLOBALSINDEX);
    }
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
  };
  set_view(true);
  functions->clear();
  loading_ = functions;
  load_deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  lua_sethook(L, LoadHook, LUA_MASKCOUNT, 100000);
  int status = lua_pcall(L, 0, 0, 0);
  lua_sethook(L, nullptr, 0, 0);
  loading_ = nullptr;
  set_view(false);
  std::string error;
  if (status != 0) {
    error = "ERR Error registering functions: ";
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      const char* text = lua_tostring(L, -1);
      error += text != nullptr ? text : "?";
      lua_pop(L, 1);
    } else {
      const char* text = lua_tostring(L, -1);
      error += "ERR ";
      error += text != nullptr ? text : "?";
    }
    lua_pop(L, 1);
  } else if (functions->empty()) {
    error = "ERR No functions registered";
  }
  // The callbacks move to the function table only when the library loaded.
  lua_pushlightuserdata(L, &kPendingKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (error.empty()) {
    lua_pushlightuserdata(L, &kFunctionsKey);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_settable(L, -4);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_pushlightuserdata(L, &kPendingKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  if (!error.empty()) functions->clear();
  return error;
}

bool LuaRuntime::PushFunction(const Script& script) {
  lua_pushlightuserdata(L_, &kFunctionsKey);
  lua_rawget(L_, LUA_REGISTRYINDEX);
  lua_getfield(L_, -1, script.sha.c_str());
  lua_remove(L_, -2);
  if (lua_isfunction(L_, -1)) return true;
  lua_pop(L_, 1);
  return false;
}

}  // namespace scripting
