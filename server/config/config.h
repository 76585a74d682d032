#ifndef SHARDIS_SERVER_CONFIG_CONFIG_H_
#define SHARDIS_SERVER_CONFIG_CONFIG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "engine/eviction.h"
#include "resp/request_parser.h"

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

// A text setting CONFIG SET may change (requirepass): readers take a
// snapshot, a writer swaps in a new string. A mutex, not
// std::atomic<shared_ptr>: libstdc++ 12 implements that with a lock bit TSan
// cannot see (it reported the swap as a race), and the setting is read only
// when a connection opens or authenticates, never per command.
class TunableText {
 public:
  TunableText(std::string v = "")  // NOLINT: converts like the plain value
      : v_(std::make_shared<const std::string>(std::move(v))) {}
  TunableText(const TunableText& o) : v_(o.snapshot()) {}
  TunableText& operator=(const TunableText& o) {
    Set(o.snapshot());
    return *this;
  }
  TunableText& operator=(std::string v) {
    Set(std::make_shared<const std::string>(std::move(v)));
    return *this;
  }
  std::shared_ptr<const std::string> snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return v_;
  }
  std::string get() const { return *snapshot(); }
  bool empty() const { return snapshot()->empty(); }

 private:
  void Set(std::shared_ptr<const std::string> v) {
    std::lock_guard<std::mutex> lock(mu_);
    v_.swap(v);  // the old string is freed outside the lock, by `v`
  }

  mutable std::mutex mu_;
  std::shared_ptr<const std::string> v_;
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
  // The other classes' limits, as CONFIG sets and shows them. Redis 7.0's
  // defaults; no client of ours is a replica or a subscriber yet.
  OutputLimit replica_output_limit{256ll << 20, 64ll << 20, 60};
  OutputLimit pubsub_output_limit{32ll << 20, 8ll << 20, 60};
  // Back-pressure: stop reading a client's requests while this many reply
  // bytes wait for it to read, so a client that never reads cannot make the
  // server buffer without bound even with no limit configured.
  int64_t output_pause_bytes = 64ll << 20;
  Tunable<int64_t> timeout = 0;  // idle client timeout in seconds, 0: never
  // CLIENT TRACKING: keys the tracking table holds at most (0: no limit).
  Tunable<int64_t> tracking_table_max_keys = 1000000;
  // Past this many allocated bytes, commands that may grow memory (denyoom)
  // first evict keys by the policy, or are refused with Redis's OOM error
  // (noeviction, or nothing left to evict); 0: no limit.
  Tunable<int64_t> maxmemory = 0;
  Tunable<engine::EvictionPolicy> maxmemory_policy = engine::EvictionPolicy::kNoEviction;
  Tunable<int64_t> maxmemory_samples = 5;
  Tunable<int64_t> maxmemory_eviction_tenacity = 10;
  // Housekeeping runs per second (active expiry, timeouts), 1..500.
  Tunable<int64_t> hz = 10;
  // A script running longer (ms) makes other clients answer BUSY
  // (busy-reply-threshold, alias lua-time-limit); 0: never.
  Tunable<int64_t> busy_reply_threshold_ms = 5000;
  TunableText requirepass;
  // Bumped when a setting that shapes open connections' parser limits
  // changes (proto-max-bulk-len, requirepass): each client re-derives its
  // limits before it parses again (ParserLimitsFor).
  Tunable<uint64_t> limits_epoch = 0;
  // With no password, refuse clients that are not on the loopback
  // interface (Redis's protected mode).
  Tunable<bool> protected_mode = true;
  // RDB snapshots: where (dir is absolute; "" until the server starts: the
  // working directory), the `save` points, and whether files carry a
  // CRC-64 (rdbchecksum). With stop-writes-on-bgsave-error, writes are
  // refused while the last background save failed.
  TunableText dir;
  TunableText dbfilename = std::string("dump.rdb");
  TunableText save_points = std::string("3600 1 300 100 60 10000");
  Tunable<bool> rdbchecksum = true;
  Tunable<bool> stop_writes_on_bgsave_error = true;
  // The append-only file (server/core/append_only.h): on or off, Redis
  // 7.0's directory and file names (fixed once started), whether a
  // truncated tail still loads, and when the file is rewritten by itself.
  Tunable<bool> appendonly = false;
  std::string appenddirname = "appendonlydir";
  std::string appendfilename = "appendonly.aof";
  Tunable<bool> aof_load_truncated = true;
  Tunable<int64_t> auto_aof_rewrite_percentage = 100;
  Tunable<int64_t> auto_aof_rewrite_min_size = 64ll << 20;
  // Settings of the CONFIG SET kind found in flags or the config file
  // (hash-max-listpack-entries ...): applied through the ConfigRegistry when
  // the server is built, with its validation.
  std::vector<std::pair<std::string, std::string>> runtime_settings;
};

// Parses `--name value` / `--name=value` pairs (redis-server's command-line
// form). Bad values of startup settings are errors; other names are kept in
// runtime_settings for the ConfigRegistry to check.
absl::Status ParseFlags(const std::vector<std::string>& argv, Config* config);

// Applies one setting (a flag, or a line of a config file; the arguments
// joined by spaces).
absl::Status ApplyConfigOption(const std::string& name, const std::string& value, Config* config);

// The request limits of a client: Redis's unauthenticated ones while a
// password is required and the client has not given it, else
// proto-max-bulk-len.
resp::ParserLimits ParserLimitsFor(const Config& config, bool authenticated);

// Parses a memory amount as redis.conf does: "1gb", "64mb", "100k", "1024".
bool ParseMemory(std::string_view text, int64_t* bytes);

// The number of threads to run: config.threads, or the cores available.
int EffectiveThreads(const Config& config);

}  // namespace server

#endif  // SHARDIS_SERVER_CONFIG_CONFIG_H_
