#ifndef SHARDIS_SERVER_CORE_PIPELINE_PREFETCH_H_
#define SHARDIS_SERVER_CORE_PIPELINE_PREFETCH_H_

#include <cstddef>
#include <string_view>

#include "engine/shard_set.h"
#include "server/core/client.h"
#include "server/core/command_memo.h"

namespace server {

// Before a client's pipelined commands run, starts the memory loads of the
// keys they will look up on this thread (commands on our own shard, and
// fast-path reads of any shard), so that a batch of random keys overlaps its
// cache misses instead of paying them one after another (LookupPrefetch).
// `input` is the client's unconsumed input. Returns how many commands it
// looked at: the caller runs that many before looking again. Fewer than two
// complete commands: nothing to overlap, nothing prefetched.
size_t PrefetchPipeline(std::string_view input, CommandMemo& commands,
                        engine::ShardSet& shards, engine::ShardId self, int db);

// The same for a batch of commands that hopped to their keys' shard, on
// that shard's thread: prefetches the keys of the commands from `from` on (up
// to LookupPrefetch::kMaxKeys of them) and returns the index of the first
// command it did not look at.
size_t PrefetchHopBatch(const HopBatch& batch, size_t from, engine::Shard& shard);

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_PIPELINE_PREFETCH_H_
