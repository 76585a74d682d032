#include "resp/reply_writer.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace resp {
namespace {

// Writes with `fn` in both protocols and returns {RESP2 bytes, RESP3 bytes}.
template <typename Fn>
std::pair<std::string, std::string> Both(Fn fn) {
  std::string out2, out3;
  ReplyWriter w2(&out2, Protocol::kResp2);
  ReplyWriter w3(&out3, Protocol::kResp3);
  fn(w2);
  fn(w3);
  return {out2, out3};
}

using Pair = std::pair<std::string, std::string>;

TEST(ReplyWriterTest, TypesThatAreTheSameInBothProtocols) {
  EXPECT_EQ(Both([](ReplyWriter& w) { w.SimpleString("PONG"); }), Pair("+PONG\r\n", "+PONG\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Ok(); }), Pair("+OK\r\n", "+OK\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Error("WRONGTYPE Operation"); }),
            Pair("-WRONGTYPE Operation\r\n", "-WRONGTYPE Operation\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Integer(-42); }), Pair(":-42\r\n", ":-42\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Bulk("foo"); }), Pair("$3\r\nfoo\r\n", "$3\r\nfoo\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Bulk(""); }), Pair("$0\r\n\r\n", "$0\r\n\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.ArrayHeader(3); }), Pair("*3\r\n", "*3\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.ArrayHeader(0); }), Pair("*0\r\n", "*0\r\n"));
}

TEST(ReplyWriterTest, TypesThatDifferByProtocol) {
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Null(); }), Pair("$-1\r\n", "_\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.NullArray(); }), Pair("*-1\r\n", "_\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.MapHeader(2); }), Pair("*4\r\n", "%2\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.SetHeader(5); }), Pair("*5\r\n", "~5\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.PushHeader(3); }), Pair("*3\r\n", ">3\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Double(1.5); }), Pair("$3\r\n1.5\r\n", ",1.5\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Double(0.1); }),
            Pair("$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Double(-INFINITY); }), Pair("$4\r\n-inf\r\n", ",-inf\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Boolean(true); }), Pair(":1\r\n", "#t\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Boolean(false); }), Pair(":0\r\n", "#f\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.BigNumber("-1234567890123456789012"); }),
            Pair("$23\r\n-1234567890123456789012\r\n", "(-1234567890123456789012\r\n"));
  EXPECT_EQ(Both([](ReplyWriter& w) { w.Verbatim("txt", "Some string"); }),
            Pair("$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"));
}

TEST(ReplyWriterTest, VerbatimFormatIsPaddedOrCutToThreeBytes) {
  std::string out;
  ReplyWriter w(&out, Protocol::kResp3);
  w.Verbatim("md", "x");
  w.Verbatim("long", "");
  EXPECT_EQ(out, "=5\r\nmd :x\r\n=4\r\nlon:\r\n");
}

TEST(ReplyWriterTest, OneLineTypesCannotBreakTheProtocol) {
  std::string out;
  ReplyWriter w(&out);
  w.Error("ERR unknown command 'a\r\nb'");
  w.SimpleString("x\ny");
  EXPECT_EQ(out, "-ERR unknown command 'a  b'\r\n+x y\r\n");
}

TEST(ReplyWriterTest, IntegersAndLengthsAtTheLimits) {
  std::string out;
  ReplyWriter w(&out);
  w.Integer(INT64_MIN);
  w.Integer(INT64_MAX);
  w.Integer(0);
  EXPECT_EQ(out, ":-9223372036854775808\r\n:9223372036854775807\r\n:0\r\n");
  out.clear();
  const std::string big(100000, 'z');
  w.Bulk(big);
  EXPECT_EQ(out, "$100000\r\n" + big + "\r\n");
}

TEST(ReplyWriterTest, AppendsAndSwitchesProtocol) {
  std::string out = "pre";
  ReplyWriter w(&out);
  EXPECT_EQ(w.protocol(), Protocol::kResp2);
  EXPECT_EQ(w.out(), &out);
  w.Null();
  w.set_protocol(Protocol::kResp3);
  EXPECT_EQ(w.protocol(), Protocol::kResp3);
  w.Null();
  EXPECT_EQ(out, "pre$-1\r\n_\r\n");
}

TEST(ReplyWriterTest, NestedAggregateAsRedisWritesHgetallInResp3) {
  std::string out;
  ReplyWriter w(&out, Protocol::kResp3);
  w.MapHeader(2);
  w.Bulk("f1");
  w.Bulk("v1");
  w.Bulk("f2");
  w.ArrayHeader(2);
  w.Integer(1);
  w.Null();
  EXPECT_EQ(out, "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n*2\r\n:1\r\n_\r\n");
}

std::string Printf17g(double d) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
  return std::string(buf, n);
}

TEST(FormatDoubleTest, MatchesPrintf17g) {
  std::vector<double> values = {0.0,
                                -0.0,
                                1,
                                -1,
                                0.1,
                                1.5,
                                3.14159,
                                1e100,
                                1e-300,
                                123456789012345678.0,
                                1e16,
                                1e17,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::min(),
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::lowest()};
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isfinite(d)) values.push_back(d);
    values.push_back(static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64))));
    values.push_back(static_cast<double>(rng() % 100000) / 100);
  }
  char buf[kFormatDoubleBufSize];
  for (double d : values) {
    ASSERT_EQ(std::string(buf, FormatDouble(d, buf)), Printf17g(d));
  }
}

TEST(FormatDoubleTest, SpecialValuesAsRedis) {
  char buf[kFormatDoubleBufSize];
  EXPECT_EQ(std::string(buf, FormatDouble(INFINITY, buf)), "inf");
  EXPECT_EQ(std::string(buf, FormatDouble(-INFINITY, buf)), "-inf");
  EXPECT_EQ(std::string(buf, FormatDouble(NAN, buf)), "nan");
  EXPECT_EQ(std::string(buf, FormatDouble(-NAN, buf)), "nan");
}

}  // namespace
}  // namespace resp
