#ifndef SHARDIS_SERVER_COMMAND_HANDLER_GUARD_H_
#define SHARDIS_SERVER_COMMAND_HANDLER_GUARD_H_

#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "resp/reply_writer.h"

namespace server {

// The last line of defence at the command-handler boundary. An exception
// escaping a handler is a bug (a length_error from a size nobody checked,
// say), but it must cost only that client its reply, not every client its
// data: the guard drops what the handler wrote, answers with an error,
// logs the first one per command name and counts it (INFO's
// command_exceptions; the tests and fuzzers treat any count as a failure).
// Running out of memory keeps Redis's behaviour: log and abort.

// Process-wide, because it counts bugs, not traffic: any thread may bump it.
uint64_t HandlerExceptions();

// Logs (once per command), counts, and returns the error reply text.
std::string OnHandlerException(std::string_view command, const char* what);
[[noreturn]] void OnHandlerOutOfMemory(std::string_view command);

// Runs handler() writing into `out`; see above for what a throw does.
template <typename F>
void RunGuarded(std::string_view command, resp::ReplyWriter& out, F&& handler) {
  std::string* buf = out.out();
  size_t before = buf->size();
  try {
    handler();
  } catch (const std::bad_alloc&) {
    OnHandlerOutOfMemory(command);
  } catch (const std::exception& e) {
    buf->resize(before);
    out.Error(OnHandlerException(command, e.what()));
  } catch (...) {
    buf->resize(before);
    out.Error(OnHandlerException(command, "unknown exception"));
  }
}

// As RunGuarded for work that writes no reply itself (a phase of a
// multi-shard command): returns the error text, or "" when it did not throw.
template <typename F>
std::string RunGuardedPhase(std::string_view command, F&& work) {
  try {
    work();
  } catch (const std::bad_alloc&) {
    OnHandlerOutOfMemory(command);
  } catch (const std::exception& e) {
    return OnHandlerException(command, e.what());
  } catch (...) {
    return OnHandlerException(command, "unknown exception");
  }
  return std::string();
}

}  // namespace server

#endif  // SHARDIS_SERVER_COMMAND_HANDLER_GUARD_H_
