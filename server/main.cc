// The server binary: parses flags, starts one worker per shard, and stops
// cleanly on SIGINT/SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "server/commands/all_commands.h"
#include "server/config/config.h"
#include "server/config/config_file.h"
#include "server/core/server.h"

namespace {

// The kernel may run the handler on any thread (a worker's too), so the
// flag is a lock-free atomic: async-signal-safe, and not a data race with
// the main thread's polling (TSan flagged the volatile it replaces).
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void OnSignal(int) { stop_requested.store(true, std::memory_order_relaxed); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::printf(
        "Usage: server [/path/to/server.conf] [--port N] [--bind ADDR] [--threads N]\n"
        "              [--unixsocket PATH] [--maxclients N] [--databases N]\n"
        "              [--requirepass PASS] [--<any redis.conf option> value] ...\n");
    return 0;
  }
  server::Config config;
  absl::Status st;
  // Like redis-server: an optional config file first, then flags that
  // override it.
  if (!args.empty() && args[0].rfind("--", 0) != 0) {
    st = server::ParseConfigFile(args[0], &config);
    args.erase(args.begin());
  }
  if (st.ok()) st = server::ParseFlags(args, &config);
  if (!st.ok()) {
    std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR ***\n%s\n",
                 std::string(st.message()).c_str());
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  server::Server srv(config, server::AllCommands());
  st = srv.LoadData();
  if (!st.ok()) {
    std::fprintf(stderr,
                 absl::IsInvalidArgument(st) ? "Could not start: %s\n"
                                             : "Fatal error loading the DB: %s. Exiting.\n",
                 std::string(st.message()).c_str());
    return 1;
  }
  st = srv.Start();
  if (!st.ok()) {
    std::fprintf(stderr, "Could not start: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  std::printf("Ready to accept connections tcp %s:%d with %zu threads (pid %d)\n",
              config.bind.c_str(), srv.port(), srv.num_workers(), getpid());
  std::fflush(stdout);
  while (true) {
    while (!stop_requested.load(std::memory_order_relaxed) && !srv.shutdown_requested()) {
      usleep(50 * 1000);
    }
    if (srv.shutdown_requested()) break;  // SHUTDOWN saved already, if it had to
    std::printf("Received signal, shutting down\n");
    std::fflush(stdout);
    // As Redis: with save points set, save first, and refuse to exit when
    // that fails (the data would be lost).
    if (srv.SaveBeforeExit()) break;
    stop_requested.store(false, std::memory_order_relaxed);
  }
  srv.Stop();
  return 0;
}
