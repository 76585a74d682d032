"""Keyspace notifications against the real redis-server: the same scripted
commands run on both servers while a subscriber on each does PSUBSCRIBE *,
and after every step the messages it received must be Redis's, byte for
byte and in order (a missing, extra or reordered event fails the test).

Ours runs with 4 workers, so the keys of one command live on different
shards and the subscriber and the writer usually sit on different workers.
Every step ends with a PUBLISH to a marker channel, sent once the step's
replies are in (from the second connection: the writer may be inside MULTI):
the subscriber reads up to it, which splits its stream into the events of
each step.

Commands whose TTL has already passed are run in one pipelined group with
the command that finds them, so that neither server's active expiry can
take the key first (its "expired" event would land in a later step).
"""
import time
import unittest

import server_fixture
from resp_client import ConnectionLost, RespClient

MARKER = "zz:marker"


class Other:
    """A step run on the second connection (the one that blocks)."""

    def __init__(self, line):
        self.line = line


class Blocked:
    """`block` is sent on the second connection; once the server counts it
    as blocked, `then` runs on the writer and the blocked reply is read."""

    def __init__(self, block, *then):
        self.block = block
        self.then = then


class Random:
    """A step whose reply is random (SPOP of several): only its events are
    compared."""

    def __init__(self, line):
        self.line = line


def args_of(line):
    if isinstance(line, list):
        return line
    return ["" if a == "''" else a for a in line.split()]


def lua(body, *keys_and_args, numkeys, ro=False):
    return ["EVAL_RO" if ro else "EVAL", body, str(numkeys), *keys_and_args]


STRINGS = [
    "SET s1 v", "SET s1 v2 XX", "SET s1 v3 NX", "SET s2 v NX", "SET s1 v EX 100",
    "SET s1 v KEEPTTL", "SET s1 w PX 100000 GET", "SET nos v GET", "SET s1 x XX GET",
    "SET nos2 v XX", "SET nos2 v XX GET", "SET s1 v EX 0", "SET s1 v EX abc", "SET s1 v NX XX",
    "SET s1 v EXAT 99999999999", "SETNX s1 x", "SETNX s3 x", "SETEX s4 100 v", "SETEX s4 -1 v",
    "SETEX s4 x v", "PSETEX s5 100000 v", "GETSET s1 nv", "GETSET nog v", "GETDEL s4",
    "GETDEL nokey", "GETEX s5 EX 200", "GETEX s5 PERSIST", "GETEX s5 PERSIST", "GETEX s5",
    "GETEX nokey EX 10", "GETEX s5 BAD", "GETEX s5 EX 0", "SET gx v", "GETEX gx EXAT 1",
    "GETEX gx PXAT 1", "INCR n1", "INCR n1", "DECR n1", "INCRBY n1 10", "DECRBY n1 3",
    "INCRBY n1 x", "INCR s1", "DECRBY n1 -9223372036854775808", "SET big 9223372036854775807",
    "INCR big", "INCRBYFLOAT f1 1.5", "INCRBYFLOAT f1 x", "INCRBYFLOAT s1 1", "APPEND a1 x",
    "APPEND a1 y", "STRLEN a1", "STRLEN nokey", "GETRANGE a1 0 -1", "GETRANGE nokey 0 1",
    "GETRANGE a1 x 1", "SUBSTR nokey 0 1", "SETRANGE r1 2 ab", "SETRANGE r1 0 ''",
    "SETRANGE nokey2 5 ''", "SETRANGE r1 -1 x", "SETRANGE r1 0 x", "GET s1", "GET nokey",
    "GET a1", "MGET s1 nokey a1 nokey2 s2 nokey", "MSET m1 1 m2 2 m3 3 m1 4", "MSETNX m1 1 mx 2",
    "MSETNX mx 1 my 2", "MSET m1", "MGET m1 m2 m3 mx my",
    # Wrong types: errors raise nothing.
    "RPUSH lst a b c", "GET lst", "APPEND lst x", "INCR lst", "INCRBYFLOAT lst 1",
    "SETRANGE lst 0 x", "GETDEL lst", "GETSET lst v", "GETEX lst EX 10", "STRLEN lst",
    "SET lst v GET", "MGET lst nokey", "SET over v", "SET over w GET",
    "SET l9 v", "LPUSH l9x a", "SET l9x v",
]

KEYSPACE = [
    "DEL s1 nokey s2 s1", "UNLINK m1 m2 nokey", "DEL nokey", "EXISTS m3 nokey m3 nokey2",
    "EXISTS nokey", "EXISTS m3", "TOUCH m3 nokey", "TYPE m3", "TYPE nokey", "TTL nokey",
    "PTTL m3", "EXPIRETIME nokey", "PEXPIRETIME nokey", "TTL m3", "EXPIRE m3 100",
    "EXPIRE m3 100 NX", "EXPIRE m3 200 XX", "EXPIRE m3 50 GT", "EXPIRE m3 300 GT",
    "PEXPIRE m3 100000 LT", "EXPIREAT m3 99999999999", "EXPIRE nokey 10", "EXPIRE m3 abc",
    "EXPIRE m3 10 BAD", "EXPIRE m3 10 NX XX", "EXPIRE m3 10 GT LT", "PERSIST m3", "PERSIST m3",
    "PERSIST nokey", "SET e1 v", "EXPIRE e1 -1", "SET e2 v", "PEXPIREAT e2 1", "SET e3 v",
    "EXPIREAT e3 0", "SET e4 v", "PEXPIRE e4 -100", "OBJECT ENCODING nokey", "OBJECT ENCODING m3",
    "DBSIZE", "KEYS nomatch*",
    # RENAME.
    "SET rn1 v", "RENAME rn1 rn2", "RENAME rn2 rn2", "RENAME nokey x", "RENAME nokey nokey",
    "SET rn3 w", "RENAME rn2 rn3", "RENAMENX rn3 rn4", "SET rn5 v", "RENAMENX rn4 rn5",
    "RENAMENX rn4 rn4", "RENAMENX nokey rn4", "SET rnt v EX 100", "RENAME rnt rnt2",
    "LPUSH rnl a", "RENAME rnl rnl2", "RENAME rnl2 rn5",
    # MOVE and COPY, across dbs.
    "SET mv v", "MOVE mv 1", "MOVE mv 1", "SET mv2 v", "SELECT 1", "SET mv2 other", "SELECT 0",
    "MOVE mv2 1", "MOVE mv2 0", "MOVE mv2 99", "MOVE nokey 1", "MOVE mv2 x",
    "SET cp v", "COPY cp cp2", "COPY cp cp2", "COPY cp cp2 REPLACE", "COPY cp cp DB 1",
    "COPY nokey x", "COPY cp cp", "COPY cp cp3 DB 1 REPLACE", "COPY cp cp3 DB 99",
    "COPY cp cp3 BAD", "SADD cps a b", "COPY cps cps2", "SELECT 1", "DEL cp cp3 mv mv2",
    "FLUSHDB", "SELECT 0", "SWAPDB 0 1", "SWAPDB 0 1", "SWAPDB 0 x",
]

LISTS = [
    "LPUSH l1 a b", "RPUSH l1 c", "LPUSHX l1 z", "LPUSHX nol z", "RPUSHX nol z", "RPUSHX l1 y",
    "LPOP l1", "RPOP l1", "LPOP l1 0", "LPOP l1 2", "LPOP nol", "LPOP nol 2", "LPOP l1 -1",
    "LPOP l1 1 2", "LLEN l1", "LLEN nol", "LINDEX nol 0", "LINDEX nol x", "LRANGE nol 0 -1",
    "LRANGE nol a 1", "LPOS nol a", "RPUSH l2 a b a c a", "LREM l2 2 a", "LREM l2 0 zz",
    "LREM l2 0 a", "LREM nol 0 a", "LSET l2 0 X", "LSET l2 99 X", "LSET nol 0 X",
    "LINSERT l2 BEFORE X W", "LINSERT l2 AFTER nopivot W", "LINSERT nol BEFORE a b",
    "LINSERT l2 MIDDLE X W", "LTRIM l2 0 0", "LTRIM l2 0 -1", "LTRIM l2 5 10", "LTRIM nol 0 1",
    "RPUSH src 1 2 3", "LMOVE src dst LEFT RIGHT", "RPOPLPUSH src dst", "LMOVE src src LEFT LEFT",
    "LMOVE src dst RIGHT LEFT", "LMOVE nol dst LEFT LEFT", "SET s1str v",
    "LMOVE dst s1str LEFT LEFT", "LMOVE s1str dst LEFT LEFT", "LMOVE dst dst UP LEFT",
    "RPUSH self x", "RPOPLPUSH self self", "LMPOP 2 nol dst LEFT COUNT 5", "LMPOP 1 nol LEFT",
    "LMPOP 2 nol s1str LEFT", "RPUSH one x", "RPOP one", "LPUSH lst2 a", "BRPOP lst2 1",
    "RPUSH bq 1 2", "BRPOPLPUSH bq bq2 1", "BLMOVE bq bq2 LEFT RIGHT 1", "BLMPOP 1 1 bq2 RIGHT",
    "BLPOP nol 0.01", "BLMOVE nol bq2 LEFT LEFT 0.01",
    Blocked("BLPOP bl 0", "RPUSH bl a"),
    Blocked("BRPOP bl2 nol 0", "LPUSH bl2 a b"),
    Blocked("BLMOVE bsrc bdst RIGHT LEFT 0", "LPUSH bsrc v"),
    Blocked("BLMPOP 0 2 bm1 bm2 LEFT COUNT 2", "RPUSH bm2 a b c"),
    Blocked("BRPOPLPUSH bsrc2 bsrc2 0", "LPUSH bsrc2 v"),
]

SETS = [
    "SADD st a b c", "SADD st a", "SREM st a x", "SREM st zz", "SREM nos a", "SPOP nos",
    "SPOP nos 2", "SPOP st 0", "SADD one1 x", "SPOP one1", "SADD sp 1 2 3", "SPOP sp 5",
    "SPOP st -1", Random("SPOP st"), "SISMEMBER nos a", "SMISMEMBER nos a b", "SCARD nos",
    "SMEMBERS nos", "SRANDMEMBER nos", "SRANDMEMBER nos 3", "SSCAN nos 0",
    "SADD sa 1 2 3", "SADD sb 2 3 4", "SINTER sa sb nos", "SINTER sa sb", "SUNION nos sa",
    "SDIFF sa nos sb", "SINTERCARD 2 sa nos", "SINTERCARD 2 sa sb LIMIT 1", "SINTERCARD 0 sa",
    "SINTERSTORE sd sa sb", "SINTERSTORE sd sa nos", "SINTERSTORE sd sa nos",
    "SUNIONSTORE sd sa sb", "SDIFFSTORE sd sa sa", "SDIFFSTORE sd sa sb",
    "SUNIONSTORE sd nos nos2", "SINTER nos lst", "SUNIONSTORE sd sa lst",
    "SMOVE sa sb 1", "SMOVE sa sb 2", "SMOVE sa sa 3", "SMOVE sa sa 9", "SMOVE sa newset 3",
    "SMOVE nos sb 1", "SMOVE sb lst 2", "SMOVE sb sb2 zz", "SADD lst x", "SREM lst x",
    # A missing set (nos above is a string: WRONGTYPE).
    "SREM noset a", "SPOP noset", "SISMEMBER noset a", "SMEMBERS noset", "SINTER sb noset",
    "SUNION noset noset2 sb", "SINTERSTORE sd2 noset sb", "SDIFFSTORE sd2 sb noset",
    "SINTERSTORE sd2 noset sb", "SUNION noset nos noset2", "SMOVE noset sb 1",
]

HASHES = [
    "HSET h f1 v1 f2 v2", "HSET h f1 v1", "HMSET h f3 v3", "HSETNX h f1 x", "HSETNX h f9 x",
    "HSETNX nh f x", "HDEL nh f", "HGET nh f", "HMGET nh a b", "HGETALL nh", "HKEYS nh",
    "HVALS nh", "HLEN nh", "HSTRLEN nh f", "HEXISTS nh f", "HRANDFIELD nh", "HRANDFIELD nh 2",
    "HSCAN nh 0", "HGET h f1", "HDEL h f1 nof", "HDEL h nof", "HINCRBY h cnt 5",
    "HINCRBY h f2 1", "HINCRBY h cnt x", "HINCRBYFLOAT h fl 1.5", "HINCRBYFLOAT h f2 1",
    "HINCRBYFLOAT h fl inf", "HDEL h f2 f3 f9 cnt fl", "HSET h2 a", "HSET lst f v",
    "HINCRBY lst f 1", "HGET lst f",
]

ZSETS = [
    "ZADD z 1 a 2 b", "ZADD z 1 a", "ZADD z XX 5 c", "ZADD z NX 3 a", "ZADD z CH 10 a",
    "ZADD z INCR 1 a", "ZADD z XX INCR 1 nomember", "ZADD noz XX 1 a", "ZADD z x a",
    "ZADD z NX XX 1 a", "ZADD z GT LT 1 a", "ZADD z GT 1 a", "ZADD z LT 1 a", "ZINCRBY z 2 b",
    "ZINCRBY z x b", "ZINCRBY noz2 3 m", "ZREM z a nox", "ZREM z nox", "ZREM noz a",
    "ZCARD noz", "ZSCORE noz a", "ZMSCORE noz a", "ZRANK noz a", "ZREVRANK noz a",
    "ZCOUNT noz 0 1", "ZCOUNT noz x 1", "ZLEXCOUNT noz - +", "ZRANGE noz 0 -1",
    "ZRANGEBYSCORE noz 0 1", "ZREVRANGE noz 0 1", "ZRANGEBYLEX noz - +", "ZRANDMEMBER noz",
    "ZRANDMEMBER noz 3", "ZSCAN noz 0", "ZRANGE noz x y", "ZRANGE z 0 -1 WITHSCORES",
    "ZADD zr 1 a 2 b 3 c 4 d 5 e", "ZREMRANGEBYRANK zr 0 0", "ZREMRANGEBYRANK zr 10 20",
    "ZREMRANGEBYRANK zr x 1", "ZREMRANGEBYSCORE zr 2 2", "ZREMRANGEBYSCORE zr 100 200",
    "ZREMRANGEBYSCORE zr x 1", "ZREMRANGEBYLEX zr [c [c", "ZREMRANGEBYLEX zr x y",
    "ZREMRANGEBYLEX noz - +", "ZREMRANGEBYSCORE zr -inf +inf",
    "ZADD zp 1 a 2 b 3 c", "ZPOPMIN zp", "ZPOPMAX zp 0", "ZPOPMAX zp 5", "ZPOPMIN noz",
    "ZPOPMIN zp -1", "ZMPOP 2 noz zp2 MIN", "ZADD zp2 1 a", "ZMPOP 2 noz zp2 MAX COUNT 3",
    "BZPOPMIN noz zp3 0.01", "ZADD zp4 1 x 2 y", "BZPOPMAX zp4 1", "BZMPOP 1 1 zp4 MIN",
    Blocked("BZPOPMIN bz 0", "ZADD bz 1 m 2 n"),
    "BZMPOP 0 1 bz MAX",
    Blocked("BZMPOP 0 2 bz1 bz2 MAX COUNT 5", "ZADD bz2 1 a 2 b"),
    "ZADD za 1 a 2 b", "ZADD zb 2 b 3 c", "ZUNIONSTORE zd 2 za zb", "ZINTERSTORE zd 2 za zb",
    "ZINTERSTORE zd 2 za noz", "ZDIFFSTORE zd 2 za zb", "ZDIFFSTORE zd 2 za za",
    "ZDIFFSTORE zd 1 noz", "SADD zs 1 b", "ZUNIONSTORE zd 2 za zs", "ZUNIONSTORE zd 2 za lst",
    "ZUNIONSTORE zd 2 noz lst", "ZUNIONSTORE zd 2 za zb WEIGHTS 1", "ZUNIONSTORE zd 0 za",
    "ZUNION 2 za noz", "ZINTER 2 noz za", "ZDIFF 2 za noz WITHSCORES", "ZRANGESTORE zd2 za 0 -1",
    "ZRANGESTORE zd2 noz 0 -1", "ZRANGESTORE zd2 noz 0 -1", "ZRANGESTORE zd2 za 5 10",
    "ZRANGESTORE zd2 za 0 -1 BYSCORE", "ZRANGESTORE zd2 za (1 +inf BYSCORE",
    "ZRANGESTORE zd2 lst 0 -1", "ZADD lst 1 a", "ZREM lst a",
]

TRANSACTIONS = [
    "MULTI", "SET tx1 a", "LPUSH tx2 b", "DEL tx1 nokey tx3", "INCR tx4", "SADD tx5 x",
    "GET nokey", "MGET tx4 nokey2", "RENAME tx2 tx6", "EXEC",
    "MULTI", "SET tx7 a", "LPUSH tx7 b", "INCR tx8", "HSET tx9 f v", "EXEC",
    "WATCH wk", Other("SET wk x"), "MULTI", "SET wk2 y", "EXEC",
    "MULTI", "SET q1 a", "NOTACOMMAND", "EXEC",
    "MULTI", "BLPOP nol 0", "LPOP nol", "EXEC",
    "MULTI", "SET tx10 v EX 100", "EXPIRE tx10 -1", "SELECT 1", "SET tx11 v", "DEL tx11",
    "SELECT 0", "EXEC",
]

SCRIPTS = [
    lua("redis.call('set', KEYS[1], 'v'); redis.call('lpush', KEYS[2], 'a'); "
        "redis.call('del', KEYS[1], KEYS[3]); return redis.call('get', KEYS[3])",
        "ev1", "ev2", "ev3", numkeys=3),
    # Reaches keys it did not declare: ours undoes that attempt and runs it
    # again holding every shard; only the second attempt's events count.
    lua("redis.call('incr', KEYS[1]); redis.call('set', 'undeclared1', 'x'); "
        "redis.call('sadd', 'undeclared2', 'm'); redis.call('get', 'undeclared3'); return 1",
        "ev4", numkeys=1),
    lua("redis.pcall('incr', KEYS[1]); redis.call('set', KEYS[2], 1); return 1",
        "lst", "ev5", numkeys=2),
    lua("return redis.call('del', KEYS[1], KEYS[2], KEYS[3])", "ev2", "ev5", "nokey", numkeys=3),
    lua("return redis.call('mset', KEYS[1], 1, KEYS[2], 2, KEYS[3], 3)", "ev6", "ev7", "ev8",
        numkeys=3),
    lua("return redis.call('get', KEYS[1])", "nokey", numkeys=1, ro=True),
    lua("return redis.call('exists', KEYS[1], KEYS[2])", "nokey", "ev6", numkeys=2, ro=True),
    lua("redis.call('set', KEYS[1], 'v'); return redis.call('incr', KEYS[1])", "ev9",
        numkeys=1),
    "MULTI",
    lua("redis.call('rpush', KEYS[1], 'a', 'b'); return redis.call('lpop', KEYS[1], 2)", "ev10",
        numkeys=1),
    "SET ev11 v", "EXEC",
]

# Each group is sent in one pipeline (see the module's docstring).
EXPIRED = [
    ("SET ex1 v PXAT 1", "GET ex1"),
    ("SET ex2 v EXAT 1", "EXISTS ex2 nokey"),
    ("SET ex3 v PXAT 1", "SET ex3 w"),
    ("SET ex4 v PXAT 1", "LPUSH ex4 a"),
    ("SET ex5 v PXAT 1", "DEL ex5"),
    ("SET ex6 v PXAT 1", "TTL ex6"),
    ("SET ex7 v PXAT 1", "RENAME ex7 ex8"),
    ("SET ex9 v PXAT 1", "SET ex10 v", "RENAME ex10 ex9"),
    ("SET ex11 v PXAT 1", "INCR ex11"),
    ("SET ex12 v PXAT 1", "MGET ex12 nokey"),
]

SCRIPT = STRINGS + KEYSPACE + LISTS + SETS + HASHES + ZSETS + TRANSACTIONS + SCRIPTS + EXPIRED

# notify-keyspace-events settings the whole script runs under: every class
# (A), every class with "new" and "keymiss", and a subset.
FLAGS = ["KEA", "KEAnm", "Elh$mx"]


class Side:
    """One server: the writer, a second connection (blocking, WATCH) and the
    subscriber."""

    def __init__(self, process, name):
        self.name = name
        self.writer = RespClient(process.port, timeout=10)
        self.other = RespClient(process.port, timeout=10)
        self.subscriber = RespClient(process.port, timeout=10)

    def close(self):
        for c in (self.writer, self.other, self.subscriber):
            c.close()

    def events_until(self, marker):
        """The subscriber's messages up to the marker: (channel, payload)."""
        events = []
        while True:
            msg = self.subscriber.read()
            assert msg[0] == "array", msg
            fields = [f[1] for f in msg[1]]
            if fields[0] != b"pmessage":
                raise AssertionError("unexpected push %r" % (fields,))
            if fields[2] == MARKER.encode():
                assert fields[3] == marker.encode(), (fields, marker)
                return events
            events.append((fields[2], fields[3]))

    def blocked_clients(self):
        info = self.writer.call("INFO", "clients")[1].decode()
        for line in info.split("\r\n"):
            if line.startswith("blocked_clients:"):
                return int(line.split(":")[1])
        return 0

    def run(self, step):
        """Runs one step; returns its replies."""
        if isinstance(step, Other):
            return [self.other.call(*args_of(step.line))]
        if isinstance(step, Random):
            self.writer.call(*args_of(step.line))
            return ["(random)"]
        if isinstance(step, Blocked):
            self.other.send([args_of(step.block)])
            deadline = time.time() + 10
            while self.blocked_clients() < 1:
                if time.time() > deadline:
                    raise AssertionError("%r never blocked" % step.block)
                time.sleep(0.002)
            replies = [self.writer.call(*args_of(line)) for line in step.then]
            return replies + [self.other.read()]
        if isinstance(step, tuple):
            return self.writer.pipeline([args_of(line) for line in step])
        return [self.writer.call(*args_of(step))]


def describe(step):
    if isinstance(step, (Other, Random)):
        return describe(step.line)
    if isinstance(step, Blocked):
        return "%s, then %s" % (describe(step.block), " / ".join(map(describe, step.then)))
    if isinstance(step, tuple):
        return " / ".join(map(describe, step))
    return " ".join(args_of(step)) if isinstance(step, list) else step


class KeyspaceEventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = server_fixture.start_redis()
        cls.ours = server_fixture.start_ours(threads=4)

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()
        code = cls.ours.stop()
        assert code == 0, "server exited with %s on SIGTERM" % code

    def run_script(self, flags, script):
        sides = [Side(self.redis, "redis"), Side(self.ours, "ours")]
        try:
            for side in sides:
                self.assertEqual(side.writer.call("FLUSHALL")[0], "status")
                self.assertEqual(
                    side.writer.call("CONFIG", "SET", "notify-keyspace-events", flags)[0],
                    "status")
                side.subscriber.call("PSUBSCRIBE", "*")
            total = 0
            for n, step in enumerate(script):
                marker = str(n)
                replies = []
                events = []
                what = "[%s] step %d: %s" % (flags, n, describe(step))
                for side in sides:
                    try:
                        replies.append(side.run(step))
                        side.other.call("PUBLISH", MARKER, marker)
                        events.append(side.events_until(marker))
                    except ConnectionLost as e:
                        raise AssertionError("%s on %s at %s" % (e, side.name, what))
                self.assertEqual(replies[0], replies[1], "replies differ at " + what)
                self.assertEqual(events[0], events[1], "events differ at " + what)
                total += len(events[0])
            return total
        finally:
            for side in sides:
                try:
                    side.writer.call("CONFIG", "SET", "notify-keyspace-events", "")
                except ConnectionLost:
                    pass  # the failure being reported closed it
                side.close()

    def test_every_family(self):
        counts = {flags: self.run_script(flags, SCRIPT) for flags in FLAGS}
        # Not two silent subscribers agreeing: every class was heard.
        self.assertGreater(counts["KEA"], 500, counts)
        self.assertGreater(counts["KEAnm"], counts["KEA"], counts)
        self.assertGreater(counts["Elh$mx"], 0, counts)
        print("events compared: %s" % counts)

    def test_events_are_off_by_default_and_filtered_by_class(self):
        # Only lists, keyevent channel only: everything else stays quiet.
        self.run_script("El", ["SET k v", "LPUSH l a", "DEL k l", "GET nokey", "SADD s a"])
        self.run_script("", ["SET k v", "LPUSH l a", "DEL k l"])


if __name__ == "__main__":
    unittest.main()
