#include "server/core/config_registry.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/shard_set.h"
#include "server/command/glob.h"
#include "server/command/text.h"
#include "server/core/server.h"
#include "server/persistence/save_points.h"

namespace server {

namespace {

std::string Failed(std::string_view name, std::string_view reason) {
  return absl::StrCat("ERR CONFIG SET failed (possibly related to argument '", AV(name), "') - ",
                      AV(reason));
}

std::atomic<int64_t>& Limit(Server* s, std::atomic<int64_t> engine::EncodingLimits::*field) {
  return s->shards().limits().*field;
}

}  // namespace

ConfigRegistry::ConfigRegistry(Server* server) : server_(server) {
  Config& c = server->mutable_config();
  using L = engine::EncodingLimits;
  struct Threshold {
    const char* name;
    const char* alias;
    std::atomic<int64_t> L::*field;
    int64_t min;
    int64_t max;
  };
  for (const Threshold& t : {
           Threshold{"hash-max-listpack-entries", "hash-max-ziplist-entries",
                     &L::hash_max_listpack_entries, 0, INT64_MAX},
           Threshold{"hash-max-listpack-value", "hash-max-ziplist-value",
                     &L::hash_max_listpack_value, 0, INT64_MAX},
           Threshold{"zset-max-listpack-entries", "zset-max-ziplist-entries",
                     &L::zset_max_listpack_entries, 0, INT64_MAX},
           Threshold{"zset-max-listpack-value", "zset-max-ziplist-value",
                     &L::zset_max_listpack_value, 0, INT64_MAX},
           Threshold{"set-max-intset-entries", "", &L::set_max_intset_entries, 0, INT64_MAX},
           Threshold{"list-max-listpack-size", "list-max-ziplist-size", &L::list_max_listpack_size,
                     INT32_MIN, INT32_MAX},
       }) {
    std::atomic<int64_t>* v = &Limit(server, t.field);
    AddInteger(
        t.name, t.alias, t.min, t.max, [v] { return v->load(); }, [v](int64_t n) { v->store(n); });
  }
  AddInteger(
      "busy-reply-threshold", "lua-time-limit", 0, INT64_MAX,
      [&c] { return c.busy_reply_threshold_ms.get(); },
      [&c](int64_t n) { c.busy_reply_threshold_ms = n; });
  AddInteger(
      "timeout", "", 0, INT32_MAX, [&c] { return c.timeout.get(); },
      [&c](int64_t n) { c.timeout = n; });
  AddInteger(
      "maxclients", "", 1, INT32_MAX, [&c] { return c.maxclients.get(); },
      [&c](int64_t n) { c.maxclients = n; });
  AddInteger(
      "tracking-table-max-keys", "", 0, INT64_MAX,
      [&c] { return c.tracking_table_max_keys.get(); },
      [&c](int64_t n) { c.tracking_table_max_keys = n; });
  AddMemory(
      "proto-max-bulk-len", 1 << 20, [&c] { return c.proto_max_bulk_len.get(); },
      [&c](int64_t n) {
        c.proto_max_bulk_len = n;
        c.limits_epoch = c.limits_epoch.get() + 1;  // open connections too
      });
  AddMemory(
      "client-query-buffer-limit", 1 << 20, [&c] { return c.client_query_buffer_limit.get(); },
      [&c](int64_t n) { c.client_query_buffer_limit = n; });
  Add(
      "client-output-buffer-limit", "", Kind::kModifiable,
      [&c] {
        auto text = [](const char* cls, const Config::OutputLimit& l) {
          return absl::StrCat(cls, " ", l.hard.get(), " ", l.soft.get(), " ", l.soft_seconds.get());
        };
        return absl::StrCat(text("normal", c.normal_output_limit), " ",
                            text("slave", c.replica_output_limit), " ",
                            text("pubsub", c.pubsub_output_limit));
      },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        // Validated on a copy, applied whole (a bad class leaves all as is).
        auto parsed = std::make_shared<Config>();
        absl::Status st = ApplyConfigOption("client-output-buffer-limit", std::string(value),
                                            parsed.get());
        if (!st.ok()) return std::string(st.message());
        std::vector<std::string> classes =
            absl::StrSplit(Lower(value), ' ', absl::SkipEmpty());
        *apply = [&c, parsed, classes] {
          for (size_t i = 0; i < classes.size(); i += 4) {
            if (classes[i] == "normal") c.normal_output_limit = parsed->normal_output_limit;
            if (classes[i] == "slave" || classes[i] == "replica") {
              c.replica_output_limit = parsed->replica_output_limit;
            }
            if (classes[i] == "pubsub") c.pubsub_output_limit = parsed->pubsub_output_limit;
          }
        };
        return "";
      });
  // Redis takes any int and clamps it to 1..500.
  AddInteger(
      "hz", "", 0, INT32_MAX, [&c] { return c.hz.get(); },
      [&c](int64_t n) { c.hz = std::clamp<int64_t>(n, 1, 500); });
  Add("port", "", Kind::kImmutable, [this] { return absl::StrCat(server_->port()); });
  Add("bind", "", Kind::kImmutable, [&c] { return c.bind; });
  Add("databases", "", Kind::kImmutable, [&c] { return absl::StrCat(c.databases); });
  Add("unixsocket", "", Kind::kImmutable, [&c] { return c.unixsocket; });
  Add(
      "requirepass", "", Kind::kModifiable, [&c] { return c.requirepass.get(); },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        *apply = [&c, v = std::string(value)] {
          c.requirepass = v;
          c.limits_epoch = c.limits_epoch.get() + 1;  // open connections too
        };
        return "";
      });
  Add(
      "protected-mode", "", Kind::kModifiable,
      [&c] { return std::string(c.protected_mode ? "yes" : "no"); },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        if (!EqualsIgnoreCase(value, "yes") && !EqualsIgnoreCase(value, "no")) {
          return "argument must be 'yes' or 'no'";
        }
        *apply = [&c, on = EqualsIgnoreCase(value, "yes")] { c.protected_mode = on; };
        return "";
      });
  Add("io-threads", "", Kind::kImmutable, [this] { return absl::StrCat(server_->num_workers()); });
  // Protected as in Redis 7.0 (enable-protected-configs no): set from the
  // command line or config file only.
  Add(
      "dir", "", Kind::kProtected, [&c] { return c.dir.get(); },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        char resolved[PATH_MAX];
        struct stat st {};
        std::string path(value);
        if (realpath(path.c_str(), resolved) == nullptr || stat(resolved, &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
          return absl::StrCat("No such file or directory");
        }
        *apply = [&c, dir = std::string(resolved)] { c.dir = dir; };
        return "";
      });
  Add(
      "dbfilename", "", Kind::kProtected, [&c] { return c.dbfilename.get(); },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        if (value.find('/') != std::string_view::npos) {
          return "dbfilename can't be a path, just a filename";
        }
        *apply = [&c, v = std::string(value)] { c.dbfilename = v; };
        return "";
      });
  AddFixed("daemonize", "no");
  AddFixed("list-compress-depth", "0");
  Add(
      "save", "", Kind::kModifiable, [&c] { return c.save_points.get(); },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        std::vector<persistence::SavePoint> points;
        if (!persistence::ParseSavePoints(value, &points)) return "Invalid save parameters";
        *apply = [&c, text = persistence::FormatSavePoints(points)] { c.save_points = text; };
        return "";
      });
  engine::ShardSet* shards = &server->shards();
  AddYesNo("rdbcompression", [shards] { return shards->rdb_compression(); },
           [shards](bool on) { shards->set_rdb_compression(on); });
  AddYesNo("rdbchecksum", [&c] { return c.rdbchecksum.get(); },
           [&c](bool on) { c.rdbchecksum = on; });
  AddYesNo("stop-writes-on-bgsave-error", [&c] { return c.stop_writes_on_bgsave_error.get(); },
           [&c](bool on) { c.stop_writes_on_bgsave_error = on; });
  AppendOnly* aof = &server->append_only();
  AddYesNo("appendonly", [&c] { return c.appendonly.get(); },
           [&c, aof](bool on) {
             c.appendonly = on;
             aof->SetEnabled(on);
           });
  Add(
      "appendfsync", "", Kind::kModifiable,
      [aof] { return std::string(aof::FsyncPolicyName(aof->fsync_policy())); },
      [aof](std::string_view value, std::function<void()>* apply) -> std::string {
        aof::FsyncPolicy p;
        if (!aof::ParseFsyncPolicy(value, &p)) {
          return "argument(s) must be one of the following: everysec, always, no";
        }
        *apply = [aof, p] { aof->set_fsync_policy(p); };
        return "";
      });
  // Fixed once the server runs (Redis: immutable); set by flags or the file.
  Add(
      "appenddirname", "", Kind::kImmutable, [&c] { return c.appenddirname; },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        if (value.empty() || value.find('/') != std::string_view::npos || value == "." ||
            value == "..") {
          return "appenddirname can't be a path, just a dirname";
        }
        *apply = [&c, v = std::string(value)] { c.appenddirname = v; };
        return "";
      });
  Add(
      "appendfilename", "", Kind::kImmutable, [&c] { return c.appendfilename; },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        if (value.empty() || value.find('/') != std::string_view::npos) {
          return "appendfilename can't be a path, just a filename";
        }
        *apply = [&c, v = std::string(value)] { c.appendfilename = v; };
        return "";
      });
  AddYesNo("aof-load-truncated", [&c] { return c.aof_load_truncated.get(); },
           [&c](bool on) { c.aof_load_truncated = on; });
  // The base is always an RDB file here (Redis's default); the AOF-format
  // base of "no" is refused rather than ignored.
  AddStored("aof-use-rdb-preamble", "yes", {"yes"});
  AddStored("aof-timestamp-enabled", "no", {"no"});
  // Our writer fsyncs a base once, at its end, either way.
  AddStored("aof-rewrite-incremental-fsync", "yes", {"yes", "no"});
  AddInteger(
      "auto-aof-rewrite-percentage", "", 0, INT32_MAX,
      [&c] { return c.auto_aof_rewrite_percentage.get(); },
      [&c](int64_t n) { c.auto_aof_rewrite_percentage = n; });
  AddMemory(
      "auto-aof-rewrite-min-size", 0, [&c] { return c.auto_aof_rewrite_min_size.get(); },
      [&c](int64_t n) { c.auto_aof_rewrite_min_size = n; });
  AddMemory(
      "maxmemory", 0, [&c] { return c.maxmemory.get(); }, [&c](int64_t n) { c.maxmemory = n; });
  Add(
      "maxmemory-policy", "", Kind::kModifiable,
      [&c] { return std::string(engine::EvictionPolicyName(c.maxmemory_policy)); },
      [&c](std::string_view value, std::function<void()>* apply) -> std::string {
        engine::EvictionPolicy p;
        if (!engine::ParseEvictionPolicy(value, &p)) {
          return "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                 "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                 "noeviction";
        }
        *apply = [&c, p] {
          c.maxmemory_policy = p;
          // Values count their accesses only while an LFU policy needs it.
          engine::access_settings().lfu = engine::IsLfuPolicy(p);
        };
        return "";
      });
  AddInteger(
      "maxmemory-samples", "", 1, INT32_MAX, [&c] { return c.maxmemory_samples.get(); },
      [&c](int64_t n) { c.maxmemory_samples = n; });
  AddInteger(
      "maxmemory-eviction-tenacity", "", 0, 100,
      [&c] { return c.maxmemory_eviction_tenacity.get(); },
      [&c](int64_t n) { c.maxmemory_eviction_tenacity = n; });
  engine::AccessSettings& access = engine::access_settings();
  AddInteger(
      "lfu-log-factor", "", 0, INT32_MAX, [&access] { return access.lfu_log_factor.load(); },
      [&access](int64_t n) { access.lfu_log_factor = n; });
  AddInteger(
      "lfu-decay-time", "", 0, INT32_MAX, [&access] { return access.lfu_decay_minutes.load(); },
      [&access](int64_t n) { access.lfu_decay_minutes = n; });
  pubsub::KeyspaceNotifier& events = server->keyspace_events();
  Add(
      "notify-keyspace-events", "", Kind::kModifiable,
      [&events] { return pubsub::KeyspaceNotifier::FormatFlags(events.mask()); },
      [&events](std::string_view value, std::function<void()>* apply) -> std::string {
        std::optional<uint32_t> mask = pubsub::KeyspaceNotifier::ParseFlags(value);
        if (!mask) return "Invalid event class character. Use 'Ag$lshzxeKEtmd'.";
        *apply = [&events, m = *mask] { events.set_mask(m); };
        return "";
      });
}

void ConfigRegistry::Add(std::string name, std::string alias, Kind kind, Getter get, Setter set) {
  params_.push_back({std::move(name), std::move(alias), kind, std::move(get), std::move(set)});
}

void ConfigRegistry::AddBounded(std::string name, std::string alias, int64_t min, int64_t max,
                                bool (*parse)(std::string_view, int64_t*),
                                const char* parse_error, std::function<int64_t()> get,
                                std::function<void(int64_t)> set) {
  Add(
      std::move(name), std::move(alias), Kind::kModifiable, [get] { return absl::StrCat(get()); },
      [min, max, parse, parse_error, set](std::string_view value,
                                          std::function<void()>* apply) -> std::string {
        int64_t v;
        if (!parse(value, &v)) return parse_error;
        if (v < min || v > max) {
          return absl::StrCat("argument must be between ", min, " and ", max, " inclusive");
        }
        *apply = [set, v] { set(v); };
        return "";
      });
}

void ConfigRegistry::AddInteger(std::string name, std::string alias, int64_t min, int64_t max,
                                std::function<int64_t()> get, std::function<void(int64_t)> set) {
  AddBounded(
      std::move(name), std::move(alias), min, max,
      [](std::string_view text, int64_t* v) { return absl::SimpleAtoi(AV(text), v); },
      "argument couldn't be parsed into an integer", std::move(get), std::move(set));
}

void ConfigRegistry::AddMemory(std::string name, int64_t min, std::function<int64_t()> get,
                               std::function<void(int64_t)> set) {
  AddBounded(std::move(name), "", min, INT64_MAX, ParseMemory, "argument must be a memory value",
             std::move(get), std::move(set));
}

void ConfigRegistry::AddStored(std::string name, std::string initial,
                               std::vector<std::string> allowed) {
  size_t slot = stored_.size();
  stored_.emplace_back(name, std::move(initial));
  std::string n = name;
  Add(
      std::move(name), "", Kind::kModifiable,
      [this, slot] {
        std::lock_guard<std::mutex> lock(stored_mu_);
        return stored_[slot].second;
      },
      [this, n, slot, allowed](std::string_view value,
                               std::function<void()>* apply) -> std::string {
        std::string v = n == "save" ? std::string(value) : Lower(value);
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
          return ("argument(s) must be one of the following: " + [&] {
            std::string list;
            for (const std::string& a : allowed)
              absl::StrAppend(&list, list.empty() ? "" : ", ", a);
            return list;
          }());
        }
        *apply = [this, slot, v] {
          std::lock_guard<std::mutex> lock(stored_mu_);
          stored_[slot].second = v;
        };
        return "";
      });
}

void ConfigRegistry::AddFixed(std::string name, std::string value, Kind kind) {
  Add(std::move(name), "", kind, [value] { return value; });
}

const ConfigRegistry::Param* ConfigRegistry::Find(std::string_view name) const {
  for (const Param& p : params_) {
    if (EqualsIgnoreCase(name, p.name) || (!p.alias.empty() && EqualsIgnoreCase(name, p.alias))) {
      return &p;
    }
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> ConfigRegistry::Get(Args patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Param& p : params_) {
    for (const std::string& name : {p.name, p.alias}) {
      if (name.empty()) continue;
      for (std::string_view pattern : patterns) {
        if (GlobMatch(pattern, name, /*nocase=*/true)) {
          out.emplace_back(name, p.get());
          break;
        }
      }
    }
  }
  return out;
}

void ConfigRegistry::AddYesNo(std::string name, std::function<bool()> get,
                              std::function<void(bool)> set) {
  Add(
      std::move(name), "", Kind::kModifiable,
      [get] { return std::string(get() ? "yes" : "no"); },
      [set](std::string_view value, std::function<void()>* apply) -> std::string {
        if (!EqualsIgnoreCase(value, "yes") && !EqualsIgnoreCase(value, "no")) {
          return "argument must be 'yes' or 'no'";
        }
        *apply = [set, on = EqualsIgnoreCase(value, "yes")] { set(on); };
        return "";
      });
}

std::string ConfigRegistry::Set(Args pairs, bool starting) {
  std::vector<std::function<void()>> applies;
  std::vector<const Param*> seen;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    const Param* p = Find(pairs[i]);
    if (p == nullptr) {
      return absl::StrCat("ERR Unknown option or number of arguments for CONFIG SET - '",
                          AV(pairs[i]), "'");
    }
    if (std::find(seen.begin(), seen.end(), p) != seen.end()) {
      return Failed(pairs[i], "duplicate parameter");
    }
    seen.push_back(p);
    if (p->kind == Kind::kProtected && !starting) {
      return Failed(pairs[i], "can't set protected config");
    }
    // An immutable parameter with a setter takes its value at start only.
    if ((p->kind == Kind::kImmutable && !starting) || !p->set) {
      return Failed(pairs[i], "can't set immutable config");
    }
    std::function<void()> apply;
    std::string reason = p->set(pairs[i + 1], &apply);
    if (!reason.empty()) return Failed(pairs[i], reason);
    applies.push_back(std::move(apply));
  }
  for (auto& apply : applies) apply();
  return "";
}

}  // namespace server
