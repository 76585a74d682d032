#include "server/scripting/lua_reply.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

namespace scripting {
namespace {

int64_t ToInt(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

// Reads one reply starting at *pos and pushes it; advances *pos. The input
// comes from our own writer, so it is trusted to be complete.
class ReplyReader {
 public:
  ReplyReader(lua_State* L, std::string_view reply) : L_(L), in_(reply) {}

  bool PushOne() {
    lua_checkstack(L_, 4);
    char type = in_[pos_++];
    std::string_view line = Line();
    switch (type) {
      case ':':
        lua_pushnumber(L_, static_cast<lua_Number>(ToInt(line)));
        return false;
      case '$': {
        if (line == "-1") {
          lua_pushboolean(L_, 0);
          return false;
        }
        size_t len = static_cast<size_t>(ToInt(line));
        lua_pushlstring(L_, in_.data() + pos_, len);
        pos_ += len + 2;
        return false;
      }
      case '+':
        PushField("ok", line);
        return false;
      case '-':
        PushField("err", line);
        return true;
      case '*':
      case '>': {
        if (line == "-1") {
          lua_pushboolean(L_, 0);
          return false;
        }
        int64_t n = ToInt(line);
        lua_createtable(L_, static_cast<int>(n), 0);
        for (int64_t i = 1; i <= n; ++i) {
          PushOne();
          lua_rawseti(L_, -2, static_cast<int>(i));
        }
        return false;
      }
      case '%':
      case '~': {
        int64_t n = ToInt(line);
        lua_newtable(L_);
        lua_pushstring(L_, type == '%' ? "map" : "set");
        lua_newtable(L_);
        for (int64_t i = 0; i < n; ++i) {
          PushOne();
          if (type == '%') {
            PushOne();
          } else {
            lua_pushboolean(L_, 1);
          }
          lua_settable(L_, -3);
        }
        lua_settable(L_, -3);
        return false;
      }
      case '_':
        lua_pushnil(L_);
        return false;
      case '#':
        lua_pushboolean(L_, line == "t");
        return false;
      case ',': {
        lua_newtable(L_);
        lua_pushstring(L_, "double");
        double d = 0;
        if (line == "inf") {
          d = HUGE_VAL;
        } else if (line == "-inf") {
          d = -HUGE_VAL;
        } else if (line == "nan") {
          d = std::nan("");
        } else {
          std::from_chars(line.data(), line.data() + line.size(), d);
        }
        lua_pushnumber(L_, d);
        lua_settable(L_, -3);
        return false;
      }
      case '(':
        PushField("big_number", line);
        return false;
      case '=': {
        size_t len = static_cast<size_t>(ToInt(line));
        std::string_view body = in_.substr(pos_, len);
        pos_ += len + 2;
        lua_newtable(L_);
        lua_pushstring(L_, "verbatim_string");
        lua_newtable(L_);
        lua_pushstring(L_, "format");
        lua_pushlstring(L_, body.data(), std::min<size_t>(3, body.size()));
        lua_settable(L_, -3);
        lua_pushstring(L_, "string");
        std::string_view text = body.size() > 4 ? body.substr(4) : std::string_view();
        lua_pushlstring(L_, text.data(), text.size());
        lua_settable(L_, -3);
        lua_settable(L_, -3);
        return false;
      }
      case '|': {  // attributes are dropped, the value after them kept
        int64_t n = ToInt(line);
        for (int64_t i = 0; i < 2 * n; ++i) {
          PushOne();
          lua_pop(L_, 1);
        }
        return PushOne();
      }
      default:
        lua_pushnil(L_);
        return false;
    }
  }

 private:
  std::string_view Line() {
    size_t end = in_.find("\r\n", pos_);
    if (end == std::string_view::npos) end = in_.size();
    std::string_view line = in_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return line;
  }

  void PushField(const char* field, std::string_view value) {
    lua_newtable(L_);
    lua_pushstring(L_, field);
    lua_pushlstring(L_, value.data(), value.size());
    lua_settable(L_, -3);
  }

  lua_State* L_;
  std::string_view in_;
  size_t pos_ = 0;
};

// (long long)n in Redis. Out of range (and NaN) that is undefined in C; on
// x86-64, where Redis runs, it yields INT64_MIN, which is what clients get
// from Redis (a script returning 2^63 answers -9223372036854775808).
int64_t TruncateNumber(lua_Number n) {
  if (!(n >= -9223372036854775808.0 && n < 9223372036854775808.0)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(n);
}

// The string field `name` of the table on top, or no value.
bool StringField(lua_State* L, const char* name, std::string_view* value) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  if (lua_type(L, -1) != LUA_TSTRING) {
    lua_pop(L, 1);
    return false;
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  *value = std::string_view(s, len);
  return true;  // the caller pops it
}

void WriteTable(lua_State* L, resp::ReplyWriter& out, int script_resp);

void WriteValue(lua_State* L, resp::ReplyWriter& out, int script_resp) {
  if (!lua_checkstack(L, 4)) {
    out.Error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      out.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1)) {
          out.Integer(1);
        } else {
          out.Null();
        }
      } else {
        out.Boolean(lua_toboolean(L, -1) != 0);
      }
      break;
    case LUA_TNUMBER:
      out.Integer(TruncateNumber(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      WriteTable(L, out, script_resp);
      break;
    default:
      out.Null();
  }
  lua_pop(L, 1);
}

// The table on top (left there): the special shapes first, as Redis
// checks them, then an array up to the first nil.
void WriteTable(lua_State* L, resp::ReplyWriter& out, int script_resp) {
  std::string_view text;
  if (StringField(L, "err", &text)) {
    out.Error(text);
    lua_pop(L, 1);
    return;
  }
  if (StringField(L, "ok", &text)) {
    out.SimpleString(text);
    lua_pop(L, 1);
    return;
  }
  lua_pushstring(L, "double");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    out.Double(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (StringField(L, "big_number", &text)) {
    std::string digits(text);
    for (char& ch : digits) {
      if (ch == '\r' || ch == '\n') ch = ' ';
    }
    out.BigNumber(digits);
    lua_pop(L, 1);
    return;
  }
  lua_pushstring(L, "verbatim_string");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    std::string_view format, str;
    if (StringField(L, "format", &format)) {
      if (StringField(L, "string", &str)) {
        out.Verbatim(format, str);
        lua_pop(L, 3);
        return;
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  for (const char* kind : {"map", "set"}) {
    bool is_map = kind[0] == 'm';
    lua_pushstring(L, kind);
    lua_rawget(L, -2);
    if (lua_type(L, -1) != LUA_TTABLE) {
      lua_pop(L, 1);
      continue;
    }
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      ++n;
      lua_pop(L, 1);
    }
    if (is_map) {
      out.MapHeader(n);
    } else {
      out.SetHeader(n);
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (is_map) {
        lua_pushvalue(L, -2);
        WriteValue(L, out, script_resp);  // the key
        WriteValue(L, out, script_resp);  // the value
      } else {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        WriteValue(L, out, script_resp);
      }
    }
    lua_pop(L, 1);
    return;
  }
  size_t n = 0;
  while (true) {
    lua_rawgeti(L, -1, static_cast<int>(n + 1));
    bool end = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (end) break;
    ++n;
  }
  out.ArrayHeader(n);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, static_cast<int>(i));
    WriteValue(L, out, script_resp);
  }
}

}  // namespace

bool PushReply(lua_State* L, std::string_view reply) {
  if (reply.empty()) {
    lua_pushnil(L);
    return false;
  }
  ReplyReader reader(L, reply);
  return reader.PushOne();
}

void WriteLuaReply(lua_State* L, resp::ReplyWriter& out, int script_resp) {
  WriteValue(L, out, script_resp);
}

}  // namespace scripting
