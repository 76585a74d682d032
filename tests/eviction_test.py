"""maxmemory eviction end to end, on our server and on the real redis-server
side by side: every policy keeps used_memory near the limit by evicting
(counted in INFO's evicted_keys), volatile-* policies never take a key
without a TTL, noeviction and an exhausted volatile-* policy refuse writes
with Redis's OOM error, and approximate LRU/LFU keep the keys that were used.

Needs jemalloc's allocated-bytes figure: sanitizer builds (no jemalloc)
report RSS, which never shrinks, so these tests skip there."""
import time
import unittest

import redis

import server_fixture

VALUE = b"v" * 1000
OOM = "OOM command not allowed when used memory > 'maxmemory'."
# How far above maxmemory used_memory may be after a write: ours checks a
# sample at most a millisecond (or one pipelined batch) old.
SLACK = 2 << 20


class Servers:
    """Starts ours and Redis; run(check) calls check(client, name) on each."""

    def __init__(self, test):
        self.test = test

    def run(self, check):
        for name, start in (("ours", server_fixture.start_ours), ("redis", server_fixture.start_redis)):
            server = start()
            try:
                c = redis.Redis(port=server.port, socket_timeout=30)
                if not str(c.info("memory")["mem_allocator"]).startswith("jemalloc"):
                    self.test.skipTest("no jemalloc: used_memory is RSS here")
                with self.test.subTest(server=name):
                    check(c, name)
            finally:
                self.test.assertEqual(server.stop(), 0)


def limit_above_baseline(c, extra):
    limit = c.info("memory")["used_memory"] + extra
    c.config_set("maxmemory", limit)
    return limit


def write(c, prefix, count, ex=None, start=0):
    """SETs prefix:N for N in [start, start+count); returns the error texts."""
    errors = []
    for base in range(start, start + count, 500):
        p = c.pipeline(transaction=False)
        for i in range(base, min(base + 500, start + count)):
            p.set("%s:%d" % (prefix, i), VALUE, ex=ex)
        for r in p.execute(raise_on_error=False):
            if isinstance(r, Exception):
                errors.append(str(r))
    return errors


def surviving(c, prefix, indexes):
    p = c.pipeline(transaction=False)
    for i in indexes:
        p.exists("%s:%d" % (prefix, i))
    return sum(p.execute())


class EvictionTest(unittest.TestCase):
    def test_allkeys_policies_stay_under_the_limit(self):
        for policy in ("allkeys-lru", "allkeys-lfu", "allkeys-random"):
            def check(c, name):
                c.config_set("maxmemory-policy", policy)
                limit = limit_above_baseline(c, 8 << 20)
                self.assertEqual(write(c, "k", 30000)[:3], [], policy)
                used = c.info("memory")["used_memory"]
                self.assertLessEqual(used, limit + SLACK, (policy, used, limit))
                evicted = c.info("stats")["evicted_keys"]
                self.assertGreater(evicted, 10000, policy)
                # Every key is either there or counted as evicted (a
                # timer may still evict between the two reads).
                gone = 30000 - c.dbsize()
                self.assertLessEqual(evicted, gone, policy)
                self.assertLessEqual(gone, c.info("stats")["evicted_keys"], policy)
            Servers(self).run(check)

    def test_volatile_policies_keep_keys_without_ttl(self):
        for policy in ("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"):
            def check(c, name):
                c.config_set("maxmemory-policy", policy)
                limit = limit_above_baseline(c, 8 << 20)
                self.assertEqual(write(c, "keep", 2000), [])
                self.assertEqual(write(c, "tmp", 20000, ex=3600), [])
                used = c.info("memory")["used_memory"]
                self.assertLessEqual(used, limit + SLACK, (policy, used, limit))
                self.assertEqual(surviving(c, "keep", range(2000)), 2000, policy)
                self.assertGreater(c.info("stats")["evicted_keys"], 5000, policy)
                # Only keys without a TTL left to take: writes are refused.
                self.assertEqual(write(c, "keep", 8000, start=2000)[-1:], [OOM], policy)
                self.assertEqual(surviving(c, "keep", range(2000)), 2000, policy)
                # Reads and deletes still work; deleting makes room again.
                self.assertEqual(c.get("keep:0"), VALUE)
                c.flushall()
                self.assertTrue(c.set("after", "flush"))
            Servers(self).run(check)

    def test_noeviction_refuses_writes_but_serves_reads(self):
        def check(c, name):
            limit_above_baseline(c, 4 << 20)
            errors = write(c, "k", 8000)
            self.assertIn(OOM, errors)
            self.assertEqual(c.info("stats")["evicted_keys"], 0)
            self.assertEqual(c.get("k:0"), VALUE)
            with self.assertRaisesRegex(redis.ResponseError, "OOM"):
                c.lpush("list", "x")
            self.assertEqual(c.delete("k:0"), 1)
        Servers(self).run(check)

    def test_volatile_ttl_takes_the_nearest_expiry_first(self):
        def check(c, name):
            c.config_set("maxmemory-policy", "volatile-ttl")
            limit_above_baseline(c, 6 << 20)
            self.assertEqual(write(c, "soon", 3000, ex=1000), [])
            self.assertEqual(write(c, "late", 3000, ex=100000), [])
            self.assertEqual(write(c, "more", 3000, ex=50000), [])
            soon = surviving(c, "soon", range(3000))
            late = surviving(c, "late", range(3000))
            self.assertGreater(c.info("stats")["evicted_keys"], 1000)
            self.assertLess(soon, 1500, (name, soon, late))
            self.assertGreater(late, 2400, (name, soon, late))
        Servers(self).run(check)

    def keeps_used_keys(self, policy, use):
        """Writes 4000 keys, lets use(c, keys) access half of them, then
        sets maxmemory so that 3000 more keys need roughly 500-1400 evictions:
        fewer than the unused half, so a good policy spares the used half."""
        def check(c, name):
            c.config_set("maxmemory-policy", policy)
            c.config_set("maxmemory-samples", 10)
            base = c.info("memory")["used_memory"]
            self.assertEqual(write(c, "a", 4000), [])
            per_key = (c.info("memory")["used_memory"] - base) / 4000
            use(c, ["a:%d" % i for i in range(0, 4000, 2)])
            c.config_set("maxmemory", int(c.info("memory")["used_memory"] + 1600 * per_key))
            self.assertEqual(write(c, "b", 3000), [])
            self.assertGreater(c.info("stats")["evicted_keys"], 300, name)
            used = surviving(c, "a", range(0, 4000, 2))
            self.assertGreater(used, 1800, (name, used, surviving(c, "a", range(1, 4000, 2))))
        Servers(self).run(check)

    @staticmethod
    def read(c, keys, times=1):
        # STRLEN counts as an access like GET, without sending the values
        # back (a big reply buffer would itself push Redis over maxmemory).
        for _ in range(times):
            p = c.pipeline(transaction=False)
            for k in keys:
                p.strlen(k)
            p.execute()

    def test_lru_keeps_recently_used_keys(self):
        def use(c, keys):
            time.sleep(2.2)  # the LRU clock counts seconds, in Redis too
            self.read(c, keys)
        self.keeps_used_keys("allkeys-lru", use)

    def test_lfu_keeps_frequently_used_keys(self):
        def use(c, keys):
            self.read(c, keys, times=20)
            self.assertGreater(c.object("freq", keys[0]), 5)
        self.keeps_used_keys("allkeys-lfu", use)


if __name__ == "__main__":
    unittest.main()
