#ifndef SHARDIS_SERVER_SCRIPTING_LUA_RUNTIME_H_
#define SHARDIS_SERVER_SCRIPTING_LUA_RUNTIME_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <lua5.1/lua.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "resp/reply_writer.h"
#include "server/scripting/function_registry.h"
#include "server/scripting/script_cache.h"

namespace scripting {

using ArgList = absl::Span<const std::string_view>;

// The server side of a running script: what redis.call reaches.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // redis.call / redis.pcall: runs `args` as a command and appends its reply
  // (RESP, protocol `resp`: 2 or 3) to *reply. Refusals (unknown command,
  // not allowed from scripts, ...) are error replies too.
  virtual void Call(ArgList args, int resp, std::string* reply) = 0;
  // Before each call: whether the run must end now (SCRIPT KILL; or it is
  // to be run again with more shards held). *why (when not null) is the
  // error it ends with.
  virtual bool ShouldStop(std::string* why) = 0;
  // Every 100k instructions: the host may do its periodic work (a busy
  // script's worker answers its other clients), then ShouldStop.
  virtual bool OnHook() { return ShouldStop(nullptr); }
  // redis.acl_check_cmd: whether the command exists.
  virtual bool CommandExists(std::string_view name) = 0;
  // redis.log, at Redis's levels (0 debug .. 3 warning).
  virtual void Log(int level, std::string_view message) = 0;
};

// One Lua 5.1 interpreter with Redis's scripting environment: the libraries
// (cjson, bit, struct, cmsgpack), the `redis` API, the sandbox (read-only
// globals and library tables, no file access, binary chunks refused) and the
// reply conversion. One per worker thread; not thread-safe.
class LuaRuntime {
 public:
  // `redis_version` is what redis.REDIS_VERSION answers ("7.0.15").
  explicit LuaRuntime(std::string redis_version);
  ~LuaRuntime();
  LuaRuntime(const LuaRuntime&) = delete;
  LuaRuntime& operator=(const LuaRuntime&) = delete;

  // Compiles an EVAL script unless this interpreter has it. "" or Redis's
  // error ("ERR Error compiling script (new function): user_script:1: ...").
  // The interpreter keeps the script alive: it finds the compiled function
  // by the Script's address (no string to hash per run).
  std::string Load(std::shared_ptr<const Script> script);
  bool Loaded(const Script& script) const { return compiled_.contains(&script); }

  // FUNCTION LOAD: runs a library's code (after its shebang line) so that
  // it registers its functions, whose callbacks this interpreter keeps.
  // "" or Redis's error; *functions: what it registered.
  std::string LoadLibrary(std::string_view code, size_t shebang_length,
                          std::vector<FunctionInfo>* functions);

  // Runs a loaded EVAL script with KEYS and ARGV (or a loaded function with
  // them as its two arguments); writes its reply (or error) to `out`.
  // `host` serves its redis.call.
  void Run(const Script& script, ArgList keys, ArgList argv, ScriptHost& host,
           resp::ReplyWriter& out);

  // Starts afresh with no script loaded (SCRIPT FLUSH).
  void Reset();
  // Bytes the interpreter uses (INFO used_memory_lua).
  size_t memory_bytes() const;

  // For the C functions the interpreter calls (lua_runtime.cc,
  // lua_functions.cc): the runtime that owns L.
  static LuaRuntime* From(lua_State* L);
  ScriptHost* host() const { return host_; }
  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  const std::string& redis_version() const { return redis_version_; }
  // Runs a redis.call: converts the arguments (the whole Lua stack), calls
  // the host, leaves the reply converted on the stack. Returns whether the
  // reply was an error. Raises no Lua error itself.
  bool CallHost(lua_State* L);
  uint64_t NextRandom();
  // During LoadLibrary: where register_function adds (else nullptr).
  std::vector<FunctionInfo>* loading() const { return loading_; }
  bool LoadTimedOut() const;
  void SeedRandom(int32_t seed);

 private:
  void Open();
  void OpenFunctions();  // lua_functions.cc
  // Pushes the callback of a loaded function; false (nothing pushed) if none.
  bool PushFunction(const Script& script);

  std::string redis_version_;
  lua_State* L_ = nullptr;
  ScriptHost* host_ = nullptr;  // during Run
  int resp_ = 2;
  uint64_t runs_ = 0;
  uint64_t rand48_ = 0;
  // Reused by CallHost, so that no C++ object with a destructor lives in a
  // frame a Lua error may unwind (Debian's Lua longjmps).
  std::vector<std::string_view> call_args_;
  std::deque<std::string> call_numbers_;
  std::string call_reply_;
  std::string call_why_;
  std::vector<FunctionInfo>* loading_ = nullptr;
  // Loaded EVAL scripts: their Lua registry references.
  absl::flat_hash_map<const Script*, std::pair<std::shared_ptr<const Script>, int>> compiled_;
  std::chrono::steady_clock::time_point load_deadline_;
};

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_LUA_RUNTIME_H_
