#include "engine/rdb/shard_snapshot.h"

#include <utility>

#include "engine/access_clock.h"

namespace rdb {

ShardSnapshot::ShardSnapshot(engine::Shard& shard, SaveOptions options, EvictionData eviction,
                             Sink sink, size_t chunk_bytes)
    : shard_(shard),
      options_(options),
      eviction_(eviction),
      sink_(std::move(sink)),
      chunk_bytes_(chunk_bytes) {}

ShardSnapshot::~ShardSnapshot() {
  if (running_) Abort();
}

void ShardSnapshot::Begin(int64_t now_ms) {
  now_ms_ = now_ms;
  running_ = true;
  resized_.assign(resize_hints_.size(), false);
  for (int i = 0; i < shard_.num_dbs(); ++i) {
    engine::Db& db = shard_.db(i);
    dbs_.emplace_back(&db, i);
    db.BeginSnapshot(this);
  }
}

void ShardSnapshot::Save(const engine::Db& db, const engine::Entry& e) {
  int64_t expire = e.expire_ms.load(std::memory_order_relaxed);
  if (expire != 0 && expire <= now_ms_) return;
  int index = -1;
  for (const auto& [d, i] : dbs_) {
    if (d == &db) index = i;
  }
  if (index < 0) return;
  if (index != chunk_db_) {
    AppendSelectDb(&chunk_, index);
    chunk_db_ = index;
    if (static_cast<size_t>(index) < resize_hints_.size() && !resized_[index]) {
      resized_[index] = true;
      AppendResizeDb(&chunk_, resize_hints_[index].first, resize_hints_[index].second);
    }
  }
  const engine::Object* obj = e.obj.load(std::memory_order_relaxed);
  KeyMeta meta;
  meta.expire_ms = expire;
  if (eviction_ == EvictionData::kIdle) meta.idle_seconds = engine::IdleSeconds(obj);
  if (eviction_ == EvictionData::kFrequency) meta.frequency = engine::DecayedFrequency(obj);
  AppendKey(&chunk_, e.key(), *obj, meta, options_);
  ++keys_saved_;
  if (chunk_.size() >= chunk_bytes_) Flush();
}

void ShardSnapshot::Flush() {
  if (chunk_.empty()) return;
  sink_(std::move(chunk_));
  chunk_.clear();
  chunk_db_ = -1;  // the next chunk selects its db again
}

bool ShardSnapshot::Step(size_t max_keys) {
  if (!running_) return true;
  while (next_db_ < dbs_.size()) {
    engine::Db& db = const_cast<engine::Db&>(*dbs_[next_db_].first);
    if (!db.SaveSome(&cursor_, max_keys)) return false;
    ++next_db_;
    cursor_ = 0;
  }
  Flush();
  EndAll(/*complete=*/true);
  return true;
}

void ShardSnapshot::EndAll(bool complete) {
  for (const auto& [db, index] : dbs_) const_cast<engine::Db*>(db)->EndSnapshot(complete);
  running_ = false;
}

void ShardSnapshot::Abort() {
  if (!running_) return;
  chunk_.clear();
  sink_ = [](std::string) {};
  EndAll(/*complete=*/false);
}

}  // namespace rdb
