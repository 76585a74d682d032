#ifndef SHARDIS_SERVER_COMMAND_MULTI_COMMAND_H_
#define SHARDIS_SERVER_COMMAND_MULTI_COMMAND_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/key_waiters.h"
#include "engine/shard.h"
#include "engine/shard_set.h"
#include "resp/reply_writer.h"
#include "server/command/command.h"
#include "server/command/command_log.h"

namespace server {

// One invocation of a command that runs as phases over shards: MGET, MSET,
// DEL with many keys, RENAME, DBSIZE, FLUSHALL, KEYS, ...
//
// The handler declares phases (functions run on each involved shard, in
// parallel within a phase) and a final reply builder. The dispatcher then
// runs it either directly (every key on the client's own, free shard) or as
// an engine::Transaction, which makes it atomic across shards. Arguments are
// owned copies: phases run on other threads after the input buffer moved on.
class MultiCommand {
 public:
  using Phase = std::function<void(engine::Shard& shard, engine::Db& db)>;
  using ReplyFn = std::function<void(resp::ReplyWriter& out)>;

  MultiCommand(const CommandSpec* spec, Args args, int db_index, int64_t now_ms);

  const CommandSpec& spec() const { return *spec_; }
  Args args() const { return views_; }
  int db_index() const { return db_index_; }
  int64_t now_ms() const { return now_ms_; }
  size_t num_shards_total() const { return num_shards_total_; }
  int num_dbs() const { return num_dbs_; }

  // Shards that hold at least one key (or every shard, for kAllShards).
  const std::vector<engine::ShardId>& shards() const { return shards_; }
  // Argument positions of the keys that live on `shard`.
  const std::vector<int>& KeysOn(engine::ShardId shard) const;

  void AddPhase(Phase phase) { phases_.push_back(std::move(phase)); }
  // Narrows an all-shards command to some shards (SCAN visits one per call).
  void RestrictTo(std::vector<engine::ShardId> shards) {
    shards_ = std::move(shards);
    event_logs_.resize(shards_.size());
  }
  void SetReply(ReplyFn fn) { reply_ = std::move(fn); }

  // Blocking commands (BLPOP & co). The handler states how long the client
  // may wait (ms, 0: forever); a phase that finds nothing to serve calls
  // WaitOn, on every involved shard, with the keys that would serve it. The
  // reply is then not written: the client waits (see blocking.h).
  // serve_needs_all_keys: serving it touches keys besides the one that got a
  // value (BLMOVE's destination), so a shard serves it only when it owns them
  // all. Pops (BLPOP, BZPOPMIN, ...) are served by the shard of the ready key.
  void SetBlockTimeout(int64_t timeout_ms, engine::ObjectType waits_for,
                       bool serve_needs_all_keys = false) {
    block_timeout_ms_ = timeout_ms;
    block_type_ = waits_for;
    serve_needs_all_keys_ = serve_needs_all_keys;
  }
  bool serve_needs_all_keys() const { return serve_needs_all_keys_; }
  // The type whose arrival under a watched key can serve the command.
  engine::ObjectType block_type() const { return block_type_; }
  bool may_block() const { return block_timeout_ms_ >= 0; }
  int64_t block_timeout_ms() const { return block_timeout_ms_; }
  void WaitOn(engine::Shard& shard, const std::vector<int>& key_positions);
  bool waiting() const { return waiting_.load(std::memory_order_acquire); }
  // For the dispatcher: where WaitOn registers (nullptr: it only notes that
  // the command would wait, as when a shard re-runs it to serve it).
  void set_waiter(std::shared_ptr<engine::KeyWaiter> waiter) { waiter_ = std::move(waiter); }

  // For the dispatcher.
  void Route(const std::vector<int>& key_positions, const engine::ShardSet& set);
  // Route, then the handler declares its phases; a throw there becomes the
  // reply (FailSetup).
  void Declare(const std::vector<int>& key_positions, const engine::ShardSet& set);
  std::vector<Phase>& phases() { return phases_; }
  // Runs one of its phases on `shard` behind the handler guard; a throw
  // turns the whole reply into the guard's error. The phase's keyspace
  // events are logged per shard (ordered by phase and the slot that
  // engine::KeyEventLog::SortAt names) until ReportEvents: phases run on
  // several threads at once, and on other threads than the reply.
  void RunPhase(Phase& phase, engine::Shard& shard, engine::Db& db);
  // Reports the logged events, merged into a one-threaded server's order,
  // on the calling thread, once every phase ran: the thread that answers
  // the client, so they reach subscribers before the client can act on the
  // reply. WriteReply does it first; a command that waits instead of
  // replying calls it itself.
  void ReportEvents();
  // From a phase on any shard: the command stops at the key at argument
  // `position` (WRONGTYPE), as Redis's loop over its keys does, so the
  // misses of later keys, which other shards looked up meanwhile, are not
  // reported.
  void StopReadsAt(int position);
  // Whose command this is (a client id), for the changes its phases make
  // on other threads (engine::ChangeAuthor; 0 keeps the thread's own).
  void set_author(uint64_t id) { author_ = id; }
  // Hands the command to `log` in the form a replay repeats (LogCommand),
  // unless it only reads, failed, or waits (it is logged when served). Once
  // every phase ran, while its shards are still held. `only_keys`: the key
  // positions a blocked pop was served from.
  void LogTo(CommandLog& log, const std::vector<int>* only_keys = nullptr) const;
  // The handler itself threw while declaring phases: answer with `error`.
  void FailSetup(std::string error);
  void WriteReply(resp::ReplyWriter& out);
  // Where a command may not block (inside EXEC or a script): a blocking one
  // that found nothing answers as if it had timed out at once (a missing
  // element for the moves), anything else its reply.
  void WriteReplyWithoutBlocking(resp::ReplyWriter& out);

 private:
  const CommandSpec* spec_;
  std::vector<std::string> storage_;
  std::vector<std::string_view> views_;
  int db_index_;
  int64_t now_ms_;
  size_t num_shards_total_ = 1;
  int num_dbs_ = 16;
  std::vector<engine::ShardId> shards_;
  absl::flat_hash_map<engine::ShardId, std::vector<int>> keys_on_;
  std::vector<Phase> phases_;
  ReplyFn reply_;
  int64_t block_timeout_ms_ = -1;
  engine::ObjectType block_type_ = engine::ObjectType::kList;
  bool serve_needs_all_keys_ = false;
  std::atomic<bool> waiting_{false};
  std::shared_ptr<engine::KeyWaiter> waiter_;
  // Set by the first phase that threw (phases of one step run on several
  // threads); read when the reply is written, after every phase ended.
  std::atomic<bool> failed_{false};
  uint64_t author_ = 0;
  std::string failure_;
  // One per entry of shards_: each written only by its shard's part of a
  // phase, read after every phase ended.
  std::vector<engine::KeyEventLog> event_logs_;
  std::atomic<uint32_t> reads_stop_{UINT32_MAX};
};

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_MULTI_COMMAND_H_
