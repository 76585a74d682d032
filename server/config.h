#ifndef SHARDIS_SERVER_CONFIG_H_
#define SHARDIS_SERVER_CONFIG_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace server {

// A setting that CONFIG SET may change while workers read it on their hot
// paths: a relaxed atomic (a new value applies from the next read), yet
// copyable like the plain fields around it.
template <typename T>
class Tunable {
 public:
  Tunable(T v = T()) : v_(v) {}  // NOLINT: converts like the plain value
  Tunable(const Tunable& o) : v_(o.get()) {}
  Tunable& operator=(const Tunable& o) {
    set(o.get());
    return *this;
  }
  Tunable& operator=(T v) {
    set(v);
    return *this;
  }
  T get() const { return v_.load(std::memory_order_relaxed); }
  void set(T v) { v_.store(v, std::memory_order_relaxed); }
  operator T() const { return get(); }  // NOLINT

 private:
  std::atomic<T> v_;
};

// Server settings. Names follow redis.conf; defaults are Redis 7.0's.
// Tunable fields may change at runtime (CONFIG SET); the rest are fixed once
// the server starts.
struct Config {
  int port = 6379;
  std::string bind = "127.0.0.1";
  int threads = 0;  // 0: one per core
  std::string unixsocket;
  int unixsocketperm = 0;
  Tunable<int64_t> maxclients = 10000;
  int databases = 16;
  Tunable<int64_t> proto_max_bulk_len = 512ll << 20;
  Tunable<int64_t> client_query_buffer_limit = 1ll << 30;
  // client-output-buffer-limit for the normal class (Redis default: none).
  // A client whose unsent replies pass `hard`, or stay above `soft` for
  // `soft_seconds`, is closed.
  struct OutputLimit {
    Tunable<int64_t> hard = 0;
    Tunable<int64_t> soft = 0;
    Tunable<int64_t> soft_seconds = 0;
  };
  OutputLimit normal_output_limit;
  // Back-pressure: stop reading a client's requests while this many reply
  // bytes wait for it to read, so a client that never reads cannot make the
  // server buffer without bound even with no limit configured.
  int64_t output_pause_bytes = 64ll << 20;
  Tunable<int64_t> timeout = 0;  // idle client timeout in seconds, 0: never
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
