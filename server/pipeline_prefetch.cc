#include "server/pipeline_prefetch.h"

#include <array>

#include "engine/lookup_prefetch.h"
#include "resp/request_peek.h"

namespace server {

size_t PrefetchPipeline(std::string_view input, const CommandTable& commands,
                        engine::ShardSet& shards, engine::ShardId self, int db) {
  std::array<resp::PeekedCommand, engine::LookupPrefetch::kMaxKeys> peeked;
  size_t n = resp::PeekCommands(input, absl::MakeSpan(peeked));
  if (n < 2) return n;
  engine::LookupPrefetch prefetch;
  for (size_t i = 0; i < n; ++i) {
    const resp::PeekedCommand& cmd = peeked[i];
    if (cmd.argc < 2) continue;
    const CommandSpec* spec = commands.Find(cmd.name);
    if (spec == nullptr || spec->on_shard == nullptr || spec->first_key != 1) continue;
    engine::ShardId owner = shards.ShardOf(cmd.first_arg);
    // Keys of other shards are looked up by their owner's thread, in its
    // cache, unless the read fast path answers them here.
    if (owner != self && spec->fast_read == nullptr) continue;
    prefetch.Add(shards.shard(owner).db(db), cmd.first_arg);
  }
  prefetch.Run();
  return n;
}

}  // namespace server
