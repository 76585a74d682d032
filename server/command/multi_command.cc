#include "server/command/multi_command.h"

#include <algorithm>
#include <optional>

#include "engine/shard_set.h"
#include "server/command/handler_guard.h"
#include "server/command/watch_notice.h"

namespace server {

MultiCommand::MultiCommand(const CommandSpec* spec, Args args, int db_index, int64_t now_ms)
    : spec_(spec), db_index_(db_index), now_ms_(now_ms) {
  storage_.reserve(args.size());
  views_.reserve(args.size());
  for (std::string_view a : args) storage_.emplace_back(a);
  for (const std::string& s : storage_) views_.emplace_back(s);
}

void MultiCommand::Route(const std::vector<int>& key_positions, const engine::ShardSet& set) {
  num_shards_total_ = set.size();
  num_dbs_ = set.num_dbs();
  if (spec_->flags & kAllShards) {
    for (engine::ShardId s = 0; s < set.size(); ++s) shards_.push_back(s);
  }
  for (int pos : key_positions) {
    engine::ShardId s = set.ShardOf(views_[pos]);
    keys_on_[s].push_back(pos);
    if (std::find(shards_.begin(), shards_.end(), s) == shards_.end()) shards_.push_back(s);
  }
  std::sort(shards_.begin(), shards_.end());
  event_logs_.resize(shards_.size());
}

const std::vector<int>& MultiCommand::KeysOn(engine::ShardId shard) const {
  static const std::vector<int> kNone;
  auto it = keys_on_.find(shard);
  return it == keys_on_.end() ? kNone : it->second;
}

void MultiCommand::WaitOn(engine::Shard& shard, const std::vector<int>& key_positions) {
  waiting_.store(true, std::memory_order_release);
  if (waiter_ == nullptr) return;
  for (int pos : key_positions) {
    if (shard.shard_set().ShardOf(views_[pos]) != shard.id()) continue;
    shard.key_waiters().Add(db_index_, views_[pos], waiter_);
  }
}

void MultiCommand::RunPhase(Phase& phase, engine::Shard& shard, engine::Db& db) {
  std::optional<WatchNotice> notice;  // someone watches a key of this shard
  if ((spec_->flags & kWrite) && db.observed()) {
    std::vector<std::string_view> keys;
    for (int pos : KeysOn(shard.id())) keys.push_back(views_[pos]);
    notice.emplace(db, std::move(keys));
  }
  std::optional<engine::ChangeAuthor> author;
  if (author_ != 0) author.emplace(author_);
  std::optional<engine::KeyEventLog::Scope> logging;
  auto it = std::lower_bound(shards_.begin(), shards_.end(), shard.id());
  if (it != shards_.end() && *it == shard.id()) {
    engine::KeyEventLog& log = event_logs_[it - shards_.begin()];
    log.SetPhase(static_cast<uint32_t>(&phase - phases_.data()));
    logging.emplace(&log);
  }
  std::string error = RunGuardedPhase(spec_->name, [&] { phase(shard, db); });
  logging.reset();
  if (notice) notice->Send();
  if (error.empty()) return;
  // Only the first failure is kept. Its text is read after every phase
  // ended (the transaction's completion orders it).
  bool expected = false;
  if (failed_.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
    failure_ = std::move(error);
  }
}

void MultiCommand::Declare(const std::vector<int>& key_positions, const engine::ShardSet& set) {
  Route(key_positions, set);
  std::string error = RunGuardedPhase(spec_->name, [&] { spec_->multi(*this); });
  if (!error.empty()) FailSetup(std::move(error));
}

void MultiCommand::ReportEvents() {
  engine::KeyEventLog::ReportMerged(event_logs_, reads_stop_.load(std::memory_order_relaxed));
}

void MultiCommand::StopReadsAt(int position) {
  uint32_t p = static_cast<uint32_t>(position);
  uint32_t seen = reads_stop_.load(std::memory_order_relaxed);
  while (p < seen && !reads_stop_.compare_exchange_weak(seen, p, std::memory_order_relaxed)) {
  }
}

void MultiCommand::WriteReplyWithoutBlocking(resp::ReplyWriter& out) {
  if (!may_block() || !waiting()) return WriteReply(out);
  ReportEvents();
  if (spec_->name == "blmove" || spec_->name == "brpoplpush") return out.Null();
  out.NullArray();
}

void MultiCommand::FailSetup(std::string error) {
  phases_.clear();
  failure_ = std::move(error);
  failed_.store(true, std::memory_order_release);
}

void MultiCommand::WriteReply(resp::ReplyWriter& out) {
  ReportEvents();
  if (failed_.load(std::memory_order_acquire)) return out.Error(failure_);
  reply_(out);
}

void MultiCommand::LogTo(CommandLog& log, const std::vector<int>* only_keys) const {
  if (!(spec_->flags & kWrite) || failed_.load(std::memory_order_acquire) || waiting()) return;
  LogCommand(log, *spec_, views_, db_index_, now_ms_, only_keys);
}

}  // namespace server
