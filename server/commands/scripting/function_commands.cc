// FUNCTION (LOAD, DELETE, FLUSH, LIST, STATS, KILL, HELP) and FCALL /
// FCALL_RO, as Redis 7.0 answers them. Libraries live in the server's
// FunctionRegistry; each worker's interpreter loads them (worker_script.cc).
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/command/glob.h"
#include "server/command/help_reply.h"
#include "server/command/text.h"
#include "server/commands/scripting/script_commands.h"
#include "server/core/script_run.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "engine/rdb/rdb_string.h"
#include "server/scripting/library_builder.h"
#include "server/scripting/function_registry.h"
#include "server/scripting/lua_runtime.h"
#include "server/scripting/script_flags.h"

namespace server {
namespace {

void Fcall(Args args, ClientContext& ctx) { ctx.worker.Fcall(ctx, args, false); }
void FcallRo(Args args, ClientContext& ctx) { ctx.worker.Fcall(ctx, args, true); }

void FunctionLoad(Args args, ClientContext& ctx) {
  bool replace = false;
  size_t pos = 2;
  for (; pos + 1 < args.size(); ++pos) {
    if (!absl::EqualsIgnoreCase(AV(args[pos]), "replace")) {
      return ctx.out.Error(absl::StrCat("ERR Unknown option given: ", AV(args[pos])));
    }
    replace = true;
  }
  if (pos >= args.size()) return ctx.out.Error("ERR Function code is missing");
  std::string_view code = args[pos];
  scripting::LibraryMetadata md = scripting::ParseLibraryMetadata(code);
  scripting::FunctionRegistry& registry = ctx.server.functions();
  std::string error = scripting::CheckLibraryMetadata(md);
  if (!error.empty()) return ctx.out.Error(error);
  // Redis refuses an existing library before it runs the new code.
  if (!replace) {
    for (const scripting::FunctionLibrary& lib : registry.Libraries()) {
      if (lib.name == md.name) {
        return ctx.out.Error(absl::StrCat("ERR Library '", md.name, "' already exists"));
      }
    }
  }
  // The code runs once in a scratch interpreter: what it registers (or why
  // it fails) decides; every worker loads it again from the registry.
  scripting::FunctionLibrary library;
  error = scripting::BuildLibrary(code, &library);
  if (error.empty()) error = registry.Add(std::move(library), replace);
  if (!error.empty()) return ctx.out.Error(error);
  ctx.out.Bulk(md.name);
}

void FunctionDump(ClientContext& ctx) {
  std::vector<std::string> codes;
  for (const scripting::FunctionLibrary& lib : ctx.server.functions().Libraries()) {
    codes.push_back(lib.code);
  }
  ctx.out.Bulk(rdb::FunctionsPayload(codes));
}

void FunctionRestore(Args args, ClientContext& ctx) {
  if (args.size() > 4) {
    return ctx.out.Error(absl::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                                      AV(args[1]), "'. Try FUNCTION HELP."));
  }
  using Policy = scripting::FunctionRegistry::RestorePolicy;
  Policy policy = Policy::kAppend;
  if (args.size() == 4 && !scripting::ParseRestorePolicy(args[3], &policy)) {
    return ctx.out.Error(
        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  std::vector<std::string> codes;
  std::string error = rdb::ReadFunctionsPayload(args[2], &codes);
  std::vector<scripting::FunctionLibrary> libraries;
  if (error.empty()) error = scripting::BuildLibraries(codes, &libraries);
  if (error.empty()) error = ctx.server.functions().Restore(std::move(libraries), policy);
  if (!error.empty()) return ctx.out.Error(error);
  ctx.out.Ok();
}

void FunctionDelete(Args args, ClientContext& ctx) {
  if (args.size() != 3) return ctx.out.Error(errors::WrongArity("function|delete"));
  std::string error = ctx.server.functions().Delete(args[2]);
  if (!error.empty()) return ctx.out.Error(error);
  ctx.out.Ok();
}

void FunctionFlush(Args args, ClientContext& ctx) {
  if (args.size() > 3) {
    return ctx.out.Error(absl::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                                      AV(args[1]), "'. Try FUNCTION HELP."));
  }
  if ((args.size() == 3 && !absl::EqualsIgnoreCase(AV(args[2]), "sync") &&
       !absl::EqualsIgnoreCase(AV(args[2]), "async"))) {
    return ctx.out.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  ctx.server.functions().Flush();
  ctx.out.Ok();
}

void WriteFunctionFlags(resp::ReplyWriter& out, uint32_t flags) {
  size_t n = 0;
  for (const scripting::ScriptFlagName& f : scripting::ScriptFlagNames())
    n += (flags & f.flag) != 0;
  out.SetHeader(n);
  for (const scripting::ScriptFlagName& f : scripting::ScriptFlagNames()) {
    if (flags & f.flag) out.SimpleString(f.name);
  }
}

void FunctionList(Args args, ClientContext& ctx) {
  bool with_code = false;
  bool filtered = false;
  std::string_view pattern;
  for (size_t i = 2; i < args.size(); ++i) {
    if (!with_code && absl::EqualsIgnoreCase(AV(args[i]), "withcode")) {
      with_code = true;
      continue;
    }
    if (!filtered && absl::EqualsIgnoreCase(AV(args[i]), "libraryname")) {
      if (i + 1 >= args.size()) return ctx.out.Error("ERR library name argument was not given");
      filtered = true;
      pattern = args[++i];
      continue;
    }
    return ctx.out.Error(absl::StrCat("ERR Unknown argument ", AV(args[i])));
  }
  std::vector<scripting::FunctionLibrary> libraries = ctx.server.functions().Libraries();
  std::vector<const scripting::FunctionLibrary*> shown;
  for (const auto& lib : libraries) {
    if (!filtered || GlobMatch(pattern, lib.name, /*nocase=*/true)) shown.push_back(&lib);
  }
  resp::ReplyWriter& out = ctx.out;
  out.ArrayHeader(shown.size());
  for (const scripting::FunctionLibrary* lib : shown) {
    out.MapHeader(with_code ? 4 : 3);
    out.Bulk("library_name");
    out.Bulk(lib->name);
    out.Bulk("engine");
    out.Bulk("LUA");
    out.Bulk("functions");
    out.ArrayHeader(lib->functions.size());
    for (const scripting::FunctionInfo& f : lib->functions) {
      out.MapHeader(3);
      out.Bulk("name");
      out.Bulk(f.name);
      out.Bulk("description");
      if (f.has_description) {
        out.Bulk(f.description);
      } else {
        out.Null();
      }
      out.Bulk("flags");
      WriteFunctionFlags(out, f.flags);
    }
    if (with_code) {
      out.Bulk("library_code");
      out.Bulk(lib->code);
    }
  }
}

void FunctionStats(ClientContext& ctx) {
  resp::ReplyWriter& out = ctx.out;
  if (ctx.server.busy_scripts.load() > ctx.server.busy_functions.load()) {
    return out.Error(kBusyEvalError);  // an EVAL is busy
  }
  out.MapHeader(2);
  out.Bulk("running_script");
  bool running = false;
  for (size_t i = 0; i < ctx.server.num_workers() && !running; ++i) {
    running = ctx.server.worker(i).DescribeRunningFunction(out);
  }
  if (!running) out.Null();
  out.Bulk("engines");
  out.MapHeader(1);
  out.Bulk("LUA");
  out.MapHeader(2);
  out.Bulk("libraries_count");
  out.Integer(static_cast<int64_t>(ctx.server.functions().Libraries().size()));
  out.Bulk("functions_count");
  out.Integer(static_cast<int64_t>(ctx.server.functions().function_count()));
}

void FunctionKill(ClientContext& ctx) { KillRunningScript(ctx, /*function=*/true); }

void FunctionHelp(ClientContext& ctx) {
  WriteHelp(ctx.out, "FUNCTION",
            {"LOAD [REPLACE] <FUNCTION CODE>",
             "    Create a new library with the given library name and code.",
             "DELETE <LIBRARY NAME>",
             "    Delete the given library.",
             "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
             "    Return general information on all the libraries:",
             "    * Library name",
             "    * The engine used to run the Library",
             "    * Library description",
             "    * Functions list",
             "    * Library code (if WITHCODE is given)",
             "    It also possible to get only function that matches a pattern using "
             "LIBRARYNAME argument.",
             "STATS",
             "    Return information about the current function running:",
             "    * Function name",
             "    * Command used to run the function",
             "    * Duration in MS that the function is running",
             "    If no function is running, return nil",
             "    In addition, returns a list of "
             "available engines.",
             "KILL",
             "    Kill the current running function.",
             "FLUSH [ASYNC|SYNC]",
             "    Delete all the libraries.",
             "    When called without the optional mode argument, the behavior is determined by "
             "the",
             "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
             "    * ASYNC: Asynchronously flush the libraries.",
             "    * SYNC: Synchronously flush the libraries.",
             "DUMP",
             "    Return a serialized payload representing the current libraries, can be "
             "restored using FUNCTION RESTORE command",
             "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
             "    Restore the libraries represented by the given payload, it is possible to give "
             "a restore policy to",
             "    control how to handle existing libraries (default APPEND):",
             "    * FLUSH: delete all existing libraries.",
             "    * APPEND: appends the restored libraries to the existing libraries. On "
             "collision, abort.",
             "    * REPLACE: appends the restored libraries to the existing libraries, On "
             "collision, replace the old",
             "      libraries with the new libraries (notice that even on this option there is "
             "a chance of failure",
             "      in case of functions name collision with another library)."});
}

void Function(Args args, ClientContext& ctx) {
  std::string sub = absl::AsciiStrToLower(AV(args[1]));
  if (sub == "load") return FunctionLoad(args, ctx);
  if (sub == "delete") return FunctionDelete(args, ctx);
  if (sub == "flush") return FunctionFlush(args, ctx);
  if (sub == "list") return FunctionList(args, ctx);
  if (sub == "stats") return FunctionStats(ctx);
  if (sub == "dump") return FunctionDump(ctx);
  if (sub == "restore") return FunctionRestore(args, ctx);
  if (sub == "kill") return FunctionKill(ctx);
  if (sub == "help") return FunctionHelp(ctx);
  ctx.out.Error(errors::UnknownSubcommand("FUNCTION", args[1]));
}

}  // namespace

void RegisterFunctionCommands(CommandTable& t) {
  constexpr uint32_t kFcallFlags = kNoScript | kStale | kAllShards;
  auto fcall = [](const char* name, uint32_t flags, ClientHandler handler) {
    CommandSpec spec = ClientCommand(name, -3, flags, handler, {"@slow", "@scripting"});
    spec.find_keys = KeysAfterCount<2, false>;
    return spec;
  };
  t.Add(fcall("fcall", kFcallFlags, Fcall));
  t.Add(fcall("fcall_ro", kFcallFlags | kReadOnly, FcallRo));
  CommandSpec function =
      ClientCommand("function", -2, kNoScript, Function, {"@slow", "@scripting"});
  const std::vector<std::string> acl = {"@slow", "@scripting"};
  function.subcommands = {
      Subcommand("function|delete", 3, kNoScript | kWrite, acl),
      Subcommand("function|dump", 2, kNoScript, acl),
      Subcommand("function|restore", -3, kNoScript | kWrite | kDenyOom, acl),
      Subcommand("function|flush", -2, kNoScript | kWrite, acl),
      Subcommand("function|help", 2, kLoading | kStale, acl),
      Subcommand("function|kill", 2, kNoScript | kAllowBusy, acl),
      Subcommand("function|list", -2, kNoScript, acl),
      Subcommand("function|load", -3, kNoScript | kWrite | kDenyOom, acl),
      Subcommand("function|stats", 2, kNoScript | kAllowBusy, acl),
  };
  t.Add(std::move(function));
}

}  // namespace server
