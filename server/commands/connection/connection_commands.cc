// Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, CLIENT.
#include "server/commands/connection/connection_commands.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/command/command_table.h"
#include "server/command/text.h"
#include "server/core/server.h"
#include "server/core/worker.h"

namespace server {

namespace {

void Ping(Args args, ClientContext& ctx) {
  if (args.size() > 2) return ctx.out.Error(errors::WrongArity("ping"));
  if (args.size() == 2) return ctx.out.Bulk(args[1]);
  ctx.out.SimpleString("PONG");
}

void Echo(Args args, ClientContext& ctx) { ctx.out.Bulk(args[1]); }

void Quit(Args args, ClientContext& ctx) {
  ctx.out.Ok();
  ctx.client.close_after_reply = true;
}

void Select(Args args, ClientContext& ctx) {
  int64_t index;
  if (!engine::ParseInt64(args[1], &index)) return ctx.out.Error(errors::kNotInteger);
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
bool Authenticate(ClientContext& ctx, std::string_view user, std::string_view pass) {
  std::shared_ptr<const std::string> snapshot = ctx.server.config().requirepass.snapshot();
  const std::string& required = *snapshot;
  if (required.empty()) {
    ctx.out.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
    return false;
  }
  if (user != "default" || !SecureEquals(pass, required)) {
    ctx.out.Error("WRONGPASS invalid username-password pair or user is disabled.");
    return false;
  }
  ctx.client.authenticated = true;
  resp::ParserLimits limits;
  limits.max_bulk_len = ctx.server.config().proto_max_bulk_len;
  ctx.client.parser.set_limits(limits);
  return true;
}

void Auth(Args args, ClientContext& ctx) {
  if (args.size() > 3) return ctx.out.Error(errors::kSyntax);
  std::string_view user = args.size() == 3 ? args[1] : "default";
  if (Authenticate(ctx, user, args.back())) ctx.out.Ok();
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
      if (!Authenticate(ctx, args[i + 1], args[i + 2])) return;
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

std::string ClientInfoLine(const Client& c, int64_t now_ms) {
  const net::Connection* conn = c.conn;
  return absl::StrCat("id=", c.id, " addr=", conn ? conn->peer_address() : "",
                      " laddr=", conn ? conn->local_address() : "", " fd=", conn ? conn->fd() : -1,
                      " name=", c.name, " age=", (now_ms - c.created_ms) / 1000,
                      " idle=", (now_ms - c.last_interaction_ms) / 1000, " flags=N db=", c.db,
                      " sub=0 psub=0 ssub=0 multi=-1 qbuf=", conn ? conn->input().size() : 0,
                      " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=", conn ? conn->input_capacity() : 0,
                      " rbp=0 obl=0 oll=", c.pending.size(),
                      " omem=", conn ? conn->output_bytes() : 0,
                      " tot-mem=0 events=r cmd=", c.last_command ? c.last_command->name : "NULL",
                      " user=default redir=-1 resp=", static_cast<int>(c.proto), "\n");
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
    bool type_matches_nothing = false;
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
        std::string type = Lower(value);
        if (type == "master" || type == "slave" || type == "replica" || type == "pubsub") {
          f.type_matches_nothing = true;  // we have only normal clients
        } else if (type != "normal") {
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
      ctx.client,
      [f, me](Worker& w) {
        std::vector<uint64_t> victims;
        bool kill_me = false;
        for (const auto& [id, c] : w.clients()) {
          net::Connection* conn = c->conn;
          if (conn == nullptr || f.type_matches_nothing) continue;
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
    return ctx.out.Verbatim("txt", ClientInfoLine(ctx.client, ctx.now_ms));
  }
  if (sub == "list" && argc == 2) {
    // Every worker lists its own clients on its own thread.
    int64_t now = ctx.now_ms;
    ctx.worker.GatherFromWorkers(
        ctx.client,
        [now](Worker& w) {
          std::string lines;
          for (const auto& [id, c] : w.clients()) {
            if (c->conn != nullptr) lines += ClientInfoLine(*c, now);
          }
          return lines;
        },
        [](std::vector<std::string>& parts, resp::ReplyWriter& out) {
          // Redis lists clients in id order.
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
          std::sort(lines.begin(), lines.end());
          std::string all;
          for (const auto& [id, line] : lines) all.append(line);
          out.Verbatim("txt", all);
        });
    return;
  }
  if (sub == "kill" && argc >= 3) return ClientKill(args, ctx);
  if (sub == "no-evict" && argc == 3) {
    if (!EqualsIgnoreCase(args[2], "on") && !EqualsIgnoreCase(args[2], "off")) {
      return ctx.out.Error(errors::kSyntax);
    }
    return ctx.out.Ok();
  }
  // (SETINFO and NO-TOUCH came after Redis 7.0: unknown, as there.)
  static const char* kKnown[] = {"id", "getname", "setname", "info", "list", "no-evict", "kill"};
  for (const char* k : kKnown) {
    if (sub == k) return ctx.out.Error(errors::WrongArity(absl::StrCat("client|", sub)));
  }
  ctx.out.Error(errors::UnknownSubcommand("CLIENT", args[1]));
}

}  // namespace

void RegisterConnectionCommands(CommandTable& t) {
  t.Add(ClientCommand("ping", -1, kFast, Ping, {"@connection"}));
  t.Add(ClientCommand("echo", 2, kFast, Echo, {"@connection"}));
  t.Add(ClientCommand("quit", -1, kNoAuth | kFast, Quit, {"@connection"}));
  t.Add(ClientCommand("select", 2, kFast, Select, {"@connection"}));
  t.Add(ClientCommand("auth", -2, kNoAuth | kFast, Auth, {"@connection"}));
  t.Add(ClientCommand("hello", -1, kNoAuth | kFast, Hello, {"@connection"}));
  t.Add(ClientCommand("client", -2, kAdmin, ClientCmd, {"@connection"}));
}

}  // namespace server
