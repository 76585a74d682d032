#include "server/core/command_memo.h"

#include <string>

#include "gtest/gtest.h"

namespace server {
namespace {

TEST(CommandMemoTest, AnswersAsTheTableDoesWhateverTheOrder) {
  CommandTable table;
  table.Add(KeyCommand("get", 2, kReadOnly | kFast, nullptr, {}));
  table.Add(KeyCommand("set", -3, kWrite | kDenyOom, nullptr, {}));
  CommandMemo memo(table);
  const CommandSpec* get = table.Find("get");
  const CommandSpec* set = table.Find("set");
  ASSERT_NE(get, nullptr);
  ASSERT_NE(set, nullptr);
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(memo.Find("GET"), get);
    EXPECT_EQ(memo.Find("GET"), get);
    EXPECT_EQ(memo.Find("get"), get);
    EXPECT_EQ(memo.Find("set"), set);
    EXPECT_EQ(memo.Find("nosuchcommand"), nullptr);
    EXPECT_EQ(memo.Find("nosuchcommand"), nullptr);
    EXPECT_EQ(memo.Find(""), nullptr);
    EXPECT_EQ(memo.Find("ge"), nullptr);
    EXPECT_EQ(memo.Find("gett"), nullptr);
    // Longer than what the memo keeps: looked up every time.
    EXPECT_EQ(memo.Find(std::string(40, 'x')), nullptr);
    EXPECT_EQ(memo.Find("Set"), set);
  }
}

}  // namespace
}  // namespace server
