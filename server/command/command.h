#ifndef SHARDIS_SERVER_COMMAND_COMMAND_H_
#define SHARDIS_SERVER_COMMAND_COMMAND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "engine/shard.h"
#include "resp/reply_writer.h"
#include "server/command/command_log.h"

namespace server {

using Args = absl::Span<const std::string_view>;

class ClientContext;
class MultiCommand;

// Flags, as Redis's command table has them (COMMAND prints these names).
enum CommandFlag : uint32_t {
  kWrite = 1 << 0,
  kReadOnly = 1 << 1,
  kDenyOom = 1 << 2,
  kAdmin = 1 << 3,
  kPubSub = 1 << 4,
  kNoScript = 1 << 5,
  kBlocking = 1 << 6,
  kLoading = 1 << 7,
  kStale = 1 << 8,
  kFast = 1 << 9,
  kNoAuth = 1 << 10,
  kAllowBusy = 1 << 11,
  kNoMulti = 1 << 12,      // refused between MULTI and EXEC (SAVE, SHUTDOWN)
  kSkipSlowlog = 1 << 13,  // EXEC: its commands are logged, not it
  // Routing (not printed): the command touches every shard (DBSIZE, KEYS, ...).
  kAllShards = 1 << 20,
  // Runs at once between MULTI and EXEC instead of being queued (EXEC,
  // DISCARD, MULTI, WATCH, QUIT, RESET).
  kNotQueued = 1 << 21,
};

// What a command running on a key's shard sees. Built on the shard's thread;
// the client itself may live on another thread and is not reachable.
struct ShardContext {
  engine::Shard& shard;
  engine::Db& db;
  int db_index;
  resp::ReplyWriter& out;
  int64_t now_ms;
  // Where a write is logged for replay (nullptr: nowhere - no append-only
  // file, or one is being replayed). RunShardHandler logs the command.
  CommandLog* log = nullptr;
  bool logged_itself = false;

  // A write whose effect is not its own arguments (SPOP: the members it
  // took) logs that instead of the command.
  void LogInstead(Args argv) {
    if (log != nullptr) log->Add(db_index, argv);
    logged_itself = true;
  }
};

// A command bound to the shard of its key(s): runs on that shard's thread.
using ShardHandler = void (*)(Args args, ShardContext& ctx);
// A command about the connection or the server: runs on the client's thread.
using ClientHandler = void (*)(Args args, ClientContext& ctx);
// A command whose keys may span shards, or that needs every shard: sets up
// the phases of a transaction (see MultiCommand).
using MultiHandler = void (*)(MultiCommand& mc);
// The read fast path: answers from another shard's keyspace without a hop.
// Returns false when it cannot (the command then hops as usual); otherwise
// sets *hit to whether the key was there (INFO's keyspace_hits/misses).
using FastReadHandler = bool (*)(Args args, const engine::Db& db, int64_t now_ms,
                                 resp::ReplyWriter& out, bool* hit);

// Finds the key positions of commands whose keys are not a fixed
// first/last/step range (Redis's getkeys_proc).
using KeyFinder = std::vector<int> (*)(Args args);

struct CommandSpec {
  std::string name;  // lower case; "client|setname" style for subcommands
  int arity;         // Redis convention: -N means at least N
  uint32_t flags;
  int first_key;  // 0: no keys
  int last_key;   // -1: last argument, -2: second to last ...
  int key_step;
  ShardHandler on_shard = nullptr;
  ClientHandler on_client = nullptr;
  MultiHandler multi = nullptr;
  FastReadHandler fast_read = nullptr;
  KeyFinder find_keys = nullptr;            // overrides first/last/step when set
  std::vector<std::string> acl_categories;  // for COMMAND INFO
  // A container's subcommands ("client|list"), as COMMAND INFO and LIST
  // show them. Informational: the container's handler dispatches them.
  std::vector<CommandSpec> subcommands;

  bool has_keys() const { return first_key > 0; }
};

// Table entries, one builder per handler kind.
// A command on the key at argument 1, run on the key's shard.
CommandSpec KeyCommand(std::string name, int arity, uint32_t flags, ShardHandler handler,
                       std::vector<std::string> acl, FastReadHandler fast_read = nullptr);
// A connection or server command, run on the client's worker.
CommandSpec ClientCommand(std::string name, int arity, uint32_t flags, ClientHandler handler,
                          std::vector<std::string> acl);
// A command over the keys first..last (step), or over every shard with
// kAllShards, run as phases (MultiCommand).
CommandSpec MultiKeyCommand(std::string name, int arity, uint32_t flags, int first, int last,
                            int step, MultiHandler handler, std::vector<std::string> acl);

// A subcommand entry of a container ("client|list"; keyless).
CommandSpec Subcommand(std::string full_name, int arity, uint32_t flags,
                       std::vector<std::string> acl);

// Whether argc arguments (the name included) fit spec's arity.
inline bool ArityMatches(const CommandSpec& spec, int argc) {
  return spec.arity > 0 ? argc == spec.arity : argc >= -spec.arity;
}

// For a container (spec.subcommands not empty) called with args[1]: "" when
// that subcommand exists and its arity fits, else Redis's error (unknown
// subcommand, or wrong number of arguments for 'client|list').
std::string CheckSubcommand(const CommandSpec& spec, Args args);

// Positions of the keys of a command invocation (argument indices).
std::vector<int> KeyPositions(const CommandSpec& spec, Args args);

// KeyFinder for commands that count their keys: the keys follow the count at
// argument `count_index` (SINTERCARD 2 a b, ZUNION 2 a b, LMPOP 2 a b LEFT,
// BLMPOP 0 2 a b LEFT); with `with_first`, argument 1 is a key too (the
// destination of ZUNIONSTORE dst 2 a b). A count that is not a positive
// integer, or larger than the arguments, yields no counted keys: the handler
// reports the error.
template <int count_index, bool with_first>
std::vector<int> KeysAfterCount(Args args);

template <int count_index, bool with_first>
std::vector<int> KeysAfterCount(Args args) {
  std::vector<int> keys;
  if (with_first && args.size() > 1) keys.push_back(1);
  if (args.size() <= static_cast<size_t>(count_index)) return keys;
  std::string_view count = args[count_index];
  int64_t n = 0;
  for (char ch : count) {
    if (ch < '0' || ch > '9' || n > (1 << 30)) return keys;
    n = n * 10 + (ch - '0');
  }
  if (count.empty() || n <= 0 || static_cast<size_t>(count_index) + n >= args.size()) return keys;
  for (int i = 1; i <= n; ++i) keys.push_back(count_index + i);
  return keys;
}

// Redis's error texts, shared by every family.
namespace errors {
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndex = "ERR DB index is out of range";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
std::string WrongArity(std::string_view name);
std::string InvalidExpire(std::string_view command);
// "ERR unknown subcommand 'x'. Try OBJECT HELP." (container is upper case).
std::string UnknownSubcommand(std::string_view container, std::string_view sub);
}  // namespace errors

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_COMMAND_H_
