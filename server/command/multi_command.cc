#include "server/command/multi_command.h"

#include <algorithm>

#include "engine/shard_set.h"

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

}  // namespace server
