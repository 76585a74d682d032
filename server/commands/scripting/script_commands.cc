// EVAL / EVALSHA / SCRIPT, as Redis 7.0 answers them. Running a script
// (which shards it holds, where) is the worker's (worker_script.cc).
#include "server/commands/scripting/script_commands.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/command/help_reply.h"
#include "server/command/text.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "server/scripting/script_cache.h"

namespace server {
namespace {

void Eval(Args args, ClientContext& ctx) { ctx.worker.Eval(ctx, args, false, false); }
void EvalSha(Args args, ClientContext& ctx) { ctx.worker.Eval(ctx, args, true, false); }
void EvalRo(Args args, ClientContext& ctx) { ctx.worker.Eval(ctx, args, false, true); }
void EvalShaRo(Args args, ClientContext& ctx) { ctx.worker.Eval(ctx, args, true, true); }

void ScriptLoad(Args args, ClientContext& ctx) {
  std::string error;
  auto script = scripting::ScriptCache::Parse(args[2], &error);
  if (script == nullptr) return ctx.out.Error(absl::StrCat("ERR ", error));
  // Compiled once here, so that a script with a syntax error is refused.
  error = ctx.worker.Lua().Load(script);
  if (!error.empty()) return ctx.out.Error(error);
  script = ctx.server.scripts().Insert(std::move(script));
  ctx.out.Bulk(script->sha);
}

void ScriptExists(Args args, ClientContext& ctx) {
  ctx.out.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.out.Integer(ctx.server.scripts().Find(args[i]) != nullptr ? 1 : 0);
  }
}

void ScriptFlush(Args args, ClientContext& ctx) {
  if (args.size() > 3) return ctx.out.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  if (args.size() == 3) {
    std::string mode = absl::AsciiStrToLower(AV(args[2]));
    if (mode != "sync" && mode != "async") {
      return ctx.out.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
  }
  ctx.server.scripts().Flush();
  ctx.out.Ok();
}

void ScriptKill(Args, ClientContext& ctx) { KillRunningScript(ctx, /*function=*/false); }

void ScriptHelp(ClientContext& ctx) {
  WriteHelp(ctx.out, "SCRIPT",
            {"DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
             "EXISTS <sha1> [<sha1> ...]",
             "    Return information about the existence of the scripts in the script cache.",
             "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
             "    When called without the optional mode argument, the behavior is determined by "
             "the",
             "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
             "    * ASYNC: Asynchronously flush the scripts cache.",
             "    * SYNC: Synchronously flush the scripts cache.", "KILL",
             "    Kill the currently executing Lua script.", "LOAD <script>",
             "    Load a script into the scripts cache without executing it."});
}

void Script(Args args, ClientContext& ctx) {
  std::string sub = absl::AsciiStrToLower(AV(args[1]));
  if (sub == "load") return ScriptLoad(args, ctx);
  if (sub == "exists") return ScriptExists(args, ctx);
  if (sub == "flush") return ScriptFlush(args, ctx);
  if (sub == "kill") return ScriptKill(args, ctx);
  if (sub == "help") return ScriptHelp(ctx);
  ctx.out.Error(errors::UnknownSubcommand("SCRIPT", args[1]));
}

}  // namespace

void KillRunningScript(ClientContext& ctx, bool function) {
  // Several workers may run a busy script: the first that may be killed
  // is; else the first refusal answers.
  std::string refusal;
  for (size_t i = 0; i < ctx.server.num_workers(); ++i) {
    std::string why;
    int status = ctx.server.worker(i).KillScript(function, &why);
    if (status == 1) return ctx.out.Ok();
    if (status == -1 && refusal.empty()) refusal = why;
  }
  if (!refusal.empty()) return ctx.out.Error(refusal);
  ctx.out.Error("NOTBUSY No scripts in execution right now.");
}

void RegisterScriptCommands(CommandTable& t) {
  // kAllShards: inside MULTI, EXEC holds every shard while a script runs
  // (it may reach any key).
  constexpr uint32_t kEvalFlags = kNoScript | kStale | kAllShards;
  auto eval_command = [](const char* name, uint32_t flags, ClientHandler handler) {
    CommandSpec spec = ClientCommand(name, -3, flags, handler, {"@slow", "@scripting"});
    spec.find_keys = KeysAfterCount<2, false>;
    return spec;
  };
  t.Add(eval_command("eval", kEvalFlags, Eval));
  t.Add(eval_command("evalsha", kEvalFlags, EvalSha));
  t.Add(eval_command("eval_ro", kEvalFlags | kReadOnly, EvalRo));
  t.Add(eval_command("evalsha_ro", kEvalFlags | kReadOnly, EvalShaRo));
  CommandSpec script = ClientCommand("script", -2, kNoScript, Script, {"@slow", "@scripting"});
  script.subcommands = {
      Subcommand("script|exists", -3, kNoScript, {"@slow", "@scripting"}),
      Subcommand("script|flush", -2, kNoScript, {"@slow", "@scripting"}),
      Subcommand("script|help", 2, kLoading | kStale, {"@slow", "@scripting"}),
      Subcommand("script|kill", 2, kNoScript | kAllowBusy, {"@slow", "@scripting"}),
      Subcommand("script|load", 3, kNoScript | kStale, {"@slow", "@scripting"}),
  };
  t.Add(std::move(script));
  RegisterFunctionCommands(t);
}

}  // namespace server
