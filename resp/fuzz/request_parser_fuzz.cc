// libFuzzer target for RequestParser. For every input it checks that parsing
// the bytes in one read and in reads of input-derived sizes (with the buffer
// moved between reads) gives the same commands, error and consumed count,
// and that each command has arguments, and that PeekCommands agrees with the
// parser. Any difference aborts.
//
// The first byte picks the limits, so small limits (and their error paths)
// are reached without megabytes of input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "resp/request_parser.h"
#include "resp/request_parser_testing.h"
#include "resp/request_peek.h"

namespace {

resp::ParserLimits LimitsFor(uint8_t selector) {
  resp::ParserLimits limits;
  switch (selector % 4) {
    case 0:
      break;
    case 1:
      limits = resp::ParserLimits::Unauthenticated();
      break;
    case 2:
      limits.max_inline_len = 1 + selector % 32;
      limits.max_bulk_len = selector % 16;
      limits.max_multibulk_len = selector % 8;
      break;
    default:
      limits.max_inline_len = 16;
      break;
  }
  return limits;
}

[[noreturn]] void Mismatch(const char* what, const resp::ParseTrace& a, const resp::ParseTrace& b) {
  std::fprintf(stderr, "%s\n--- whole:\n%s\n--- chunked:\n%s\n", what,
               resp::DescribeTrace(a).c_str(), resp::DescribeTrace(b).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const resp::ParserLimits limits = LimitsFor(data[0]);
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  const resp::ParseTrace whole = resp::TraceParse(input, limits);
  for (const auto& command : whole.commands) {
    if (command.empty()) Mismatch("empty command returned", whole, whole);
  }
  if (whole.consumed > input.size()) Mismatch("consumed past the input", whole, whole);

  // Read sizes come from a small generator seeded by the input, so a crash
  // reproduces from the input file alone.
  uint32_t state = 2166136261u;
  for (unsigned char c : input) state = (state ^ c) * 16777619u;
  // 1-byte reads reach every resume point; the moved buffer (one run only:
  // copying per read is slow) catches views kept across calls.
  struct Run {
    uint32_t max_read;
    bool relocate;
  };
  for (const Run run : {Run{1, false}, Run{4, false}, Run{23, true}}) {
    uint32_t rng = state | 1;
    const resp::ParseTrace chunked = resp::TraceParse(
        input, limits,
        [&](size_t) {
          rng ^= rng << 13;
          rng ^= rng >> 17;
          rng ^= rng << 5;
          return 1 + rng % run.max_read;
        },
        run.relocate);
    if (!(chunked == whole)) Mismatch("chunked parse differs from whole parse", whole, chunked);
  }

  // The look-ahead used for prefetching sees a prefix of the commands the
  // parser returns, identically; it may run past a command the parser
  // rejects (it does not check what Redis rejects), never past one it skips.
  if (limits.max_bulk_len == resp::ParserLimits().max_bulk_len && !limits.unauthenticated) {
    resp::PeekedCommand peeked[8];
    size_t n = resp::PeekCommands(input, peeked);
    size_t parsed = whole.commands.size();
    if (whole.last != resp::RequestParser::Status::kError && n > parsed) {
      Mismatch("peeked more commands than were parsed", whole, whole);
    }
    for (size_t i = 0; i < n && i < parsed; ++i) {
      const std::vector<std::string>& cmd = whole.commands[i];
      if (peeked[i].name != cmd[0] || peeked[i].argc != static_cast<int64_t>(cmd.size()) ||
          peeked[i].first_arg != (cmd.size() > 1 ? std::string_view(cmd[1]) : "") ||
          peeked[i].second_arg != (cmd.size() > 2 ? std::string_view(cmd[2]) : "") ||
          peeked[i].third_arg != (cmd.size() > 3 ? std::string_view(cmd[3]) : "")) {
        Mismatch("peeked command differs from the parsed one", whole, whole);
      }
    }
  }
  return 0;
}
