// Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, CLIENT.
#include "server/commands/connection/connection_commands.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/command/command_table.h"
#include "server/command/help_reply.h"
#include "server/command/int_argument.h"
#include "server/command/text.h"
#include "server/core/server.h"
#include "server/commands/connection/client_tracking.h"
#include "server/core/worker.h"

namespace server {

namespace {

void Ping(Args args, ClientContext& ctx) {
  if (args.size() > 2) return ctx.out.Error(errors::WrongArity("ping"));
  // A RESP2 subscriber reads PING's answer among messages: a message-like
  // array, as Redis sends it.
  if (ctx.client.proto == resp::Protocol::kResp2 && ctx.client.subscribed()) {
    ctx.out.ArrayHeader(2);
    ctx.out.Bulk("pong");
    return ctx.out.Bulk(args.size() == 2 ? args[1] : std::string_view(""));
  }
  if (args.size() == 2) return ctx.out.Bulk(args[1]);
  ctx.out.SimpleString("PONG");
}

void Echo(Args args, ClientContext& ctx) { ctx.out.Bulk(args[1]); }

void Quit(Args args, ClientContext& ctx) {
  ctx.out.Ok();
  ctx.client.close_after_reply = true;
  // Gone for everyone from now on, though its connection closes only once
  // the OK is out: a client redirecting invalidations here learns it at
  // once (tracking-redir-broken), as with Redis.
  ctx.server.client_directory().Remove(ctx.client.id);
}

// RESET: the connection as it was when it connected - no transaction or
// watches, db 0, RESP2, no name, and (with a password) unauthenticated.
void Reset(Args, ClientContext& ctx) {
  Client& c = ctx.client;
  c.multi.reset();
  ctx.worker.Unwatch(c);
  ctx.worker.DropSubscriptions(c);
  ctx.worker.TrackingOff(c);
  c.reply_mode = Client::ReplyMode::kOn;
  c.db = 0;
  c.proto = resp::Protocol::kResp2;
  ctx.out.set_protocol(c.proto);
  c.name.clear();
  c.no_evict = false;
  c.authenticated = ctx.server.config().requirepass.empty();
  c.parser.set_limits(ParserLimitsFor(ctx.server.config(), c.authenticated));
  if (c.suppress_reply) {  // RESET answers even after CLIENT REPLY OFF
    c.suppress_reply = false;
    return ctx.worker.PushToClient(c, "+RESET\r\n");
  }
  ctx.out.SimpleString("RESET");
}

void Select(Args args, ClientContext& ctx) {
  int64_t index;
  std::string error;
  if (!ParseDbIndexArgument(args[1], &index, &error)) return ctx.out.Error(error);
  if (index < 0 || index >= ctx.server.config().databases) return ctx.out.Error(errors::kDbIndex);
  ctx.client.db = static_cast<int>(index);
  ctx.out.Ok();
}

// Constant-time comparison: the time taken does not reveal how much of a
// guess was right.
bool SecureEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    diff |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// Checks user/password; writes the error and returns false on failure.
// Without requirepass the default user takes any password (Redis's nopass);
// only the one-argument AUTH refuses, as Redis's does.
bool Authenticate(ClientContext& ctx, std::string_view user, std::string_view pass,
                  bool password_only) {
  std::shared_ptr<const std::string> snapshot = ctx.server.config().requirepass.snapshot();
  const std::string& required = *snapshot;
  if (required.empty() && password_only) {
    ctx.out.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
    return false;
  }
  if (user != "default" || (!required.empty() && !SecureEquals(pass, required))) {
    ctx.out.Error("WRONGPASS invalid username-password pair or user is disabled.");
    return false;
  }
  ctx.client.authenticated = true;
  ctx.client.parser.set_limits(ParserLimitsFor(ctx.server.config(), true));
  return true;
}

void Auth(Args args, ClientContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  std::string_view user = args.size() == 3 ? args[1] : "default";
  if (Authenticate(ctx, user, args.back(), /*password_only=*/args.size() == 2)) ctx.out.Ok();
}

void Hello(Args args, ClientContext& ctx) {
  int64_t version = static_cast<int64_t>(ctx.client.proto);
  size_t i = 1;
  if (args.size() >= 2) {
    if (!engine::ParseInt64(args[1], &version)) {
      return ctx.out.Error("ERR Protocol version is not an integer or out of range");
    }
    if (version < 2 || version > 3) return ctx.out.Error("NOPROTO unsupported protocol version");
    i = 2;
  }
  std::string name;
  bool set_name = false;
  for (; i < args.size(); ++i) {
    bool more = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "AUTH") && i + 2 < args.size()) {
      if (!Authenticate(ctx, args[i + 1], args[i + 2], /*password_only=*/false)) return;
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "SETNAME") && more) {
      name = std::string(args[++i]);
      set_name = true;
    } else {
      return ctx.out.Error(absl::StrCat("ERR Syntax error in HELLO option '", AV(args[i]), "'"));
    }
  }
  if (!ctx.client.authenticated) {
    return ctx.out.Error(
        "NOAUTH HELLO must be called with the client already authenticated, "
        "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
        "authenticate the client and select the RESP protocol version at the "
        "same time");
  }
  if (set_name) ctx.client.name = name;
  ctx.client.proto = version == 3 ? resp::Protocol::kResp3 : resp::Protocol::kResp2;
  ctx.out.set_protocol(ctx.client.proto);
  ctx.out.MapHeader(7);
  ctx.out.Bulk("server");
  ctx.out.Bulk("redis");
  ctx.out.Bulk("version");
  ctx.out.Bulk("7.0.15");
  ctx.out.Bulk("proto");
  ctx.out.Integer(version);
  ctx.out.Bulk("id");
  ctx.out.Integer(static_cast<int64_t>(ctx.client.id));
  ctx.out.Bulk("mode");
  ctx.out.Bulk("standalone");
  ctx.out.Bulk("role");
  ctx.out.Bulk("master");
  ctx.out.Bulk("modules");
  ctx.out.ArrayHeader(0);
}

// CLIENT LIST / KILL TYPE: which of our clients a type names (we have no
// replicas or masters: those name none).
enum class ClientType { kAll, kNormal, kPubSub, kNone, kUnknown };

ClientType ParseClientType(std::string_view name) {
  std::string type = Lower(name);
  if (type == "normal") return ClientType::kNormal;
  if (type == "pubsub") return ClientType::kPubSub;
  if (type == "master" || type == "slave" || type == "replica") return ClientType::kNone;
  return ClientType::kUnknown;
}

bool TypeMatches(ClientType type, const Client& c) {
  switch (type) {
    case ClientType::kAll:
      return true;
    case ClientType::kNormal:
      return !c.subscribed();
    case ClientType::kPubSub:
      return c.subscribed();
    default:
      return false;
  }
}

// Redis's flag letters (in its order) for what our clients can be.
std::string ClientFlags(const Client& c) {
  std::string flags;
  if (c.subscribed()) flags += 'P';
  if (c.multi != nullptr) flags += 'x';
  if (c.blocked != nullptr) flags += 'b';
  if (c.tracking != nullptr) flags += 't';
  if (c.tracking != nullptr && c.tracking->broken_redirect) flags += 'R';
  if (c.tracking != nullptr && c.tracking->bcast) flags += 'B';
  if (c.close_after_reply) flags += 'c';
  if (c.conn != nullptr && c.conn->is_unix()) flags += 'U';
  if (c.no_evict) flags += 'e';
  return flags.empty() ? "N" : flags;
}

// One CLIENT LIST line. argv_mem: the bytes of the command the client is
// running (the caller's own CLIENT LIST / INFO; 0 for the others, which
// hold no arguments between commands).
std::string ClientInfoLine(const Client& c, int64_t now_ms, size_t argv_mem = 0) {
  const net::Connection* conn = c.conn;
  size_t qbuf = conn ? conn->input().size() : 0;
  size_t rbs = conn ? conn->input_capacity() : 0;
  size_t omem = conn ? conn->output_bytes() : 0;
  size_t pending = 0;
  for (const PendingReply& r : c.pending) pending += r.data.size();
  size_t tot_mem = rbs + omem + pending + argv_mem + sizeof(Client);
  return absl::StrCat("id=", c.id, " addr=", conn ? conn->peer_address() : "",
                      " laddr=", conn ? conn->local_address() : "", " fd=", conn ? conn->fd() : -1,
                      " name=", c.name, " age=", (now_ms - c.created_ms) / 1000,
                      " idle=", (now_ms - c.last_interaction_ms) / 1000, " flags=", ClientFlags(c),
                      " db=", c.db, " sub=", c.subs ? c.subs->channels.size() : 0,
                      " psub=", c.subs ? c.subs->patterns.size() : 0,
                      " ssub=", c.shard_subscription_count(), " multi=",
                      c.multi ? static_cast<int64_t>(c.multi->queue.size()) : -1, " qbuf=", qbuf,
                      " qbuf-free=", rbs > qbuf ? rbs - qbuf : 0, " argv-mem=", argv_mem,
                      " multi-mem=0 rbs=", rbs, " rbp=0 obl=0 oll=", c.pending.size(),
                      " omem=", omem + pending, " tot-mem=", tot_mem,
                      " events=r cmd=", c.last_command ? c.last_command->name : "NULL",
                      " user=default redir=",
                      c.tracking ? static_cast<int64_t>(c.tracking->redirect) : -1,
                      " resp=", static_cast<int>(c.proto), "\n");
}

size_t ArgvBytes(Args args) {
  size_t n = 0;
  for (std::string_view a : args) n += a.size();
  return n;
}

bool ValidClientName(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

// CLIENT KILL ip:port | CLIENT KILL <filter> <value> ... (ID, TYPE, USER,
// ADDR, LADDR, SKIPME). Each worker closes its own matching clients on its
// own thread; the caller, if it matches, is closed after this reply.
void ClientKill(Args args, ClientContext& ctx) {
  struct Filter {
    uint64_t id = 0;
    std::string addr, laddr;
    ClientType type = ClientType::kAll;
    bool skip_me = true;
  };
  Filter f;
  bool old_form = args.size() == 3;
  if (old_form) {
    f.addr = std::string(args[2]);
    f.skip_me = false;
  } else {
    if (args.size() % 2 != 0) return ctx.out.Error(errors::kSyntax);
    for (size_t i = 2; i < args.size(); i += 2) {
      std::string_view name = args[i], value = args[i + 1];
      if (EqualsIgnoreCase(name, "id")) {
        int64_t id;
        if (!engine::ParseInt64(value, &id) || id <= 0) {
          return ctx.out.Error("ERR client-id should be greater than 0");
        }
        f.id = static_cast<uint64_t>(id);
      } else if (EqualsIgnoreCase(name, "type")) {
        f.type = ParseClientType(value);
        if (f.type == ClientType::kUnknown) {
          return ctx.out.Error(absl::StrCat("ERR Unknown client type '", AV(value), "'"));
        }
      } else if (EqualsIgnoreCase(name, "user")) {
        if (value != "default") {
          return ctx.out.Error(absl::StrCat("ERR No such user '", AV(value), "'"));
        }
      } else if (EqualsIgnoreCase(name, "addr")) {
        f.addr = std::string(value);
      } else if (EqualsIgnoreCase(name, "laddr")) {
        f.laddr = std::string(value);
      } else if (EqualsIgnoreCase(name, "skipme")) {
        if (EqualsIgnoreCase(value, "yes")) {
          f.skip_me = true;
        } else if (EqualsIgnoreCase(value, "no")) {
          f.skip_me = false;
        } else {
          return ctx.out.Error(errors::kSyntax);
        }
      } else {
        return ctx.out.Error(errors::kSyntax);
      }
    }
  }
  Client* me = &ctx.client;
  ctx.worker.GatherFromWorkers(
      ctx,
      [f, me](Worker& w) {
        std::vector<uint64_t> victims;
        bool kill_me = false;
        for (const auto& [id, c] : w.clients()) {
          net::Connection* conn = c->conn;
          if (conn == nullptr || !TypeMatches(f.type, *c)) continue;
          if ((f.id != 0 && c->id != f.id) || (!f.addr.empty() && conn->peer_address() != f.addr) ||
              (!f.laddr.empty() && conn->local_address() != f.laddr)) {
            continue;
          }
          if (c.get() == me) {
            kill_me = !f.skip_me;
          } else {
            victims.push_back(id);
          }
        }
        // Closing erases from clients(): collect first.
        for (uint64_t id : victims) {
          Client* c = w.FindClient(id);
          if (c != nullptr && c->conn != nullptr) c->conn->Close();
        }
        return absl::StrCat(victims.size() + (kill_me ? 1 : 0), kill_me ? "+me" : "");
      },
      [me, old_form](std::vector<std::string>& parts, resp::ReplyWriter& out) {
        int64_t killed = 0;
        for (const std::string& part : parts) {
          int64_t n = 0;
          if (!absl::SimpleAtoi(AV(std::string_view(part).substr(0, part.find('+'))), &n)) n = 0;
          killed += n;
          if (part.find("+me") != std::string::npos) me->close_after_reply = true;
        }
        if (!old_form) return out.Integer(killed);
        if (killed == 0) return out.Error("ERR No such client");
        out.Ok();
      });
}

// CLIENT LIST [TYPE type | ID id [id ...]]: every worker lists its own
// clients on its own thread; the lines come back in id order, as Redis's.
void ClientList(Args args, ClientContext& ctx) {
  size_t argc = args.size();
  ClientType type = ClientType::kAll;
  std::vector<uint64_t> ids;
  bool by_id = false;
  if (argc == 4 && EqualsIgnoreCase(args[2], "type")) {
    type = ParseClientType(args[3]);
    if (type == ClientType::kUnknown) {
      return ctx.out.Error(absl::StrCat("ERR Unknown client type '", AV(args[3]), "'"));
    }
  } else if (argc > 3 && EqualsIgnoreCase(args[2], "id")) {
    by_id = true;
    for (size_t i = 3; i < argc; ++i) {
      int64_t id;
      if (!engine::ParseInt64(args[i], &id)) return ctx.out.Error("ERR Invalid client ID");
      ids.push_back(static_cast<uint64_t>(id));
    }
  } else if (argc != 2) {
    return ctx.out.Error(errors::kSyntax);
  }
  int64_t now = ctx.now_ms;
  const Client* me = &ctx.client;
  size_t my_argv = ArgvBytes(args);
  ctx.worker.GatherFromWorkers(
      ctx,
      [now, type, by_id, ids, me, my_argv](Worker& w) {
        std::string lines;
        for (const auto& [id, c] : w.clients()) {
          if (c->conn == nullptr || !TypeMatches(type, *c)) continue;
          if (by_id && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
          lines += ClientInfoLine(*c, now, c.get() == me ? my_argv : 0);
        }
        return lines;
      },
      [by_id, ids](std::vector<std::string>& parts, resp::ReplyWriter& out) {
        std::vector<std::pair<uint64_t, std::string_view>> lines;
        for (const std::string& part : parts) {
          std::string_view rest = part;
          while (!rest.empty()) {
            size_t nl = rest.find('\n');
            std::string_view line = rest.substr(0, nl + 1);
            rest.remove_prefix(line.size());
            uint64_t id = 0;
            if (!absl::SimpleAtoi(AV(line.substr(3, line.find(' ') - 3)), &id)) id = 0;
            lines.emplace_back(id, line);
          }
        }
        std::string all;
        if (by_id) {
          // Redis prints them in the order asked, once per mention.
          for (uint64_t want : ids) {
            for (const auto& [id, line] : lines) {
              if (id == want) all.append(line);
            }
          }
        } else {
          std::sort(lines.begin(), lines.end());
          for (const auto& [id, line] : lines) all.append(line);
        }
        out.Verbatim("txt", all);
      });
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: the worker holding that client ends its
// wait; 1 when one did.
void ClientUnblock(Args args, ClientContext& ctx) {
  bool with_error = false;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "error")) {
      with_error = true;
    } else if (!EqualsIgnoreCase(args[3], "timeout")) {
      return ctx.out.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  int64_t id;
  if (!engine::ParseInt64(args[2], &id)) return ctx.out.Error(errors::kNotInteger);
  ctx.worker.GatherFromWorkers(
      ctx,
      [id, with_error](Worker& w) {
        return std::string(w.UnblockClient(static_cast<uint64_t>(id), with_error) ? "1" : "");
      },
      [](std::vector<std::string>& parts, resp::ReplyWriter& out) {
        int64_t unblocked = 0;
        for (const std::string& part : parts) unblocked += part.empty() ? 0 : 1;
        out.Integer(unblocked);
      });
}

void ClientHelp(resp::ReplyWriter& out) {
  WriteHelp(out, "CLIENT", {
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
  });
}

// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP answer nothing; ON answers OK
// even when replies were off until now.
void ClientReply(std::string_view mode, ClientContext& ctx) {
  Client& c = ctx.client;
  if (EqualsIgnoreCase(mode, "on")) {
    c.reply_mode = Client::ReplyMode::kOn;
    if (!c.suppress_reply) return ctx.out.Ok();
    c.suppress_reply = false;
    return ctx.worker.PushToClient(c, "+OK\r\n");
  }
  if (EqualsIgnoreCase(mode, "off")) {
    c.reply_mode = Client::ReplyMode::kOff;
  } else if (EqualsIgnoreCase(mode, "skip")) {
    // Already off: stays off (Redis ignores SKIP then).
    if (c.reply_mode != Client::ReplyMode::kOff) c.reply_mode = Client::ReplyMode::kSkip;
  } else {
    return ctx.out.Error(errors::kSyntax);
  }
  c.suppress_reply = true;
}

void ClientCmd(Args args, ClientContext& ctx) {
  std::string sub = Lower(args[1]);
  size_t argc = args.size();
  if (sub == "id" && argc == 2) return ctx.out.Integer(static_cast<int64_t>(ctx.client.id));
  if (sub == "getname" && argc == 2) {
    return ctx.client.name.empty() ? ctx.out.Null() : ctx.out.Bulk(ctx.client.name);
  }
  if (sub == "setname" && argc == 3) {
    if (!ValidClientName(args[2])) {
      return ctx.out.Error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    ctx.client.name = std::string(args[2]);
    return ctx.out.Ok();
  }
  if (sub == "info" && argc == 2) {
    return ctx.out.Verbatim("txt", ClientInfoLine(ctx.client, ctx.now_ms, ArgvBytes(args)));
  }
  if (sub == "list") return ClientList(args, ctx);
  if (sub == "unblock" && (argc == 3 || argc == 4)) return ClientUnblock(args, ctx);
  if (sub == "getredir" && argc == 2) return ClientGetRedir(ctx);
  if (sub == "trackinginfo" && argc == 2) return ClientTrackingInfo(ctx);
  if (sub == "tracking" && argc >= 3) return ClientTracking(args, ctx);
  if (sub == "caching" && argc == 3) return ClientCaching(args, ctx);
  if (sub == "help" && argc == 2) return ClientHelp(ctx.out);
  if (sub == "reply" && argc == 3) return ClientReply(args[2], ctx);
  if (sub == "kill" && argc >= 3) return ClientKill(args, ctx);
  if (sub == "no-evict" && argc == 3) {
    if (!EqualsIgnoreCase(args[2], "on") && !EqualsIgnoreCase(args[2], "off")) {
      return ctx.out.Error(errors::kSyntax);
    }
    ctx.client.no_evict = EqualsIgnoreCase(args[2], "on");
    return ctx.out.Ok();
  }
  // (SETINFO and NO-TOUCH came after Redis 7.0: unknown, as there.)
  // The table checked the name and arity; what is left is a form the
  // subcommand does not take (CLIENT UNBLOCK 1 TIMEOUT x).
  ctx.out.Error(absl::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                             AV(args[1].substr(0, 128)), "'. Try CLIENT HELP."));
}

}  // namespace

void RegisterConnectionCommands(CommandTable& t) {
  t.Add(ClientCommand("ping", -1, kFast, Ping, {"@connection"}));
  t.Add(ClientCommand("echo", 2, kFast, Echo, {"@connection"}));
  t.Add(ClientCommand("quit", -1, kNoAuth | kFast | kNotQueued, Quit, {"@connection"}));
  t.Add(ClientCommand("reset", 1, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy |
                                      kNotQueued, Reset, {"@fast", "@connection"}));
  t.Add(ClientCommand("select", 2, kFast, Select, {"@connection"}));
  t.Add(ClientCommand("auth", -2, kNoAuth | kFast, Auth, {"@connection"}));
  t.Add(ClientCommand("hello", -1, kNoAuth | kFast, Hello, {"@connection"}));
  CommandSpec client = ClientCommand("client", -2, kAdmin, ClientCmd, {"@connection"});
  for (auto [name, arity] : std::initializer_list<std::pair<const char*, int>>{
           {"id", 2}, {"getname", 2}, {"setname", 3}, {"info", 2}, {"list", -2}, {"kill", -3},
           {"no-evict", 3}, {"unblock", -3}, {"getredir", 2}, {"trackinginfo", 2}, {"help", 2},
           {"reply", 3}, {"tracking", -3}, {"caching", 3}}) {
    client.subcommands.push_back(
        Subcommand(absl::StrCat("client|", name), arity, kAdmin, {"@connection"}));
  }
  t.Add(std::move(client));
}

}  // namespace server
