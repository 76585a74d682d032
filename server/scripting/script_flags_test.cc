#include "server/scripting/script_flags.h"

#include "gtest/gtest.h"

namespace scripting {
namespace {

TEST(ShebangTest, NoShebangIsCompatMode) {
  Shebang s = ParseShebang("return 1");
  EXPECT_EQ(s.flags, kEvalCompat);
  EXPECT_EQ(s.length, 0u);
  EXPECT_TRUE(s.error.empty());
}

TEST(ShebangTest, FlagsAreRead) {
  Shebang s = ParseShebang("#!lua flags=no-writes,allow-oom\nreturn 1");
  EXPECT_TRUE(s.error.empty());
  EXPECT_EQ(s.flags, kNoWrites | kAllowOom);
  EXPECT_EQ(s.length, 31u);
  EXPECT_EQ(ParseShebang("#!lua\nreturn 1").flags, 0u);
  EXPECT_EQ(ParseShebang("#!lua flags=\nreturn 1").flags, 0u);
}

TEST(ShebangTest, RedisErrors) {
  EXPECT_EQ(ParseShebang("#!lua").error, "Invalid script shebang");
  EXPECT_EQ(ParseShebang("#!\n").error, "Unexpected engine in script shebang: #!");
  EXPECT_EQ(ParseShebang("#!python\n").error, "Unexpected engine in script shebang: #!python");
  EXPECT_EQ(ParseShebang("#!lua name=x\n").error, "Unknown lua shebang option: name=x");
  EXPECT_EQ(ParseShebang("#!lua flags=no-writes,bad-flag\n").error,
            "Unexpected flag in script shebang: bad-flag");
}

}  // namespace
}  // namespace scripting
