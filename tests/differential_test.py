"""Runs the same command scripts against the real redis-server and ours and
compares every reply exactly (errors included)."""
import random
import sys
import unittest


import differential

SCRIPT = [
    "PING", "PING hello", "ECHO hi", "SET k v", "GET k", "GET missing", "SET k v2 XX",
    "SET nk v NX", "SET nk v NX", "SET k v3 GET", "SET k v EX 0", "SET k v EX abc",
    "SET k v PX 100 EX 100", "SET k v KEEPTTL EX 10", "SET k v NX XX", "SET k v BOGUS",
    "SETNX k x", "SETNX fresh x", "SETEX sk 100 v", "TTL sk", "SETEX sk 0 v", "SETEX sk -1 v",
    "PSETEX pk 100000 v", "GETSET k newv", "GETSET nothere v", "GETDEL k", "GETDEL k",
    "SET n 10", "INCR n", "DECR n", "INCRBY n 5", "DECRBY n 3", "INCRBY n abc",
    "SET big 9223372036854775807", "INCR big", "SET small -9223372036854775808", "DECR small",
    "DECRBY n -9223372036854775808", "SET s abc", "INCR s", "SET s2 01", "INCR s2",
    "INCRBYFLOAT f 10.5", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -5", "INCRBYFLOAT f abc",
    "INCRBYFLOAT f 1e3", "SET fl 3.0", "INCRBYFLOAT fl 1", "INCRBYFLOAT nan nan",
    "APPEND a hello", "APPEND a world", "GET a", "STRLEN a", "STRLEN missing",
    "GETRANGE a 0 4", "GETRANGE a -5 -1", "GETRANGE a 5 2", "GETRANGE a -1 -5",
    "GETRANGE a 0 100", "GETRANGE missing 0 1", "SETRANGE a 5 XX", "GET a",
    "SETRANGE r 3 abc", "GET r", "SETRANGE r -1 x", "SETRANGE empty 0 ''",
    "MSET m1 a m2 b m3 c", "MGET m1 m2 m3 missing", "MSET m1", "MSETNX m1 x m9 y",
    "MSETNX m8 x m9 y", "MGET m8 m9", "LPUSH lst a", "MGET lst m1",
    "GET lst", "INCR lst", "DEL m1 m2 missing", "EXISTS m3 m3 missing", "UNLINK m3",
    "TYPE lst", "TYPE m8", "TYPE missing", "EXPIRE m8 100", "TTL m8", "PTTL missing",
    "TTL m9", "EXPIRE m8 100 NX", "EXPIRE m8 200 XX", "EXPIRE m8 50 GT", "EXPIRE m8 50 LT",
    "TTL m8", "EXPIRE m8 10 NX XX", "EXPIRE m8 10 GT LT", "EXPIRE m8 10 FOO",
    "EXPIRE m8 abc", "PERSIST m8", "PERSIST m8", "TTL m8", "EXPIRE m9 -1", "EXISTS m9",
    "PEXPIRE m8 100000", "EXPIREAT m8 1", "EXISTS m8", "SET e v", "EXPIRETIME e",
    "PEXPIRETIME missing", "RENAME nothere x", "SET ren v", "RENAME ren ren2", "GET ren2",
    "RENAMENX ren2 n", "RENAMENX n ren2", "RENAME ren2 ren2",
    "RPUSH rl 1 2 3", "LRANGE rl 0 -1", "LRANGE rl -2 10", "LRANGE rl 5 10", "LPOP rl",
    "RPOP rl", "RPOP rl 5", "RPOP rl", "LPOP nolist 2", "LLEN rl",
    "SADD st a b c", "SADD st a", "SCARD st", "SISMEMBER st a", "SISMEMBER st z",
    "SMEMBERS nos", "OBJECT ENCODING n", "OBJECT ENCODING a", "OBJECT ENCODING st",
    "OBJECT ENCODING missing", "OBJECT FOO k", "OBJECT REFCOUNT n", "OBJECT HELP", "OBJECT",
    "OBJECT ENCODING", "OBJECT ENCODING a b",
    "SELECT 1", "GET e", "SET e db1", "SELECT 0", "GET e", "SELECT 16", "SELECT x",
    "NOSUCHCOMMAND a b", "GET", "SET onlykey", "CLIENT SETNAME my-name",
    "CLIENT GETNAME", "CLIENT SETNAME 'bad name'", "CLIENT BOGUS",
    "SET c1 v", "EXPIRE c1 1000", "COPY c1 c2", "TTL c2", "GET c2", "COPY c1 c2",
    "COPY c1 c2 REPLACE", "COPY c1 c1", "COPY c1 c1 DB 1", "COPY c1 c3 DB 16", "COPY c1 c3 DB x",
    "COPY c1 c3 BOGUS", "COPY nothere c4", "SELECT 1", "GET c1", "SELECT 0",
    "MOVE c1 1", "MOVE c1 1", "EXISTS c1", "MOVE c2 0", "MOVE c2 99", "MOVE c2 x",
    "SELECT 1", "TTL c1", "SELECT 2", "RANDOMKEY", "SET only v", "RANDOMKEY", "SELECT 0",
    "TOUCH only c2 none",
    "SWAPDB 0 1", "GET c1", "GET only", "SWAPDB 0 1", "SWAPDB 0 x", "SWAPDB x 0",
    "SWAPDB 0 99", "SWAPDB 0 0",
    "MSET key:1 a key:2 b other c k[x] d", "KEYS key:*", "KEYS *", "KEYS k?y:1", "KEYS k[a-f]y:*",
    "KEYS k\\[x]", "KEYS nomatch*", "DBSIZE",
    "FLUSHDB", "DBSIZE", "RANDOMKEY", "FLUSHALL", "DBSIZE",
    "CONFIG GET hash-max-listpack-entries", "CONFIG GET zset-max-ziplist-entries",
    "CONFIG GET set-max-intset-entries", "CONFIG GET list-max-listpack-size",
    "CONFIG GET hash-max-listpack-value", "CONFIG GET zset-max-listpack-value",
    "CONFIG SET foo 1", "CONFIG SET hash-max-listpack-entries abc", "CONFIG SET timeout -1",
    "CONFIG SET dir /tmp", "CONFIG SET databases 4", "CONFIG SET timeout 1 timeout 2",
    "CONFIG SET maxmemory abc", "CONFIG SET timeout", "CONFIG GET", "CONFIG BOGUS",
    "CONFIG SET hash-max-ziplist-entries 512", "CONFIG GET timeout",
]


class DifferentialTest(differential.DifferentialCase):
    def test_script(self):
        self.compare_script(SCRIPT)

    def test_randomized_string_and_key_sequences(self):
        theirs, ours = self.clients()
        theirs.flushall()
        ours.flushall()
        rng = random.Random(1234)
        keys = ["k%d" % i for i in range(12)] + ["{tag}a", "{tag}b"]
        ops = [
            lambda: "SET %s %d" % (rng.choice(keys), rng.randint(-5, 5)),
            lambda: "GET %s" % rng.choice(keys),
            lambda: "INCRBY %s %d" % (rng.choice(keys), rng.randint(-3, 3)),
            lambda: "APPEND %s x" % rng.choice(keys),
            lambda: "DEL %s %s" % (rng.choice(keys), rng.choice(keys)),
            lambda: "EXISTS %s %s" % (rng.choice(keys), rng.choice(keys)),
            lambda: "MSET %s 1 %s 2" % (rng.choice(keys), rng.choice(keys)),
            lambda: "MGET %s %s %s" % (rng.choice(keys), rng.choice(keys), rng.choice(keys)),
            lambda: "RPUSH %s v" % rng.choice(keys),
            lambda: "LPOP %s" % rng.choice(keys),
            lambda: "SADD %s m%d" % (rng.choice(keys), rng.randint(0, 3)),
            lambda: "TYPE %s" % rng.choice(keys),
            lambda: "STRLEN %s" % rng.choice(keys),
            lambda: "RENAME %s %s" % (rng.choice(keys), rng.choice(keys)),
            lambda: "GETRANGE %s %d %d" % (rng.choice(keys), rng.randint(-4, 4), rng.randint(-4, 4)),
            lambda: "DBSIZE",
        ]
        self.compare_random(ops, 3000, rng, flush=False)
        self.assertEqual(sorted(theirs.execute_command("KEYS", "*")),
                         sorted(ours.execute_command("KEYS", "*")))

    def test_pipelined_replies_keep_order_across_shards(self):
        theirs, ours = self.clients()
        for client in (theirs, ours):
            client.flushall()
        results = []
        for client in (theirs, ours):
            pipe = client.pipeline(transaction=False)
            for i in range(2000):
                pipe.set("p%d" % i, i)
                pipe.get("p%d" % ((i * 7) % 2000))
                pipe.incr("counter%d" % (i % 13))
                if i % 100 == 0:
                    pipe.mget(["p%d" % j for j in range(i, i + 5)])
            results.append(pipe.execute())
        self.assertEqual(results[0], results[1])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
