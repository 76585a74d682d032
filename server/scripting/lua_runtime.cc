#include "server/scripting/lua_runtime.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>

// Debian's headers for these two declare C functions without extern "C".
extern "C" {
#include <lua5.1/lua-bitop.h>
#include <lua5.1/lua-cjson.h>
}

#include "resp/numbers.h"
#include "server/scripting/lua_reply.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/lualib/lua_msgpack.h"
#include "server/scripting/lualib/lua_struct.h"
#include "server/scripting/sha1.h"

namespace scripting {
namespace {

// Everything below is called by Lua. Debian's Lua is plain C: an error is a
// longjmp, so these functions keep no C++ object alive across a call that
// may raise one.

char kRuntimeKey;

LuaRuntime* Runtime(lua_State* L) { return LuaRuntime::From(L); }

// Redis's luaPushError: an error table {err="CODE message"}; a message
// without a code gets ERR.
void PushError(lua_State* L, const char* message) {
  lua_newtable(L);
  lua_pushstring(L, "err");
  if (message[0] == '-') {
    lua_pushstring(L, message + 1);
  } else {
    lua_pushfstring(L, "ERR %s", message);
  }
  lua_settable(L, -3);
}

int RaiseError(lua_State* L, const char* message) {
  PushError(L, message);
  return lua_error(L);
}

int RedisCallGeneric(lua_State* L, bool raise) {
  LuaRuntime* rt = Runtime(L);
  if (rt->host() == nullptr) {
    return RaiseError(L, "redis.call/pcall can only be called inside a script invocation");
  }
  if (lua_gettop(L) == 0) {
    PushError(L, "Please specify at least one argument for this redis lib call");
    return raise ? lua_error(L) : 1;
  }
  bool is_error = rt->CallHost(L);
  if (is_error && raise) return lua_error(L);
  return 1;
}

int RedisCall(lua_State* L) { return RedisCallGeneric(L, true); }
int RedisPcall(lua_State* L) { return RedisCallGeneric(L, false); }

int RedisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char digest[41];
  {
    std::string hex = Sha1Hex(std::string_view(s == nullptr ? "" : s, s == nullptr ? 0 : len));
    std::memcpy(digest, hex.data(), 40);
  }
  digest[40] = '\0';
  lua_pushstring(L, digest);
  return 1;
}

int SingleFieldTable(lua_State* L, const char* field) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, field);
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

int RedisStatusReply(lua_State* L) { return SingleFieldTable(L, "ok"); }

// redis.error_reply("My Error") answers "-My Error" (the first word is the
// error code, as in Redis).
int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");
    return 1;
  }
  const char* text = lua_tostring(L, -1);
  if (text[0] == '-') ++text;
  lua_newtable(L);
  lua_pushstring(L, "err");
  if (std::strchr(text, ' ') == nullptr) {
    lua_pushfstring(L, "ERR %s", text);
  } else {
    lua_pushstring(L, text);
  }
  lua_settable(L, -3);
  return 1;
}

int RedisSetResp(lua_State* L) {
  LuaRuntime* rt = Runtime(L);
  if (rt->host() == nullptr) {
    return RaiseError(L, "redis.setresp can only be called inside a script invocation");
  }
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  rt->set_resp(resp);
  return 0;
}

int RedisSetRepl(lua_State* L) {
  LuaRuntime* rt = Runtime(L);
  if (rt->host() == nullptr) {
    return RaiseError(L, "redis.set_repl can only be called inside a script invocation");
  }
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, 1));
  if ((flags & ~3) != 0) {
    return RaiseError(L,
                      "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                      "REPL_NONE.");
  }
  return 0;  // no replication here: every flag is accepted and means nothing
}

int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int RedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);  // no debugging session
  return 1;
}

int RedisDebug(lua_State*) { return 0; }

int RedisAclCheckCmd(lua_State* L) {
  LuaRuntime* rt = Runtime(L);
  if (rt->host() == nullptr) {
    return RaiseError(L, "redis.acl_check_cmd can only be called inside a script invocation");
  }
  if (lua_gettop(L) == 0) {
    return RaiseError(L, "Please specify at least one argument for this redis lib call");
  }
  size_t len = 0;
  const char* name = lua_tolstring(L, 1, &len);
  if (name == nullptr || !rt->host()->CommandExists(std::string_view(name, len))) {
    return RaiseError(L, "Invalid command passed to redis.acl_check_cmd()");
  }
  lua_pushboolean(L, 1);  // one user with every permission
  return 1;
}

int RedisLog(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) return RaiseError(L, "Invalid debug level.");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 2; i <= argc; ++i) {
    size_t len = 0;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) continue;
    if (i != 2) luaL_addchar(&b, ' ');
    luaL_addlstring(&b, s, len);
  }
  luaL_pushresult(&b);
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  LuaRuntime* rt = Runtime(L);
  if (rt->host() != nullptr) rt->host()->Log(level, std::string_view(text, len));
  return 0;
}

// math.random and math.randomseed as Redis has them: its own PRNG, so a
// script cannot reach the C library's.
int MathRandom(lua_State* L) {
  LuaRuntime* rt = Runtime(L);
  constexpr int64_t kMax = 2147483647;
  lua_Number r = static_cast<lua_Number>(rt->NextRandom() % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      return 1;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      return 1;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      return 1;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
}

int MathRandomseed(lua_State* L) {
  Runtime(L)->SeedRandom(luaL_checkint(L, 1));
  return 0;
}

// bit.tohex(x, n) negates n when it is negative: for INT_MIN that overflows
// and Debian's lua-bitop then reads past its buffer (CVE-2024-31449, which
// Redis fixed in its copy). As Redis's fix: INT_MIN counts as INT_MIN + 1.
int SafeTohex(lua_State* L) {
  if (lua_gettop(L) >= 2 && lua_type(L, 2) == LUA_TNUMBER) {
    // lua-bitop takes n modulo 2^32, rounded to nearest: find those that
    // land on INT_MIN (-2^31, 2^31, ...).
    double n = lua_tonumber(L, 2);
    if (std::isfinite(n) && std::fabs(n) < 4611686018427387904.0 &&
        static_cast<int32_t>(static_cast<uint32_t>(std::llrint(n))) == INT32_MIN) {
      lua_pushnumber(L, -2147483647.0);
      lua_replace(L, 2);
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// Redis's pcall: an error table with an `err` field comes back as its text.
int SafePcall(lua_State* L) {
  int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    LuaRuntime* rt = Runtime(L);
    // A run being stopped must not be caught by the script.
    if (rt->host() != nullptr && rt->host()->ShouldStop(nullptr)) return lua_error(L);
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// The pcall message handler: the error as a table {err=..., source=...,
// line=...} naming where the script failed (skipping a C function such as
// redis.call or error).
int ErrorHandler(lua_State* L) {
  lua_Debug ar;
  bool where = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
  if (where && std::strcmp(ar.what, "C") == 0) {
    where = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  }
  if (!lua_istable(L, 1)) {
    const char* text = lua_tostring(L, 1);
    lua_newtable(L);
    lua_pushstring(L, "err");
    if (text != nullptr) {
      lua_pushfstring(L, "ERR %s", text);
    } else {
      lua_pushfstring(L, "ERR %s: %p", luaL_typename(L, 1), lua_topointer(L, 1));
    }
    lua_settable(L, -3);
    lua_replace(L, 1);
  }
  if (where) {
    lua_pushstring(L, ar.source);
    lua_setfield(L, 1, "source");
    lua_pushinteger(L, ar.currentline);
    lua_setfield(L, 1, "line");
  }
  lua_settop(L, 1);
  return 1;
}

void StopHook(lua_State* L, lua_Debug*);

void CountHook(lua_State* L, lua_Debug*) {
  LuaRuntime* rt = Runtime(L);
  if (rt->host() == nullptr || !rt->host()->OnHook()) return;
  // From now on on every line, so a pcall in the script cannot keep it going.
  lua_sethook(L, StopHook, LUA_MASKLINE, 0);
  StopHook(L, nullptr);
}

void StopHook(lua_State* L, lua_Debug*) {
  LuaRuntime* rt = Runtime(L);
  char why[256] = "-ERR Script killed by user with SCRIPT KILL...";
  if (rt->host() != nullptr) {
    std::string text;
    if (rt->host()->ShouldStop(&text) && !text.empty()) {
      std::snprintf(why, sizeof(why), "-%s", text.c_str());
    }
  }
  RaiseError(L, why);
}

void Register(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_setfield(L, -2, name);
}

void SetNumber(lua_State* L, const char* name, lua_Number n) {
  lua_pushnumber(L, n);
  lua_setfield(L, -2, name);
}

// Redis 7.0.15 as a number (REDIS_VERSION_NUM: 0x00MMmmpp).
lua_Number VersionNumber(const std::string& version) {
  int major = 0, minor = 0, patch = 0;
  std::sscanf(version.c_str(), "%d.%d.%d", &major, &minor, &patch);
  return (major << 16) | (minor << 8) | patch;
}

}  // namespace

LuaRuntime* LuaRuntime::From(lua_State* L) {
  lua_pushlightuserdata(L, &kRuntimeKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* rt = static_cast<LuaRuntime*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return rt;
}

LuaRuntime::LuaRuntime(std::string redis_version) : redis_version_(std::move(redis_version)) {
  Open();
}

LuaRuntime::~LuaRuntime() {
  if (L_ != nullptr) lua_close(L_);
}

void LuaRuntime::Reset() {
  lua_close(L_);
  L_ = nullptr;
  compiled_.clear();
  Open();
}

void LuaRuntime::Open() {
  L_ = luaL_newstate();
  lua_State* L = L_;
  lua_pushlightuserdata(L, &kRuntimeKey);
  lua_pushlightuserdata(L, this);
  lua_rawset(L, LUA_REGISTRYINDEX);

  struct Lib {
    const char* name;
    lua_CFunction open;
  };
  for (const Lib& lib : {Lib{"", luaopen_base}, Lib{LUA_TABLIBNAME, luaopen_table},
                         Lib{LUA_STRLIBNAME, luaopen_string}, Lib{LUA_MATHLIBNAME, luaopen_math},
                         Lib{LUA_OSLIBNAME, luaopen_os}}) {
    lua_pushcfunction(L, lib.open);
    lua_pushstring(L, lib.name);
    lua_call(L, 1, 0);
  }
  // cjson does not register a global by itself; bit does, but returns its
  // table all the same.
  for (const Lib& lib : {Lib{"cjson", luaopen_cjson}, Lib{"bit", luaopen_bit}}) {
    lua_pushcfunction(L, lib.open);
    lua_pushstring(L, lib.name);
    lua_call(L, 1, 1);
    lua_setglobal(L, lib.name);
  }
  lua_getglobal(L, "bit");
  lua_getfield(L, -1, "tohex");
  lua_pushcclosure(L, SafeTohex, 1);
  lua_setfield(L, -2, "tohex");
  lua_pop(L, 1);
  lua_pushcfunction(L, OpenLuaStruct);
  lua_call(L, 0, 0);
  lua_pushcfunction(L, OpenLuaMsgpack);
  lua_call(L, 0, 0);

  // os: only os.clock (CPU time; nothing that reaches the system).
  lua_getglobal(L, "os");
  lua_newtable(L);
  lua_getfield(L, -2, "clock");
  lua_setfield(L, -2, "clock");
  lua_setglobal(L, "os");
  lua_pop(L, 1);

  lua_getglobal(L, "math");
  Register(L, "random", MathRandom);
  Register(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);

  lua_pushcfunction(L, SafePcall);
  lua_setglobal(L, "pcall");

  lua_newtable(L);
  Register(L, "call", RedisCall);
  Register(L, "pcall", RedisPcall);
  Register(L, "log", RedisLog);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  lua_pushstring(L, redis_version_.c_str());
  lua_setfield(L, -2, "REDIS_VERSION");
  SetNumber(L, "REDIS_VERSION_NUM", VersionNumber(redis_version_));
  Register(L, "setresp", RedisSetResp);
  Register(L, "sha1hex", RedisSha1hex);
  Register(L, "error_reply", RedisErrorReply);
  Register(L, "status_reply", RedisStatusReply);
  Register(L, "set_repl", RedisSetRepl);
  Register(L, "replicate_commands", RedisReplicateCommands);
  Register(L, "breakpoint", RedisBreakpoint);
  Register(L, "debug", RedisDebug);
  Register(L, "acl_check_cmd", RedisAclCheckCmd);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  lua_setglobal(L, "redis");

  InstallSandbox(L);
  OpenFunctions();
  SeedRandom(0);
}

std::string LuaRuntime::Load(std::shared_ptr<const Script> script) {
  if (Loaded(*script)) return "";
  // The shebang line is skipped but its newline kept, so line numbers match.
  std::string_view body = std::string_view(script->body).substr(script->shebang_length);
  if (luaL_loadbuffer(L_, body.data(), body.size(), "@user_script") != 0) {
    std::string error = "ERR Error compiling script (new function): ";
    const char* text = lua_tostring(L_, -1);
    error += text != nullptr ? text : "?";
    lua_pop(L_, 1);
    return error;
  }
  int ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  const Script* key = script.get();
  compiled_.emplace(key, std::make_pair(std::move(script), ref));
  return "";
}

void LuaRuntime::Run(const Script& script, ArgList keys, ArgList argv, ScriptHost& host,
                     resp::ReplyWriter& out) {
  lua_State* L = L_;
  lua_checkstack(L, static_cast<int>(std::max(keys.size(), argv.size())) + 8);
  host_ = &host;
  resp_ = 2;
  lua_pushcfunction(L, ErrorHandler);
  int handler = lua_gettop(L);
  if (script.is_function) {
    if (!PushFunction(script)) {
      lua_pop(L, 1);
      host_ = nullptr;
      return out.Error("ERR Function not found");
    }
  } else {
    auto it = compiled_.find(&script);
    if (it == compiled_.end()) {
      lua_pop(L, 1);
      host_ = nullptr;
      return out.Error("NOSCRIPT No matching script. Please use EVAL.");
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, it->second.second);
  }
  // EVAL: KEYS and ARGV are globals; a function gets them as arguments.
  int nargs = 0;
  for (int which = 0; which < 2; ++which) {
    ArgList list = which == 0 ? keys : argv;
    lua_createtable(L, static_cast<int>(list.size()), 0);
    for (size_t i = 0; i < list.size(); ++i) {
      lua_pushlstring(L, list[i].data(), list[i].size());
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
    if (script.is_function) {
      ++nargs;
    } else {
      SetRealGlobal(L, which == 0 ? "KEYS" : "ARGV");
    }
  }
  lua_sethook(L, CountHook, LUA_MASKCOUNT, 100000);
  int status = lua_pcall(L, nargs, 1, handler);
  lua_sethook(L, nullptr, 0, 0);
  if (status != 0) {
    if (!lua_istable(L, -1)) {
      const char* text = lua_tostring(L, -1);
      out.Error(std::string("ERR Error running script ") + script.sha + ", " +
                std::string(text != nullptr ? text : "execution failure").substr(0, 100));
    } else {
      std::string message;
      lua_getfield(L, -1, "err");
      if (const char* err = lua_tostring(L, -1)) message = err;
      lua_pop(L, 1);
      lua_getfield(L, -1, "source");
      const char* source = lua_tostring(L, -1);
      lua_getfield(L, -2, "line");
      const char* line = lua_tostring(L, -1);
      if (source != nullptr && line != nullptr) {
        message += std::string(" script: ") + script.sha + ", on " + source + ":" + line + ".";
      }
      lua_pop(L, 2);
      out.Error(message);
    }
  } else {
    WriteLuaReply(L, out, resp_);
    lua_pushnil(L);  // WriteLuaReply consumed the value; keep the pop below even
  }
  lua_pop(L, 2);  // the result (or error) and the handler
  host_ = nullptr;
  // Small steps often instead of a full collection at a bad moment, as Redis.
  if (++runs_ % 50 == 0) lua_gc(L, LUA_GCSTEP, 50);
}

bool LuaRuntime::CallHost(lua_State* L) {
  int argc = lua_gettop(L);
  call_args_.clear();
  call_numbers_.clear();
  bool bad = false;
  for (int i = 1; i <= argc; ++i) {
    if (lua_type(L, i) == LUA_TNUMBER) {
      // Redis formats with "%.17g"; an integral value within 2^53 prints
      // the same digits as an integer, without printf's cost.
      char buf[64];
      double d = static_cast<double>(lua_tonumber(L, i));
      int n = 0;
      if (d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
          d == static_cast<double>(static_cast<int64_t>(d)) && !(d == 0 && std::signbit(d))) {
        n = static_cast<int>(resp::FormatInt64(static_cast<int64_t>(d), buf));
      } else {
        n = std::snprintf(buf, sizeof(buf), "%.17g", d);
      }
      call_numbers_.emplace_back(buf, n);
      call_args_.push_back(call_numbers_.back());
      continue;
    }
    size_t len = 0;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) {
      bad = true;
      break;
    }
    call_args_.emplace_back(s, len);
  }
  call_reply_.clear();
  std::string& why = call_why_;
  why.clear();
  if (bad) {
    call_reply_ = "-ERR Lua redis lib command arguments must be strings or integers\r\n";
  } else if (host_->ShouldStop(&why)) {
    call_reply_ = "-" + (why.empty() ? std::string("ERR Script stopped") : why) + "\r\n";
  } else {
    host_->Call(absl::MakeConstSpan(call_args_), resp_, &call_reply_);
  }
  lua_settop(L, 0);  // the arguments (their bytes were used above)
  return PushReply(L, call_reply_);
}

size_t LuaRuntime::memory_bytes() const {
  return static_cast<size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(L_, LUA_GCCOUNTB, 0));
}

// lrand48's generator (48-bit LCG), as Redis's redisLrand48.
uint64_t LuaRuntime::NextRandom() {
  rand48_ = (rand48_ * 0x5DEECE66DULL + 0xB) & ((1ULL << 48) - 1);
  return rand48_ >> 17;
}

void LuaRuntime::SeedRandom(int32_t seed) {
  rand48_ = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}

}  // namespace scripting
