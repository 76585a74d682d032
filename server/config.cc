#include "server/config.h"

#include <sched.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/text.h"

namespace server {

namespace {

absl::Status SetInt(const std::string& name, const std::string& value, int64_t min, int64_t max,
                    int64_t* out) {
  int64_t v;
  if (!absl::SimpleAtoi(value, &v) || v < min || v > max) {
    return absl::InvalidArgumentError(absl::StrCat("argument '", value, "' for '", name,
                                                   "' is invalid or out of range"));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status Apply(const std::string& name, const std::string& value, Config* c) {
  int64_t v = 0;
  absl::Status st;
  if (name == "port") {
    st = SetInt(name, value, 0, 65535, &v);
    c->port = static_cast<int>(v);
  } else if (name == "bind") {
    c->bind = value;
  } else if (name == "threads") {
    st = SetInt(name, value, 0, 256, &v);
    c->threads = static_cast<int>(v);
  } else if (name == "unixsocket") {
    c->unixsocket = value;
  } else if (name == "unixsocketperm") {
    c->unixsocketperm = static_cast<int>(strtol(value.c_str(), nullptr, 8));
  } else if (name == "maxclients") {
    st = SetInt(name, value, 1, 1000000, &v);
    c->maxclients = static_cast<int>(v);
  } else if (name == "databases") {
    st = SetInt(name, value, 1, 1024, &v);
    c->databases = static_cast<int>(v);
  } else if (name == "proto-max-bulk-len") {
    st = SetInt(name, value, 1 << 20, INT64_MAX, &c->proto_max_bulk_len);
  } else if (name == "client-query-buffer-limit") {
    st = SetInt(name, value, 1 << 20, INT64_MAX, &c->client_query_buffer_limit);
  } else if (name == "timeout") {
    st = SetInt(name, value, 0, INT32_MAX, &c->timeout);
  } else if (name == "hz") {
    st = SetInt(name, value, 1, 500, &v);
    c->hz = static_cast<int>(v);
  } else if (name == "requirepass") {
    c->requirepass = value;
  } else if (name == "save" || name == "appendonly" || name == "daemonize" ||
             name == "protected-mode" || name == "loglevel" || name == "logfile") {
    // Accepted so scripts written for redis-server start us unchanged;
    // persistence and daemonizing are not part of this server yet.
  } else {
    return absl::InvalidArgumentError(absl::StrCat("Bad directive or wrong number of arguments: ", name));
  }
  return st;
}

}  // namespace

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
    absl::Status st = Apply(name, value, config);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

int EffectiveThreads(const Config& config) {
  if (config.threads > 0) return config.threads;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace server
