#ifndef SHARDIS_SERVER_CORE_CLIENT_DIRECTORY_H_
#define SHARDIS_SERVER_CORE_CLIENT_DIRECTORY_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>

#include "absl/container/flat_hash_map.h"

namespace server {

// Which worker owns each connected client, for commands that name another
// client by id from any worker (CLIENT TRACKING ... REDIRECT <id>, and the
// invalidations sent there). Thread-safe; touched once when a client
// connects and once when it goes.
class ClientDirectory {
 public:
  void Add(uint64_t client, uint32_t worker) {
    std::unique_lock lock(mu_);
    workers_[client] = worker;
  }
  void Remove(uint64_t client) {
    std::unique_lock lock(mu_);
    workers_.erase(client);
  }
  std::optional<uint32_t> WorkerOf(uint64_t client) const {
    std::shared_lock lock(mu_);
    auto it = workers_.find(client);
    if (it == workers_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<uint64_t, uint32_t> workers_;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_CLIENT_DIRECTORY_H_
