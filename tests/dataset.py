"""A dataset with every type in every encoding Redis 7.0 chooses, TTLs and
several dbs, and a key-by-key picture of a server's contents to compare two
servers (or one before and after a restart) with.
"""
import time


def populate(r):
    """Every type and encoding, as Redis 7.0 chooses them."""
    r.flushall()
    r.set("int", 12345)
    r.set("negint", -9223372036854775808)
    r.set("embstr", "hello world")
    r.set("raw", "r" * 1000)
    r.set("compressible", "abc" * 5000)
    r.set(b"bin\x00\xff\r\n", b"\x00\x01\x02\xff" * 10)
    r.set("empty", "")
    r.rpush("list:small", "a", "1", "-2", "3000000000", "x" * 60)
    r.rpush("list:big", *[("v%d" % i) * (1 + i % 7) for i in range(3000)])
    r.sadd("set:intset", *range(-50, 50))
    r.sadd("set:wideint", 1, 2 ** 40, -(2 ** 62))
    r.sadd("set:hashtable", "a", "b", "c")
    r.sadd("set:big", *range(1000))
    r.hset("hash:small", mapping={"f1": "v1", "n": 7, "neg": -1})
    r.hset("hash:longvalue", mapping={"f": "v" * 100})
    r.hset("hash:big", mapping={"f%d" % i: "v%d" % i for i in range(600)})
    r.zadd("zset:small", {"a": 1, "b": 2.5, "c": -0.1, "d": float("inf"), "e": float("-inf")})
    r.zadd("zset:big", {"m%d" % i: i * 1.5 - 300 for i in range(500)})
    r.zadd("zset:longmember", {"m" * 100: 3})
    r.set("ttl:far", "x", px=3600 * 1000)
    r.set("ttl:near", "x", px=600 * 1000)
    r.rpush("ttl:list", "a")
    r.pexpireat("ttl:list", int(time.time() * 1000) + 7200 * 1000)
    for db in (1, 5, 15):
        r.execute_command("SELECT", db)
        r.set("db%d" % db, db)
        r.hset("h%d" % db, "f", db)
        r.expire("h%d" % db, 1000 + db)
    r.execute_command("SELECT", 0)


def snapshot(r, dbs=16):
    """Every key of every db: (type, encoding, value, ttl in seconds)."""
    out = {}
    for db in range(dbs):
        r.execute_command("SELECT", db)
        for key in r.scan_iter(count=1000):
            t = r.type(key).decode()
            if t == "string":
                v = r.get(key)
            elif t == "list":
                v = r.lrange(key, 0, -1)
            elif t == "set":
                v = sorted(r.smembers(key))
            elif t == "hash":
                v = sorted(r.hgetall(key).items())
            elif t == "zset":
                v = r.zrange(key, 0, -1, withscores=True)
            else:
                v = None
            enc = r.object("encoding", key)
            pttl = r.pttl(key)
            out[(db, key)] = (t, enc, v, -1 if pttl < 0 else round(pttl / 10000.0))
    r.execute_command("SELECT", 0)
    return out
