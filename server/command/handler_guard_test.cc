// The handler boundary: a throw costs the client its reply, nothing else.
#include "server/command/handler_guard.h"

#include <stdexcept>
#include <string>

#include "gtest/gtest.h"

namespace server {
namespace {

TEST(HandlerGuardTest, AThrowReplacesWhatTheHandlerWroteWithAnError) {
  std::string out = "+earlier\r\n";
  resp::ReplyWriter w(&out);
  uint64_t before = HandlerExceptions();
  RunGuarded("SETRANGE", w, [&] {
    w.ArrayHeader(2);
    w.Bulk("half of a reply");
    throw std::length_error("basic_string::_M_replace_aux");
  });
  EXPECT_EQ(out, "+earlier\r\n-ERR internal error running 'setrange' (the server logged it)\r\n");
  EXPECT_EQ(HandlerExceptions(), before + 1);
}

TEST(HandlerGuardTest, NoThrowLeavesTheReplyAlone) {
  std::string out;
  resp::ReplyWriter w(&out);
  uint64_t before = HandlerExceptions();
  RunGuarded("get", w, [&] { w.Bulk("v"); });
  EXPECT_EQ(out, "$1\r\nv\r\n");
  EXPECT_EQ(HandlerExceptions(), before);
}

TEST(HandlerGuardTest, APhaseReturnsTheErrorText) {
  uint64_t before = HandlerExceptions();
  EXPECT_EQ(RunGuardedPhase("mset", [] {}), "");
  EXPECT_EQ(RunGuardedPhase("mset", [] { throw 42; }),
            "ERR internal error running 'mset' (the server logged it)");
  EXPECT_EQ(HandlerExceptions(), before + 1);
}

TEST(HandlerGuardDeathTest, OutOfMemoryAbortsAsRedisDoes) {
  std::string out;
  resp::ReplyWriter w(&out);
  EXPECT_DEATH(RunGuarded("lpush", w, [] { throw std::bad_alloc(); }), "Out Of Memory");
}

}  // namespace
}  // namespace server
