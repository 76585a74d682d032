"""Blocking list commands end to end, through redis-py clients on several
threads, side by side with the real redis-server: the same scenario must give
the same results on both."""
import socket
import sys
import threading
import time
import unittest

import redis

import server_fixture


def wait_blocked(client, n, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if client.info("clients")["blocked_clients"] == n:
            return
        time.sleep(0.005)
    raise AssertionError("blocked_clients never reached %d" % n)


class BlockingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = server_fixture.start_redis()
        cls.ours = server_fixture.start_ours(threads=3)

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()
        code = cls.ours.stop()
        assert code == 0, "server exited with %s on SIGTERM" % code

    def both(self, scenario):
        results = []
        for server in (self.redis, self.ours):
            admin = redis.Redis(port=server.port)
            admin.flushall()
            results.append(scenario(server.port, admin))
        self.assertEqual(results[0], results[1])
        return results[1]

    def test_push_from_another_thread_serves_in_blocking_order(self):
        def scenario(port, admin):
            got = {}

            def waiter(name, cmd):
                c = redis.Redis(port=port)
                got[name] = c.execute_command(*cmd)

            threads = []
            for name, cmd in (("a", ["BLPOP", "q", "5"]), ("b", ["BRPOP", "q", "other", "5"]),
                              ("c", ["BLMPOP", "5", "1", "q", "LEFT", "COUNT", "5"])):
                t = threading.Thread(target=waiter, args=(name, cmd))
                t.start()
                threads.append(t)
                wait_blocked(admin, len(threads))
            pusher = threading.Thread(
                target=lambda: redis.Redis(port=port).rpush("q", "1", "2", "3", "4"))
            pusher.start()
            for t in threads + [pusher]:
                t.join(10)
            return got, admin.lrange("q", 0, -1), admin.info("clients")["blocked_clients"]

        got, rest, blocked = self.both(scenario)
        self.assertEqual(tuple(got["a"]), (b"q", b"1"))
        self.assertEqual(blocked, 0)

    def test_timeouts(self):
        def scenario(port, admin):
            c = redis.Redis(port=port)
            start = time.time()
            replies = [c.execute_command("BLPOP", "none", "0.2"),
                       c.execute_command("BLMOVE", "none", "d", "LEFT", "RIGHT", "0.1"),
                       c.execute_command("BLMPOP", "0.1", "2", "none", "none2", "RIGHT")]
            elapsed = time.time() - start
            return replies, elapsed >= 0.4

        replies, waited = self.both(scenario)
        self.assertEqual(replies, [None, None, None])
        self.assertTrue(waited)

    def test_client_that_disconnects_while_blocked_takes_nothing(self):
        def scenario(port, admin):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
            wait_blocked(admin, 1)
            s.close()
            wait_blocked(admin, 0)
            admin.rpush("q", "kept")
            return admin.lrange("q", 0, -1)

        self.assertEqual(self.both(scenario), [b"kept"])

    def test_blmove_wakes_waiters_on_its_destination(self):
        def scenario(port, admin):
            got = {}

            def waiter():
                got["w"] = redis.Redis(port=port).execute_command("BLPOP", "dst", "5")

            t = threading.Thread(target=waiter)
            t.start()
            wait_blocked(admin, 1)
            admin.rpush("src", "v")
            moved = admin.execute_command("LMOVE", "src", "dst", "LEFT", "RIGHT")
            t.join(10)
            return moved, got.get("w"), admin.exists("src", "dst")

        moved, served, left = self.both(scenario)
        self.assertEqual((moved, tuple(served), left), (b"v", (b"dst", b"v"), 0))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
