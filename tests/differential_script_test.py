"""EVAL, EVALSHA, SCRIPT, FUNCTION and FCALL against the real redis-server:
every reply's bytes, errors included, in RESP2 and RESP3 - the Lua <-> RESP
conversions, the sandbox's refusals, redis.call's checks, the error texts
(with the script's SHA and line), the libraries, and values at the
boundaries passed through scripts."""
import random
import sys
import unittest

import differential

LIB = ("#!lua name=mylib\n"
       "redis.register_function('f1', function(keys, args) return redis.call('incr', keys[1]) end)\n"
       "redis.register_function{function_name='f2', callback=function(keys, args) "
       "return {keys[1], args[1]} end, flags={'no-writes'}, description='desc'}")

EVAL_CASES = [
    ["EVAL", "return {1,2,3,'ciao',{1,2}}", "0"],
    ["EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k1"],
    ["EVAL", "return redis.call('get', KEYS[1])", "1", "k1"],
    ["EVAL", "return redis.pcall('incr', KEYS[1])", "1", "k1"],
    ["EVAL", "return redis.call('incr', KEYS[1])", "1", "k1"],
    ["EVAL", "return redis.call('lpush', KEYS[1], 'a')", "1", "k1"],
    ["EVAL", "return {err='My Error'}", "0"],
    ["EVAL", "return {ok='fine'}", "0"],
    ["EVAL", "return redis.call('nosuch')", "0"],
    ["EVAL", "return redis.call('get')", "0"],
    ["EVAL", "return redis.call()", "0"],
    ["EVAL", "return redis.call('get', {})", "0"],
    ["EVAL", "return redis.call('eval', 'return 1', 0)", "0"],
    ["EVAL", "return redis.call('multi')", "0"],
    ["EVAL", "return redis.call('blpop', 'x', 0)", "0"],
    ["EVAL", "return redis.call('client', 'list')", "0"],
    ["EVAL", "return redis.call('config', 'get', 'maxmemory')", "0"],
    ["EVAL", "a = 1", "0"],
    ["EVAL", "return a", "0"],
    ["EVAL", "return _G", "0"],
    ["EVAL", "setmetatable(_G, {})", "0"],
    ["EVAL", "redis.call = nil", "0"],
    ["EVAL", "cjson.encode = nil", "0"],
    ["EVAL", "return loadstring(string.dump(function() return 1 end))()", "0"],
    ["EVAL", "print('x')", "0"],
    ["EVAL", "return cjson.encode({a=1})", "0"],
    ["EVAL", "return cjson.decode('[1,2,{\"a\":3}]')[3].a", "0"],
    ["EVAL", "return cmsgpack.pack({1,2,'x'})", "0"],
    ["EVAL", "return cmsgpack.unpack(cmsgpack.pack({1,2,'x'}))", "0"],
    ["EVAL", "return struct.pack('>I2', 258)", "0"],
    ["EVAL", "return {struct.unpack('>I2', 'ab')}", "0"],
    ["EVAL", "return bit.tohex(bit.bxor(255, 15))", "0"],
    ["EVAL", "return bit.tohex(65535, -2147483648)", "0"],  # CVE-2024-31449
    ["EVAL", "return bit.tohex(65535, 2147483648)", "0"],
    ["EVAL", "return bit.tohex(65535, -2147483649)", "0"],
    ["EVAL", "return bit.tohex(65535, -8)", "0"],
    ["EVAL", "return tostring(3.5)", "0"],
    ["EVAL", "return 3.99", "0"],
    ["EVAL", "return -3.99", "0"],
    ["EVAL", "return {1, nil, 3}", "0"],
    ["EVAL", "return {true, false, 1.5}", "0"],
    ["EVAL", "return redis.call('hgetall', 'nohash')", "0"],
    ["EVAL", "return redis.call('exists', 'a', 'b', 'c')", "0"],
    ["EVAL", "redis.call('select', 3); return redis.call('dbsize')", "0"],
    ["EVAL", "return redis.call('select', 99)", "0"],
    ["EVAL", "return redis.call('ping')", "0"],
    ["EVAL", "return redis.call('type', KEYS[1])", "1", "k1"],
    ["EVAL", "return redis.call('del', KEYS[1])", "1", "k1"],
    ["EVAL", "local t = {}; for i=1,3 do t[i] = redis.call('incr', KEYS[1]) end; return t", "1",
     "cnt"],
    ["EVAL", "return redis.sha1hex('hello')", "0"],
    ["EVAL", "return redis.sha1hex()", "0"],
    ["EVAL", "return redis.error_reply('WRONG thing')", "0"],
    ["EVAL", "return redis.error_reply('NoCode')", "0"],
    ["EVAL", "return redis.status_reply('FINE')", "0"],
    ["EVAL", "error('x')", "0"],
    ["EVAL", "local x = 1\nlocal y = nil\nreturn y.z", "0"],
    ["EVAL", "return KEYS[1] .. ARGV[1]", "1", "a", "b"],
    ["EVAL", "return #KEYS + #ARGV", "2", "a", "b", "c"],
    ["EVAL", "return redis.call('object', 'encoding', KEYS[1])", "1", "cnt"],
    ["EVAL", "return redis.call('mget', KEYS[1], KEYS[2])", "2", "cnt", "zz"],
    ["EVAL", "return redis.setresp(4)", "0"],
    ["EVAL", "redis.setresp(3); return redis.call('hgetall', 'nohash')", "0"],
    ["EVAL", "redis.setresp(3); return {map={a=1}}", "0"],
    ["EVAL", "redis.setresp(3); return {double=1.5}", "0"],
    ["EVAL", "redis.setresp(3); return true", "0"],
    ["EVAL", "redis.setresp(3); return false", "0"],
    ["EVAL", "return redis.acl_check_cmd('nosuch')", "0"],
    ["EVAL", "return redis.set_repl(99)", "0"],
    ["EVAL", "return redis.log(redis.LOG_WARNING)", "0"],
    ["EVAL", "return pcall(function() redis.call('nosuch') end)", "0"],
    ["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"],
    ["EVALSHA", "short", "7"],
    ["EVAL", "return 1", "1.5"],
    ["EVAL", "return 1", "-1"],
    ["EVAL", "return 1", "2", "a"],
    ["EVAL", "return 1", "9223372036854775807"],
    ["EVAL", "#!lua\nreturn redis.call('set','x','y')", "0"],
    ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set','x','y')", "0"],
    ["EVAL", "#!lua flags=bad\nreturn 1", "0"],
    ["EVAL", "#!python\nreturn 1", "0"],
    ["EVAL_RO", "return redis.call('set','x','y')", "0"],
    ["EVAL_RO", "#!lua\nreturn 1", "0"],
    ["EVAL", "return +", "0"],
    ["SCRIPT", "LOAD", "return 'loaded'"],
    ["EVALSHA", "4e9f7b2ad4cbd11f6b6e4e3f0f1d4c5d8a2e7b3c", "0"],
    ["SCRIPT", "EXISTS", "a", "b"],
    ["SCRIPT", "FLUSH", "bad"],
    ["SCRIPT", "FLUSH", "ASYNC", "ASYNC"],
    ["SCRIPT", "KILL"],
    ["SCRIPT", "NOSUCH"],
    ["EVAL", "return redis.call('flushdb')", "0"],
]

FUNCTION_CASES = [
    ["FUNCTION", "LOAD", LIB],
    ["FUNCTION", "LOAD", LIB],
    ["FCALL", "f1", "1", "fk"],
    ["FCALL", "F1", "1", "fk"],
    ["FCALL", "f2", "1", "fk", "a1"],
    ["FCALL_RO", "f1", "1", "fk"],
    ["FCALL_RO", "f2", "1", "fk", "zz"],
    ["FCALL", "nosuch", "0"],
    ["FCALL", "f1", "x"],
    ["FCALL", "f1", "5", "a"],
    ["FUNCTION", "LIST", "LIBRARYNAME"],
    ["FUNCTION", "LIST", "BOGUS"],
    ["FUNCTION", "STATS"],
    ["FUNCTION", "LOAD", "#!lua name=bad\nreturn 1"],
    ["FUNCTION", "LOAD", "#!lua name=bad\nredis.call('ping')"],
    ["FUNCTION", "LOAD", "#!lua name=bad\nlocal s = string.len('x')"],
    ["FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('f1', function() end)"],
    ["FUNCTION", "LOAD", "#!lua\nredis.register_function('x', function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=a-b\nredis.register_function('x', function() end)"],
    ["FUNCTION", "LOAD", "#!js name=ab\nredis.register_function('x', function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=ab foo=bar\nredis.register_function('x', function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=ab name=cd\nredis.register_function('x', function() end)"],
    ["FUNCTION", "LOAD", "no shebang"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function('x-y', function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function{function_name='x', "
                         "callback=function() end, flags={'bad'}}"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function{function_name='x'}"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function{callback=function() end}"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function{function_name='x', "
                         "callback=function() end, extra=1}"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function('x')"],
    ["FUNCTION", "LOAD", "#!lua name=ab\nredis.register_function('x', function() end)\n"
                         "redis.register_function('x', function() end)"],
    ["FUNCTION", "LOAD", "#!lua name=ab\n+"],
    ["FUNCTION", "LOAD", "BOGUS", "code"],
    ["FUNCTION", "LOAD"],
    ["FUNCTION", "LOAD", "REPLACE", "#!lua name=mylib\nredis.register_function('f3', "
                                    "function(keys, args) return 3 end)"],
    ["FCALL", "f1", "1", "fk"],
    ["FCALL", "f3", "0"],
    # One function per library now: Redis lists a library's functions in
    # its hash table's order, which no other server shares.
    ["FUNCTION", "LIST"],
    ["FUNCTION", "LIST", "WITHCODE"],
    ["FUNCTION", "LIST", "LIBRARYNAME", "my*"],
    ["FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"],
    ["FUNCTION", "LOAD", "#!lua name=lib3\nredis.register_function('e', "
                         "function(keys, args) error('boom') end)"],
    ["FCALL", "e", "0"],
    ["FUNCTION", "DELETE", "lib3"],
    ["FUNCTION", "DELETE", "lib3"],
    ["FUNCTION", "FLUSH", "bad"],
    ["FUNCTION", "FLUSH", "SYNC", "extra"],
    ["FUNCTION", "FLUSH"],
    ["FUNCTION", "LIST"],
    ["FUNCTION", "KILL"],
    ["FUNCTION", "NOSUCH"],
]

# Values a script gets back from Redis and returns: the boundaries first.
BOUNDARY = ["0", "-1", "1", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "1.5", "-0", "inf", "-inf", "nan", "", " ", "007",
            "1e3", "0x10", "abc", "\x00\xff", "4294967296"]


class DifferentialScriptTest(differential.DifferentialCase):
    def compare_raw(self, cases, protocol):
        clients = [differential.RawClient(self.redis.port), differential.RawClient(self.ours.port)]
        try:
            for c in clients:
                c.call(["HELLO", str(protocol)])
                c.call(["FLUSHALL"])
                c.call(["SCRIPT", "FLUSH"])
                c.call(["FUNCTION", "FLUSH"])
            for case in cases:
                want, mine = (c.call(case) for c in clients)
                self.assertEqual(want, mine, case)
        finally:
            for c in clients:
                c.close()

    def test_eval_resp2(self):
        self.compare_raw(EVAL_CASES, 2)

    def test_eval_resp3(self):
        self.compare_raw(EVAL_CASES, 3)

    def test_functions(self):
        self.compare_raw(FUNCTION_CASES, 2)

    def test_boundary_values_through_scripts(self):
        rng = random.Random(15)
        bodies = [
            "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
            "return redis.pcall('incrby', KEYS[1], ARGV[1])",
            "return tonumber(ARGV[1])",
            "return {tonumber(ARGV[1])}",
            "return redis.pcall('setrange', KEYS[1], ARGV[1], 'x')",
            "return redis.pcall('expire', KEYS[1], ARGV[1])",
            "return redis.pcall('lpush', KEYS[1], ARGV[1])",
            "return redis.pcall('zadd', KEYS[1], ARGV[1], 'm')",
            "return redis.pcall('incrbyfloat', KEYS[1], ARGV[1])",
            "return redis.call('exists', KEYS[1]) + tonumber('0' .. '1')",
        ]
        cases = []
        for value in BOUNDARY:
            for body in bodies:
                cases.append(["EVAL", body, "1", "b:" + str(rng.randrange(4)), value])
        for _ in range(300):
            value = rng.choice(BOUNDARY + [str(rng.randint(-2**63, 2**63 - 1)),
                                           str(rng.uniform(-1e6, 1e6))])
            cases.append(["EVAL", rng.choice(bodies), "1", "b:" + str(rng.randrange(4)), value])
        self.compare_raw(cases, 2)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
