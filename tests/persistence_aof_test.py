"""The append-only file end to end, against the real redis-server and its tools.

- Interop both ways: Redis 7.0's multi-part directory (manifest, RDB base,
  incremental AOF) written by us passes redis-check-aof and loads in
  redis-server with identical contents, before and after BGREWRITEAOF; a
  directory Redis wrote loads here.
- What is logged replays as it ran: relative TTLs, SPOP, served blocking
  pops, EXEC, scripts, functions, expiry and eviction give the same data
  after a restart, here and in Redis.
- Durability: kill -9 under pipelined writers loses no acknowledged write
  with appendfsync always and at most about a second with everysec; a
  truncated tail loads as aof-load-truncated says.
- Rewrites without fork under writes, turning the AOF on at runtime, and the
  automatic rewrite.
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import redis

import server_fixture
from dataset import populate, snapshot


def wait_for(predicate, timeout=20.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def rewrite_done(r):
    info = r.info("persistence")
    return info["aof_rewrite_in_progress"] == 0 and info["aof_rewrite_scheduled"] == 0


class AofTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="aof_test.", dir=os.environ.get("TEST_TMPDIR"))
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def ours(self, threads=4, extra=(), aof=True, directory=None):
        args = ["--dir", directory or self.dir, *extra]
        if aof:
            args += ["--appendonly", "yes"]
        p = server_fixture.start_ours(threads, args)
        self.procs.append(p)
        return p, redis.Redis(port=p.port)

    def real(self, extra=(), directory=None):
        port = server_fixture.free_port()
        p = server_fixture.Process([shutil.which("redis-server"), "--port", str(port), "--save",
                                    "", "--appendonly", "yes", "--bind", "127.0.0.1", "--dir",
                                    directory or self.dir, *extra], port)
        self.procs.append(p)
        return p, redis.Redis(port=port)

    def stop(self, p):
        code = p.stop()
        self.procs.remove(p)
        return code

    def kill(self, p):
        p.proc.kill()
        p.proc.wait()
        self.procs.remove(p)

    def aof_dir(self, directory=None):
        return os.path.join(directory or self.dir, "appendonlydir")

    def manifest(self, directory=None):
        with open(os.path.join(self.aof_dir(directory), "appendonly.aof.manifest")) as f:
            return f.read()

    def check_aof(self, directory=None):
        out = subprocess.run(
            ["redis-check-aof", os.path.join(self.aof_dir(directory), "appendonly.aof.manifest")],
            capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("All AOF files and manifest are valid", out.stdout)

    def copy_dir(self):
        """The AOF directory, alone, in a fresh dir (for the other server)."""
        other = tempfile.mkdtemp(prefix="aof_copy.", dir=os.environ.get("TEST_TMPDIR"))
        shutil.copytree(self.aof_dir(), self.aof_dir(other))
        return other

    def assertSameData(self, actual, expected):
        """Names the keys that differ (a dict diff of thousands of values
        says little)."""
        diff = {k: (actual.get(k), expected.get(k)) for k in set(actual) | set(expected)
                if actual.get(k) != expected.get(k)}
        self.assertEqual(diff, {})

    # -- interop ---------------------------------------------------------

    def test_ours_to_redis_incremental_then_rewritten(self):
        p, r = self.ours()
        populate(r)
        expected = snapshot(r)
        self.stop(p)
        self.check_aof()
        self.assertEqual(self.manifest(),
                         "file appendonly.aof.1.base.rdb seq 1 type b\n"
                         "file appendonly.aof.1.incr.aof seq 1 type i\n")
        other = self.copy_dir()
        q, rr = self.real(directory=other)
        self.assertSameData(snapshot(rr), expected)
        self.stop(q)
        # Restarted here, rewritten, and written again: a new base, a new
        # incremental file, the old ones gone.
        p, r = self.ours(threads=3)
        self.assertSameData(snapshot(r), expected)
        self.assertEqual(r.bgrewriteaof(), True)
        wait_for(lambda: rewrite_done(r), what="rewrite")
        r.set("after:rewrite", "yes")
        r.hset("hash:small", "added", "1")
        expected = snapshot(r)
        self.stop(p)
        self.assertEqual(self.manifest(),
                         "file appendonly.aof.2.base.rdb seq 2 type b\n"
                         "file appendonly.aof.2.incr.aof seq 2 type i\n")
        self.assertEqual(sorted(os.listdir(self.aof_dir())),
                         ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof",
                          "appendonly.aof.manifest"])
        self.check_aof()
        other = self.copy_dir()
        q, rr = self.real(directory=other)
        self.assertSameData(snapshot(rr), expected)

    def test_redis_to_ours(self):
        q, rr = self.real()
        populate(rr)
        rr.bgrewriteaof()
        wait_for(lambda: rewrite_done(rr), what="redis rewrite")
        rr.set("after:rewrite", "yes")
        rr.incr("counter")
        rr.execute_command("SELECT", 3)
        rr.rpush("db3:list", "a", "b")
        rr.execute_command("SELECT", 0)
        expected = snapshot(rr)
        self.stop(q)
        for threads in (1, 4):
            p, r = self.ours(threads)
            self.assertSameData(snapshot(r), expected)
            self.stop(p)

    # -- what is logged --------------------------------------------------

    def test_every_kind_of_write_replays_as_it_ran(self):
        p, r = self.ours(extra=("--maxmemory-policy", "volatile-lru"))
        now_ms = int(time.time() * 1000)
        r.set("plain", "v")
        r.setex("setex", 1000, "v")
        r.psetex("psetex", 2000000, "v")
        r.set("set:ex", "v", ex=3000)
        r.set("set:px:nx", "v", px=4000000, nx=True)
        r.set("getex", "v")
        r.getex("getex", ex=5000)
        r.set("getex:persist", "v", ex=100)
        r.getex("getex:persist", persist=True)
        r.set("expire", "v")
        r.expire("expire", 6000)
        r.set("pexpire", "v")
        r.pexpire("pexpire", 7000000)
        r.set("expireat", "v")
        r.expireat("expireat", now_ms // 1000 + 8000)
        r.set("gone:soon", "v", px=50)
        r.set("expire:past", "v")
        r.expire("expire:past", -1)
        dump = r.dump("plain")
        r.restore("restored", 9000000, dump)
        r.restore("restored:abs", now_ms + 9500000, dump, absttl=True)
        r.sadd("popset", *range(100))
        r.spop("popset")
        r.spop("popset", 10)
        r.sadd("spop:all", "a", "b")
        r.spop("spop:all", 5)
        r.incrbyfloat("float", "1.5")
        r.incrbyfloat("float", "0.1")
        # EXEC and a script: their writes, not themselves.
        pipe = r.pipeline(transaction=True)
        pipe.set("tx:a", 1).incr("tx:a").rpush("tx:list", "x").expire("tx:list", 9999)
        pipe.execute()
        r.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('spop', KEYS[2]);"
               "return redis.call('incr', KEYS[3])", 3, "lua:s", "popset", "lua:n", "val")
        r.execute_command("FUNCTION", "LOAD",
                          "#!lua name=lib\nredis.register_function('f', function(k, a) "
                          "return redis.call('incr', k[1]) end)")
        r.fcall("f", 1, "fn:counter")
        # Blocking pops: one served at once, one served later by a push.
        r.rpush("bl:ready", "a", "b")
        r.blpop(["bl:empty", "bl:ready"], 1)
        r2 = redis.Redis(port=p.port)
        result = {}
        t = threading.Thread(target=lambda: result.update(v=r2.brpop(["bl:later"], 10)))
        t.start()
        wait_for(lambda: r.info("clients")["blocked_clients"] == 1, what="blocked client")
        r.lpush("bl:later", "one", "two")
        t.join()
        self.assertEqual(result["v"], (b"bl:later", b"one"))
        r.zadd("z", {"a": 1, "b": 2})
        r.bzpopmin(["z"], 1)
        r.rpush("move:src", "1", "2")
        r.blmove("move:src", "move:dst", 1, "LEFT", "RIGHT")
        # Multi-key commands across shards, other dbs.
        r.mset({"m:%d" % i: i for i in range(20)})
        r.delete("m:3", "m:4", "missing")
        r.rename("m:5", "m:renamed")
        r.execute_command("SELECT", 7)
        r.set("db7", "x")
        r.execute_command("SWAPDB", 7, 8)
        r.execute_command("SELECT", 0)
        r.copy("plain", "plain:copy")
        # Expiry (lazy and active) and eviction are DELs in the file.
        time.sleep(0.2)
        self.assertIsNone(r.get("gone:soon"))
        for i in range(50):
            r.set("evict:%d" % i, "x" * 100, ex=100000)
        used = r.info("memory")["used_memory"]
        r.config_set("maxmemory", used - 2000)
        for i in range(200):  # each shard evicts its share when written
            try:
                r.set("evict:trigger:%d" % i, "y", ex=100000)
            except redis.ResponseError:
                pass
        r.config_set("maxmemory", 0)
        self.assertGreater(r.info("stats")["evicted_keys"], 0)
        expected = snapshot(r)
        self.stop(p)
        self.check_aof()
        incr = open(os.path.join(self.aof_dir(), "appendonly.aof.1.incr.aof"), "rb").read()
        # The forms a replay at any later time repeats.
        for absent in ("SETEX", "PSETEX", "EXPIRE", "PEXPIRE", "EXPIREAT", "SPOP", "spop", "EVAL",
                       "FCALL", "BLPOP", "BRPOP", "BZPOPMIN", "BLMOVE", "GETEX"):
            self.assertNotIn(b"$%d\r\n%s\r\n" % (len(absent), absent.encode()), incr, absent)
        for present in (b"PXAT", b"PEXPIREAT", b"SREM", b"MULTI", b"EXEC", b"LMPOP", b"ZMPOP",
                        b"LMOVE", b"ABSTTL", b"PERSIST", b"$3\r\nDEL\r\n$9\r\ngone:soon"):
            self.assertIn(present, incr)
        p, r = self.ours(threads=2)
        self.assertSameData(snapshot(r), expected)
        self.assertEqual(r.fcall("f", 1, "fn:counter"), 2)  # the library came back too
        expected = snapshot(r)
        self.stop(p)
        other = self.copy_dir()
        q, rr = self.real(directory=other)
        self.assertSameData(snapshot(rr), expected)

    def test_deadlines_already_past_replay_as_deletions(self):
        p, r = self.ours()
        r.rpush("k", "a")
        self.assertTrue(r.expire("k", -1))  # gone now: the next push starts afresh
        r.rpush("k", "b")
        r.set("g", "v")
        r.getex("g", pxat=1000)
        r.set("g", "w", keepttl=True)
        r.set("old", "v")
        r.restore("old", int(time.time() * 1000) - 1000, r.dump("g"), replace=True, absttl=True)
        r.set("old", "new")
        # RENAMENX onto a key whose TTL passed: the rename happened.
        r.set("dst", "x", px=100)
        time.sleep(0.2)
        r.set("src", "y")
        self.assertTrue(r.renamenx("src", "dst"))
        expected = snapshot(r)
        self.stop(p)
        p, r = self.ours()
        self.assertSameData(snapshot(r), expected)
        self.assertEqual(r.lrange("k", 0, -1), [b"b"])
        self.assertEqual(r.get("g"), b"w")
        self.stop(p)
        q, rr = self.real(directory=self.copy_dir())
        self.assertSameData(snapshot(rr), expected)

    # -- durability ------------------------------------------------------

    def pipelined_writers(self, port, seconds, clients=4):
        """Clients each RPUSH their own sequence in pipelines of 50; returns
        (threads, acked lists, stop event)."""
        acked = [[] for _ in range(clients)]
        stop = threading.Event()

        def run(i):
            conn = redis.Redis(port=port)
            n = 0
            try:
                while not stop.is_set():
                    pipe = conn.pipeline(transaction=False)
                    batch = list(range(n, n + 50))
                    for v in batch:
                        pipe.rpush("seq:%d" % i, v)
                    pipe.execute()
                    acked[i].append((time.time(), batch[-1]))
                    n += 50
            except (redis.ConnectionError, ConnectionResetError, OSError):
                pass

        threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        return threads, acked, stop

    def kill_during_writes(self, fsync):
        p, r = self.ours(extra=("--appendfsync", fsync))
        threads, acked, stop = self.pipelined_writers(p.port, 1.5)
        time.sleep(1.5)
        killed_at = time.time()
        self.kill(p)
        stop.set()
        for t in threads:
            t.join()
        p, r = self.ours()
        return r, acked, killed_at

    def test_kill_9_with_always_keeps_every_acknowledged_write(self):
        r, acked, _ = self.kill_during_writes("always")
        total = 0
        for i, acks in enumerate(acked):
            self.assertTrue(acks, "writer %d got no acknowledgement" % i)
            values = [int(v) for v in r.lrange("seq:%d" % i, 0, -1)]
            last = acks[-1][1]
            # In order, no gaps, and everything acknowledged is there.
            self.assertEqual(values, list(range(len(values))))
            self.assertGreaterEqual(len(values), last + 1)
            total += len(values)
        self.assertGreater(total, 1000)

    def test_kill_9_with_everysec_loses_at_most_about_a_second(self):
        r, acked, killed_at = self.kill_during_writes("everysec")
        for i, acks in enumerate(acked):
            values = [int(v) for v in r.lrange("seq:%d" % i, 0, -1)]
            self.assertEqual(values, list(range(len(values))))
            # Every batch acknowledged more than ~1 s before the kill is there.
            old = [last for t, last in acks if t < killed_at - 1.5]
            if old:
                self.assertGreaterEqual(len(values), old[-1] + 1)

    def test_truncated_tail_loads_as_aof_load_truncated_says(self):
        p, r = self.ours()
        r.set("a", "1")
        r.rpush("l", "x", "y")
        self.stop(p)
        incr = os.path.join(self.aof_dir(), "appendonly.aof.1.incr.aof")
        whole = os.path.getsize(incr)
        # A crash mid-write: half a command, after a MULTI that never ended.
        with open(incr, "ab") as f:
            f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$2")
        # aof-load-truncated no: the server refuses to start, and says why.
        port = server_fixture.free_port()
        out = subprocess.run([server_fixture.server_binary(), "--port", str(port), "--dir",
                              self.dir, "--appendonly", "yes", "--aof-load-truncated", "no"],
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("Unexpected end of file reading the append only file", out.stdout + out.stderr)
        self.assertGreater(os.path.getsize(incr), whole)
        # yes (the default): cut at the last whole command before the MULTI.
        p, r = self.ours()
        self.assertEqual(r.get("a"), b"1")
        self.assertEqual(r.lrange("l", 0, -1), [b"x", b"y"])
        self.assertIsNone(r.get("b"))
        self.assertEqual(os.path.getsize(incr), whole)
        r.set("c", "3")
        self.stop(p)
        self.check_aof()

    def test_bad_files_stop_the_server_with_redis_errors(self):
        p, r = self.ours()
        r.set("a", "1")
        self.stop(p)
        incr = os.path.join(self.aof_dir(), "appendonly.aof.1.incr.aof")
        manifest = os.path.join(self.aof_dir(), "appendonly.aof.manifest")
        good = open(incr, "rb").read()
        cases = [
            (incr, good + b"*2\r\n$7\r\nNOTACMD\r\n$1\r\nx\r\n",
             "Unknown command 'NOTACMD' reading the append only file"),
            (incr, good + b"garbage\r\n", "Bad file format reading the append only file"),
            (manifest, b"file x seq 1\n", "Invalid AOF manifest file format"),
        ]
        for path, content, message in cases:
            saved = open(path, "rb").read()
            with open(path, "wb") as f:
                f.write(content)
            out = subprocess.run([server_fixture.server_binary(), "--port",
                                  str(server_fixture.free_port()), "--dir", self.dir,
                                  "--appendonly", "yes"], capture_output=True, text=True,
                                 timeout=30)
            self.assertNotEqual(out.returncode, 0, message)
            self.assertIn(message, out.stdout + out.stderr)
            with open(path, "wb") as f:
                f.write(saved)

    def test_files_left_by_a_crash_are_removed_at_start(self):
        p, r = self.ours()
        r.set("a", "1")
        self.stop(p)
        # A rewrite that finished its manifest but not its deletions, and a
        # first rewrite's log that never became an incremental file.
        with open(os.path.join(self.aof_dir(), "appendonly.aof.manifest"), "a") as f:
            f.write("file appendonly.aof.0.old.aof seq 9 type h\n")
        for name in ("appendonly.aof.0.old.aof", "temp-appendonly.aof.incr"):
            open(os.path.join(self.aof_dir(), name), "w").close()
        p, r = self.ours()
        self.assertEqual(r.get("a"), b"1")
        self.assertNotIn("type h", self.manifest())
        self.assertEqual(sorted(os.listdir(self.aof_dir())),
                         ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                          "appendonly.aof.manifest"])

    # -- rewrites --------------------------------------------------------

    def test_rewrites_under_writes_keep_every_write(self):
        p, r = self.ours()
        stop = threading.Event()
        acked = {}

        def writer(i):
            conn = redis.Redis(port=p.port)
            n = 0
            while not stop.is_set():
                # Cross-shard MSETs and counters, while rewrites come and go.
                conn.mset({"w%d:a%d" % (i, k): n for k in range(4)})
                conn.incr("w%d:count" % i)
                n += 1
            acked[i] = n

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for _ in range(3):
            time.sleep(0.3)
            r.bgrewriteaof()
            wait_for(lambda: rewrite_done(r), what="rewrite")
        stop.set()
        for t in threads:
            t.join()
        expected = snapshot(r)
        self.assertEqual(r.info("persistence")["aof_rewrites"], 3)
        self.stop(p)
        self.assertEqual(len(os.listdir(self.aof_dir())), 3)  # base, incr, manifest
        self.check_aof()
        p, r = self.ours(threads=2)
        self.assertSameData(snapshot(r), expected)
        for i in range(3):
            self.assertEqual(int(r.get("w%d:count" % i)), acked[i])
            self.assertEqual(r.mget(["w%d:a%d" % (i, k) for k in range(4)]),
                             [str(acked[i] - 1).encode()] * 4)

    def test_a_rewrite_that_cannot_start_its_next_file_fails_whole(self):
        p, r = self.ours()
        for _ in range(5):
            r.incr("n")
        # The next incremental file's name is taken by a directory.
        os.mkdir(os.path.join(self.aof_dir(), "appendonly.aof.2.incr.aof"))
        r.bgrewriteaof()
        wait_for(lambda: rewrite_done(r), what="rewrite")
        self.assertEqual(r.info("persistence")["aof_last_bgrewrite_status"], "err")
        r.incr("n")
        self.stop(p)
        p, r = self.ours()
        self.assertEqual(r.get("n"), b"6")  # every INCR once: no base over the old file

    def test_function_libraries_survive_rewrites_both_ways(self):
        lib = ("#!lua name=mylib\nredis.register_function('f', function(k, a) "
               "return redis.call('incr', k[1]) end)")
        p, r = self.ours()
        r.execute_command("FUNCTION", "LOAD", lib)
        r.bgrewriteaof()
        wait_for(lambda: rewrite_done(r), what="rewrite")
        r.execute_command("FUNCTION", "LOAD", lib.replace("mylib", "second").replace("'f'", "'g'"))
        self.stop(p)
        other = self.copy_dir()
        q, rr = self.real(directory=other)
        names = lambda server: sorted(l[1] for l in server.execute_command("FUNCTION", "LIST"))
        self.assertEqual(names(rr), [b"mylib", b"second"])
        # Redis writes FUNCTION RESTORE to its AOF as it ran; ours replays it.
        dump = rr.execute_command("FUNCTION", "DUMP")
        rr.execute_command("FUNCTION", "FLUSH")
        rr.execute_command("FUNCTION", "RESTORE", dump)
        self.stop(q)
        p, r = self.ours(directory=other)
        self.assertEqual(names(r), [b"mylib", b"second"])
        self.assertEqual(r.fcall("f", 1, "k"), 1)

    def test_appendonly_yes_at_runtime_then_restart(self):
        p, r = self.ours(aof=False)
        populate(r)
        self.assertEqual(r.config_get("appendonly"), {"appendonly": "no"})
        r.config_set("appendonly", "yes")
        self.assertEqual(r.info("persistence")["aof_enabled"], 1)
        wait_for(lambda: rewrite_done(r), what="first rewrite")
        r.set("after:enable", "1")
        expected = snapshot(r)
        self.stop(p)
        self.check_aof()
        p, r = self.ours()
        self.assertSameData(snapshot(r), expected)
        # And off again: writes after it are not in the file.
        r.config_set("appendonly", "no")
        self.assertEqual(r.info("persistence")["aof_enabled"], 0)
        r.set("after:disable", "1")
        self.stop(p)
        p, r = self.ours()
        self.assertIsNone(r.get("after:disable"))
        self.assertEqual(r.get("after:enable"), b"1")

    def test_automatic_rewrite_on_growth(self):
        p, r = self.ours(extra=("--auto-aof-rewrite-min-size", "200kb",
                                "--auto-aof-rewrite-percentage", "100"))
        for i in range(300):
            r.set("k%d" % (i % 10), "x" * 1000)
        wait_for(lambda: r.info("persistence")["aof_rewrites"] >= 1, what="automatic rewrite")
        wait_for(lambda: rewrite_done(r), what="rewrite end")
        self.assertLess(r.info("persistence")["aof_current_size"], 200 * 1024)

    # -- replies ---------------------------------------------------------

    def test_replies_and_errors_as_redis(self):
        p, r = self.ours()
        q, rr = self.real(directory=tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR")))
        for name in ("appendonly", "appendfsync", "appenddirname", "appendfilename",
                     "aof-load-truncated", "auto-aof-rewrite-percentage",
                     "auto-aof-rewrite-min-size", "aof-use-rdb-preamble"):
            self.assertEqual(r.config_get(name), rr.config_get(name), name)
        for args in (("appendfsync", "sometimes"), ("appenddirname", "x"),
                     ("appendfilename", "y"), ("appendonly", "maybe")):
            errors = []
            for server in (r, rr):
                with self.assertRaises(redis.ResponseError) as e:
                    server.config_set(*args)
                errors.append(str(e.exception))
            self.assertEqual(errors[0], errors[1], args)
        r.config_set("appendfsync", "always")
        self.assertEqual(r.config_get("appendfsync"), {"appendfsync": "always"})
        info = r.info("persistence")
        for field in ("aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
                      "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
                      "aof_last_bgrewrite_status", "aof_rewrites",
                      "aof_rewrites_consecutive_failures", "aof_last_write_status",
                      "aof_current_size", "aof_base_size", "aof_pending_rewrite",
                      "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"):
            self.assertIn(field, info)
            self.assertIn(field, rr.info("persistence"))
        for port in (p.port, q.port):
            out = subprocess.run(["redis-cli", "-p", str(port), "bgrewriteaof"],
                                 capture_output=True, text=True)
            self.assertEqual(out.stdout, "Background append only file rewriting started\n")
        wait_for(lambda: rewrite_done(r), what="rewrite")
        wait_for(lambda: rewrite_done(rr), what="redis rewrite")


if __name__ == "__main__":
    unittest.main()
