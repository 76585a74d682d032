#ifndef SHARDIS_SERVER_COMMAND_COMMAND_LOG_H_
#define SHARDIS_SERVER_COMMAND_COMMAND_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"

namespace server {

struct CommandSpec;
using Args = absl::Span<const std::string_view>;

// One command as a replay repeats it.
struct LoggedCommand {
  int db = 0;
  std::vector<std::string> argv;
};

// Where write commands go to be replayed later (the append-only file).
// Add runs on the thread that ran the command while every shard it touched
// is still held for it, so the order of Adds is an order whose replay gives
// the same data: two commands on one shard arrive as they ran.
class CommandLog {
 public:
  virtual ~CommandLog() = default;
  virtual void Add(int db, Args argv) = 0;
  // Commands that must replay all or nothing (an EXEC, a script): several
  // go to the file between MULTI and EXEC.
  virtual void AddAtomic(const std::vector<LoggedCommand>& commands) = 0;
};

// Collects what the commands of an EXEC or a script log, to be added as one
// atomic block once all of them ran. One thread at a time.
class CommandBatch : public CommandLog {
 public:
  void Add(int db, Args argv) override;
  void AddAtomic(const std::vector<LoggedCommand>& commands) override;
  // Into `log` as one block (nothing when no command wrote).
  void FlushTo(CommandLog& log);
  void Clear() { commands_.clear(); }
  const std::vector<LoggedCommand>& commands() const { return commands_; }

 private:
  std::vector<LoggedCommand> commands_;
};

// Logs a write command that ran at now_ms in the form whose replay does the
// same whenever it happens: relative TTLs become absolute (EXPIRE and
// PEXPIRE -> PEXPIREAT, SET EX/PX and SETEX -> SET PXAT, GETEX -> PEXPIREAT
// or PERSIST, RESTORE ttl -> ABSTTL) and blocking commands their
// non-blocking forms (BLPOP -> LMPOP ... LEFT, BLMOVE -> LMOVE, BZPOPMIN ->
// ZMPOP ... MIN); a read-only GETEX is not logged. `only_keys`: the key
// positions a blocked pop was served from (one shard's), the others left
// out. Handlers whose effect is not in their arguments (SPOP) log it
// themselves (ShardContext::LogInstead).
void LogCommand(CommandLog& log, const CommandSpec& spec, Args args, int db, int64_t now_ms,
                const std::vector<int>* only_keys = nullptr);

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_COMMAND_LOG_H_
