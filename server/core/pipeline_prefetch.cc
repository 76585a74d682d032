#include "server/core/pipeline_prefetch.h"

#include <array>

#include "engine/lookup_prefetch.h"
#include "resp/request_peek.h"

namespace server {

size_t PrefetchPipeline(std::string_view input, CommandMemo& commands,
                        engine::ShardSet& shards, engine::ShardId self, int db) {
  std::array<resp::PeekedCommand, engine::LookupPrefetch::kMaxKeys> peeked;
  size_t n = resp::PeekCommands(input, absl::MakeSpan(peeked));
  if (n < 2) return n;
  engine::LookupPrefetch prefetch;
  for (size_t i = 0; i < n; ++i) {
    const resp::PeekedCommand& cmd = peeked[i];
    if (cmd.argc < 2) continue;
    const CommandSpec* spec = commands.Find(cmd.name);
    if (spec == nullptr) continue;
    // A script (EVALSHA sha 1 key ...) reads its keys from this thread,
    // whichever shard holds them.
    if (spec->on_client != nullptr && spec->find_keys == KeysAfterCount<2, false> &&
        cmd.argc > 3 && cmd.second_arg != "0") {
      prefetch.Add(shards.shard(shards.ShardOf(cmd.third_arg)).db(db), cmd.third_arg);
      continue;
    }
    if (spec->on_shard == nullptr || spec->first_key != 1) continue;
    engine::ShardId owner = shards.ShardOf(cmd.first_arg);
    // Keys of other shards are looked up by their owner's thread, in its
    // cache, unless the read fast path answers them here.
    if (owner != self && spec->fast_read == nullptr) continue;
    prefetch.Add(shards.shard(owner).db(db), cmd.first_arg);
  }
  prefetch.Run();
  return n;
}

size_t PrefetchHopBatch(const HopBatch& batch, size_t from, engine::Shard& shard) {
  // A lone command has no other misses to overlap with.
  if (batch.commands.size() - from < 2) return batch.commands.size();
  engine::LookupPrefetch prefetch;
  size_t i = from;
  for (; i < batch.commands.size() && prefetch.size() < engine::LookupPrefetch::kMaxKeys; ++i) {
    const HopBatch::Command& cmd = batch.commands[i];
    if (cmd.num_args < 2 || cmd.spec->first_key != 1) continue;
    auto [offset, length] = batch.args[cmd.first_arg + 1];
    prefetch.Add(shard.db(cmd.db), std::string_view(batch.arena.data() + offset, length));
  }
  prefetch.Run();
  return i;
}

}  // namespace server
