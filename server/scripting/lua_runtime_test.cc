#include "server/scripting/lua_runtime.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/scripting/script_cache.h"
#include "server/scripting/sha1.h"

namespace scripting {
namespace {

// Answers every call with a canned reply and records what it was asked.
class FakeHost : public ScriptHost {
 public:
  void Call(ArgList args, int resp, std::string* reply) override {
    std::string joined;
    for (std::string_view a : args) joined += std::string(a) + " ";
    calls.push_back(joined);
    last_resp = resp;
    *reply = next_reply;
  }
  bool ShouldStop(std::string* why) override {
    if (stop && why != nullptr) *why = "ERR stopped by the test";
    return stop;
  }
  bool CommandExists(std::string_view name) override { return name == "get"; }
  void Log(int level, std::string_view message) override {
    logs.push_back(std::to_string(level) + " " + std::string(message));
  }

  std::string next_reply = "+OK\r\n";
  std::vector<std::string> calls;
  std::vector<std::string> logs;
  int last_resp = 0;
  bool stop = false;
};

class LuaRuntimeTest : public ::testing::Test {
 protected:
  // The RESP reply of `body` run with the keys and args given.
  std::string Eval(const std::string& body, std::vector<std::string_view> keys = {},
                   std::vector<std::string_view> argv = {},
                   resp::Protocol proto = resp::Protocol::kResp2) {
    std::string error;
    std::shared_ptr<Script> script = cache_.Add(body, &error);
    if (script == nullptr) return "-" + error;
    std::string loaded = runtime_.Load(script);
    if (!loaded.empty()) return "-" + loaded;
    std::string out;
    resp::ReplyWriter w(&out, proto);
    runtime_.Run(*script, keys, argv, host_, w);
    return out;
  }

  ScriptCache cache_;
  LuaRuntime runtime_{"7.0.15"};
  FakeHost host_;
};

TEST_F(LuaRuntimeTest, LuaValuesBecomeRedisReplies) {
  EXPECT_EQ(Eval("return 'hello'"), "$5\r\nhello\r\n");
  EXPECT_EQ(Eval("return 100.5"), ":100\r\n");
  EXPECT_EQ(Eval("return -0.9"), ":0\r\n");
  EXPECT_EQ(Eval("return 1e300"), ":-9223372036854775808\r\n");  // x86-64's cast, as Redis
  EXPECT_EQ(Eval("return -1e300"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Eval("return 9007199254740992"), ":9007199254740992\r\n");
  EXPECT_EQ(Eval("return 0/0"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Eval("return true"), ":1\r\n");
  EXPECT_EQ(Eval("return false"), "$-1\r\n");
  EXPECT_EQ(Eval("return nil"), "$-1\r\n");
  EXPECT_EQ(Eval("return {1,2,3,'ciao',{1,2}}"),
            "*5\r\n:1\r\n:2\r\n:3\r\n$4\r\nciao\r\n*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return {1,2,nil,4}"), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return {ok='fine'}"), "+fine\r\n");
  EXPECT_EQ(Eval("return {err='WRONG it is'}"), "-WRONG it is\r\n");
  EXPECT_EQ(Eval("return redis.status_reply('a\\r\\nb')"), "+a  b\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('My Error')"), "-My Error\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('MyError')"), "-ERR MyError\r\n");
  EXPECT_EQ(Eval("return _G"), "*0\r\n");
}

TEST_F(LuaRuntimeTest, Resp3ShapesAndBooleans) {
  EXPECT_EQ(Eval("redis.setresp(3); return true", {}, {}, resp::Protocol::kResp3), "#t\r\n");
  EXPECT_EQ(Eval("redis.setresp(3); return false", {}, {}, resp::Protocol::kResp2), ":0\r\n");
  EXPECT_EQ(Eval("return {double=3.5}", {}, {}, resp::Protocol::kResp3), ",3.5\r\n");
  EXPECT_EQ(Eval("return {map={a=1}}", {}, {}, resp::Protocol::kResp3), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return {map={a=1}}"), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return {set={x=true}}", {}, {}, resp::Protocol::kResp3), "~1\r\n$1\r\nx\r\n");
  EXPECT_EQ(Eval("return {big_number='123'}", {}, {}, resp::Protocol::kResp3), "(123\r\n");
  EXPECT_EQ(Eval("redis.setresp(4)"), "-ERR RESP version must be 2 or 3. script: " +
                                          Sha1Hex("redis.setresp(4)") + ", on @user_script:1.\r\n");
}

TEST_F(LuaRuntimeTest, KeysArgvAndCalls) {
  host_.next_reply = ":42\r\n";
  EXPECT_EQ(Eval("return redis.call('incr', KEYS[1], ARGV[1], 3.0, 0.5)", {"k"}, {"v"}), ":42\r\n");
  ASSERT_EQ(host_.calls.size(), 1u);
  EXPECT_EQ(host_.calls[0], "incr k v 3 0.5 ");
  host_.next_reply = "*3\r\n$1\r\na\r\n$-1\r\n+OK\r\n";
  EXPECT_EQ(Eval("local r = redis.call('x'); return {type(r[1]), type(r[2]), r[3].ok}"),
            "*3\r\n$6\r\nstring\r\n$7\r\nboolean\r\n$2\r\nOK\r\n");
  host_.next_reply = "-WRONGTYPE Operation against a key\r\n";
  std::string err = Eval("return redis.call('x')");
  EXPECT_EQ(err.rfind("-WRONGTYPE Operation against a key script: ", 0), 0u) << err;
  EXPECT_NE(err.find(", on @user_script:1.\r\n"), std::string::npos) << err;
  EXPECT_EQ(Eval("local r = redis.pcall('x'); return r['err']"),
            "$33\r\nWRONGTYPE Operation against a key\r\n");
  EXPECT_EQ(Eval("local ok, e = pcall(redis.call, 'x'); return {tostring(ok), e}"),
            "*2\r\n$5\r\nfalse\r\n$33\r\nWRONGTYPE Operation against a key\r\n");
  std::string bad = Eval("return redis.call('x', {})");
  EXPECT_NE(bad.find("Lua redis lib command arguments must be strings or integers"),
            std::string::npos)
      << bad;
  std::string none = Eval("return redis.call()");
  EXPECT_NE(none.find("Please specify at least one argument"), std::string::npos) << none;
}

TEST_F(LuaRuntimeTest, SandboxRefusesWhatRedisRefuses) {
  auto expect_error = [&](const std::string& body, const std::string& text) {
    std::string reply = Eval(body);
    EXPECT_EQ(reply[0], '-') << body;
    EXPECT_NE(reply.find(text), std::string::npos) << body << " -> " << reply;
  };
  expect_error("a = 10", "Attempt to modify a readonly table");
  expect_error("return a", "Script attempted to access nonexistent global variable 'a'");
  expect_error("setmetatable(_G, {})", "Attempt to modify a readonly table");
  expect_error("local g = getmetatable(_G); g.__index = {}", "Attempt to modify a readonly table");
  expect_error("redis = function() return 1 end", "Attempt to modify a readonly table");
  expect_error("_G = {}", "Attempt to modify a readonly table");
  expect_error("redis.call = function() return 1 end", "Attempt to modify a readonly table");
  expect_error("cjson.encode = function() return 1 end", "Attempt to modify a readonly table");
  expect_error("cmsgpack.pack = function() return 1 end", "Attempt to modify a readonly table");
  expect_error("bit.lshift = function() return 1 end", "Attempt to modify a readonly table");
  expect_error("string.upper = nil", "Attempt to modify a readonly table");
  expect_error("rawset(_G, 'x', 1)", "Attempt to modify a readonly table");
  expect_error("rawset(redis, 'call', 1)", "Attempt to modify a readonly table");
  expect_error("getmetatable('').__index.upper = nil", "Attempt to modify a readonly table");
  expect_error("getfenv(0).x = 1", "Attempt to modify a readonly table");
  expect_error("loadfile('x')", "nonexistent global variable 'loadfile'");
  expect_error("dofile('x')", "nonexistent global variable 'dofile'");
  expect_error("print('x')", "nonexistent global variable 'print'");
  expect_error("return os.execute('true')", "attempt to call field 'execute'");
  expect_error("return loadstring(string.dump(function() return 1 end))()",
               "attempt to call a nil value");
  // Nothing of the refused writes stayed behind for the next script.
  EXPECT_EQ(Eval("return type(redis.call)"), "$8\r\nfunction\r\n");
  EXPECT_EQ(Eval("return string.upper('a')"), "$1\r\nA\r\n");
  EXPECT_EQ(Eval("return type(os.clock())"), "$6\r\nnumber\r\n");
  EXPECT_EQ(Eval("return loadstring('return 7')()"), ":7\r\n");
}

TEST_F(LuaRuntimeTest, ErrorsNameTheScriptAndLine) {
  std::string error;
  auto script = cache_.Add("local x = 1\nerror('boom')", &error);
  std::string reply = Eval("local x = 1\nerror('boom')");
  EXPECT_EQ(reply, "-ERR user_script:2: boom script: " + script->sha + ", on @user_script:2.\r\n");
  EXPECT_EQ(Eval("return +"),
            "-ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'+'");
}

TEST_F(LuaRuntimeTest, LibrariesArePresent) {
  EXPECT_EQ(Eval("return cjson.encode({1,2})"), "$5\r\n[1,2]\r\n");
  EXPECT_EQ(Eval("return cjson.decode('[1,2,3]')[3]"), ":3\r\n");
  EXPECT_EQ(Eval("return bit.tohex(65535)"), "$8\r\n0000ffff\r\n");
  EXPECT_EQ(Eval("return bit.band(7, 3)"), ":3\r\n");
  // CVE-2024-31449: INT_MIN digits read past lua-bitop's buffer.
  EXPECT_EQ(Eval("return bit.tohex(65535, -2147483648)"), "$8\r\n0000FFFF\r\n");
  EXPECT_EQ(Eval("return bit.tohex(65535, 2147483648)"), "$8\r\n0000FFFF\r\n");
  EXPECT_EQ(Eval("return bit.tohex(65535, -2147483648.2)"), "$8\r\n0000FFFF\r\n");
  EXPECT_EQ(Eval("return bit.tohex(65535, -2147483649)"), "$8\r\n0000ffff\r\n");
  EXPECT_EQ(Eval("return bit.tohex(65535, 2147483647)"), "$8\r\n0000ffff\r\n");
  EXPECT_EQ(Eval("return redis.sha1hex('')"),
            "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION"), "$6\r\n7.0.15\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION_NUM"), ":458767\r\n");
}

TEST_F(LuaRuntimeTest, StoppedRunsEndEvenInsideTheirOwnPcall) {
  host_.stop = true;
  std::string reply = Eval("while true do pcall(function() local x = 1 end) end");
  EXPECT_NE(reply.find("ERR stopped by the test"), std::string::npos) << reply;
  host_.stop = false;
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

TEST_F(LuaRuntimeTest, LogAndRandom) {
  Eval("redis.log(redis.LOG_WARNING, 'a', 'b')");
  ASSERT_EQ(host_.logs.size(), 1u);
  EXPECT_EQ(host_.logs[0], "3 a b");
  EXPECT_NE(Eval("return tostring(math.random())"), Eval("return tostring(math.random())"));
  EXPECT_EQ(Eval("math.randomseed(7); return tostring(math.random())"),
            Eval("math.randomseed(7); return tostring(math.random())"));
}

}  // namespace
}  // namespace scripting
