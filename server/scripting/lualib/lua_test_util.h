// Test support shared by lua_struct_test and lua_msgpack_test: a fresh Lua
// state per test, and a way to run a snippet and read its results as text.
// redis_oracle.py runs the same snippets, with the same prelude, on a real
// redis-server to produce the expected texts.
#ifndef SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_TEST_UTIL_H_
#define SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_TEST_UTIL_H_

#include <lua5.1/lua.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace scripting::lualib_test {

// Locals every snippet sees. Redis forbids new globals in scripts, hence
// locals. dump() is deterministic: strings printable as they are or "x" and
// hex, numbers to 17 digits, tables with sorted entries. same() is deep
// equality with NaN equal to itself. enc(v1, ...) is the hex of each value's
// cmsgpack encoding; headers(make, n1, ...) the length and first 5 bytes of
// the encoding of make(n) for each n. try() runs a function and shows its
// results, or "error: " and the message without its "chunk:line: " prefix,
// which differs between Redis and here.
inline constexpr char kPrelude[] = R"lua(
local function hex(s)
  return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end
local dump
dump = function(v)
  local t = type(v)
  if t == 'string' then
    if v:find('^[%w%p ]*$') then return '"' .. v .. '"' end
    return 'x' .. hex(v)
  elseif t == 'number' then
    return string.format('%.17g', v)
  elseif t == 'table' then
    local items = {}
    for k, x in pairs(v) do items[#items + 1] = dump(k) .. '=' .. dump(x) end
    table.sort(items)
    return '{' .. table.concat(items, ',') .. '}'
  end
  return tostring(v)
end
local function show(...)
  local out = {}
  for i = 1, select('#', ...) do out[i] = dump((select(i, ...))) end
  return table.concat(out, ' ')
end
local same
same = function(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) == 'number' then return a == b or (a ~= a and b ~= b) end
  if type(a) ~= 'table' then return a == b end
  for k, v in pairs(a) do if not same(v, rawget(b, k)) then return false end end
  for k in pairs(b) do if rawget(a, k) == nil then return false end end
  return true
end
local function enc(...)
  local out = {}
  for i = 1, select('#', ...) do out[i] = hex(cmsgpack.pack((select(i, ...)))) end
  return table.concat(out, ' ')
end
local function headers(make, ...)
  local out = {}
  for i, n in ipairs({...}) do
    local s = cmsgpack.pack(make(n))
    out[i] = #s .. ':' .. hex(s:sub(1, 5))
  end
  return table.concat(out, ' ')
end
local function try(f)
  local function collect(ok, ...)
    if ok then return show(...) end
    local message = tostring((...)):gsub('^[%w_]+:%d+: ', '')
    return 'error: ' .. message
  end
  return collect(pcall(f))
end
)lua";

// One interpreter with Lua's standard libraries and the library `open`
// registers, as the server's scripting sets one up.
class LuaState {
 public:
  explicit LuaState(lua_CFunction open) : L_(luaL_newstate()) {
    luaL_openlibs(L_);
    lua_pushcfunction(L_, open);
    lua_call(L_, 0, 0);
  }
  ~LuaState() { lua_close(L_); }
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  // Runs `snippet` (a function body) with the prelude in scope and returns
  // try()'s text: its results shown, or "error: <message>".
  std::string Run(std::string_view snippet) {
    std::string chunk = kPrelude;
    chunk.append("return try(function() ").append(snippet).append("\nend)");
    std::string result;
    if (luaL_loadbuffer(L_, chunk.data(), chunk.size(), "=test") != 0 ||
        lua_pcall(L_, 0, 1, 0) != 0) {
      result = "lua failure: ";
    }
    size_t len = 0;
    const char* s = lua_tolstring(L_, -1, &len);
    if (s != nullptr) result.append(s, len);
    lua_settop(L_, 0);
    return result;
  }

  lua_State* get() const { return L_; }

 private:
  lua_State* L_;
};

// One snippet and the text Redis 7.0.15 gives for it (redis_oracle.py).
struct RedisCase {
  const char* snippet;
  const char* expected;
};

// gtest names a failing case by its snippet.
inline void PrintTo(const RedisCase& c, std::ostream* os) { *os << c.snippet; }

}  // namespace scripting::lualib_test

#endif  // SHARDIS_SERVER_SCRIPTING_LUALIB_LUA_TEST_UTIL_H_
