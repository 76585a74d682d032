#include "server/command/handler_guard.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/command/text.h"

namespace server {

namespace {

std::atomic<uint64_t> exceptions{0};

// Which commands have been logged already (only touched on the error path).
std::mutex& LogMutex() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}

absl::flat_hash_set<std::string>& Logged() {
  static auto* logged = new absl::flat_hash_set<std::string>;
  return *logged;
}

}  // namespace

uint64_t HandlerExceptions() { return exceptions.load(std::memory_order_relaxed); }

std::string OnHandlerException(std::string_view command, const char* what) {
  exceptions.fetch_add(1, std::memory_order_relaxed);
  std::string name = Lower(command);
  {
    std::lock_guard<std::mutex> lock(LogMutex());
    if (Logged().insert(name).second) {
      std::fprintf(stderr, "BUG: command '%s' threw: %s (further ones not logged)\n",
                   name.c_str(), what);
    }
  }
  return absl::StrCat("ERR internal error running '", AV(name), "' (the server logged it)");
}

void OnHandlerOutOfMemory(std::string_view command) {
  std::string name(command);
  std::fprintf(stderr, "Out Of Memory running command '%s'. Aborting.\n", name.c_str());
  std::abort();
}

}  // namespace server
