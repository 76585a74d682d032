#ifndef SHARDIS_ENGINE_REMOVAL_FEED_H_
#define SHARDIS_ENGINE_REMOVAL_FEED_H_

#include <string_view>

namespace engine {

// Told about each key the engine removes by itself - its TTL passed (lazily
// or in active expiry), or eviction chose it - on the thread that removed
// it, before the lookup that found it returns: the append-only file writes
// a DEL there, ahead of whatever the command that looked goes on to log.
class RemovalFeed {
 public:
  virtual ~RemovalFeed() = default;
  virtual void Removed(int db_index, std::string_view key) = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_REMOVAL_FEED_H_
