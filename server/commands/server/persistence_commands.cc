// SAVE, BGSAVE, LASTSAVE, SHUTDOWN and BGREWRITEAOF, as Redis 7.0 answers
// them. Snapshots and the append-only file are core's
// (server/core/snapshots.h, append_only.h): forkless, each shard written by
// its own worker.
#include "absl/strings/match.h"
#include "server/command/command.h"
#include "server/command/command_table.h"
#include "server/command/text.h"
#include "server/commands/server/server_commands.h"
#include "server/core/server.h"
#include "server/core/snapshots.h"
#include "server/core/worker.h"

namespace server {
namespace {

using SaveRequest = Worker::SaveRequest;

void Save(Args, ClientContext& ctx) { ctx.worker.Save(ctx, SaveRequest::kForeground); }

void Bgsave(Args args, ClientContext& ctx) {
  if (args.size() > 2 || (args.size() == 2 && !absl::EqualsIgnoreCase(AV(args[1]), "schedule"))) {
    return ctx.out.Error(errors::kSyntax);
  }
  ctx.worker.Save(ctx, args.size() == 2 ? SaveRequest::kBackgroundScheduled
                                        : SaveRequest::kBackground);
}

void Bgrewriteaof(Args, ClientContext& ctx) {
  std::string reply = ctx.server.append_only().Rewrite(ctx.worker);
  if (reply[0] == '-') return ctx.out.Error(reply.substr(1));
  ctx.out.SimpleString(reply.substr(1));
}

void Lastsave(Args, ClientContext& ctx) { ctx.out.Integer(ctx.server.snapshots().last_save_s()); }

void Shutdown(Args args, ClientContext& ctx) {
  bool nosave = false, save = false, force = false, abort = false;
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view a = AV(args[i]);
    if (absl::EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (absl::EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (absl::EqualsIgnoreCase(a, "now")) {
      // No replicas to wait for: every shutdown is "now".
    } else if (absl::EqualsIgnoreCase(a, "force")) {
      force = true;
    } else if (absl::EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      return ctx.out.Error(errors::kSyntax);
    }
  }
  if ((nosave && save) || (abort && args.size() > 2)) return ctx.out.Error(errors::kSyntax);
  // Shutdowns never wait here (no replicas to catch up), so none is ever in
  // progress to abort.
  if (abort) return ctx.out.Error("ERR No shutdown in progress.");
  if (nosave || (!save && !ctx.server.snapshots().has_save_points())) {
    ctx.server.RequestShutdown();
    return;  // no reply: the connection closes with the server
  }
  ctx.worker.Save(ctx, force ? SaveRequest::kShutdownForce : SaveRequest::kShutdown);
}

}  // namespace

void RegisterPersistenceCommands(CommandTable& t) {
  t.Add(ClientCommand("save", 1, kAdmin | kNoScript | kNoMulti, Save,
                      {"@admin", "@slow", "@dangerous"}));
  t.Add(ClientCommand("bgsave", -1, kAdmin | kNoScript, Bgsave, {"@admin", "@slow", "@dangerous"}));
  t.Add(ClientCommand("bgrewriteaof", 1, kAdmin | kNoScript, Bgrewriteaof,
                      {"@admin", "@slow", "@dangerous"}));
  t.Add(ClientCommand("lastsave", 1, kLoading | kStale | kFast, Lastsave,
                      {"@admin", "@fast", "@dangerous"}));
  t.Add(ClientCommand("shutdown", -1,
                      kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy, Shutdown,
                      {"@admin", "@slow", "@dangerous"}));
}

}  // namespace server
