// Replaying AOF commands at start: each runs directly against its shards'
// data on this thread (as a script's redis.call does), since no worker runs
// yet and nothing else touches the shards.
#include "server/core/aof_replay.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/expiry_pause.h"
#include "engine/rdb/rdb_records.h"
#include "engine/runtime.h"
#include "server/aof/command_reader.h"
#include "server/command/multi_command.h"
#include "server/command/text.h"
#include "server/command/watch_notice.h"
#include "server/core/server.h"
#include "server/scripting/library_builder.h"

namespace server {

AofReplay::AofReplay(Server& server) : server_(server) {
  now_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
}

absl::Status AofReplay::Run(std::string_view bytes, size_t offset, const std::string& name,
                            Outcome* outcome) {
  engine::ExpiryPause no_expiry;
  engine::ShardSet& shards = server_.shards();
  for (engine::ShardId i = 0; i < shards.size(); ++i) shards.shard(i).set_now_ms(now_ms_);
  aof::CommandReader reader(bytes, offset);
  std::vector<std::string_view> argv;
  // MULTI ... EXEC: the commands wait for EXEC (copied: the reader's views
  // stay valid, but this keeps a block's run in one place).
  bool in_multi = false;
  size_t before_multi = offset;
  std::vector<std::vector<std::string>> queued;
  db_ = 0;
  for (;;) {
    size_t start = reader.valid_up_to();
    aof::CommandReader::Result r = reader.Next(&argv);
    if (r == aof::CommandReader::Result::kBadFormat) {
      return absl::DataLossError(absl::StrCat("Bad file format reading the append only file ", name,
                                              " at offset ", reader.offset()));
    }
    if (r != aof::CommandReader::Result::kCommand) {
      if (r == aof::CommandReader::Result::kTruncated || in_multi) {
        outcome->truncated = true;
        outcome->valid_up_to = in_multi ? before_multi : reader.valid_up_to();
      }
      break;
    }
    const CommandSpec* spec = server_.commands().Find(argv[0]);
    if (spec == nullptr) {
      return absl::DataLossError(absl::StrCat("Unknown command '", std::string(argv[0]),
                                              "' reading the append only file ", name));
    }
    ++outcome->commands;
    if (spec->name == "multi") {
      in_multi = true;
      before_multi = start;
      queued.clear();
      continue;
    }
    if (spec->name == "exec" && in_multi) {
      in_multi = false;
      for (const std::vector<std::string>& c : queued) {
        std::vector<std::string_view> views(c.begin(), c.end());
        Execute(*server_.commands().Find(views[0]), views);
      }
      queued.clear();
      continue;
    }
    if (in_multi) {
      queued.emplace_back(argv.begin(), argv.end());
      continue;
    }
    Execute(*spec, argv);
  }
  for (engine::ShardId i = 0; i < shards.size(); ++i) shards.shard(i).PublishSizes();
  return absl::OkStatus();
}

void AofReplay::Execute(const CommandSpec& spec, Args argv) {
  if (!ArityMatches(spec, static_cast<int>(argv.size()))) return;
  std::string scratch;
  resp::ReplyWriter w(&scratch, resp::Protocol::kResp2);
  engine::ShardSet& set = server_.shards();
  if (spec.name == "select") {
    int64_t index = 0;
    if (engine::ParseInt64(argv[1], &index) && index >= 0 && index < set.num_dbs()) {
      db_ = static_cast<int>(index);
    }
    return;
  }
  if (spec.name == "function") return ExecuteFunction(argv);
  if (spec.on_client != nullptr) return;  // nothing Redis writes to an AOF
  std::vector<int> keys = KeyPositions(spec, argv);
  if (spec.multi != nullptr) {
    MultiCommand mc(&spec, argv, db_, now_ms_);
    mc.Declare(keys, set);
    for (MultiCommand::Phase& phase : mc.phases()) {
      for (engine::ShardId s : mc.shards()) {
        engine::Shard& shard = set.shard(s);
        mc.RunPhase(phase, shard, shard.db(db_));
      }
    }
    mc.WriteReplyWithoutBlocking(w);
    return;
  }
  engine::Shard& shard = set.shard(keys.empty() ? 0 : set.ShardOf(argv[keys[0]]));
  ShardContext ctx{shard, shard.db(db_), db_, w, now_ms_};
  RunShardHandler(spec, argv, ctx);
}

// FUNCTION LOAD [REPLACE] code, DELETE name, FLUSH, RESTORE payload [policy]:
// what Redis writes of them.
void AofReplay::ExecuteFunction(Args argv) {
  if (argv.size() < 2) return;
  scripting::FunctionRegistry& registry = server_.functions();
  if (EqualsIgnoreCase(argv[1], "load") && argv.size() >= 3) {
    bool replace = argv.size() >= 4 && EqualsIgnoreCase(argv[2], "replace");
    scripting::FunctionLibrary library;
    if (scripting::BuildLibrary(argv.back(), &library).empty()) {
      registry.Add(std::move(library), replace);
    }
  } else if (EqualsIgnoreCase(argv[1], "delete") && argv.size() == 3) {
    registry.Delete(argv[2]);
  } else if (EqualsIgnoreCase(argv[1], "flush")) {
    registry.Flush();
  } else if (EqualsIgnoreCase(argv[1], "restore") && argv.size() >= 3) {
    auto policy = scripting::FunctionRegistry::RestorePolicy::kAppend;
    if (argv.size() >= 4 && !scripting::ParseRestorePolicy(argv[3], &policy)) return;
    std::vector<std::string> codes;
    std::vector<scripting::FunctionLibrary> libraries;
    if (rdb::ReadFunctionsPayload(argv[2], &codes).empty() &&
        scripting::BuildLibraries(codes, &libraries).empty()) {
      registry.Restore(std::move(libraries), policy);
    }
  }
}

}  // namespace server
