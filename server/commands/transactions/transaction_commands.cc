// MULTI / EXEC / DISCARD / WATCH / UNWATCH, as Redis 7.0 answers them.
#include "server/commands/transactions/transaction_commands.h"

#include <memory>

#include "server/core/worker.h"

namespace server {

namespace {

void Multi(Args, ClientContext& ctx) {
  // Nested MULTI is an error but does not abort the transaction.
  if (ctx.client.multi != nullptr) return ctx.out.Error("ERR MULTI calls can not be nested");
  ctx.client.multi = std::make_unique<MultiState>();
  ctx.out.Ok();
}

void Discard(Args, ClientContext& ctx) {
  if (ctx.client.multi == nullptr) return ctx.out.Error("ERR DISCARD without MULTI");
  ctx.client.multi.reset();
  ctx.worker.Unwatch(ctx.client);
  ctx.out.Ok();
}

void Exec(Args, ClientContext& ctx) {
  if (ctx.client.multi == nullptr) return ctx.out.Error("ERR EXEC without MULTI");
  ctx.worker.Exec(ctx);
}

void Watch(Args args, ClientContext& ctx) {
  if (ctx.client.multi != nullptr) return ctx.out.Error("ERR WATCH inside MULTI is not allowed");
  ctx.worker.Watch(ctx, args);
}

void Unwatch(Args, ClientContext& ctx) {
  ctx.worker.Unwatch(ctx.client);
  ctx.out.Ok();
}

}  // namespace

void RegisterTransactionCommands(CommandTable& t) {
  constexpr uint32_t kControl = kNoScript | kLoading | kStale | kNotQueued;
  t.Add(ClientCommand("multi", 1, kControl | kFast | kAllowBusy, Multi,
                      {"@fast", "@transaction"}));
  t.Add(ClientCommand("exec", 1, kControl | kSkipSlowlog, Exec, {"@slow", "@transaction"}));
  t.Add(ClientCommand("discard", 1, kControl | kFast | kAllowBusy, Discard,
                      {"@fast", "@transaction"}));
  CommandSpec watch = ClientCommand("watch", -2, kControl | kFast | kAllowBusy, Watch,
                                    {"@fast", "@transaction"});
  // COMMAND shows WATCH's keys; it still runs on the client's worker,
  // which sends each key to its shard.
  watch.first_key = 1;
  watch.last_key = -1;
  watch.key_step = 1;
  t.Add(std::move(watch));
  // UNWATCH is queued inside MULTI, as in Redis (where it then does nothing:
  // EXEC has already dropped the watches).
  t.Add(ClientCommand("unwatch", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy, Unwatch,
                      {"@fast", "@transaction"}));
}

}  // namespace server
