// Server commands: INFO, TIME, CONFIG GET, COMMAND.
#include "server/commands/server/server_commands.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/command/command_table.h"
#include "server/command/glob.h"
#include "server/command/handler_guard.h"
#include "server/command/help_reply.h"
#include "server/command/text.h"
#include "server/core/config_registry.h"
#include "server/core/memory_stats.h"
#include "server/core/server.h"
#include "server/core/snapshots.h"
#include "server/core/worker.h"

namespace server {

namespace {

std::string HumanBytes(size_t n) {
  const char* units[] = {"B", "K", "M", "G", "T"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(n, "B") : absl::StrFormat("%.2f%s", v, units[u]);
}

// A CONFIG parameter's current value, for INFO.
std::string ConfigValue(Server& server, std::string_view name) {
  std::string_view pattern[1] = {name};
  auto found = server.config_registry().Get(Args(pattern, 1));
  return found.empty() ? "" : found[0].second;
}

std::string InfoText(Server& server, std::string_view section, int64_t now_ms) {
  std::string s = Lower(section);
  bool all = s.empty() || s == "all" || s == "default" || s == "everything";
  std::string out;
  auto want = [&](std::string_view name) { return all || s == name; };
  if (want("server")) {
    absl::StrAppend(&out, "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n",
                    "os:Linux\r\narch_bits:64\r\nmultiplexing_api:epoll\r\n",
                    "process_id:", getpid(), "\r\nrun_id:", server.run_id(),
                    "\r\ntcp_port:", server.port(),
                    "\r\nuptime_in_seconds:", (now_ms - server.start_ms()) / 1000,
                    "\r\nuptime_in_days:", (now_ms - server.start_ms()) / 86400000,
                    "\r\nhz:", server.config().hz.get(),
                    "\r\nio_threads_active:0\r\nserver_threads:", server.num_workers(), "\r\n\r\n");
  }
  if (want("clients")) {
    absl::StrAppend(&out, "# Clients\r\nconnected_clients:", server.connected_clients.load(),
                    "\r\nmaxclients:", server.config().maxclients.get(),
                    "\r\nblocked_clients:", server.blocked_clients.load(),
                    "\r\ntracking_clients:", server.tracking().clients(), "\r\n\r\n");
  }
  if (want("memory")) {
    MemoryFigures m = ReadMemory();
    absl::StrAppend(
        &out, "# Memory\r\nused_memory:", m.allocated,
        "\r\nused_memory_human:", HumanBytes(m.allocated), "\r\nused_memory_rss:", m.resident,
        "\r\nused_memory_rss_human:", HumanBytes(m.resident),
        "\r\nmaxmemory:", ConfigValue(server, "maxmemory"),
        "\r\nused_memory_scripts_eval:", server.scripts().body_bytes(),
        "\r\nnumber_of_cached_scripts:", server.scripts().size(),
        "\r\nnumber_of_functions:", server.functions().function_count(),
        "\r\nnumber_of_libraries:", server.functions().Libraries().size(),
        "\r\nmaxmemory_policy:", ConfigValue(server, "maxmemory-policy"), "\r\nmem_allocator:",
#ifdef SHARDIS_HAVE_JEMALLOC
        "jemalloc-5.3.0",
#else
        "libc",
#endif
        "\r\n\r\n");
  }
  if (want("persistence")) absl::StrAppend(&out, server.snapshots().InfoSection(now_ms));
  if (want("stats")) {
    uint64_t commands = 0, fast = 0, hops = 0, txs = 0;
    for (size_t i = 0; i < server.num_workers(); ++i) {
      const WorkerStats& st = server.worker(i).stats();
      commands += st.commands.load(std::memory_order_relaxed);
      fast += st.fast_path_reads.load(std::memory_order_relaxed);
      hops += st.hops.load(std::memory_order_relaxed);
      txs += st.transactions.load(std::memory_order_relaxed);
    }
    uint64_t expired = 0, evicted = 0, hits = 0, misses = 0;
    for (size_t i = 0; i < server.num_workers(); ++i) {
      hits += server.worker(i).stats().keyspace_hits.load(std::memory_order_relaxed);
      misses += server.worker(i).stats().keyspace_misses.load(std::memory_order_relaxed);
    }
    for (size_t i = 0; i < server.shards().size(); ++i) {
      engine::Shard& sh = server.shards().shard(i);
      expired += sh.expired_keys.load();  // active expiry
      for (int db = 0; db < sh.num_dbs(); ++db) expired += sh.db(db).lazily_expired();
      evicted += sh.evicted_keys.load();
      hits += sh.keyspace_hits.load();
      misses += sh.keyspace_misses.load();
    }
    absl::StrAppend(
        &out, "# Stats\r\ntotal_connections_received:", server.total_connections.load(),
        "\r\ntotal_commands_processed:", commands,
        "\r\nrejected_connections:", server.rejected_connections.load(),
        "\r\nexpired_keys:", expired, "\r\nevicted_keys:", evicted, "\r\nkeyspace_hits:", hits,
        "\r\nkeyspace_misses:", misses, "\r\npubsub_channels:",
        server.subscriptions().Size(pubsub::SubscriptionRegistry::Space::kChannel),
        "\r\npubsub_patterns:", server.subscriptions().NumPatterns(),
        "\r\npubsubshard_channels:",
        server.subscriptions().Size(pubsub::SubscriptionRegistry::Space::kShardChannel),
        "\r\nmigrate_cached_sockets:0",  // no MIGRATE here: no cached connections
        "\r\ntracking_total_keys:", server.tracking().keys(),
        "\r\ntracking_total_items:", server.tracking().items(),
        "\r\ntracking_total_prefixes:", server.tracking().prefixes(),
        "\r\nread_fast_path_hits:", fast, "\r\nshard_hops:", hops,
        "\r\nmulti_shard_transactions:", txs,
        "\r\nclient_output_buffer_limit_disconnections:", server.output_limit_disconnections.load(),
        "\r\ncommand_exceptions:", HandlerExceptions(), "\r\n\r\n");
  }
  if (want("keyspace")) {
    absl::StrAppend(&out, "# Keyspace\r\n");
    for (int db = 0; db < server.config().databases; ++db) {
      uint64_t keys = 0, expires = 0;
      // Each shard's estimate, weighted by how many keys with a TTL it has.
      double ttl_weighted = 0;
      for (size_t i = 0; i < server.shards().size(); ++i) {
        engine::Shard& sh = server.shards().shard(i);
        uint64_t shard_expires = sh.published_expires[db].load();
        keys += sh.published_sizes[db].load();
        expires += shard_expires;
        ttl_weighted += static_cast<double>(sh.db(db).avg_ttl_ms()) * shard_expires;
      }
      if (keys > 0) {
        int64_t avg_ttl = expires > 0 ? static_cast<int64_t>(ttl_weighted / expires) : 0;
        absl::StrAppend(&out, "db", db, ":keys=", keys, ",expires=", expires,
                        ",avg_ttl=", avg_ttl, "\r\n");
      }
    }
    absl::StrAppend(&out, "\r\n");
  }
  if (out.size() >= 2) out.resize(out.size() - 2);  // no blank line after the last section
  return out;
}

void Info(Args args, ClientContext& ctx) {
  // Key counts are published by each shard on its timer; publish ours now so
  // a write followed by INFO on one connection is reflected at once.
  ctx.worker.shard().PublishSizes();
  ctx.out.Verbatim("txt", InfoText(ctx.server, args.size() > 1 ? args[1] : "", ctx.now_ms));
}

void Time(Args args, ClientContext& ctx) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  ctx.out.ArrayHeader(2);
  ctx.out.Bulk(absl::StrCat(us / 1000000));
  ctx.out.Bulk(absl::StrCat(us % 1000000));
}

// CONFIG GET pattern [pattern ...] | SET name value [name value ...] |
// RESETSTAT | HELP.
void ConfigCmd(Args args, ClientContext& ctx) {
  std::string sub = Lower(args[1]);
  ConfigRegistry& registry = ctx.server.config_registry();
  if (sub == "get") {
    if (args.size() < 3) return ctx.out.Error(errors::WrongArity("config|get"));
    std::vector<std::pair<std::string, std::string>> found = registry.Get(args.subspan(2));
    ctx.out.MapHeader(found.size());
    for (const auto& [name, value] : found) {
      ctx.out.Bulk(name);
      ctx.out.Bulk(value);
    }
    return;
  }
  if (sub == "set") {
    if (args.size() < 4 || args.size() % 2 != 0) {
      return ctx.out.Error(errors::WrongArity("config|set"));
    }
    std::string error = registry.Set(args.subspan(2));
    return error.empty() ? ctx.out.Ok() : ctx.out.Error(error);
  }
  if (sub == "resetstat") {
    if (args.size() != 2) return ctx.out.Error(errors::WrongArity("config|resetstat"));
    // Each worker zeroes its own counters on its own thread (they are
    // written there without locked adds), then the reply goes out.
    Server* server = &ctx.server;
    ctx.worker.GatherFromWorkers(
      ctx,
        [](Worker& w) {
          w.ResetStats();
          return std::string();
        },
        [server](std::vector<std::string>&, resp::ReplyWriter& out) {
          server->total_connections.store(0);
          server->rejected_connections.store(0);
          server->output_limit_disconnections.store(0);
          out.Ok();
        });
    return;
  }
  if (sub == "help" && args.size() == 2) {
    WriteHelp(ctx.out, "CONFIG", {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
    });
    return;
  }
  ctx.out.Error(errors::UnknownSubcommand("CONFIG", args[1]));
}

void WriteFlags(resp::ReplyWriter& out, uint32_t flags) {
  // Redis's order (addReplyCommandFlags).
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kWrite, "write"},       {kReadOnly, "readonly"}, {kDenyOom, "denyoom"},
      {kAdmin, "admin"},       {kPubSub, "pubsub"},     {kNoScript, "noscript"},
      {kBlocking, "blocking"}, {kLoading, "loading"},   {kStale, "stale"},
      {kSkipSlowlog, "skip_slowlog"},                   {kFast, "fast"},
      {kNoAuth, "no_auth"},    {kNoMulti, "no_multi"},  {kAllowBusy, "allow_busy"},
  };
  std::vector<const char*> names;
  for (const auto& [flag, name] : kNames) {
    if (flags & flag) names.push_back(name);
  }
  out.SetHeader(names.size());
  for (const char* n : names) out.SimpleString(n);
}

void WriteCommandInfo(resp::ReplyWriter& out, const CommandSpec& spec) {
  out.ArrayHeader(10);
  out.Bulk(spec.name);
  out.Integer(spec.arity);
  WriteFlags(out, spec.flags);
  out.Integer(spec.first_key);
  out.Integer(spec.last_key);
  out.Integer(spec.key_step);
  out.SetHeader(spec.acl_categories.size());
  for (const auto& c : spec.acl_categories) out.SimpleString(c);
  out.SetHeader(0);    // tips
  out.ArrayHeader(0);  // key specs
  out.ArrayHeader(spec.subcommands.size());
  for (const CommandSpec& sub : spec.subcommands) WriteCommandInfo(out, sub);
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]:
// every name, subcommands ("config|get") included.
void CommandList(Args args, ClientContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  for (size_t i = 2; i < args.size(); ++i) {
    size_t more = args.size() - 1 - i;
    if (!EqualsIgnoreCase(args[i], "filterby") || more != 2) return ctx.out.Error(errors::kSyntax);
    if (EqualsIgnoreCase(args[i + 1], "module")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(args[i + 1], "aclcat")) {
      filter = Filter::kAclCat;
    } else if (EqualsIgnoreCase(args[i + 1], "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.out.Error(errors::kSyntax);
    }
    arg = args[i + 2];
    i += 2;
  }
  std::vector<std::string_view> names;
  auto keep = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:  // no modules here
        return false;
      case Filter::kAclCat:
        for (const std::string& cat : spec.acl_categories) {
          if (EqualsIgnoreCase(std::string_view(cat).substr(1), arg)) return true;
        }
        return false;
      case Filter::kPattern:
        return GlobMatch(arg, spec.name, /*nocase=*/true);
    }
    return false;
  };
  for (const auto& spec : ctx.server.commands().all()) {
    if (keep(*spec)) names.push_back(spec->name);
    for (const CommandSpec& sub : spec->subcommands) {
      if (keep(sub)) names.push_back(sub.name);
    }
  }
  ctx.out.ArrayHeader(names.size());
  for (std::string_view name : names) ctx.out.Bulk(name);
}

void CommandHelp(resp::ReplyWriter& out) {
  WriteHelp(out, "COMMAND", {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
  });
}

void Command(Args args, ClientContext& ctx) {
  const auto& all = ctx.server.commands().all();
  if (args.size() == 1) {
    ctx.out.ArrayHeader(all.size());
    for (const auto& spec : all) WriteCommandInfo(ctx.out, *spec);
    return;
  }
  std::string sub = Lower(args[1]);
  if (sub == "count" && args.size() == 2) return ctx.out.Integer(static_cast<int64_t>(all.size()));
  if (sub == "info") {
    if (args.size() == 2) {
      ctx.out.ArrayHeader(all.size());
      for (const auto& spec : all) WriteCommandInfo(ctx.out, *spec);
      return;
    }
    ctx.out.ArrayHeader(args.size() - 2);
    for (size_t i = 2; i < args.size(); ++i) {
      const CommandSpec* spec = ctx.server.commands().FindFull(args[i]);
      spec ? WriteCommandInfo(ctx.out, *spec) : ctx.out.NullArray();
    }
    return;
  }
  if (sub == "docs") {
    // redis-cli asks for docs to build its hints; an empty map is valid.
    ctx.out.MapHeader(0);
    return;
  }
  if (sub == "list") return CommandList(args, ctx);
  if (sub == "getkeys") {
    Args command = args.subspan(2);
    const CommandSpec* spec = ctx.server.commands().Find(command[0]);
    if (spec == nullptr) return ctx.out.Error("ERR Invalid command specified");
    if (!spec->has_keys() && spec->find_keys == nullptr) {
      return ctx.out.Error("ERR The command has no key arguments");
    }
    if (!ArityMatches(*spec, static_cast<int>(command.size()))) {
      return ctx.out.Error("ERR Invalid number of arguments specified for command");
    }
    std::vector<int> keys = KeyPositions(*spec, command);
    ctx.out.ArrayHeader(keys.size());
    for (int pos : keys) ctx.out.Bulk(command[pos]);
    return;
  }
  if (sub == "help" && args.size() == 2) return CommandHelp(ctx.out);
  if (sub == "count") return ctx.out.Error(errors::WrongArity("command|count"));
  ctx.out.Error(errors::UnknownSubcommand("COMMAND", args[1]));
}

}  // namespace

void RegisterServerCommands(CommandTable& t) {
  RegisterPersistenceCommands(t);
  t.Add(ClientCommand("info", -1, 0, Info, {"@slow"}));
  t.Add(ClientCommand("time", 1, kFast, Time, {"@slow"}));
  CommandSpec config = ClientCommand("config", -2, kAdmin, ConfigCmd, {"@slow"});
  for (auto [name, arity] : std::initializer_list<std::pair<const char*, int>>{
           {"get", -3}, {"set", -4}, {"resetstat", 2}, {"help", 2}}) {
    config.subcommands.push_back(Subcommand(absl::StrCat("config|", name), arity, kAdmin,
                                            {"@admin", "@slow", "@dangerous"}));
  }
  t.Add(std::move(config));
  CommandSpec command = ClientCommand("command", -1, 0, Command, {"@slow"});
  for (auto [name, arity] : std::initializer_list<std::pair<const char*, int>>{
           {"count", 2}, {"info", -2}, {"docs", -2}, {"list", -2}, {"getkeys", -4},
           {"help", 2}}) {
    command.subcommands.push_back(
        Subcommand(absl::StrCat("command|", name), arity, 0, {"@slow", "@connection"}));
  }
  t.Add(std::move(command));
}

}  // namespace server
