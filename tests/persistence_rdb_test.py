"""RDB snapshots end to end, against the real redis-server and its tools.

- Interop both ways: a dataset with every type in every encoding, TTLs and
  several dbs, written by our SAVE, passes redis-check-rdb and loads in
  redis-server with identical contents (compared key by key through a
  client, encodings included); the same dataset saved by Redis loads here.
- Point in time: BGSAVE while clients keep running cross-shard MSETs and
  INCRs on 4 workers; the file holds each MSET whole and counters no
  higher than acknowledged at the end.
- Durability: kill -9 leaves the last completed snapshot; SIGTERM with save
  points saves; a corrupt dump.rdb stops the server with the offset.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import redis

import server_fixture
from dataset import populate, snapshot


class RdbInteropTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rdb_test.")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def ours(self, threads=4, extra=()):
        p = server_fixture.start_ours(threads, ("--dir", self.dir, *extra))
        self.procs.append(p)
        return p, redis.Redis(port=p.port)

    def real(self, extra=()):
        port = server_fixture.free_port()
        p = server_fixture.Process([shutil.which("redis-server"), "--port", str(port), "--save",
                                    "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir",
                                    self.dir, *extra], port)
        self.procs.append(p)
        return p, redis.Redis(port=port)

    def stop(self, p):
        p.stop()
        self.procs.remove(p)

    def check_rdb(self):
        out = subprocess.run(["redis-check-rdb", os.path.join(self.dir, "dump.rdb")],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("RDB looks OK", out.stdout)

    def test_ours_to_redis(self):
        p, r = self.ours()
        populate(r)
        expected = snapshot(r)
        self.assertEqual(r.save(), True)
        self.stop(p)
        self.check_rdb()
        q, rr = self.real()
        self.assertEqual(snapshot(rr), expected)

    def test_ours_to_redis_without_compression_or_checksum(self):
        p, r = self.ours(extra=("--rdbcompression", "no", "--rdbchecksum", "no"))
        populate(r)
        expected = snapshot(r)
        r.save()
        self.stop(p)
        self.check_rdb()
        q, rr = self.real()
        self.assertEqual(snapshot(rr), expected)

    def test_redis_to_ours(self):
        q, rr = self.real()
        populate(rr)
        expected = snapshot(rr)
        rr.save()
        self.stop(q)
        for threads in (1, 4):
            p, r = self.ours(threads)
            self.assertEqual(snapshot(r), expected)
            self.stop(p)

    def test_round_trip_through_ours_twice(self):
        p, r = self.ours(threads=3)
        populate(r)
        expected = snapshot(r)
        r.save()
        self.stop(p)
        p, r = self.ours(threads=2)
        self.assertEqual(snapshot(r), expected)
        self.assertEqual(r.info("persistence")["rdb_last_load_keys_loaded"], len(expected))

    def test_bgsave_is_one_point_in_time_under_writes(self):
        p, r = self.ours(threads=4)
        keys = ["mset:%d" % i for i in range(8)]  # no hashtag: on every shard
        r.mset({k: 0 for k in keys})
        for i in range(20000):
            r.set("filler:%d" % i, "x" * (i % 200))
        stop = threading.Event()
        acked = {}

        # A script holding every shard of its keys writes them from its own
        # worker's thread: its writes reach the snapshot from there.
        script = "for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1]) end return 1"

        def writer(n):
            c = redis.Redis(port=p.port)
            gen = 0
            while not stop.is_set():
                gen += 1
                if gen % 3 == 0:
                    c.eval(script, len(keys), *keys, "%d-%d" % (n, gen))
                else:
                    c.mset({k: "%d-%d" % (n, gen) for k in keys})
                acked["counter:%d" % n] = c.incr("counter:%d" % n)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        self.assertEqual(r.bgsave(), True)
        while r.info("persistence")["rdb_bgsave_in_progress"]:
            time.sleep(0.01)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(r.info("persistence")["rdb_last_bgsave_status"], "ok")
        final = dict(acked)
        self.stop(p)
        self.check_rdb()
        q, rr = self.real()
        values = rr.mget(keys)
        self.assertEqual(len(set(values)), 1, values)  # each MSET whole, or not at all
        self.assertEqual(rr.dbsize(), 20000 + 8 + sum(1 for k in final if rr.exists(k)))
        for k, v in final.items():
            got = rr.get(k)
            if got is not None:
                self.assertLessEqual(int(got), v)

    def test_kill_9_keeps_the_last_completed_snapshot(self):
        p, r = self.ours()
        r.set("saved", "1")
        r.save()
        r.set("unsaved", "1")
        p.proc.kill()
        p.proc.wait()
        self.procs.remove(p)
        p, r = self.ours()
        self.assertEqual(r.get("saved"), b"1")
        self.assertIsNone(r.get("unsaved"))
        # kill -9 in the middle of a background save: the old file stays.
        for i in range(50000):
            r.set("k%d" % i, "v" * 100)
        r.bgsave()
        p.proc.kill()
        p.proc.wait()
        self.procs.remove(p)
        self.check_rdb()
        p, r = self.ours()
        self.assertEqual(r.get("saved"), b"1")

    def test_sigterm_saves_with_save_points(self):
        p, r = self.ours(extra=("--save", "3600 1"))
        r.set("on-exit", "kept")
        p.proc.send_signal(signal.SIGTERM)
        self.assertEqual(p.proc.wait(timeout=30), 0)
        self.procs.remove(p)
        p, r = self.ours()
        self.assertEqual(r.get("on-exit"), b"kept")
        # SHUTDOWN NOSAVE does not; SHUTDOWN SAVE does, even without points.
        r.set("on-exit", "changed")
        r.shutdown(nosave=True)  # redis-py takes the closed connection as success
        p.proc.wait(timeout=30)
        self.procs.remove(p)
        p, r = self.ours()
        self.assertEqual(r.get("on-exit"), b"kept")
        r.set("on-exit", "saved")
        r.shutdown(save=True)
        p.proc.wait(timeout=30)
        self.procs.remove(p)
        p, r = self.ours()
        self.assertEqual(r.get("on-exit"), b"saved")

    def test_save_points_trigger_a_background_save(self):
        p, r = self.ours(extra=("--save", "1 3"))
        before = r.lastsave()
        for i in range(3):
            r.set("k%d" % i, i)
        self.assertGreaterEqual(r.info("persistence")["rdb_changes_since_last_save"], 3)
        deadline = time.time() + 10
        while r.info("persistence")["rdb_saves"] == 0 and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(r.info("persistence")["rdb_saves"], 1)
        self.assertGreaterEqual(r.lastsave(), before)
        self.assertEqual(r.info("persistence")["rdb_changes_since_last_save"], 0)

    def test_corrupt_file_stops_the_server_with_the_offset(self):
        p, r = self.ours()
        populate(r)
        r.save()
        self.stop(p)
        path = os.path.join(self.dir, "dump.rdb")
        data = open(path, "rb").read()
        for cut in (len(data) // 2, len(data) - 3):
            open(path, "wb").write(data[:cut])
            out = subprocess.run([server_fixture.server_binary(), "--port", "0", "--dir",
                                  self.dir], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 1)
            self.assertIn("offset", out.stderr)
        flipped = bytearray(data)
        flipped[len(data) // 3] ^= 0xFF
        open(path, "wb").write(bytes(flipped))
        out = subprocess.run([server_fixture.server_binary(), "--port", "0", "--dir", self.dir],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("offset", out.stderr)

    def test_function_libraries_are_saved_and_loaded(self):
        code = ("#!lua name=mylib\n"
                "redis.register_function('answer', function(keys, args) return 42 end)")
        p, r = self.ours()
        r.function_load(code)
        r.set("k", "v")
        r.save()
        self.stop(p)
        self.check_rdb()
        q, rr = self.real()
        self.assertEqual(rr.fcall("answer", 0), 42)
        rr.function_load(code.replace("mylib", "theirs").replace("answer", "other"))
        rr.save()
        self.stop(q)
        p, r = self.ours()
        self.assertEqual(r.fcall("answer", 0), 42)
        self.assertEqual(r.fcall("other", 0), 42)
        self.assertEqual(r.get("k"), b"v")

    def test_bgsave_inside_exec_on_every_worker(self):
        # BGSAVE queued in MULTI runs inside EXEC's local hold of its worker's
        # shard; the snapshot's transaction must not wait behind that hold.
        p, r = self.ours(threads=4)
        for i in range(200):
            r.set("k%d" % i, i)
        clients = [redis.Redis(port=p.port, socket_timeout=10) for _ in range(12)]
        for c in clients:
            while c.info("persistence")["rdb_bgsave_in_progress"]:
                time.sleep(0.01)
            pipe = c.pipeline(transaction=True)
            pipe.execute_command("BGSAVE")
            self.assertEqual(pipe.execute(), [True])  # redis-py's reading of the status
            self.assertEqual(c.set("after", "1"), True)  # the shard still serves
            self.assertEqual(c.mset({"a": 1, "b": 2, "c": 3}), True)

    def test_shutdown_during_bgsave_waits_and_saves(self):
        p, r = self.ours(threads=2)
        pipe = r.pipeline(transaction=False)
        for i in range(200000):
            pipe.set("key:%d" % i, "v" * 50)
        pipe.execute()
        r.bgsave()
        r.set("last", "write")
        r.shutdown(save=True)
        self.assertEqual(p.proc.wait(timeout=60), 0)
        self.procs.remove(p)
        p, r = self.ours(threads=2)
        self.assertEqual(r.get("last"), b"write")
        self.assertEqual(r.dbsize(), 200001)

    def test_sigterm_when_the_save_fails_keeps_serving(self):
        gone = os.path.join(self.dir, "gone")
        os.mkdir(gone)
        p = server_fixture.start_ours(2, ("--dir", gone, "--save", "3600 1"))
        self.procs.append(p)
        r = redis.Redis(port=p.port)
        r.set("k", "v")
        os.rmdir(gone)  # the save cannot create its file any more
        p.proc.send_signal(signal.SIGTERM)
        time.sleep(1)
        self.assertIsNone(p.proc.poll())  # Redis: "can't exit"
        self.assertEqual(r.get("k"), b"v")
        self.assertEqual(r.info("persistence")["rdb_last_bgsave_status"], "err")
        with self.assertRaises(redis.exceptions.ResponseError) as ctx:
            r.set("k", "w")
        self.assertTrue(str(ctx.exception).startswith("MISCONF"), str(ctx.exception))
        r.shutdown(nosave=True)
        self.assertEqual(p.proc.wait(timeout=30), 0)
        self.procs.remove(p)

    def test_errors_and_replies_as_redis(self):
        p, r = self.ours()
        q, rr = self.real()
        # (redis-py turns the status into True.)
        self.assertEqual(r.execute_command("BGSAVE", "SCHEDULE"),
                         rr.execute_command("BGSAVE", "SCHEDULE"))
        for args in (["BGSAVE", "foo"], ["BGSAVE", "a", "b"], ["SHUTDOWN", "foo"],
                     ["SHUTDOWN", "NOSAVE", "SAVE"], ["SHUTDOWN", "ABORT"],
                     ["SHUTDOWN", "ABORT", "NOW"], ["SAVE", "x"], ["LASTSAVE", "x"]):
            got = []
            for c in (r, rr):
                try:
                    got.append(c.execute_command(*args))
                except redis.exceptions.ResponseError as e:
                    got.append(str(e))
            self.assertEqual(got[0], got[1], args)
        for c in (r, rr):
            pipe = c.pipeline(transaction=True)
            pipe.set("a", 1)
            pipe.execute_command("SAVE")
            with self.assertRaises(redis.exceptions.ResponseError) as ctx:
                pipe.execute()
            self.assertIn("not allowed inside a transaction", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
