#include "server/config/config.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/command/text.h"

namespace server {

namespace {

absl::Status SetMemory(const std::string& name, const std::string& value, int64_t min,
                       int64_t* out) {
  int64_t v;
  if (!ParseMemory(value, &v) || v < min) {
    return absl::InvalidArgumentError(
        absl::StrCat("argument '", value, "' for '", name, "' is invalid or out of range"));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status SetOutputLimit(const std::string& value, Config* c) {
  std::vector<std::string> parts = absl::StrSplit(value, ' ', absl::SkipEmpty());
  if (parts.size() % 4 != 0 || parts.empty()) {
    return absl::InvalidArgumentError("Wrong number of arguments in buffer limit configuration.");
  }
  for (size_t i = 0; i < parts.size(); i += 4) {
    std::string cls = Lower(parts[i]);
    Config::OutputLimit limit;
    int64_t hard, soft, seconds;
    if (!ParseMemory(parts[i + 1], &hard) || !ParseMemory(parts[i + 2], &soft) ||
        !absl::SimpleAtoi(parts[i + 3], &seconds) || seconds < 0) {
      return absl::InvalidArgumentError(
          "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    limit.hard = hard;
    limit.soft = soft;
    limit.soft_seconds = seconds;
    if (cls == "normal") {
      c->normal_output_limit = limit;
    } else if (cls == "replica" || cls == "slave") {
      c->replica_output_limit = limit;
    } else if (cls == "pubsub") {
      c->pubsub_output_limit = limit;
    } else {
      return absl::InvalidArgumentError(
          "Invalid client class specified in buffer limit configuration.");
    }
  }
  return absl::OkStatus();
}

absl::Status SetInt(const std::string& name, const std::string& value, int64_t min, int64_t max,
                    int64_t* out) {
  int64_t v;
  if (!absl::SimpleAtoi(value, &v) || v < min || v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("argument '", value, "' for '", name, "' is invalid or out of range"));
  }
  *out = v;
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyConfigOption(const std::string& raw_name, const std::string& value, Config* c) {
  std::string name = Lower(raw_name);
  int64_t v = 0;
  absl::Status st;
  if (name == "port") {
    st = SetInt(name, value, 0, 65535, &v);
    c->port = static_cast<int>(v);
  } else if (name == "bind") {
    // redis.conf may list several addresses ("127.0.0.1 -::1"): the first
    // one is ours ('-' marks an optional one).
    std::vector<std::string> addrs = absl::StrSplit(value, ' ', absl::SkipEmpty());
    if (addrs.empty()) return absl::InvalidArgumentError("bind needs an address");
    c->bind = addrs[0][0] == '-' ? addrs[0].substr(1) : addrs[0];
  } else if (name == "threads") {
    st = SetInt(name, value, 0, 256, &v);
    c->threads = static_cast<int>(v);
  } else if (name == "unixsocket") {
    c->unixsocket = value;
  } else if (name == "unixsocketperm") {
    c->unixsocketperm = static_cast<int>(strtol(value.c_str(), nullptr, 8));
  } else if (name == "maxclients") {
    st = SetInt(name, value, 1, 1000000, &v);
    c->maxclients = v;
  } else if (name == "databases") {
    st = SetInt(name, value, 1, 1024, &v);
    c->databases = static_cast<int>(v);
  } else if (name == "proto-max-bulk-len") {
    st = SetMemory(name, value, 1 << 20, &v);
    c->proto_max_bulk_len = v;
  } else if (name == "client-query-buffer-limit") {
    st = SetMemory(name, value, 1 << 20, &v);
    c->client_query_buffer_limit = v;
  } else if (name == "client-output-buffer-limit") {
    st = SetOutputLimit(value, c);
  } else if (name == "timeout") {
    st = SetInt(name, value, 0, INT32_MAX, &v);
    c->timeout = v;
  } else if (name == "hz") {
    st = SetInt(name, value, 0, INT32_MAX, &v);
    c->hz = std::clamp<int64_t>(v, 1, 500);  // Redis clamps, too
  } else if (name == "requirepass") {
    c->requirepass = value;
  } else if (name == "protected-mode") {
    std::string v = Lower(value);
    if (v != "yes" && v != "no") {
      return absl::InvalidArgumentError("argument must be 'yes' or 'no'");
    }
    c->protected_mode = v == "yes";
  } else if (name == "daemonize" || name == "loglevel" || name == "logfile" ||
             name == "supervised" || name == "pidfile") {
    // Accepted so scripts written for redis-server start us unchanged; we
    // always run in the foreground and log to stdout.
  } else {
    c->runtime_settings.emplace_back(name, value);
  }
  return st;
}

absl::Status ParseFlags(const std::vector<std::string>& argv, Config* config) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    }
    std::string name = Lower(arg.substr(2));
    std::string value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(2 + eq + 1);
      name.resize(eq);
    } else if (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) {
      value = argv[++i];
    } else if (i + 1 < argv.size() && name == "save") {
      value = argv[++i];
    }
    absl::Status st = ApplyConfigOption(name, value, config);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

resp::ParserLimits ParserLimitsFor(const Config& config, bool authenticated) {
  resp::ParserLimits limits;
  limits.max_bulk_len = config.proto_max_bulk_len;
  if (!authenticated && !config.requirepass.empty()) {
    limits = resp::ParserLimits::Unauthenticated();
    limits.proto_max_bulk_len = config.proto_max_bulk_len;
  }
  return limits;
}

bool ParseMemory(std::string_view text, int64_t* bytes) {
  std::string t = Lower(text);
  int64_t mul = 1;
  auto strip = [&](std::string_view suffix, int64_t m) {
    if (t.size() > suffix.size() &&
        t.compare(t.size() - suffix.size(), suffix.size(), suffix) == 0) {
      t.resize(t.size() - suffix.size());
      mul = m;
      return true;
    }
    return false;
  };
  strip("gb", 1ll << 30) || strip("mb", 1ll << 20) || strip("kb", 1ll << 10) ||
      strip("g", 1000ll * 1000 * 1000) || strip("m", 1000ll * 1000) || strip("k", 1000) ||
      strip("b", 1);
  int64_t v;
  if (!absl::SimpleAtoi(t, &v) || v < 0 || v > INT64_MAX / mul) return false;
  *bytes = v * mul;
  return true;
}

int EffectiveThreads(const Config& config) {
  if (config.threads > 0) return config.threads;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace server
