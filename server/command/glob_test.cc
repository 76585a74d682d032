#include "server/command/glob.h"

#include "gtest/gtest.h"

namespace server {
namespace {

TEST(GlobTest, RedisPatterns) {
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h\\*llo", "h*llo"));
  EXPECT_FALSE(GlobMatch("h\\*llo", "hello"));
  EXPECT_TRUE(GlobMatch("key:*", "key:1"));
  EXPECT_FALSE(GlobMatch("key:*", "kex:1"));
  EXPECT_TRUE(GlobMatch("MaxClients", "maxclients", true));
}

TEST(GlobTest, PathologicalPatternTerminates) {
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "*a";
  EXPECT_FALSE(GlobMatch(pattern + "b", std::string(60, 'a')));
}

}  // namespace
}  // namespace server
