#ifndef SHARDIS_SERVER_SCRIPTING_SCRIPT_CACHE_H_
#define SHARDIS_SERVER_SCRIPTING_SCRIPT_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace scripting {

// A script EVAL or SCRIPT LOAD has seen, or a function FUNCTION LOAD
// registered.
struct Script {
  // A function (FCALL): `sha` is then the function's name, `body` empty.
  bool is_function = false;
  std::string sha;     // 40 lower-case hex digits of `body`
  std::string body;    // as sent, shebang included
  uint32_t flags = 0;  // ScriptFlag
  size_t shebang_length = 0;
  // Learned: a run touched a key on a shard its KEYS did not bring in, so
  // later runs take every shard from the start (docs/decisions/006).
  std::atomic<bool> reaches_undeclared{false};
};

// The scripts of the whole server (one cache, every worker's interpreter
// compiles from it). Thread-safe; lookups take a mutex, which EVALSHA pays
// once per call - short next to running the script.
class ScriptCache {
 public:
  // A script for this body (not yet in the cache): nullptr and *error
  // (Redis's text, without a code) when its shebang is invalid.
  static std::shared_ptr<Script> Parse(std::string_view body, std::string* error);
  // Adds a parsed script (once it compiled); answers the cached one when
  // the same body is there already.
  std::shared_ptr<Script> Insert(std::shared_ptr<Script> script);
  // Parse and Insert.
  std::shared_ptr<Script> Add(std::string_view body, std::string* error);
  // By SHA, any case; nullptr when unknown.
  std::shared_ptr<Script> Find(std::string_view sha) const;
  // SCRIPT FLUSH. Interpreters see the generation change and start afresh.
  void Flush();
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  size_t size() const;
  // Bytes of script text held (INFO used_memory_scripts_eval).
  size_t body_bytes() const;

 private:
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Script>> scripts_;
  size_t body_bytes_ = 0;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace scripting

#endif  // SHARDIS_SERVER_SCRIPTING_SCRIPT_CACHE_H_
