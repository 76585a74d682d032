// Test support: drives a RequestParser the way a connection does (append a
// read, parse until kNeedMore, drop consumed bytes, sometimes move the
// buffer) and records what came out, so tests and the fuzzer can check that
// every way of splitting the same bytes yields the same commands.
#ifndef RESP_REQUEST_PARSER_TESTING_H_
#define RESP_REQUEST_PARSER_TESTING_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "resp/request_parser.h"

namespace resp {

// Everything a connection observes from parsing one byte stream.
struct ParseTrace {
  std::vector<std::vector<std::string>> commands;
  // Status of the last Parse call: kNeedMore if the input ended inside (or
  // right after) a command, kError after an error.
  RequestParser::Status last = RequestParser::Status::kNeedMore;
  std::string error;
  // Bytes consumed in total; input.size() - consumed are left buffered.
  size_t consumed = 0;

  bool operator==(const ParseTrace& other) const = default;
};

// Returns the size of the next read, given the bytes not yet fed (> 0); the
// result is clamped to [1, remaining].
using ChunkSizer = std::function<size_t(size_t remaining)>;

// Feeds `input` to a fresh parser with `limits` in reads sized by `next_chunk`
// (nullptr: one read of everything). When `relocate` is true the unconsumed
// bytes are copied to a new allocation after every read, to catch views or
// pointers kept across calls.
ParseTrace TraceParse(std::string_view input, const ParserLimits& limits,
                      const ChunkSizer& next_chunk = nullptr, bool relocate = false);

// Renders a trace for test failure messages.
std::string DescribeTrace(const ParseTrace& trace);

// Encodes args as one RESP multibulk command.
std::string EncodeCommand(const std::vector<std::string>& args);

}  // namespace resp

#endif  // RESP_REQUEST_PARSER_TESTING_H_
