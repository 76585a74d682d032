#ifndef SHARDIS_SERVER_CONFIG_H_
#define SHARDIS_SERVER_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace server {

// Server settings. Names follow redis.conf; defaults are Redis 7.0's.
struct Config {
  int port = 6379;
  std::string bind = "127.0.0.1";
  int threads = 0;  // 0: one per core
  std::string unixsocket;
  int unixsocketperm = 0;
  int maxclients = 10000;
  int databases = 16;
  int64_t proto_max_bulk_len = 512ll << 20;
  int64_t client_query_buffer_limit = 1ll << 30;
  // client-output-buffer-limit for the normal class (Redis default: none).
  // A client whose unsent replies pass `hard`, or stay above `soft` for
  // `soft_seconds`, is closed.
  struct OutputLimit {
    int64_t hard = 0;
    int64_t soft = 0;
    int64_t soft_seconds = 0;
  };
  OutputLimit normal_output_limit;
  // Back-pressure: stop reading a client's requests while this many reply
  // bytes wait for it to read, so a client that never reads cannot make the
  // server buffer without bound even with no limit configured.
  int64_t output_pause_bytes = 64ll << 20;
  int64_t timeout = 0;  // idle client timeout in seconds, 0: never
  int hz = 10;
  std::string requirepass;
};

// Parses `--name value` / `--name=value` pairs (redis-server's command-line
// form). Unknown names and bad values are errors, as redis-server makes them.
absl::Status ParseFlags(const std::vector<std::string>& argv, Config* config);

// Parses a memory amount as redis.conf does: "1gb", "64mb", "100k", "1024".
bool ParseMemory(std::string_view text, int64_t* bytes);

// The number of threads to run: config.threads, or the cores available.
int EffectiveThreads(const Config& config);

}  // namespace server

#endif  // SHARDIS_SERVER_CONFIG_H_
