#include "resp/request_parser.h"

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "resp/request_parser_testing.h"

// Records the largest single allocation so tests can prove that a huge
// declared length is not allocated before its bytes arrive.
namespace {
std::atomic<size_t> g_largest_allocation{0};
}  // namespace

void* operator new(size_t n) {
  size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
  while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace resp {
namespace {

using Status = RequestParser::Status;
using Args = std::vector<std::string>;

Args ArgsOf(const RequestParser& parser) {
  Args out;
  for (std::string_view a : parser.args()) out.emplace_back(a);
  return out;
}

// Parses all of `input` at once and returns the commands and the final state.
ParseTrace Whole(std::string_view input, const ParserLimits& limits = {}) {
  return TraceParse(input, limits);
}

TEST(RequestParserTest, ParsesOneMultibulkCommand) {
  RequestParser parser;
  const std::string in = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
  size_t consumed = 99;
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kCommand);
  EXPECT_EQ(consumed, in.size());
  EXPECT_EQ(ArgsOf(parser), (Args{"SET", "k", "value"}));
  // Zero-copy: the arguments are views into the caller's buffer.
  EXPECT_EQ(parser.args()[2].data(), in.data() + in.find("value"));
}

TEST(RequestParserTest, ConsumesExactlyOneCommandOfAPipeline) {
  RequestParser parser;
  const std::string first = "*1\r\n$4\r\nPING\r\n";
  const std::string in = first + "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n$4\r\nPI";
  size_t consumed;
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kCommand);
  EXPECT_EQ(consumed, first.size());
  std::string_view rest = std::string_view(in).substr(consumed);
  ASSERT_EQ(parser.Parse(rest, &consumed), Status::kCommand);
  EXPECT_EQ(ArgsOf(parser), (Args{"ECHO", "hi"}));
  rest.remove_prefix(consumed);
  EXPECT_EQ(parser.Parse(rest, &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 0u);
}

TEST(RequestParserTest, BulkMayHoldAnyBytes) {
  const std::string value("a\r\nb\0c$*\n", 9);
  const ParseTrace t = Whole(EncodeCommand({"SET", "k", value, ""}));
  ASSERT_EQ(t.commands.size(), 1u) << DescribeTrace(t);
  EXPECT_EQ(t.commands[0], (Args{"SET", "k", value, ""}));
}

TEST(RequestParserTest, EmptyMultibulkIsSkippedAndConsumed) {
  RequestParser parser;
  size_t consumed;
  EXPECT_EQ(parser.Parse("*0\r\n", &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 4u);
  EXPECT_EQ(parser.Parse("*-1\r\n*-100\r\n", &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 12u);
  // Skipped empties before a command are part of that command's bytes.
  const std::string in = "*0\r\n\r\n*1\r\n$4\r\nPING\r\n";
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kCommand);
  EXPECT_EQ(consumed, in.size());
  EXPECT_EQ(ArgsOf(parser), (Args{"PING"}));
}

TEST(RequestParserTest, SkipsUncheckedTerminatorBytesLikeRedis) {
  // Redis skips the byte after a header's '\r' and the two bytes after a bulk
  // without looking at them; real redis-server answers +PONG to this.
  const ParseTrace t = Whole("*1\rX$4\r\nPINGxx");
  ASSERT_EQ(t.commands.size(), 1u) << DescribeTrace(t);
  EXPECT_EQ(t.commands[0], (Args{"PING"}));
}

TEST(RequestParserTest, ParsesInlineCommands) {
  const ParseTrace t = Whole(
      "SET k v\r\nECHO a\nPING\r\n\r\n\n   \t\r\nECHO \"a b\" 'c d' \"\\x41\\n\" '' \"\"\r\n"
      "ECHO a\x0b"
      "b\r\n");
  EXPECT_EQ(t.last, Status::kNeedMore);
  EXPECT_EQ(t.commands, (std::vector<Args>{{"SET", "k", "v"},
                                           {"ECHO", "a"},
                                           {"PING"},
                                           {"ECHO", "a b", "c d", "A\n", "", ""},
                                           {"ECHO",
                                            "a\x0b"
                                            "b"}}));
}

TEST(RequestParserTest, InlineLineWithoutNewlineWaits) {
  RequestParser parser;
  size_t consumed;
  EXPECT_EQ(parser.Parse("PING\r", &consumed), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("PING\r\n", &consumed), Status::kCommand);
  EXPECT_EQ(consumed, 6u);
  EXPECT_EQ(ArgsOf(parser), (Args{"PING"}));
}

struct ErrorCase {
  std::string input;
  std::string error;
};

const std::string kInvalidMultibulk = "ERR Protocol error: invalid multibulk length";
const std::string kInvalidBulk = "ERR Protocol error: invalid bulk length";
const std::string kUnbalanced = "ERR Protocol error: unbalanced quotes in request";

std::vector<ErrorCase> ErrorCases() {
  return {
      {"*abc\r\n", kInvalidMultibulk},
      {"*\r\n", kInvalidMultibulk},
      {"*01\r\n", kInvalidMultibulk},
      {"*-0\r\n", kInvalidMultibulk},
      {"*+1\r\n", kInvalidMultibulk},
      {"* 1\r\n", kInvalidMultibulk},
      {"*1 \r\n", kInvalidMultibulk},
      {"*2147483648\r\n", kInvalidMultibulk},
      {"*99999999999999999999\r\n", kInvalidMultibulk},
      {"*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"},
      {"*1\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"},
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*1\r\n\xff\r\n", "ERR Protocol error: expected '$', got '\xff'"},
      {"*2\r\n$1\r\na\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"*1\r\n$abc\r\n", kInvalidBulk},
      {"*1\r\n$-1\r\n", kInvalidBulk},
      {"*1\r\n$\r\n", kInvalidBulk},
      {"*1\r\n$01\r\n", kInvalidBulk},
      {"*1\r\n$536870913\r\n", kInvalidBulk},
      {"*1\r\n$9223372036854775808\r\n", kInvalidBulk},
      {"*2\r\n$1\r\na\r\n$x\r\n", kInvalidBulk},
      {"\"abc\r\n", kUnbalanced},
      {"'abc\r\n", kUnbalanced},
      {"ECHO \"a\"b\r\n", kUnbalanced},
      {"ECHO 'a'b\r\n", kUnbalanced},
      {"ECHO \"a\\\"\r\n", kUnbalanced},
      {"*" + std::string(65537, '1'), "ERR Protocol error: too big mbulk count string"},
      {"*1\r\n$" + std::string(65536, '1'), "ERR Protocol error: too big bulk count string"},
      {std::string(65537, 'a'), "ERR Protocol error: too big inline request"},
      // The '\r' counts towards the inline limit, so the result cannot depend
      // on whether "\r" and "\n" arrive in the same read.
      {std::string(65536, 'a') + "\r\n", "ERR Protocol error: too big inline request"},
  };
}

TEST(RequestParserTest, ReportsEveryErrorWithRedisText) {
  for (const ErrorCase& c : ErrorCases()) {
    const ParseTrace t = Whole(c.input);
    EXPECT_EQ(t.last, Status::kError) << c.input.substr(0, 40);
    EXPECT_EQ(t.error, c.error) << c.input.substr(0, 40);
  }
}

TEST(RequestParserTest, ErrorIsStickyUntilReset) {
  RequestParser parser;
  size_t consumed;
  ASSERT_EQ(parser.Parse("*x\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.error(), kInvalidMultibulk);
  parser.Reset();
  EXPECT_EQ(parser.error(), "");
  ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &consumed), Status::kCommand);
  EXPECT_EQ(ArgsOf(parser), (Args{"PING"}));
}

TEST(RequestParserTest, LineLimitsAreInclusive) {
  // Exactly max_inline_len bytes before the terminator are allowed.
  EXPECT_EQ(Whole(std::string(65536, 'a')).last, Status::kNeedMore);
  const ParseTrace inline_ok = Whole(std::string(65535, 'a') + "\r\n");
  ASSERT_EQ(inline_ok.commands.size(), 1u);
  EXPECT_EQ(inline_ok.commands[0][0].size(), 65535u);
  EXPECT_EQ(Whole("*" + std::string(65535, '1')).last, Status::kNeedMore);
  EXPECT_EQ(Whole("*" + std::string(65535, '1') + "\r\n").error, kInvalidMultibulk);
  EXPECT_EQ(Whole("*1\r\n$" + std::string(65535, '1')).last, Status::kNeedMore);

  ParserLimits small;
  small.max_inline_len = 8;
  EXPECT_EQ(Whole("*0000000\r\n", small).error, kInvalidMultibulk);
  EXPECT_EQ(Whole("*00000000\r\n", small).error, "ERR Protocol error: too big mbulk count string");
  EXPECT_EQ(Whole("abcdefg\r\n", small).commands.size(), 1u);
  EXPECT_EQ(Whole("abcdefgh\r\n", small).error, "ERR Protocol error: too big inline request");
}

TEST(RequestParserTest, NulStallsLineLikeRedisStrchr) {
  // redis-server never answers these: its strchr stops at the NUL.
  EXPECT_EQ(Whole(std::string("PING\0\r\nPING\r\n", 12)).last, Status::kNeedMore);
  EXPECT_EQ(Whole(std::string("*1\0\r\n*1\r\n$4\r\nPING\r\n", 19)).last, Status::kNeedMore);
  EXPECT_EQ(Whole(std::string("*1\r\n\0\r\n", 7)).last, Status::kNeedMore);
  EXPECT_EQ(Whole(std::string("*1\r\n$\0\r\n", 8)).last, Status::kNeedMore);
  // ...until the stalled line exceeds the line limit.
  std::string stalled("PING\0", 5);
  stalled.resize(65537, 'x');
  EXPECT_EQ(Whole(stalled).error, "ERR Protocol error: too big inline request");
  std::string stalled_bulk("*1\r\n$\0", 6);
  stalled_bulk.resize(4 + 65537, '\n');
  EXPECT_EQ(Whole(stalled_bulk).error, "ERR Protocol error: too big bulk count string");
  // NUL inside a bulk payload is ordinary data.
  EXPECT_EQ(Whole(EncodeCommand({std::string(1, '\0')})).commands.size(), 1u);
}

TEST(RequestParserTest, MaxBulkLenIsAcceptedWithoutAllocating) {
  RequestParser parser;
  size_t consumed;
  g_largest_allocation = 0;
  ASSERT_EQ(parser.Parse("*1\r\n$536870912\r\n", &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.bytes_hint(), 536870912u + 2);
  ASSERT_EQ(parser.Parse("*1\r\n$536870912\r\nabc", &consumed), Status::kNeedMore);
  EXPECT_EQ(parser.bytes_hint(), 536870912u + 2 - 3);
  parser.Reset();
  ASSERT_EQ(parser.Parse("*2147483647\r\n$3\r\nabc\r\n", &consumed), Status::kNeedMore);
  EXPECT_EQ(parser.bytes_hint(), 0u);
  EXPECT_LT(g_largest_allocation.load(), 64u * 1024);
  parser.Reset();
  ASSERT_EQ(parser.Parse("*1\r\n$536870913\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.error(), kInvalidBulk);
}

TEST(RequestParserTest, CustomLimits) {
  ParserLimits limits;
  limits.max_multibulk_len = 2;
  limits.max_bulk_len = 3;
  EXPECT_EQ(Whole("*2\r\n$3\r\nabc\r\n$0\r\n\r\n", limits).commands.size(), 1u);
  EXPECT_EQ(Whole("*3\r\n", limits).error, kInvalidMultibulk);
  EXPECT_EQ(Whole("*1\r\n$4\r\n", limits).error, kInvalidBulk);
}

TEST(RequestParserTest, UnauthenticatedLimitsMatchRedis) {
  const ParserLimits unauth = ParserLimits::Unauthenticated();
  EXPECT_EQ(unauth.max_multibulk_len, 10);
  EXPECT_EQ(unauth.max_bulk_len, 16384u);
  std::vector<std::string> ten(10, "a");
  EXPECT_EQ(Whole(EncodeCommand(ten), unauth).commands.size(), 1u);
  EXPECT_EQ(Whole(EncodeCommand({std::string(16384, 'x')}), unauth).commands.size(), 1u);
  // Texts observed from redis-server 7.0.15 with requirepass set.
  EXPECT_EQ(Whole("*11\r\n", unauth).error, "ERR Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(Whole("*1\r\n$16385\r\n", unauth).error,
            "ERR Protocol error: unauthenticated bulk length");
  EXPECT_EQ(Whole("*1\r\n$536870913\r\n", unauth).error, kInvalidBulk);
  EXPECT_EQ(Whole("*2147483648\r\n", unauth).error, kInvalidMultibulk);
  EXPECT_EQ(Whole("*abc\r\n", unauth).error, kInvalidMultibulk);
  // Switching limits after AUTH applies to the next length read.
  RequestParser parser(unauth);
  size_t consumed;
  ASSERT_EQ(parser.Parse("*11\r\n", &consumed), Status::kError);
  parser.Reset();
  parser.set_limits(ParserLimits());
  EXPECT_EQ(parser.Parse("*11\r\n", &consumed), Status::kNeedMore);
}

TEST(RequestParserTest, SurvivesBufferMovesBetweenCalls) {
  RequestParser parser;
  size_t consumed;
  auto first = std::make_unique<std::string>("*2\r\n$4\r\nECHO\r\n$5\r\nhe");
  ASSERT_EQ(parser.Parse(*first, &consumed), Status::kNeedMore);
  auto second = std::make_unique<std::string>(*first + "llo\r\n");
  first.reset();
  ASSERT_EQ(parser.Parse(*second, &consumed), Status::kCommand);
  EXPECT_EQ(ArgsOf(parser), (Args{"ECHO", "hello"}));
  EXPECT_EQ(consumed, second->size());
}

// Trickling a large request one byte per call must cost O(n): a parser that
// rescans from the start would take minutes here and time out.
TEST(RequestParserTest, TrickledBulkIsLinear) {
  const std::string payload(8 << 20, 'v');
  const std::string in = EncodeCommand({"SET", "k", payload});
  RequestParser parser;
  size_t consumed = 0;
  Status status = Status::kNeedMore;
  for (size_t end = 1; end <= in.size(); ++end) {
    status = parser.Parse(std::string_view(in.data(), end), &consumed);
    if (end < in.size()) ASSERT_EQ(status, Status::kNeedMore) << end;
  }
  ASSERT_EQ(status, Status::kCommand);
  EXPECT_EQ(parser.args()[2].size(), payload.size());
}

TEST(RequestParserTest, TrickledLongLinesAreLinear) {
  for (const std::string& in : {"*1\r\n$" + std::string(60000, '9'), std::string(65000, 'a'),
                                std::string("ab\0", 3) + std::string(65000, 'a')}) {
    RequestParser parser;
    size_t consumed;
    for (size_t end = 1; end <= in.size(); ++end) {
      ASSERT_EQ(parser.Parse(std::string_view(in.data(), end), &consumed), Status::kNeedMore);
    }
  }
}

}  // namespace
}  // namespace resp
