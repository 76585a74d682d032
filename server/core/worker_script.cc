// EVAL and EVALSHA on a worker: which shards a script holds, where it runs,
// and running it again with every shard when it reaches beyond its KEYS
// (docs/decisions/006-scripts-with-undeclared-keys.md).
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/transaction.h"
#include "resp/numbers.h"
#include "server/command/text.h"
#include "server/core/script_run.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "server/scripting/function_registry.h"
#include "server/scripting/script_flags.h"
#include "server/scripting/sha1.h"

namespace server {
namespace {

// What redis.REDIS_VERSION answers (INFO says the same).
constexpr char kRedisVersion[] = "7.0.15";

// EVAL's and FCALL's key count: "" or the error (Redis's texts; FCALL says
// "Bad number of keys provided" where EVAL says the integer error).
std::string ParseNumKeys(Args args, std::string_view not_a_number, int64_t* numkeys) {
  if (!resp::ParseInt64(args[2], numkeys)) return std::string(not_a_number);
  if (*numkeys > static_cast<int64_t>(args.size()) - 3) {
    return "ERR Number of keys can't be greater than number of args";
  }
  if (*numkeys < 0) return "ERR Number of keys can't be negative";
  return "";
}

}  // namespace

std::shared_ptr<scripting::Script> Worker::FindScript(std::string_view sha) {
  if (sha.size() != 40) return nullptr;
  char lower[40];
  for (size_t i = 0; i < 40; ++i)
    lower[i] = absl::ascii_tolower(static_cast<unsigned char>(sha[i]));
  absl::string_view key(lower, 40);
  Lua();  // drops what this worker knew when the cache was flushed
  auto it = known_scripts_.find(key);
  if (it != known_scripts_.end()) return it->second;
  std::shared_ptr<scripting::Script> script = server_->scripts().Find(std::string_view(lower, 40));
  if (script != nullptr) known_scripts_.emplace(std::string(key), script);
  return script;
}

scripting::LuaRuntime& Worker::Lua() {
  // SCRIPT FLUSH and every FUNCTION change (on any worker) start this
  // worker's interpreter afresh: EVAL scripts compile again on their next
  // use, libraries load again now.
  uint64_t scripts = server_->scripts().generation();
  uint64_t functions = server_->functions().generation();
  if (lua_ == nullptr || lua_generation_ != scripts || lua_function_generation_ != functions) {
    lua_ = std::make_unique<scripting::LuaRuntime>(kRedisVersion);
    known_scripts_.clear();
    lua_generation_ = scripts;
    lua_function_generation_ = functions;
    std::vector<scripting::FunctionInfo> registered;
    for (const scripting::FunctionLibrary& lib : server_->functions().Libraries()) {
      scripting::LibraryMetadata md = scripting::ParseLibraryMetadata(lib.code);
      lua_->LoadLibrary(lib.code, md.shebang_length, &registered);
    }
  }
  return *lua_;
}

void Worker::Eval(ClientContext& ctx, Args args, bool by_sha, bool read_only) {
  // Redis answers a SHA of the wrong length before it reads numkeys.
  if (by_sha && args[1].size() != 40) {
    return ctx.out.Error("NOSCRIPT No matching script. Please use EVAL.");
  }
  int64_t numkeys = 0;
  if (std::string e = ParseNumKeys(args, errors::kNotInteger, &numkeys); !e.empty()) {
    return ctx.out.Error(e);
  }

  std::shared_ptr<scripting::Script> script;
  bool parsed = false;
  if (by_sha) {
    script = FindScript(args[1]);
    if (script == nullptr) return ctx.out.Error("NOSCRIPT No matching script. Please use EVAL.");
  } else {
    script = FindScript(scripting::Sha1Hex(args[1]));
    if (script == nullptr) {
      std::string error;
      script = scripting::ScriptCache::Parse(args[1], &error);
      if (script == nullptr) return ctx.out.Error(absl::StrCat("ERR ", error));
      parsed = true;
    }
  }
  // Compiled in this worker's interpreter (a script loaded on another
  // worker, or before a flush, is compiled here on first use). Taken only
  // now: FindScript may have started a new interpreter.
  scripting::LuaRuntime& lua = Lua();
  std::string error = lua.Load(script);
  if (!error.empty()) return ctx.out.Error(error);
  // Only a script that compiled joins the cache (as in Redis).
  if (parsed) script = server_->scripts().Insert(std::move(script));
  StartScript(ctx, std::move(script), args, numkeys, read_only);
}

void Worker::Fcall(ClientContext& ctx, Args args, bool read_only) {
  std::shared_ptr<scripting::Script> function = server_->functions().FindFunction(args[1]);
  if (function == nullptr) return ctx.out.Error("ERR Function not found");
  int64_t numkeys = 0;
  if (std::string e = ParseNumKeys(args, "ERR Bad number of keys provided", &numkeys); !e.empty()) {
    return ctx.out.Error(e);
  }
  Lua();  // has every library loaded
  StartScript(ctx, std::move(function), args, numkeys, read_only);
}

void Worker::StartScript(ClientContext& ctx, std::shared_ptr<scripting::Script> script, Args args,
                         int64_t numkeys, bool read_only) {
  Client& c = ctx.client;
  // As Redis before every command: evict first when over maxmemory (the
  // script's own checks below then see what is left).
  AdmitMemory(/*evict_here=*/true);
  uint32_t flags = script->flags;
  if (!(flags & scripting::kEvalCompat)) {
    if (read_only && !(flags & scripting::kNoWrites)) {
      return ctx.out.Error("ERR Can not execute a script with write flag using *_ro command.");
    }
    const Config& cfg = server_->config();
    if (cfg.maxmemory > 0 && server_->memory().Current() > cfg.maxmemory &&
        !(flags & (scripting::kAllowOom | scripting::kNoWrites))) {
      return ctx.out.Error(
          "OOM allow-oom flag is not set on the script, can not run it when used memory > "
          "'maxmemory'");
    }
  }
  auto run = std::make_shared<ScriptRun>(*server_, *this, c, script, args, numkeys, read_only);
  if (ctx.late != nullptr) {
    // Inside EXEC: its transaction holds every shard (ExecPlan gives a
    // script step all of them), so the script runs right here.
    run->Hold(/*every=*/true);
    RunScriptHere(*run);
    ctx.out.out()->append(run->reply());
    return;
  }
  bool every =
      script->reaches_undeclared.load(std::memory_order_relaxed) || server_->shards().size() == 1;
  const std::vector<engine::ShardId>& shards = run->Hold(every);
  bool local = shards.empty() || (shards.size() == 1 && shards[0] == id_);
  // Nothing held (no keys): it may run at once; the first key it touches
  // sends it to the every-shard path below.
  if (local && (shards.empty() || shard_.CanRunInline())) {
    if (!shards.empty()) shard_.HoldLocally();
    RunScriptHere(*run);
    if (!shards.empty()) shard_.ReleaseLocalHold();
    if (!run->needs_every_shard()) {
      ctx.out.out()->append(run->reply());
      ServeBlocked();
      return;
    }
    script->reaches_undeclared.store(true, std::memory_order_relaxed);
    every = true;
  }
  // Hops collected before the script must reach their shards first.
  SendBatches(c);
  PendingReply* slot = NewPending(c);
  ++c.in_flight;
  c.waiting_for_transaction = true;
  RunScriptTransaction(&c, std::move(run), slot, every);
}

void Worker::RunScriptTransaction(Client* c, std::shared_ptr<ScriptRun> run, PendingReply* slot,
                                  bool every) {
  WorkerStats::Bump(stats_.transactions);
  auto* tx = new engine::Transaction(&shard_, run->Hold(every));
  tx->AddOriginStep([this, run] { RunScriptHere(*run); });
  tx->Start([this, c, run, slot] {
    if (run->needs_every_shard()) {
      // It reached a key outside its KEYS' shards: undone (ScriptRun), and
      // from now on this script takes every shard from the start.
      run->script_ptr()->reaches_undeclared.store(true, std::memory_order_relaxed);
      return RunScriptTransaction(c, run, slot, /*every=*/true);
    }
    slot->data.append(run->reply());
    slot->ready = true;
    c->waiting_for_transaction = false;
    Complete(c);
  });
}

void Worker::RunScriptHere(ScriptRun& run) {
  scripting::LuaRuntime& lua = Lua();
  // A SCRIPT FLUSH between EVAL and now reset the interpreter.
  if (!run.script().is_function && !lua.Loaded(run.script())) lua.Load(run.script_ptr());
  {
    std::lock_guard<std::mutex> lock(script_mu_);
    running_script_ = &run;
  }
  run.Execute(lua, loop_.now_ms());
  run.FlushLog(ClientLog());
  {
    std::lock_guard<std::mutex> lock(script_mu_);
    running_script_ = nullptr;
  }
}

bool Worker::DescribeRunningFunction(resp::ReplyWriter& out) {
  std::lock_guard<std::mutex> lock(script_mu_);
  return running_script_ != nullptr && running_script_->DescribeRunning(out);
}

void Worker::PollWhileScriptBusy() {
  // Not the mailbox: the script is inside one of its tasks, and what it
  // holds must not change under it. Only connections are read. Replies
  // waiting from before the script go out with it: under appendfsync
  // always, what they acknowledge is made durable first.
  server_->append_only().AfterIteration(&aof_seen_);
  loop_.PollOnce();
}

int Worker::KillScript(bool function, std::string* why) {
  std::lock_guard<std::mutex> lock(script_mu_);
  return running_script_ == nullptr ? 0 : running_script_->Kill(function, why);
}

}  // namespace server
