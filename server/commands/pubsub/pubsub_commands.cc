#include "server/commands/pubsub/pubsub_commands.h"

#include "absl/strings/str_cat.h"
#include "server/command/command.h"
#include "server/command/help_reply.h"
#include "server/command/text.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {

namespace {

using Space = pubsub::SubscriptionRegistry::Space;

template <Space space>
void SubscribeCmd(Args args, ClientContext& ctx) {
  ctx.worker.Subscribe(ctx, space, args.subspan(1));
}

template <Space space>
void UnsubscribeCmd(Args args, ClientContext& ctx) {
  ctx.worker.Unsubscribe(ctx, space, args.subspan(1));
}

template <Space space>
void PublishCmd(Args args, ClientContext& ctx) {
  ctx.out.Integer(static_cast<int64_t>(ctx.worker.Publish(space, args[1], args[2])));
}

void WriteNames(Space space, Args args, ClientContext& ctx) {
  std::vector<std::string> names =
      ctx.server.subscriptions().Names(space, args.size() == 3 ? args[2] : std::string_view());
  ctx.out.ArrayHeader(names.size());
  for (const std::string& name : names) ctx.out.Bulk(name);
}

void WriteCounts(Space space, Args args, ClientContext& ctx) {
  ctx.out.ArrayHeader((args.size() - 2) * 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.out.Bulk(args[i]);
    ctx.out.Integer(static_cast<int64_t>(ctx.server.subscriptions().Count(space, args[i])));
  }
}

void PubSubCmd(Args args, ClientContext& ctx) {
  std::string sub = Lower(args[1]);
  size_t argc = args.size();
  if (sub == "help" && argc == 2) {
    return WriteHelp(
        ctx.out, "PUBSUB",
        {"CHANNELS [<pattern>]",
         "    Return the currently active channels matching a <pattern> (default: '*').", "NUMPAT",
         "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
         "    Return the number of subscribers for the specified channels, excluding",
         "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
         "    Return the currently active shard level channels matching a <pattern> (default: "
         "'*').",
         "SHARDNUMSUB [<shardchannel> ...]",
         "    Return the number of subscribers for the specified shard level channel(s)"});
  }
  if (sub == "channels" && argc <= 3) return WriteNames(Space::kChannel, args, ctx);
  if (sub == "shardchannels" && argc <= 3) return WriteNames(Space::kShardChannel, args, ctx);
  if (sub == "numsub") return WriteCounts(Space::kChannel, args, ctx);
  if (sub == "shardnumsub") return WriteCounts(Space::kShardChannel, args, ctx);
  if (sub == "numpat" && argc == 2) {
    return ctx.out.Integer(static_cast<int64_t>(ctx.server.subscriptions().NumPatterns()));
  }
  ctx.out.Error(absl::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                             AV(args[1].substr(0, 128)), "'. Try PUBSUB HELP."));
}

}  // namespace

void RegisterPubSubCommands(CommandTable& t) {
  constexpr uint32_t kSubscribeFlags = kPubSub | kNoScript | kLoading | kStale;
  t.Add(ClientCommand("subscribe", -2, kSubscribeFlags, SubscribeCmd<Space::kChannel>,
                      {"@pubsub", "@slow"}));
  t.Add(ClientCommand("unsubscribe", -1, kSubscribeFlags, UnsubscribeCmd<Space::kChannel>,
                      {"@pubsub", "@slow"}));
  t.Add(ClientCommand("psubscribe", -2, kSubscribeFlags, SubscribeCmd<Space::kPattern>,
                      {"@pubsub", "@slow"}));
  t.Add(ClientCommand("punsubscribe", -1, kSubscribeFlags, UnsubscribeCmd<Space::kPattern>,
                      {"@pubsub", "@slow"}));
  t.Add(ClientCommand("ssubscribe", -2, kSubscribeFlags, SubscribeCmd<Space::kShardChannel>,
                      {"@pubsub", "@slow"}));
  t.Add(ClientCommand("sunsubscribe", -1, kSubscribeFlags, UnsubscribeCmd<Space::kShardChannel>,
                      {"@pubsub", "@slow"}));
  t.Add(ClientCommand("publish", 3, kPubSub | kLoading | kStale | kFast,
                      PublishCmd<Space::kChannel>, {"@pubsub", "@fast"}));
  t.Add(ClientCommand("spublish", 3, kPubSub | kLoading | kStale | kFast,
                      PublishCmd<Space::kShardChannel>, {"@pubsub", "@fast"}));
  CommandSpec pubsub = ClientCommand("pubsub", -2, 0, PubSubCmd, {"@slow"});
  for (auto [name, arity] :
       std::initializer_list<std::pair<const char*, int>>{{"channels", -2},
                                                          {"numsub", -2},
                                                          {"numpat", 2},
                                                          {"shardchannels", -2},
                                                          {"shardnumsub", -2},
                                                          {"help", 2}}) {
    pubsub.subcommands.push_back(Subcommand(absl::StrCat("pubsub|", name), arity,
                                            kPubSub | kLoading | kStale, {"@pubsub", "@slow"}));
  }
  t.Add(std::move(pubsub));
}

}  // namespace server
