// Look-ahead over a client's buffered requests: the name and first argument
// of each complete multibulk command, without consuming anything. A server
// uses it to start the memory loads of a pipelined batch's keys before it
// runs the batch (see server/core/pipeline_prefetch.h).
#ifndef RESP_REQUEST_PEEK_H_
#define RESP_REQUEST_PEEK_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/types/span.h"

namespace resp {

struct PeekedCommand {
  std::string_view name;
  std::string_view first_arg;  // empty when the command has no argument
  // Arguments 2 and 3 (empty when absent): a script's key count and its
  // first key (EVALSHA sha 1 key).
  std::string_view second_arg;
  std::string_view third_arg;
  int64_t argc = 0;
};

// Commands with more arguments end the look-ahead: skipping them costs more
// than a prefetch saves, and one still arriving would be rescanned on every
// read (the parser itself resumes where it stopped; this does not).
inline constexpr int64_t kMaxPeekedArgs = 64;

// Fills `out` with the commands that are complete at the start of `buf`, in
// order, and returns how many. Stops early (never fails) at anything it does
// not expect: an inline command, an empty command, one of more than
// kMaxPeekedArgs arguments, a malformed or partial one. The work is bounded
// by out.size() * kMaxPeekedArgs headers, whatever the buffer holds. It is a
// hint, not a parser: RequestParser alone decides what a command is and
// which error it gets, and a command peeked here may still be rejected there.
size_t PeekCommands(std::string_view buf, absl::Span<PeekedCommand> out);

}  // namespace resp

#endif  // RESP_REQUEST_PEEK_H_
