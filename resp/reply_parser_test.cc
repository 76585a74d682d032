#include "resp/reply_parser.h"

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "resp/reply_writer.h"

namespace resp {
namespace {

using Status = ReplyParser::Status;

// Parses exactly one reply that must span all of `in`, and renders it.
std::string ParseOne(std::string_view in) {
  ReplyParser parser;
  size_t consumed = 0;
  const Status s = parser.Parse(in, &consumed);
  if (s == Status::kError) return "error: " + parser.error();
  if (s == Status::kNeedMore) return "need more";
  if (consumed != in.size()) return "consumed " + std::to_string(consumed);
  return ToString(parser.value());
}

TEST(ReplyParserTest, Resp2Types) {
  EXPECT_EQ(ParseOne("+OK\r\n"), "+\"OK\"");
  EXPECT_EQ(ParseOne("-ERR bad\r\n"), "-\"ERR bad\"");
  EXPECT_EQ(ParseOne(":-42\r\n"), ":-42");
  EXPECT_EQ(ParseOne("$5\r\na\r\nb\0\r\n"), "need more");
  EXPECT_EQ(ParseOne(std::string("$5\r\na\r\nb\0\r\n", 11)), "\"a\\r\\nb\\x00\"");
  EXPECT_EQ(ParseOne("$0\r\n\r\n"), "\"\"");
  EXPECT_EQ(ParseOne("$-1\r\n"), "nil");
  EXPECT_EQ(ParseOne("*-1\r\n"), "nil");
  EXPECT_EQ(ParseOne("*0\r\n"), "[]");
  EXPECT_EQ(ParseOne("*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n+x\r\n"), "[:1, [\"a\", nil], +\"x\"]");
}

TEST(ReplyParserTest, Resp3TypesAsRedisSendsThem) {
  // Bytes captured from redis-server 7.0.15 (HELLO 3, DEBUG PROTOCOL ...).
  EXPECT_EQ(ParseOne("(1234567999999999999999999999999999999\r\n"),
            "(1234567999999999999999999999999999999");
  EXPECT_EQ(ParseOne("=29\r\ntxt:This is a verbatim\nstring\r\n"),
            "=txt:\"This is a verbatim\\nstring\"");
  EXPECT_EQ(ParseOne("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
                     "$39\r\nSome real reply following the attribute\r\n"),
            "|{\"key-popularity\": [\"key:123\", :90]} \"Some real reply following the "
            "attribute\"");
  EXPECT_EQ(ParseOne("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"), "{:0: #f, :1: #t, :2: #f}");
  EXPECT_EQ(ParseOne("~3\r\n:0\r\n:1\r\n:2\r\n"), "~[:0, :1, :2]");
  EXPECT_EQ(ParseOne(",3.141\r\n"), ",3.141");
  EXPECT_EQ(ParseOne("_\r\n"), "nil");
  EXPECT_EQ(ParseOne(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"),
            ">[\"message\", \"ch\", \"hi\"]");
  EXPECT_EQ(ParseOne("!8\r\nERR a\r\nb\r\n"), "-\"ERR a\\r\\nb\"");
}

TEST(ReplyParserTest, DecodedFields) {
  ReplyParser parser;
  size_t consumed;
  ASSERT_EQ(parser.Parse(",-inf\r\n", &consumed), Status::kValue);
  EXPECT_EQ(parser.value().type, Type::kDouble);
  EXPECT_EQ(parser.value().dbl, -INFINITY);
  ASSERT_EQ(parser.Parse(",1e+100\r\n", &consumed), Status::kValue);
  EXPECT_EQ(parser.value().dbl, 1e100);
  ASSERT_EQ(parser.Parse("#t\r\n", &consumed), Status::kValue);
  EXPECT_EQ(parser.value().type, Type::kBoolean);
  EXPECT_EQ(parser.value().integer, 1);
  ASSERT_EQ(parser.Parse("=7\r\nmkd:# x\r\n", &consumed), Status::kValue);
  EXPECT_EQ(parser.value().format, "mkd");
  EXPECT_EQ(parser.value().str, "# x");
  ASSERT_EQ(parser.Parse("*1\r\n:5\r\n", &consumed), Status::kValue);
  const Value taken = parser.TakeValue();
  EXPECT_EQ(taken, MakeAggregate(Type::kArray, {MakeInteger(5)}));
}

TEST(ReplyParserTest, Errors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"?\r\n", "invalid type byte '?'"},
      {"+OK\rx", "expected CRLF after line"},
      {":1.5\r\n", "invalid integer"},
      {":\r\n", "invalid integer"},
      {"$abc\r\n", "invalid bulk length"},
      {"$-2\r\n", "invalid bulk length"},
      {"!-1\r\n", "invalid bulk length"},
      {"$536870913\r\n", "invalid bulk length"},
      {"$3\r\nabcde", "expected CRLF after bulk"},
      {"*-2\r\n", "invalid aggregate length"},
      {"%-1\r\n", "invalid aggregate length"},
      {"*?\r\n", "invalid aggregate length"},
      {"#x\r\n", "invalid boolean"},
      {",abc\r\n", "invalid double"},
      {",\r\n", "invalid double"},
      {"(12a\r\n", "invalid big number"},
      {"_x\r\n", "invalid null"},
      {"=3\r\ntxt\r\n", "invalid verbatim string"},
      {"*1\r\n*1\r\n?\r\n", "invalid type byte '?'"},
  };
  for (const auto& [in, error] : cases) {
    ReplyParser parser;
    size_t consumed;
    EXPECT_EQ(parser.Parse(in, &consumed), Status::kError) << in;
    EXPECT_EQ(parser.error(), "Protocol error: " + error) << in;
    EXPECT_EQ(parser.Parse("+OK\r\n", &consumed), Status::kError) << "sticky";
  }
}

TEST(ReplyParserTest, DepthLimit) {
  ReplyParserLimits limits;
  limits.max_depth = 3;
  ReplyParser parser(limits);
  size_t consumed;
  EXPECT_EQ(parser.Parse("*1\r\n*1\r\n*1\r\n:1\r\n", &consumed), Status::kValue);
  EXPECT_EQ(parser.Parse("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.error(), "Protocol error: nesting too deep");
}

TEST(ReplyParserTest, HugeDeclaredLengthsWait) {
  ReplyParser parser;
  size_t consumed;
  EXPECT_EQ(parser.Parse("*2147483647\r\n:1\r\n", &consumed), Status::kNeedMore);
  parser.Reset();
  EXPECT_EQ(parser.Parse("$536870912\r\nabc", &consumed), Status::kNeedMore);
}

TEST(ReplyParserTest, PipelineConsumesOneReplyAtATime) {
  ReplyParser parser;
  const std::string in = "+OK\r\n:1\r\n*1\r\n$1\r\nx\r\n+PAR";
  std::string_view rest = in;
  std::vector<std::string> got;
  size_t consumed;
  while (parser.Parse(rest, &consumed) == Status::kValue) {
    got.push_back(ToString(parser.value()));
    rest.remove_prefix(consumed);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"+\"OK\"", ":1", "[\"x\"]"}));
  EXPECT_EQ(rest, "+PAR");
}

// Writes a random reply with `w` and returns the Value the parser must
// produce for it in the writer's protocol.
Value WriteRandom(std::mt19937_64& rng, ReplyWriter& w, int depth) {
  const bool resp3 = w.protocol() == Protocol::kResp3;
  auto random_bytes = [&] {
    std::string s(rng() % 4 == 0 ? rng() % 300 : rng() % 8, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    return s;
  };
  Value v;
  switch (rng() % (depth >= 4 ? 10 : 14)) {
    case 0:
      v = MakeSimple("st" + std::to_string(rng() % 1000));
      w.SimpleString(v.str);
      return v;
    case 1:
      v = MakeError("ERR e" + std::to_string(rng() % 1000));
      w.Error(v.str);
      return v;
    case 2:
      v = MakeInteger(static_cast<int64_t>(rng()) >> (rng() % 64));
      w.Integer(v.integer);
      return v;
    case 3:
      v = MakeBulk(random_bytes());
      w.Bulk(v.str);
      return v;
    case 4:
      w.Null();
      return MakeNull();
    case 5:
      w.NullArray();
      return MakeNull();
    case 6: {
      const double d = rng() % 10 == 0 ? -INFINITY : static_cast<double>(rng() % 100000) / 7;
      w.Double(d);
      char buf[kFormatDoubleBufSize];
      const std::string text(buf, FormatDouble(d, buf));
      if (!resp3) return MakeBulk(text);
      v.type = Type::kDouble;
      v.str = text;
      v.dbl = d;
      return v;
    }
    case 7: {
      const bool b = rng() % 2;
      w.Boolean(b);
      if (!resp3) return MakeInteger(b);
      v.type = Type::kBoolean;
      v.integer = b;
      return v;
    }
    case 8: {
      const std::string digits = "-" + std::to_string(rng()) + std::to_string(rng());
      w.BigNumber(digits);
      if (!resp3) return MakeBulk(digits);
      v.type = Type::kBigNumber;
      v.str = digits;
      return v;
    }
    case 9: {
      const std::string text = random_bytes();
      w.Verbatim("txt", text);
      if (!resp3) return MakeBulk(text);
      v.type = Type::kVerbatim;
      v.format = "txt";
      v.str = text;
      return v;
    }
    default: {
      const size_t n = rng() % 5;
      const int kind = static_cast<int>(rng() % 4);
      size_t children = n;
      if (kind == 0) {
        w.ArrayHeader(n);
        v.type = Type::kArray;
      } else if (kind == 1) {
        w.MapHeader(n);
        v.type = resp3 ? Type::kMap : Type::kArray;
        children = 2 * n;
      } else if (kind == 2) {
        w.SetHeader(n);
        v.type = resp3 ? Type::kSet : Type::kArray;
      } else {
        w.PushHeader(n);
        v.type = resp3 ? Type::kPush : Type::kArray;
      }
      for (size_t i = 0; i < children; ++i) v.elements.push_back(WriteRandom(rng, w, depth + 1));
      return v;
    }
  }
}

TEST(ReplyParserTest, RoundTripsWriterOutputUnderRandomChunking) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 500; ++round) {
    std::string stream;
    ReplyWriter w(&stream, rng() % 2 ? Protocol::kResp3 : Protocol::kResp2);
    std::vector<Value> expected;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 10); i < n; ++i) {
      expected.push_back(WriteRandom(rng, w, 0));
    }
    // Feed in random reads, dropping consumed bytes and moving the buffer.
    ReplyParser parser;
    std::vector<Value> got;
    std::string buf;
    size_t fed = 0;
    while (fed < stream.size()) {
      const size_t chunk = std::min<size_t>(stream.size() - fed, 1 + rng() % 50);
      buf = std::string(buf) + stream.substr(fed, chunk);
      fed += chunk;
      size_t consumed;
      Status s;
      while ((s = parser.Parse(buf, &consumed)) == Status::kValue) {
        got.push_back(parser.TakeValue());
        buf.erase(0, consumed);
      }
      ASSERT_EQ(s, Status::kNeedMore) << parser.error();
    }
    EXPECT_TRUE(buf.empty());
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], expected[i]) << ToString(got[i]) << "\nvs\n" << ToString(expected[i]);
    }
  }
}

TEST(ReplyParserTest, SplitAtEveryByteMatchesWholeParse) {
  const std::string in =
      "*3\r\n%1\r\n+k\r\n|1\r\n+a\r\n:1\r\n,1.5\r\n$5\r\nab\r\nc\r\n=6\r\ntxt:hi\r\n~1\r\n#t\r\n";
  const std::vector<std::string> expected = {
      "[{+\"k\": |{+\"a\": :1} ,1.5}, \"ab\\r\\nc\", =txt:\"hi\"]", "~[#t]"};
  for (size_t split = 0; split <= in.size(); ++split) {
    ReplyParser parser;
    std::vector<std::string> got;
    size_t start = 0;
    for (const size_t end : {split, in.size()}) {
      size_t consumed;
      Status s;
      while ((s = parser.Parse(std::string_view(in).substr(start, end - start), &consumed)) ==
             Status::kValue) {
        got.push_back(ToString(parser.value()));
        start += consumed;
      }
      ASSERT_EQ(s, Status::kNeedMore) << split;
    }
    ASSERT_EQ(got, expected) << split;
    ASSERT_EQ(start, in.size());
  }
}

}  // namespace
}  // namespace resp
