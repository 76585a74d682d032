#ifndef SHARDIS_ENGINE_KEY_WATCHERS_H_
#define SHARDIS_ENGINE_KEY_WATCHERS_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace engine {

class Db;

// One WATCH of one client: set dirty by whichever shard sees a watched key
// change; read by the client's EXEC once it holds every watched shard.
struct WatchState {
  std::atomic<bool> dirty{false};
};

// One shard's WATCH registry: for each (db index, key), the clients watching
// it. Owner thread only. A shard nobody watches pays one branch per write
// (`empty()`); there is no lookup.
//
// Each watch remembers whether the key was already logically expired when
// WATCH ran (Redis's `expired` flag): deleting such a key is no change, and
// it does not make EXEC fail because of its expiry.
class KeyWatchers {
 public:
  explicit KeyWatchers(int num_dbs) : dbs_(num_dbs) {}

  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // expired: the key has an entry whose TTL has passed.
  void Add(int db, std::string_view key, std::shared_ptr<WatchState> state, bool expired);
  void Remove(int db, std::string_view key, const WatchState* state);

  // The key was written, deleted, expired or evicted; `exists`: whether the
  // db still holds an entry for it.
  void Touch(int db, std::string_view key, bool exists);
  // FLUSHDB/FLUSHALL empties `emptied`, SWAPDB replaces it with
  // `replaced_with` (nullptr for a flush), in db index `db`. Call before the
  // change. Marks the watchers of keys that exist on either side, except
  // where an expired key stays (logically) absent.
  void TouchAllInDb(int db, const Db& emptied, const Db* replaced_with, int64_t now_ms);

  // EXEC: removes `state`'s watch of the key and returns whether the key is
  // now expired although it was not when it was watched.
  bool RemoveAndCheckExpired(int db, std::string_view key, const WatchState* state,
                             const Db& current, int64_t now_ms);

 private:
  struct Watch {
    std::shared_ptr<WatchState> state;
    bool expired;
  };
  using Watches = std::vector<Watch>;

  std::vector<absl::flat_hash_map<std::string, Watches>> dbs_;
  size_t count_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_KEY_WATCHERS_H_
