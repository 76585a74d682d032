#include "engine/shard_set.h"

#include <algorithm>

namespace engine {

ShardSet::ShardSet(uint32_t num_shards, int num_dbs)
    // Workers, the main thread and a margin for embedders' own threads.
    : runtime_(2 * size_t{num_shards} + 16), num_dbs_(num_dbs) {
  if (num_shards == 0) num_shards = 1;
  // Building a map links its first bucket through hazard pointers.
  CdsThreadScope scope;
  // Shards must exist before any of them sizes its outbox by set size.
  shards_.reserve(num_shards);
  for (ShardId i = 0; i < num_shards; ++i) shards_.push_back(nullptr);
  for (ShardId i = 0; i < num_shards; ++i) {
    shards_[i] = std::make_unique<Shard>(this, i, num_dbs);
  }
  for (int slot = 0; slot < kNumSlots; ++slot) {
    slot_to_shard_[slot] =
        static_cast<uint16_t>(uint64_t{static_cast<uint64_t>(slot)} * num_shards / kNumSlots);
  }
}

ShardSet::~ShardSet() {
  // Maps retire nodes through the hazard-pointer GC: the destroying thread
  // must be attached.
  CdsThreadScope scope;
  shards_.clear();
}

}  // namespace engine
