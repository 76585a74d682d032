#include "resp/request_parser_testing.h"

#include <algorithm>
#include <memory>

#include "resp/value.h"

namespace resp {

ParseTrace TraceParse(std::string_view input, const ParserLimits& limits,
                      const ChunkSizer& next_chunk, bool relocate) {
  ParseTrace trace;
  RequestParser parser(limits);
  std::string buf;
  size_t fed = 0;
  while (fed < input.size()) {
    const size_t remaining = input.size() - fed;
    const size_t chunk =
        next_chunk ? std::clamp<size_t>(next_chunk(remaining), 1, remaining) : remaining;
    buf.append(input.substr(fed, chunk));
    fed += chunk;
    if (relocate) {
      // A fresh heap block (never the small-string buffer) so stale pointers
      // into the old one read freed memory under ASan.
      auto moved = std::make_unique<std::string>();
      moved->reserve(std::max<size_t>(buf.size(), 32));
      moved->append(buf);
      buf.swap(*moved);
    }
    for (;;) {
      size_t consumed = 0;
      trace.last = parser.Parse(buf, &consumed);
      trace.consumed += consumed;
      if (trace.last == RequestParser::Status::kError) {
        trace.error = parser.error();
        return trace;
      }
      if (trace.last == RequestParser::Status::kCommand) {
        std::vector<std::string> args;
        for (std::string_view a : parser.args()) args.emplace_back(a);
        trace.commands.push_back(std::move(args));
      }
      // Compaction: the parser allows dropping consumed bytes at any time.
      buf.erase(0, consumed);
      if (trace.last == RequestParser::Status::kNeedMore) break;
    }
  }
  return trace;
}

std::string DescribeTrace(const ParseTrace& trace) {
  std::string out;
  for (const auto& command : trace.commands) {
    Value v;
    v.type = Type::kArray;
    for (const auto& arg : command) v.elements.push_back(MakeBulk(arg));
    out += ToString(v) + "\n";
  }
  out += trace.last == RequestParser::Status::kError     ? "error: " + trace.error
         : trace.last == RequestParser::Status::kCommand ? "command"
                                                         : "need more";
  out += " consumed=" + std::to_string(trace.consumed);
  return out;
}

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

}  // namespace resp
