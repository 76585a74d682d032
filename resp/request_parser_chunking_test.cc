// Checks the parser's central promise: the commands and the final error are
// the same however the byte stream is split into reads, and whatever bytes
// the arguments hold.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "resp/request_parser.h"
#include "resp/request_parser_testing.h"

namespace resp {
namespace {

using Status = RequestParser::Status;
using Args = std::vector<std::string>;

// Inputs covering every parser state: multibulk, inline, empties, pipelines,
// binary payloads, each error, NUL stalls and unchecked terminator bytes.
std::vector<std::string> Inputs() {
  std::vector<std::string> in = {
      "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
      "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n",
      "PING\r\nECHO \"a\\x41 b\" 'c\\'d' e\n\r\n   \r\nSET k v\r\n*1\r\n$4\r\nPING\r\n",
      "*1\rX$4\r\nPINGxx*1\r\n$1\r\nz\n\n",
      EncodeCommand({std::string("\r\n\0\r", 4), "*1\r\n$3\r\n", ""}),
      "*2\r\n$1\r\na\r\n$x\r\n",
      "*1\r\n$4\r\nPING\r\n*1\r\nx\r\n",
      "PING\r\n\"unbalanced\r\n",
      "PING\r\n*12345678901234567890\r\n",
      std::string("PING\r\nPI\0NG\r\nPING\r\n", 19),
      std::string("*1\r\n$4\r\nPING\r\n*1\0\r\n$4\r\nPING\r\n", 28),
      "*1\r\n$4\r\nPING\r\n*1\r\n$3\r\nab",
  };
  return in;
}

ParserLimits SmallLimits() {
  ParserLimits limits;
  limits.max_inline_len = 6;
  limits.max_bulk_len = 5;
  limits.max_multibulk_len = 3;
  return limits;
}

TEST(RequestParserChunkingTest, SplitAtEveryByteMatchesWholeParse) {
  for (const ParserLimits& limits : {ParserLimits(), SmallLimits()}) {
    for (const std::string& input : Inputs()) {
      const ParseTrace whole = TraceParse(input, limits);
      for (size_t split = 1; split < input.size(); ++split) {
        bool first = true;
        const ParseTrace two = TraceParse(
            input, limits,
            [&](size_t) {
              const size_t n = first ? split : SIZE_MAX;
              first = false;
              return n;
            },
            /*relocate=*/true);
        ASSERT_EQ(two, whole) << "split at " << split << " of " << DescribeTrace(whole);
      }
      const ParseTrace bytewise = TraceParse(
          input, limits, [](size_t) { return 1; }, true);
      ASSERT_EQ(bytewise, whole) << DescribeTrace(bytewise) << "\nvs\n" << DescribeTrace(whole);
    }
  }
}

TEST(RequestParserChunkingTest, ExpectedTracesOfSampleInputs) {
  // Pin the whole-parse results so the equivalence above is not vacuous.
  const std::vector<std::string> in = Inputs();
  ParseTrace t = TraceParse(in[1], {});
  EXPECT_EQ(t.commands, (std::vector<Args>{{"PING"}, {"ECHO", ""}, {"PING"}}));
  EXPECT_EQ(t.consumed, in[1].size());
  t = TraceParse(in[2], {});
  EXPECT_EQ(t.commands, (std::vector<Args>{
                            {"PING"}, {"ECHO", "aA b", "c'd", "e"}, {"SET", "k", "v"}, {"PING"}}));
  t = TraceParse(in[3], {});
  EXPECT_EQ(t.commands, (std::vector<Args>{{"PING"}, {"z"}}));
  t = TraceParse(in[9], {});
  EXPECT_EQ(t.commands, (std::vector<Args>{{"PING"}}));
  EXPECT_EQ(t.last, Status::kNeedMore);
  EXPECT_EQ(t.consumed, 6u);
  t = TraceParse(in[11], {});
  EXPECT_EQ(t.commands.size(), 1u);
  EXPECT_EQ(t.consumed, 14u);
  ParserLimits limits = SmallLimits();
  limits.max_bulk_len = 4;
  t = TraceParse(in[0], limits);
  EXPECT_EQ(t.error, "ERR Protocol error: invalid bulk length");
}

std::string RandomArg(std::mt19937_64& rng) {
  // Mostly short, sometimes long; bytes drawn to hit the protocol's own
  // delimiters often.
  static constexpr char kSpecial[] = {'\r', '\n', '\0', '$', '*', ' ', '"', '\''};
  const size_t len = rng() % 8 == 0 ? rng() % 5000 : rng() % 20;
  std::string s(len, '\0');
  for (char& c : s) {
    c = rng() % 4 == 0 ? kSpecial[rng() % sizeof(kSpecial)] : static_cast<char>(rng() % 256);
  }
  return s;
}

TEST(RequestParserChunkingTest, RandomCommandsRoundTripUnderRandomChunking) {
  std::mt19937_64 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    std::vector<Args> expected;
    std::string stream;
    const int commands = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < commands; ++i) {
      Args args(1 + rng() % 6);
      for (auto& a : args) a = RandomArg(rng);
      stream += EncodeCommand(args);
      if (rng() % 10 == 0) stream += "*0\r\n";
      expected.push_back(std::move(args));
    }
    const size_t max_chunk = 1 + rng() % 64;
    const ParseTrace t = TraceParse(
        stream, ParserLimits(), [&](size_t) { return 1 + rng() % max_chunk; }, rng() % 2 == 0);
    ASSERT_EQ(t.last, Status::kNeedMore) << t.error;
    ASSERT_EQ(t.consumed, stream.size());
    ASSERT_EQ(t.commands, expected) << "round " << round;
  }
}

TEST(RequestParserChunkingTest, RandomInlineCommandsRoundTrip) {
  // Words from a safe alphabet plus quoted forms; the expected split is known.
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<Args> expected;
    std::string stream;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 20); i < n; ++i) {
      Args args(1 + rng() % 5);
      std::string line;
      for (auto& a : args) {
        a.clear();
        for (size_t k = 0, len = rng() % 8; k < len; ++k) a.push_back("abcXYZ019:-_"[rng() % 12]);
        if (!line.empty()) line += rng() % 2 ? " " : " \t ";
        switch (rng() % 3) {
          case 0:
            if (a.empty()) a = "x";
            line += a;
            break;
          case 1:
            line += "\"" + a + "\"";
            break;
          default:
            line += "'" + a + "'";
            break;
        }
      }
      stream += line + (rng() % 2 ? "\r\n" : "\n");
      if (rng() % 5 == 0) stream += "\r\n";
      expected.push_back(std::move(args));
    }
    const ParseTrace t = TraceParse(stream, ParserLimits(), [&](size_t) { return 1 + rng() % 16; });
    ASSERT_EQ(t.commands, expected) << stream;
    ASSERT_EQ(t.consumed, stream.size());
  }
}

TEST(RequestParserChunkingTest, RandomGarbageIsChunkingInvariant) {
  // Streams built from protocol fragments, valid or not: whatever the result,
  // it must not depend on the chunking.
  static const char* const kPieces[] = {
      "*", "$",  "1", "2",    "0",      "-",  "\r\n", "\r",       "\n", "abc",
      " ", "\"", "'", "\\x4", "*1\r\n", "$3", "*-1",  "\r\n\r\n", "x",  "9999999999"};
  std::mt19937_64 rng(99);
  for (int round = 0; round < 3000; ++round) {
    std::string stream;
    for (size_t i = 0, n = 1 + rng() % 30; i < n; ++i) {
      stream += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
    }
    const ParserLimits limits = rng() % 2 ? ParserLimits() : SmallLimits();
    const ParseTrace whole = TraceParse(stream, limits);
    const ParseTrace chunked = TraceParse(
        stream, limits, [&](size_t) { return 1 + rng() % 4; }, true);
    ASSERT_EQ(chunked, whole) << testing::PrintToString(stream) << "\n"
                              << DescribeTrace(whole) << "\nvs\n"
                              << DescribeTrace(chunked);
  }
}

}  // namespace
}  // namespace resp
