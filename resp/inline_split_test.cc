#include "resp/inline_split.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace resp {
namespace {

using Args = std::vector<std::string>;

// Expected values below were checked against redis-server 7.0.15 by sending
// the line inline and reading back ECHO replies.
bool Split(std::string_view line, Args* out) {
  std::string storage;
  std::vector<std::string_view> views;
  const bool ok = SplitInlineArgs(line, &storage, &views);
  out->assign(views.begin(), views.end());
  return ok;
}

Args SplitOk(std::string_view line) {
  Args out;
  EXPECT_TRUE(Split(line, &out)) << line;
  return out;
}

TEST(SplitInlineArgsTest, SplitsOnWhitespaceRuns) {
  EXPECT_EQ(SplitOk("SET  k \t v"), (Args{"SET", "k", "v"}));
  EXPECT_EQ(SplitOk("  \t "), Args{});
  EXPECT_EQ(SplitOk(""), Args{});
  EXPECT_EQ(SplitOk("a\rb"), (Args{"a", "b"}));
  // \v and \f separate words only between them, never end a word.
  EXPECT_EQ(SplitOk("\x0b"
                    "a\x0b"
                    "b\x0c"),
            (Args{"a\x0b"
                  "b\x0c"}));
  // Backslashes outside quotes are literal.
  EXPECT_EQ(SplitOk("a\\nb"), (Args{"a\\nb"}));
}

TEST(SplitInlineArgsTest, DoubleQuotesUnescape) {
  EXPECT_EQ(SplitOk(R"("a b" "\n\r\t\b\a\\\"" "\x41\xfF" "\q" "\xZZ" "")"),
            (Args{"a b", "\n\r\t\b\a\\\"", "A\xff", "q", "xZZ", ""}));
  EXPECT_EQ(SplitOk("\"a\"\x0b"), (Args{"a"}));
}

TEST(SplitInlineArgsTest, SingleQuotesOnlyEscapeQuote) {
  EXPECT_EQ(SplitOk(R"('a\'b' 'a\nb' '')"), (Args{"a'b", "a\\nb", ""}));
}

TEST(SplitInlineArgsTest, QuotesMayStartInsideAWord) {
  EXPECT_EQ(SplitOk(R"(a"b c" d'e f')"), (Args{"ab c", "de f"}));
}

TEST(SplitInlineArgsTest, UnbalancedQuotesFail) {
  Args out;
  for (const char* line : {"\"abc", "'abc", "\"a\"b", "'a'b", "\"a\\\"", "x \"a\\", "\"\\x4"}) {
    EXPECT_FALSE(Split(line, &out)) << line;
  }
}

TEST(SplitInlineArgsTest, NulEndsTheLine) {
  EXPECT_EQ(SplitOk(std::string_view("a b\0c d", 7)), (Args{"a", "b"}));
  Args out;
  EXPECT_FALSE(Split(std::string_view("\"a\0\"", 4), &out));
}

TEST(SplitInlineArgsTest, UnquotedWordsAreViewsIntoTheLine) {
  const std::string line = "plain \"quoted\"";
  std::string storage;
  std::vector<std::string_view> views;
  ASSERT_TRUE(SplitInlineArgs(line, &storage, &views));
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].data(), line.data());
  EXPECT_EQ(views[1].data(), storage.data());
  EXPECT_EQ(views[1], "quoted");
}

}  // namespace
}  // namespace resp
