#include "server/core/server.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <future>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "net/listener.h"
#include "server/core/config_registry.h"
#include "server/core/memory_stats.h"
#include "server/core/script_run.h"
#include "server/core/snapshots.h"
#include "server/core/worker.h"

namespace server {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomRunId() {
  std::random_device rd;
  std::string id;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) id.push_back(hex[rd() % 16]);
  return id;
}

}  // namespace

Server::Server(Config config, CommandTable commands)
    : config_(std::move(config)),
      shards_(EffectiveThreads(config_), config_.databases),
      commands_(std::move(commands)),
      start_ms_(NowMs()),
      run_id_(RandomRunId()) {
  snapshots_ = std::make_unique<Snapshots>(this);
  append_only_ = std::make_unique<AppendOnly>(this);
  config_registry_ = std::make_unique<ConfigRegistry>(this);  // reaches the two above
  if (config_.dir.get().empty()) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) != nullptr) config_.dir = std::string(cwd);
  }
  for (engine::ShardId i = 0; i < shards_.size(); ++i) {
    engine::Shard& shard = shards_.shard(i);
    for (int db = 0; db < shard.num_dbs(); ++db) {
      shard.db(db).set_events(&keyspace_events_);
      shard.db(db).set_removal_feed(append_only_.get());
    }
  }
  for (engine::ShardId i = 0; i < shards_.size(); ++i) {
    workers_.push_back(std::make_unique<Worker>(this, i));
  }
}

Server::~Server() {
  Stop();
  workers_.clear();
  if (unix_fd_ >= 0) {
    close(unix_fd_);
    unlink(config_.unixsocket.c_str());
  }
}

std::string Server::BusyError(const CommandSpec& spec, Args args) const {
  uint32_t flags = spec.flags;
  if (!spec.subcommands.empty() && args.size() > 1) {
    std::string full = absl::StrCat(
        spec.name, "|", absl::AsciiStrToLower(absl::string_view(args[1].data(), args[1].size())));
    if (const CommandSpec* sub = commands_.FindFull(full)) flags = sub->flags;
  }
  if (flags & kAllowBusy) return "";
  return std::string(busy_functions.load(std::memory_order_relaxed) > 0 ? kBusyFunctionError
                                                                        : kBusyEvalError);
}

absl::Status Server::ApplyStartupSettings() {
  if (settings_applied_) return absl::OkStatus();
  settings_applied_ = true;
  // Settings of the CONFIG SET kind from flags or the config file.
  for (const auto& [name, value] : config_.runtime_settings) {
    std::string_view pair[2] = {name, value};
    std::string error = config_registry_->Set(Args(pair, 2), /*starting=*/true);
    if (error.rfind("ERR Unknown option", 0) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Bad directive or wrong number of arguments: ", name));
    }
    if (!error.empty()) return absl::InvalidArgumentError(error.substr(4));
  }
  return absl::OkStatus();
}

absl::Status Server::Start() {
  absl::Status settings = ApplyStartupSettings();
  if (!settings.ok()) return settings;
  memory_.Refresh();
  engine::access_settings().lfu = engine::IsLfuPolicy(config_.maxmemory_policy);
  std::vector<int> fds;
  port_ = config_.port;
  if (port_ != 0) {
    absl::Status free = net::CheckPortFree(config_.bind, port_);
    if (!free.ok()) return free;
  }
  for (size_t i = 0; i < workers_.size(); ++i) {
    absl::StatusOr<int> fd = net::ListenTcp(config_.bind, port_);
    if (!fd.ok()) {
      for (int f : fds) close(f);
      return fd.status();
    }
    if (port_ == 0) {  // an ephemeral port: the others must join the same one
      sockaddr_storage ss{};
      socklen_t len = sizeof(ss);
      getsockname(*fd, reinterpret_cast<sockaddr*>(&ss), &len);
      port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    }
    fds.push_back(*fd);
  }
  if (!config_.unixsocket.empty()) {
    absl::StatusOr<int> fd = net::ListenUnix(config_.unixsocket, config_.unixsocketperm);
    if (!fd.ok()) {
      for (int f : fds) close(f);
      return fd.status();
    }
    unix_fd_ = *fd;
  }
  // LoadData opened the append-only file; a server started without it
  // (tests) opens it here.
  if (!append_only_->started()) {
    absl::Status aof = append_only_->OpenAtStartup();
    if (!aof.ok()) {
      for (int f : fds) close(f);
      return aof;
    }
  }
  for (size_t i = 0; i < workers_.size(); ++i) workers_[i]->Start(fds[i], unix_fd_);
  return absl::OkStatus();
}

absl::Status Server::LoadData() {
  absl::Status settings = ApplyStartupSettings();
  if (!settings.ok()) return settings;
  // With appendonly yes the AOF is the data (dump.rdb is not read), as in
  // Redis.
  bool from_aof = false;
  absl::Status st = append_only_->LoadAtStartup(&from_aof);
  if (st.ok() && !from_aof) st = snapshots_->LoadAtStartup();
  if (st.ok()) st = append_only_->OpenAtStartup();
  return st;
}

bool Server::SaveBeforeExit() {
  if (!snapshots_->has_save_points()) return true;
  while (true) {
    // Started on worker 0's thread (snapshots begin with a transaction
    // there); a BGSAVE still running makes us wait for it and try again.
    auto result = std::make_shared<std::promise<absl::Status>>();
    std::future<absl::Status> done = result->get_future();
    auto task = std::make_unique<engine::Task>(
        engine::Task::Kind::kCallback, [this, result](engine::Shard&) {
          std::string error = snapshots_->Start(
              worker(0), [result](absl::Status st) { result->set_value(st); });
          if (error == Snapshots::kInProgress) {
            result->set_value(absl::UnavailableError(error));
          } else if (!error.empty()) {
            result->set_value(absl::InternalError(error));
          }
        });
    while (!worker(0).shard().mailbox().TryPush(task)) usleep(1000);
    absl::Status st = done.get();
    if (absl::IsUnavailable(st)) {
      usleep(10 * 1000);
      continue;
    }
    if (!st.ok()) {
      std::fprintf(stderr, "Error trying to save the DB, can't exit: %s\n",
                   std::string(st.message()).c_str());
    }
    return st.ok();
  }
}

void Server::Stop() {
  // A script that never ends must not keep the process alive (it stops at
  // its next hook, as with SCRIPT KILL).
  stopping_.store(true, std::memory_order_release);
  for (auto& w : workers_) w->Stop();
  for (auto& w : workers_) w->Join();
  snapshots_->Shutdown();
  append_only_->Shutdown();
}

}  // namespace server
