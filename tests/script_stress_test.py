"""Scripts under load, on 4 workers (keys spread over every shard, clients
over every worker):
- movers run EVALSHA of a script that moves value between two accounts -
  declared in KEYS, or built inside the script from ARGV (undeclared, so the
  script must end up holding every shard), or EVAL as the only command of a
  MULTI/EXEC - while readers sum every account
  with MGET, with a read-only script, and one GET at a time in a script: the
  total never changes (no half of a script, from any worker);
- the final balances add up and every account that a mover touched moved.
"""
import os
import random
import sys
import threading
import unittest

import redis

import server_fixture

ACCOUNTS = ["acct:%d" % i for i in range(8)]  # no hashtag: spread over shards
START = 1000
SANITIZED = bool(os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS"))
SCALE = 1 if SANITIZED else 3

DECLARED = """
local amount = tonumber(ARGV[1])
local from = tonumber(redis.call('get', KEYS[1]))
if from < amount then return 0 end
redis.call('decrby', KEYS[1], amount)
redis.call('incrby', KEYS[2], amount)
return 1
"""
# The keys are names the script builds: Redis runs it, so must we.
UNDECLARED = """
local a, b = 'acct:' .. ARGV[1], 'acct:' .. ARGV[2]
local amount = tonumber(ARGV[3])
redis.call('decrby', a, amount)
if tonumber(redis.call('get', a)) < 0 then
  redis.call('incrby', a, amount)
  return 0
end
redis.call('incrby', b, amount)
return 1
"""
SUM_ALL = """
local total = 0
for i = 0, 7 do total = total + tonumber(redis.call('get', 'acct:' .. i)) end
return total
"""


class ScriptStressTest(unittest.TestCase):
    def setUp(self):
        self.srv = server_fixture.start_ours(threads=4)

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0)

    def test_moves_between_shards_keep_the_total(self):
        port = self.srv.port
        redis.Redis(port=port).mset({k: START for k in ACCOUNTS})
        total = START * len(ACCOUNTS)
        bad, reads, errors, moved = [], [0], [], [0]
        stop = threading.Event()

        def mover(kind, seed):
            try:
                c = redis.Redis(port=port)
                declared = c.register_script(DECLARED)
                built = c.register_script(UNDECLARED)
                rnd = random.Random(seed)
                for _ in range(150 * SCALE):
                    a, b = rnd.sample(range(len(ACCOUNTS)), 2)
                    amount = rnd.choice([0, 1, 7, START, 2 * START])
                    if kind == "undeclared":
                        moved[0] += built(keys=[], args=[a, b, amount])
                    elif kind == "declared":
                        moved[0] += declared(keys=[ACCOUNTS[a], ACCOUNTS[b]], args=[amount])
                    else:  # the script inside MULTI/EXEC, its only step
                        with c.pipeline(transaction=True) as p:
                            p.eval(DECLARED, 2, ACCOUNTS[a], ACCOUNTS[b], amount)
                            moved[0] += p.execute()[0]
            except Exception as e:  # noqa: BLE001 - reported by the test
                errors.append(repr(e))

        def reader(kind):
            try:
                c = redis.Redis(port=port)
                sum_all = c.register_script(SUM_ALL)
                while not stop.is_set():
                    if kind == 0:
                        seen = sum(int(v) for v in c.mget(ACCOUNTS))
                    elif kind == 1:
                        seen = int(sum_all(keys=[]))
                    else:
                        seen = int(c.eval("#!lua flags=no-writes\n" + SUM_ALL, 0))
                    reads[0] += 1
                    if seen != total:
                        bad.append(seen)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        kinds = ["declared", "undeclared", "in_exec", "declared", "undeclared", "in_exec"]
        movers = [threading.Thread(target=mover, args=(kind, i)) for i, kind in enumerate(kinds)]
        readers = [threading.Thread(target=reader, args=(i % 3,)) for i in range(3)]
        for t in movers + readers:
            t.start()
        for t in movers:
            t.join()
        stop.set()
        for t in readers:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(bad[:5], [])
        self.assertGreater(reads[0], 20)
        self.assertGreater(moved[0], 0)
        values = [int(v) for v in redis.Redis(port=port).mget(ACCOUNTS)]
        self.assertEqual(sum(values), total)
        self.assertTrue(all(v >= 0 for v in values), values)


class ClientLibraryScriptsTest(unittest.TestCase):
    """redis-py's own script helpers, unchanged: Script (EVALSHA, falling
    back to EVAL on NOSCRIPT) and Lock (acquire/extend/release are scripts)."""

    def setUp(self):
        self.srv = server_fixture.start_ours(threads=4)
        self.r = redis.Redis(port=self.srv.port)

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0)

    def test_register_script_survives_script_flush(self):
        incr_by = self.r.register_script(
            "local v = redis.call('incrby', KEYS[1], ARGV[1]); "
            "redis.call('expire', KEYS[1], 100); return v")
        self.assertEqual(incr_by(keys=["rl"], args=[5]), 5)
        self.r.script_flush()
        self.assertEqual(incr_by(keys=["rl"], args=[5]), 10)  # NOSCRIPT, then EVAL
        self.assertEqual(self.r.ttl("rl"), 100)
        self.assertEqual(self.r.script_exists(incr_by.sha), [True])

    def test_lock_excludes_and_releases(self):
        lock = self.r.lock("resource", timeout=10)
        other = redis.Redis(port=self.srv.port).lock("resource", timeout=10)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertFalse(other.acquire(blocking=False))
        self.assertTrue(lock.extend(5))
        self.assertTrue(lock.owned())
        lock.release()
        self.assertTrue(other.acquire(blocking=False))
        with self.assertRaises(redis.exceptions.LockError):
            lock.release()
        other.release()
        self.assertIsNone(self.r.get("resource"))

    def test_pipeline_of_scripts_keeps_order(self):
        script = self.r.register_script("return redis.call('rpush', KEYS[1], ARGV[1])")
        p = self.r.pipeline(transaction=False)
        for i in range(50):
            script(keys=["order:%d" % (i % 5)], args=[i], client=p)
            p.lrange("order:%d" % (i % 5), 0, -1)
        replies = p.execute()
        for i in range(50):
            self.assertEqual(replies[2 * i], i // 5 + 1)
            self.assertEqual(replies[2 * i + 1][-1], str(i).encode())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
