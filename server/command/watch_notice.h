#ifndef SHARDIS_SERVER_COMMAND_WATCH_NOTICE_H_
#define SHARDIS_SERVER_COMMAND_WATCH_NOTICE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "engine/db.h"
#include "server/command/command.h"
#include "server/command/command_log.h"
#include "server/command/handler_guard.h"

namespace server {

// Tells WATCHers (and CLIENT TRACKING) what a write command may have
// changed: built just before the write (only when someone watches a key of
// the shard or tracks keys, Db::observed()), Send() after it marks every
// key that existed before or exists after. A key
// missing both times did not change (DEL, SREM, EXPIRE... of nothing), as in
// Redis; a write that leaves an existing key as it was (SET NX) still counts
// - an EXEC may fail that Redis would run, never the other way round.
class WatchNotice {
 public:
  WatchNotice(engine::Db& db, std::vector<std::string_view> keys) : db_(db), keys_(std::move(keys)) {
    existed_.reserve(keys_.size());
    for (std::string_view key : keys_) existed_.push_back(db_.Contains(key));
  }

  void Send() {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (existed_[i] || db_.Contains(keys_[i])) db_.NoteChanged(keys_[i]);
    }
  }

 private:
  engine::Db& db_;
  std::vector<std::string_view> keys_;
  std::vector<bool> existed_;
};

// Runs a single-shard command's handler behind the handler guard. A write
// that did not fail tells the watchers of its keys (when someone watches a
// key of the shard) and goes to ctx.log (when there is one).
inline void RunShardHandler(const CommandSpec& spec, Args args, ShardContext& ctx) {
  bool logs = ctx.log != nullptr && (spec.flags & kWrite);
  bool observed = (spec.flags & kWrite) && ctx.db.observed();
  if (!logs && !observed) {
    RunGuarded(spec.name, ctx.out, [&] { spec.on_shard(args, ctx); });
    return;
  }
  std::optional<WatchNotice> notice;
  if (observed) {
    std::vector<std::string_view> keys;
    for (int pos : KeyPositions(spec, args)) keys.push_back(args[pos]);
    notice.emplace(ctx.db, std::move(keys));
  }
  std::string& out = *ctx.out.out();
  size_t before = out.size();
  RunGuarded(spec.name, ctx.out, [&] { spec.on_shard(args, ctx); });
  if (out.size() > before && out[before] == '-') return;
  if (notice) notice->Send();
  if (logs && !ctx.logged_itself) LogCommand(*ctx.log, spec, args, ctx.db_index, ctx.now_ms);
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_WATCH_NOTICE_H_
