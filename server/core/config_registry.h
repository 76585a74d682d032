#ifndef SHARDIS_SERVER_CORE_CONFIG_REGISTRY_H_
#define SHARDIS_SERVER_CORE_CONFIG_REGISTRY_H_

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/command/command.h"

namespace server {

class Server;

// The parameters CONFIG GET reads and CONFIG SET changes, with Redis 7.0's
// names, aliases (hash-max-ziplist-entries ...), ranges and error texts.
// Values that workers read on hot paths are atomics (Tunable, or the
// engine's EncodingLimits), so a change needs no hand-off; a new value
// applies from the next read. Any thread may call Get/Set.
class ConfigRegistry {
 public:
  explicit ConfigRegistry(Server* server);

  // (name, value) of every parameter whose name or alias matches one of the
  // glob patterns, each once, under the name that matched.
  std::vector<std::pair<std::string, std::string>> Get(Args patterns) const;

  // Sets name/value pairs, all or none. Returns Redis's error text, or ""
  // when every value was valid and applied.
  // `starting`: from the command line or config file, where protected
  // parameters (dir, dbfilename) may be set too.
  std::string Set(Args pairs, bool starting = false);

 private:
  enum class Kind { kModifiable, kImmutable, kProtected };
  using Getter = std::function<std::string()>;
  // Checks a value: returns why it is invalid, or "" and sets *apply to
  // what stores it.
  using Setter = std::function<std::string(std::string_view value, std::function<void()>* apply)>;
  struct Param {
    std::string name;
    std::string alias;  // Redis's older name, or ""
    Kind kind;
    Getter get;
    Setter set;
  };

  void Add(std::string name, std::string alias, Kind kind, Getter get, Setter set = nullptr);
  // A number in [min, max] read by `parse` (parse_error when it cannot).
  void AddBounded(std::string name, std::string alias, int64_t min, int64_t max,
                  bool (*parse)(std::string_view, int64_t*), const char* parse_error,
                  std::function<int64_t()> get, std::function<void(int64_t)> set);
  void AddInteger(std::string name, std::string alias, int64_t min, int64_t max,
                  std::function<int64_t()> get, std::function<void(int64_t)> set);
  void AddMemory(std::string name, int64_t min, std::function<int64_t()> get,
                 std::function<void(int64_t)> set);
  // A string parameter kept here only: a choice that changes nothing yet
  // (appendfsync while appendonly is off, as in Redis), read back by tools.
  void AddStored(std::string name, std::string initial, std::vector<std::string> allowed = {});
  void AddFixed(std::string name, std::string value, Kind kind = Kind::kImmutable);
  void AddYesNo(std::string name, std::function<bool()> get, std::function<void(bool)> set);
  const Param* Find(std::string_view name) const;

  Server* server_;
  std::vector<Param> params_;
  mutable std::mutex stored_mu_;  // guards stored_
  std::vector<std::pair<std::string, std::string>> stored_;
};

}  // namespace server

#endif  // SHARDIS_SERVER_CORE_CONFIG_REGISTRY_H_
