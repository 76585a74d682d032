#ifndef SHARDIS_SERVER_SCRIPTING_LUA_REPLY_H_
#define SHARDIS_SERVER_SCRIPTING_LUA_REPLY_H_

#include <lua5.1/lua.hpp>
#include <string_view>

#include "resp/reply_writer.h"

namespace scripting {

// The two directions of Redis's script reply conversion.
//
// A command's reply (RESP2 or RESP3 bytes, as our ReplyWriter wrote them:
// complete and well formed) onto the Lua stack: integers as numbers, bulk
// strings as strings, nil as false, status as {ok=...}, errors as {err=...},
// arrays as tables; RESP3 maps as {map={...}}, sets as {set={k=true}},
// null as nil, doubles as {double=n}, big numbers as {big_number=s},
// verbatim strings as {verbatim_string={format=f, string=s}}.
// Returns whether the reply was an error.
bool PushReply(lua_State* L, std::string_view reply);

// The value on top of the Lua stack as the script's reply, consumed.
// `script_resp` is the protocol the script chose (redis.setresp): it decides
// what a boolean becomes, as in Redis; the writer's protocol decides the rest.
void WriteLuaReply(lua_State* L, resp::ReplyWriter& out, int script_resp);

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_LUA_REPLY_H_
