// EVAL / EVALSHA / SCRIPT in-process, on 3 workers: Redis 7.0's replies, and
// scripts whose keys span shards - declared or not.
#include "absl/strings/str_cat.h"
#include "server/scripting/sha1.h"
#include "server/testing/command_fixture.h"

namespace server {
namespace {

using ScriptCommandsTest = CommandFixture;

TEST_F(ScriptCommandsTest, EvalRunsCommandsOnDeclaredKeysAcrossShards) {
  std::vector<std::string> k = KeysOnDistinctShards("ev", 3);
  EXPECT_EQ(Run({"set", k[0], "10"}), "+\"OK\"");
  const std::string move =
      "local v = tonumber(redis.call('get', KEYS[1])); "
      "redis.call('decrby', KEYS[1], ARGV[1]); redis.call('incrby', KEYS[2], ARGV[1]); "
      "redis.call('rpush', KEYS[3], v); return {v, redis.call('get', KEYS[2])}";
  EXPECT_EQ(Run({"eval", move, "3", k[0], k[1], k[2], "4"}), "[:10, \"4\"]");
  EXPECT_EQ(Run({"mget", k[0], k[1]}), "[\"6\", \"4\"]");
  EXPECT_EQ(Run({"lrange", k[2], "0", "-1"}), "[\"10\"]");
}

TEST_F(ScriptCommandsTest, UndeclaredKeysWorkAndAreUndoneBeforeTheRetry) {
  std::vector<std::string> k = KeysOnDistinctShards("und", 3);
  // Writes its declared key, then reaches two keys it did not declare: the
  // first attempt (holding one shard) is undone, the second holds them all.
  const std::string body =
      "redis.call('incr', KEYS[1]); redis.call('incr', ARGV[1]); "
      "redis.call('rpush', ARGV[2], 'x'); return redis.call('get', KEYS[1])";
  EXPECT_EQ(Run({"eval", body, "1", k[0], k[1], k[2]}), "\"1\"");
  EXPECT_EQ(Run({"mget", k[0], k[1]}), "[\"1\", \"1\"]");
  EXPECT_EQ(Run({"lrange", k[2], "0", "-1"}), "[\"x\"]");
  // Learned: the next run takes every shard at once; same result shape.
  EXPECT_EQ(Run({"eval", body, "1", k[0], k[1], k[2]}), "\"2\"");
  EXPECT_EQ(Run({"lrange", k[2], "0", "-1"}), "[\"x\", \"x\"]");
  // No keys at all, writing anywhere.
  EXPECT_EQ(
      Run({"eval", "redis.call('set', ARGV[1], 'v'); return redis.call('dbsize')", "0", "nokeys"}),
      ":4");
}

TEST_F(ScriptCommandsTest, EvalShaAndTheScriptCache) {
  std::string sha = scripting::Sha1Hex("return 'hi'");
  EXPECT_EQ(Run({"evalsha", sha, "0"}), "-\"NOSCRIPT No matching script. Please use EVAL.\"");
  EXPECT_EQ(Run({"script", "load", "return 'hi'"}), "\"" + sha + "\"");
  EXPECT_EQ(Run({"evalsha", sha, "0"}, 1), "\"hi\"") << "loaded on one worker, run on another";
  std::string upper = sha;
  for (char& ch : upper) ch = static_cast<char>(toupper(ch));
  EXPECT_EQ(Run({"evalsha", upper, "0"}, 2), "\"hi\"");
  EXPECT_EQ(Run({"script", "exists", sha, "ffff"}), "[:1, :0]");
  EXPECT_EQ(Run({"script", "flush"}), "+\"OK\"");
  EXPECT_EQ(Run({"script", "exists", sha}), "[:0]");
  EXPECT_EQ(Run({"evalsha", sha, "0"}, 1), "-\"NOSCRIPT No matching script. Please use EVAL.\"");
  EXPECT_EQ(Run({"script", "flush", "lazy"}),
            "-\"ERR SCRIPT FLUSH only support SYNC|ASYNC option\"");
  EXPECT_EQ(Run({"script", "load", "return +"}),
            "-\"ERR Error compiling script (new function): user_script:1: unexpected symbol "
            "near '+'\"");
  EXPECT_EQ(Run({"script", "kill"}), "-\"NOTBUSY No scripts in execution right now.\"");
}

TEST_F(ScriptCommandsTest, ArgumentErrors) {
  EXPECT_EQ(Run({"eval", "return 1", "2", "a"}),
            "-\"ERR Number of keys can't be greater than number of args\"");
  EXPECT_EQ(Run({"eval", "return 1", "-1"}), "-\"ERR Number of keys can't be negative\"");
  EXPECT_EQ(Run({"eval", "return 1", "x"}), "-\"ERR value is not an integer or out of range\"");
  EXPECT_EQ(Run({"eval", "return 1", "9223372036854775807"}),
            "-\"ERR Number of keys can't be greater than number of args\"");
  EXPECT_EQ(Run({"eval", "return 1"}), "-\"ERR wrong number of arguments for 'eval' command\"");
  EXPECT_EQ(Run({"eval", "#!lua flags=bogus\nreturn 1", "0"}),
            "-\"ERR Unexpected flag in script shebang: bogus\"");
}

TEST_F(ScriptCommandsTest, CommandsScriptsMayNotRun) {
  auto reply = [&](const std::string& body) { return Run({"eval", body, "0"}); };
  EXPECT_NE(reply("return redis.call('nosuch')").find("Unknown Redis command called from script"),
            std::string::npos);
  EXPECT_NE(reply("return redis.call('get')").find("Wrong number of args calling Redis command"),
            std::string::npos);
  for (const char* cmd : {"multi", "watch', 'x", "blpop', 'x', '0", "eval', 'return 1', '0",
                          "script', 'flush", "client', 'list", "subscribe', 'c"}) {
    std::string r = reply(absl::StrCat("return redis.call('", cmd, "')"));
    EXPECT_TRUE(r.find("This Redis command is not allowed from script") != std::string::npos ||
                r.find("Unknown Redis command") != std::string::npos)
        << cmd << " -> " << r;
  }
  EXPECT_NE(Run({"eval_ro", "return redis.call('set', 'k', 'v')", "1", "k"})
                .find("Write commands are not allowed from read-only scripts."),
            std::string::npos);
  EXPECT_EQ(Run({"eval_ro", "#!lua\nreturn 1", "0"}),
            "-\"ERR Can not execute a script with write flag using *_ro command.\"");
  EXPECT_EQ(Run({"eval_ro", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "k"}),
            "nil");
  EXPECT_EQ(Run({"exists", "k"}), ":0");
}

TEST_F(ScriptCommandsTest, SelectInsideAScriptIsTheScriptsOwn) {
  EXPECT_EQ(Run({"eval", "redis.call('select', 5); redis.call('set', KEYS[1], 'five'); return 1",
                 "1", "s"}),
            ":1");
  EXPECT_EQ(Run({"get", "s"}), "nil") << "the client stays in db 0";
  EXPECT_EQ(Run({"select", "5"}), "+\"OK\"");
  EXPECT_EQ(Run({"get", "s"}), "\"five\"");
  EXPECT_NE(Run({"eval", "return redis.call('select', 99)", "0"}).find("DB index is out of range"),
            std::string::npos);
}

TEST_F(ScriptCommandsTest, EvalInsideMultiSeesEveryShard) {
  std::vector<std::string> k = KeysOnDistinctShards("mx", 3);
  EXPECT_EQ(Run({"multi"}), "+\"OK\"");
  EXPECT_EQ(Run({"set", k[0], "1"}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"eval", "return {redis.call('incr', KEYS[1]), redis.call('incr', ARGV[1])}", "1",
                 k[0], k[1]}),
            "+\"QUEUED\"");
  EXPECT_EQ(Run({"get", k[1]}), "+\"QUEUED\"");
  EXPECT_EQ(Run({"exec"}), "[+\"OK\", [:2, :1], \"1\"]");
  // A script as EXEC's last (and only) step, its keys on every shard: all
  // of them stay held until it ends (TSan sees it otherwise).
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Run({"multi"}, i % 3), "+\"OK\"");
    EXPECT_EQ(Run({"eval", "for i = 1, 3 do redis.call('incr', KEYS[i]) end return 1", "3", k[0],
                   k[1], k[2]},
                  i % 3),
              "+\"QUEUED\"");
    EXPECT_EQ(Run({"exec"}, i % 3), "[:1]");
  }
  EXPECT_EQ(Run({"mget", k[0], k[1], k[2]}), "[\"22\", \"21\", \"20\"]");
}

TEST_F(ScriptCommandsTest, RepliesInResp3) {
  EXPECT_EQ(Run({"hello", "3"}).substr(0, 1), "{");
  EXPECT_EQ(Run({"eval", "redis.setresp(3); return redis.call('hgetall', KEYS[1])", "1", "h"}),
            "{}");
  EXPECT_EQ(Run({"hset", "h", "f", "v"}), ":1");
  EXPECT_EQ(Run({"eval", "redis.setresp(3); return redis.call('hgetall', KEYS[1])", "1", "h"}),
            "{\"f\": \"v\"}");
  EXPECT_EQ(Run({"eval", "return redis.call('hgetall', KEYS[1])", "1", "h"}), "[\"f\", \"v\"]");
}

TEST_F(ScriptCommandsTest, FunctionsLoadCallListAndDelete) {
  const std::string lib =
      "#!lua name=bank\n"
      "redis.register_function('move', function(keys, args)\n"
      "  redis.call('decrby', keys[1], args[1]); return redis.call('incrby', keys[2], args[1])\n"
      "end)\n"
      "redis.register_function{function_name='peek', callback=function(keys) "
      "return redis.call('get', keys[1]) end, flags={'no-writes'}, description='read one'}";
  EXPECT_EQ(Run({"function", "load", lib}), "\"bank\"");
  EXPECT_EQ(Run({"function", "load", lib}), "-\"ERR Library 'bank' already exists\"");
  std::vector<std::string> k = KeysOnDistinctShards("fn", 2);
  EXPECT_EQ(Run({"fcall", "move", "2", k[0], k[1], "5"}, 1), ":5") << "any worker";
  EXPECT_EQ(Run({"fcall", "MOVE", "2", k[0], k[1], "5"}, 2), ":10") << "any case";
  EXPECT_EQ(Run({"fcall_ro", "peek", "1", k[0]}), "\"-10\"");
  EXPECT_EQ(Run({"fcall_ro", "move", "2", k[0], k[1], "1"}),
            "-\"ERR Can not execute a script with write flag using *_ro command.\"");
  EXPECT_EQ(Run({"fcall", "nosuch", "0"}), "-\"ERR Function not found\"");
  EXPECT_EQ(Run({"fcall", "move", "x"}), "-\"ERR Bad number of keys provided\"");
  EXPECT_EQ(Run({"function", "list"}),
            "[[\"library_name\", \"bank\", \"engine\", \"LUA\", \"functions\", "
            "[[\"name\", \"move\", \"description\", nil, \"flags\", []], "
            "[\"name\", \"peek\", \"description\", \"read one\", \"flags\", "
            "[+\"no-writes\"]]]]]");
  EXPECT_EQ(Run({"function", "load",
                 "#!lua name=other\nredis.register_function('move', "
                 "function() return 1 end)"}),
            "-\"ERR Function move already exists\"");
  EXPECT_EQ(Run({"function", "load", "#!lua name=x\nredis.call('ping')"}),
            "-\"ERR Error registering functions: ERR user_function:2: Script attempted to "
            "access nonexistent global variable 'call'\"");
  EXPECT_EQ(Run({"function", "load", "#!lua name=x\nlocal a = 1"}),
            "-\"ERR No functions registered\"");
  EXPECT_EQ(Run({"function", "delete", "bank"}), "+\"OK\"");
  EXPECT_EQ(Run({"fcall", "move", "0"}, 1), "-\"ERR Function not found\"");
  EXPECT_EQ(Run({"function", "delete", "bank"}), "-\"ERR Library not found\"");
}

TEST_F(ScriptCommandsTest, FunctionsReachingUndeclaredKeys) {
  EXPECT_EQ(Run({"function", "load",
                 "#!lua name=fill\nredis.register_function('fill', function(keys, args)\n"
                 "for i = 1, 6 do redis.call('set', 'fill:' .. i, i) end\n"
                 "return redis.call('dbsize') end)"}),
            "\"fill\"");
  EXPECT_EQ(Run({"fcall", "fill", "0"}), ":6");
  EXPECT_EQ(Run({"mget", "fill:1", "fill:6"}), "[\"1\", \"6\"]");
}

TEST_F(ScriptCommandsTest, FunctionDumpAndRestore) {
  const std::string lib = "#!lua name=d1\nredis.register_function('one', function() return 1 end)";
  EXPECT_EQ(Run({"function", "load", lib}), "\"d1\"");
  resp::Value dump = RunValue({"function", "dump"});
  ASSERT_EQ(dump.type, resp::Type::kBulk);
  EXPECT_EQ(Run({"function", "restore", dump.str}), "-\"ERR Library d1 already exists\"");
  EXPECT_EQ(Run({"function", "restore", dump.str, "replace"}), "+\"OK\"");
  EXPECT_EQ(Run({"function", "flush"}), "+\"OK\"");
  EXPECT_EQ(Run({"function", "restore", dump.str}), "+\"OK\"");
  EXPECT_EQ(Run({"fcall", "one", "0"}, 2), ":1");
  EXPECT_EQ(Run({"function", "restore", dump.str, "flush"}), "+\"OK\"");
  EXPECT_EQ(Run({"function", "restore", dump.str, "bogus"}),
            "-\"ERR Wrong restore policy given, value should be either FLUSH, APPEND or "
            "REPLACE.\"");
  std::string broken = dump.str;
  broken[broken.size() / 2] ^= 1;
  EXPECT_EQ(Run({"function", "restore", broken}),
            "-\"ERR DUMP payload version or checksum are wrong\"");
  EXPECT_EQ(Run({"function", "restore", "short"}),
            "-\"ERR DUMP payload version or checksum are wrong\"");
  EXPECT_EQ(Run({"fcall", "one", "0"}), ":1") << "a refused restore keeps what was there";
}

}  // namespace
}  // namespace server
