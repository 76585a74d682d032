#include "server/core/script_run.h"

#include <algorithm>
#include <cstdio>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "resp/numbers.h"
#include "server/command/handler_guard.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"
#include "server/command/watch_notice.h"
#include "server/core/client.h"
#include "server/core/server.h"
#include "server/core/worker.h"
#include "server/scripting/script_flags.h"

namespace server {
namespace {

// Redis 7.0's `noscript` commands (COMMAND INFO): refused inside scripts.
const absl::flat_hash_set<std::string>& NotInScripts() {
  static const auto* kNames = new absl::flat_hash_set<std::string>{
      "acl",        "auth",         "bgrewriteaof", "bgsave",      "blmove",    "blpop",
      "brpop",      "brpoplpush",   "bzpopmax",     "bzpopmin",    "client",    "cluster|reset",
      "config",     "debug",        "discard",      "eval",        "eval_ro",   "evalsha",
      "evalsha_ro", "exec",         "failover",     "fcall",       "fcall_ro",  "function",
      "hello",      "latency",      "module",       "monitor",     "multi",     "psubscribe",
      "psync",      "punsubscribe", "quit",         "replconf",    "replicaof", "reset",
      "role",       "save",         "script",       "shutdown",    "slaveof",   "ssubscribe",
      "subscribe",  "sunsubscribe", "sync",         "unsubscribe", "unwatch",   "wait",
      "watch"};
  return *kNames;
}

constexpr std::string_view kUnknown = "ERR Unknown Redis command called from script";
constexpr std::string_view kWrongArgs =
    "ERR Wrong number of args calling Redis command from script";
// Ends an attempt that needs a shard it does not hold (never reaches a client).
constexpr std::string_view kRunAgain = "ERR the script is run again with every shard held";

}  // namespace

ScriptRun::ScriptRun(Server& server, Worker& worker, Client& client,
                     std::shared_ptr<scripting::Script> script, Args command, int64_t numkeys,
                     bool read_only)
    : server_(server),
      worker_(worker),
      client_(client),
      script_(std::move(script)),
      read_only_(read_only || (script_->flags & scripting::kNoWrites) != 0),
      client_proto_(client.proto),
      db_(client.db),
      start_db_(client.db) {
  storage_.reserve(command.size());
  for (std::string_view a : command) storage_.emplace_back(a);
  for (size_t i = 3; i < storage_.size(); ++i) {
    (i < 3 + static_cast<size_t>(numkeys) ? keys_ : argv_).push_back(storage_[i]);
  }
  for (std::string_view k : keys_) key_shards_.push_back(server.shards().ShardOf(k));
  std::sort(key_shards_.begin(), key_shards_.end());
  key_shards_.erase(std::unique(key_shards_.begin(), key_shards_.end()), key_shards_.end());
  const Config& cfg = server.config();
  oom_at_start_ = cfg.maxmemory > 0 && server.memory().Current() > cfg.maxmemory;
}

const std::vector<engine::ShardId>& ScriptRun::Hold(bool every) {
  every_shard_ = every;
  if (!every) return key_shards_;
  if (every_.empty()) {
    for (engine::ShardId s = 0; s < server_.shards().size(); ++s) every_.push_back(s);
  }
  return every_;
}

int64_t ScriptRun::KeylessShard() const {
  if (Holds(worker_.id())) return worker_.id();
  return key_shards_.empty() ? -1 : key_shards_[0];
}

bool ScriptRun::Holds(engine::ShardId shard) const {
  return every_shard_ ||
         std::find(key_shards_.begin(), key_shards_.end(), shard) != key_shards_.end();
}

void ScriptRun::Execute(scripting::LuaRuntime& lua, int64_t now_ms) {
  now_ms_ = now_ms;
  db_ = start_db_;
  reply_.clear();
  needs_every_shard_ = false;
  log_.Clear();
  logging_ = server_.append_only().enabled();
  state_.store(kClean, std::memory_order_release);
  resp::ReplyWriter w(&reply_, client_proto_);
  started_ = std::chrono::steady_clock::now();
  // The attempt's keyspace events wait for its end: an undone attempt
  // (with its undoing) raises none.
  engine::KeyEventLog events;
  {
    engine::KeyEventLog::Scope logging(&events);
    lua.Run(*script_, keys_, argv_, *this, w);
    EndBusy();
    if (needs_every_shard_) {
      journal_.Undo(now_ms);
      reply_.clear();
      log_.Clear();  // undone: nothing of it happened
    } else {
      journal_.Clear();
    }
  }
  if (needs_every_shard_) {
    events.Clear();
  } else {
    events.Report();
  }
}

bool ScriptRun::DescribeRunning(resp::ReplyWriter& out) const {
  // Only a busy function shows (Redis could not answer during a short one).
  if (!script_->is_function || !busy_.load(std::memory_order_acquire)) return false;
  out.MapHeader(3);
  out.Bulk("name");
  out.Bulk(script_->sha);
  out.Bulk("command");
  out.ArrayHeader(storage_.size());
  for (const std::string& a : storage_) out.Bulk(a);
  out.Bulk("duration_ms");
  out.Integer(std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started_)
                  .count());
  return true;
}

int ScriptRun::Kill(bool function_kill, std::string* why) {
  // Redis could only read a SCRIPT KILL while a script is busy: earlier, the
  // kill waits for the script's end and finds none.
  if (!busy_.load(std::memory_order_acquire)) return 0;
  // In Redis's order: a script that wrote first, then the kind of kill
  // (SCRIPT KILL stops EVALs, FUNCTION KILL functions).
  if (!wrote() && script_->is_function != function_kill) {
    *why = std::string(function_kill ? kBusyEvalError : kBusyFunctionError);
    return -1;
  }
  // One atomic step against the script's first write (Call): either the
  // kill wins and no write happens, or the write wins and this is refused.
  int expected = kClean;
  if (state_.compare_exchange_strong(expected, kKilled, std::memory_order_acq_rel) ||
      expected == kKilled) {
    return 1;
  }
  *why = std::string(kUnkillableError);
  return -1;
}

void ScriptRun::EndBusy() {
  if (!busy_.load(std::memory_order_relaxed)) return;
  busy_.store(false, std::memory_order_release);
  server_.busy_scripts.fetch_sub(1, std::memory_order_relaxed);
  if (script_->is_function) server_.busy_functions.fetch_sub(1, std::memory_order_relaxed);
}

bool ScriptRun::OnHook() {
  int64_t threshold = server_.config().busy_reply_threshold_ms;
  if (threshold > 0 && !needs_every_shard_) {
    auto elapsed = std::chrono::steady_clock::now() - started_;
    if (elapsed > std::chrono::milliseconds(threshold)) {
      if (!busy_.load(std::memory_order_relaxed)) {
        busy_.store(true, std::memory_order_release);
        if (script_->is_function) server_.busy_functions.fetch_add(1, std::memory_order_relaxed);
        server_.busy_scripts.fetch_add(1, std::memory_order_relaxed);
      }
      worker_.PollWhileScriptBusy();
    }
  }
  return ShouldStop(nullptr);
}

bool ScriptRun::ShouldStop(std::string* why) {
  if (needs_every_shard_) {
    if (why != nullptr) *why = std::string(kRunAgain);
    return true;
  }
  if (state_.load(std::memory_order_acquire) == kKilled || server_.stopping()) {
    if (why != nullptr) *why = "ERR Script killed by user with SCRIPT KILL...";
    return true;
  }
  return false;
}

bool ScriptRun::CommandExists(std::string_view name) {
  return server_.commands().Find(name) != nullptr;
}

void ScriptRun::Log(int level, std::string_view message) {
  // Redis's log levels; ours goes to stderr with the level's mark.
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  std::fprintf(stderr, "%c %.*s\n", kMarks[level & 3], static_cast<int>(message.size()),
               message.data());
}

std::string ScriptRun::Refusal(const CommandSpec& spec, Args args) const {
  bool refused = NotInScripts().contains(absl::string_view(spec.name));
  if (!refused && !spec.subcommands.empty() && args.size() > 1) {
    refused =
        NotInScripts().contains(absl::StrCat(spec.name, "|", absl::AsciiStrToLower(AV(args[1]))));
  }
  if (refused) return "ERR This Redis command is not allowed from script";
  if (read_only_ && (spec.flags & kWrite)) {
    return "ERR Write commands are not allowed from read-only scripts.";
  }
  if ((script_->flags & scripting::kEvalCompat) && oom_at_start_ && !wrote() &&
      (spec.flags & kDenyOom)) {
    return std::string(errors::kOom);
  }
  return "";
}

void ScriptRun::Call(scripting::ArgList args, int resp, std::string* reply) {
  resp::ReplyWriter w(reply, resp == 3 ? resp::Protocol::kResp3 : resp::Protocol::kResp2);
  // No exception may cross the interpreter's C frames back to the script:
  // one (a bug) becomes this call's error, as the handler guard does.
  RunGuarded(args.empty() ? std::string_view("script") : args[0], w,
             [&] { CallUnguarded(args, w); });
}

void ScriptRun::CallUnguarded(scripting::ArgList args, resp::ReplyWriter& w) {
  const CommandSpec* spec = server_.commands().Find(args[0]);
  if (spec == nullptr) return w.Error(kUnknown);
  if (!spec->subcommands.empty() && args.size() > 1) {
    std::string error = CheckSubcommand(*spec, args);
    if (!error.empty()) {
      return w.Error(error.rfind("ERR unknown subcommand", 0) == 0 ? kUnknown : kWrongArgs);
    }
  }
  if (!ArityMatches(*spec, static_cast<int>(args.size()))) return w.Error(kWrongArgs);
  std::string refusal = Refusal(*spec, args);
  if (!refusal.empty()) return w.Error(refusal);
  // The script's caller reads and writes (CLIENT TRACKING: its cache).
  engine::ChangeAuthor changes_by(client_.id);
  // A script that reads caches what it declared (Redis 7.0: the KEYS, not
  // the keys its calls name).
  if (client_.tracking != nullptr && (spec->flags & kReadOnly) && !tracked_keys_) {
    tracked_keys_ = true;
    worker_.RememberKeys(client_, keys_);
  }
  if (spec->on_client != nullptr) return RunClientCommand(*spec, args, w);

  std::vector<int> keys = KeyPositions(*spec, args);
  engine::ShardSet& set = server_.shards();
  bool reaches_all = (spec->flags & kAllShards) != 0;
  // A key-less form of a keyed command (OBJECT HELP) needs some held shard.
  if (keys.empty() && spec->multi == nullptr && KeylessShard() < 0) {
    needs_every_shard_ = true;
    return w.Error(kRunAgain);
  }
  for (engine::ShardId s = 0; s < set.size(); ++s) {
    bool needed = reaches_all;
    for (size_t i = 0; i < keys.size() && !needed; ++i) needed = set.ShardOf(args[keys[i]]) == s;
    if (needed && !Holds(s)) {
      // Ends the run; the worker runs the script again holding every shard.
      needs_every_shard_ = true;
      return w.Error(kRunAgain);
    }
  }
  if (spec->flags & kWrite) {
    int expected = kClean;
    if (!state_.compare_exchange_strong(expected, kWrote, std::memory_order_acq_rel) &&
        expected == kKilled) {
      return w.Error("ERR Script killed by user with SCRIPT KILL...");
    }
    if (!every_shard_) Journal(*spec, args, keys);
  }
  if (spec->multi != nullptr) return RunMultiCommand(*spec, args, keys, w);
  RunKeyCommand(*spec, args, keys, w);
}

void ScriptRun::Journal(const CommandSpec& spec, Args args, const std::vector<int>& keys) {
  engine::ShardSet& set = server_.shards();
  for (int pos : keys) journal_.Save(set.shard(set.ShardOf(args[pos])), db_, args[pos], now_ms_);
  // The commands that write a key in another db than the script's.
  int64_t other_db = -1;
  if (spec.name == "move" && args.size() == 3 && resp::ParseInt64(args[2], &other_db)) {
    if (other_db >= 0 && other_db < set.num_dbs()) {
      journal_.Save(set.shard(set.ShardOf(args[1])), static_cast<int>(other_db), args[1], now_ms_);
    }
  }
  if (spec.name == "copy") {
    for (size_t i = 3; i + 1 < args.size(); ++i) {
      if (absl::AsciiStrToLower(AV(args[i])) == "db" && resp::ParseInt64(args[i + 1], &other_db) &&
          other_db >= 0 && other_db < set.num_dbs()) {
        journal_.Save(set.shard(set.ShardOf(args[2])), static_cast<int>(other_db), args[2],
                      now_ms_);
      }
    }
  }
}

void ScriptRun::RunKeyCommand(const CommandSpec& spec, Args args, const std::vector<int>& keys,
                              resp::ReplyWriter& w) {
  engine::ShardSet& set = server_.shards();
  engine::ShardId target =
      keys.empty() ? static_cast<engine::ShardId>(KeylessShard()) : set.ShardOf(args[keys[0]]);
  engine::Shard& shard = set.shard(target);
  ShardContext ctx{shard, shard.db(db_), db_, w, now_ms_};
  if (logging_) ctx.log = &log_;
  RunShardHandler(spec, args, ctx);  // no eviction: Redis checks memory once, at the start
}

void ScriptRun::RunMultiCommand(const CommandSpec& spec, Args args, const std::vector<int>& keys,
                                resp::ReplyWriter& w) {
  engine::ShardSet& set = server_.shards();
  MultiCommand mc(&spec, args, db_, now_ms_);
  mc.Declare(keys, set);
  // Every shard involved is held: the phases run one after the other here.
  for (MultiCommand::Phase& phase : mc.phases()) {
    for (engine::ShardId s : mc.shards()) {
      engine::Shard& shard = set.shard(s);
      mc.RunPhase(phase, shard, shard.db(db_));
    }
  }
  if (logging_) mc.LogTo(log_);
  mc.WriteReplyWithoutBlocking(w);  // scripts never block
}

void ScriptRun::FlushLog(CommandLog* log) {
  if (log != nullptr && !needs_every_shard_) log_.FlushTo(*log);
  log_.Clear();
}

void ScriptRun::RunClientCommand(const CommandSpec& spec, Args args, resp::ReplyWriter& w) {
  if (spec.name == "select") {  // the script's own db, not the client's
    int64_t index = 0;
    if (!resp::ParseInt64(args[1], &index)) return w.Error(errors::kNotInteger);
    if (index < 0 || index >= server_.shards().num_dbs()) return w.Error(errors::kDbIndex);
    db_ = static_cast<int>(index);
    return w.Ok();
  }
  ClientContext ctx{client_, worker_, server_, w, now_ms_};
  ctx.in_script = true;
  RunGuarded(spec.name, w, [&] { spec.on_client(args, ctx); });
}

}  // namespace server
