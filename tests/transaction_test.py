"""MULTI/EXEC/WATCH side by side with the real redis-server: each scenario's
reply bytes must be Redis's exactly (RESP2 and RESP3). A scenario is a list
of (connection, command) steps; several connections show WATCH seeing other
clients' writes. Our server runs 4 workers, so keys land on different shards.
Also: redis-py's own pipeline() (MULTI/EXEC) and its WATCH helper."""
import socket
import sys
import time
import unittest

import redis

import server_fixture

class RawConnection:
    """Sends commands and returns each reply's exact bytes."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        self.buf += chunk

    def _line(self, pos):
        while True:
            end = self.buf.find(b"\r\n", pos)
            if end >= 0:
                return end + 2
            self._fill()

    def _reply_end(self, pos):
        """Where the reply starting at pos ends (reading more as needed)."""
        after = self._line(pos)
        kind, body = self.buf[pos:pos + 1], self.buf[pos + 1:after - 2]
        if kind in b"$=!":
            n = int(body)
            if n < 0:
                return after
            while len(self.buf) < after + n + 2:
                self._fill()
            return after + n + 2
        if kind in b"*~>%|":
            n = int(body)
            if kind in b"%|":
                n *= 2
            for _ in range(max(n, 0)):
                after = self._reply_end(after)
            return after
        return after  # + - : _ , # (

    def run(self, args):
        payload = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            payload += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(payload)
        try:
            end = self._reply_end(0)
        except ConnectionError:
            return self.buf + b"<closed>"
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply

    def close(self):
        self.sock.close()


def play(port, steps):
    conns = {}
    out = []
    for conn, cmd in steps:
        if conn not in conns:
            conns[conn] = RawConnection(port)
        out.append((conn, " ".join(cmd), conns[conn].run(cmd)))
    for c in conns.values():
        c.close()
    return out


def on(conn, *commands):
    return [(conn, c.split(" ")) for c in commands]


# Keys without a hashtag spread over our 4 shards.
SCENARIOS = {
    "basics": on(0, "flushall", "multi", "set a 1", "set b 2", "incr c", "mget a b c",
                 "lrange nolist 0 -1", "ping", "exec", "mget a b c"),
    "empty": on(0, "multi", "exec"),
    "exec refused": on(0, "multi", "set e 1", "exec x", "exec", "exists e", "exec x"),
    "discard": on(0, "rpush l a b", "multi", "del l", "discard", "lrange l 0 -1"),
    "control errors": on(0, "exec", "discard", "multi", "multi", "watch x", "exec"),
    "queueing errors abort": on(0, "del q1 q2", "multi", "set q1 1", "nosuch 1 2",
                                "set", "client nosuch", "set q2 2", "exec", "exists q1 q2"),
    "runtime errors in slots": on(0, "set s x", "multi", "lpush s a", "incr s", "set t 1",
                                  "get t", "exec"),
    "select inside": on(0, "flushall", "multi", "select 3", "set sel 1", "select 99",
                        "select -1", "mset m1 1 m2 2", "select 0", "exists sel m1", "exec",
                        "exists sel", "select 3", "mget sel m1 m2", "select 0"),
    "blocking inside": on(0, "del l e", "rpush l a", "multi", "blpop e 0", "brpop e 0",
                          "brpoplpush e l 0", "blmove e l left left 0", "bzpopmin z 0",
                          "bzpopmax z 0", "blmpop 0 1 e left", "bzmpop 0 1 z min",
                          "blpop l 0", "exec"),
    "multi-key inside": on(0, "flushall", "multi", "mset a 1 b 2 c 3", "msetnx a 1 d 4",
                           "rename a e", "exists a b c d e", "del b c", "dbsize",
                           "keys *", "exec"),
    "resp3": on(0, "hello 3", "multi", "get nokey", "hset h f v", "hgetall h",
                "blpop nol 0", "exec", "watch h", "hset h f w", "multi", "exec", "hello 2"),
    "reset drops multi": on(0, "multi", "set r 1", "reset", "exec", "exists r"),
    "unwatch queued": on(0, "set z 5", "multi", "incr z", "unwatch", "exec"),
    "config error inside": on(0, "multi", "set foo bar", "config set maxmemory bla", "exec"),
    "watch touched by other": on(0, "flushall", "set x 1", "watch x y")
    + on(1, "set y 2")
    + on(0, "multi", "incr x", "exec", "get x", "multi", "incr x", "exec"),
    "watch untouched": on(0, "flushall", "set x 1", "watch x nokey")
    + on(1, "get x", "set other 1", "del nokey2")
    + on(0, "multi", "incr x", "exec"),
    "no-op writes of missing keys": on(0, "flushall", "watch m1 m2 m3 m4 m5")
    + on(1, "del m1", "srem m2 x", "expire m3 10", "lrem m4 0 x", "rename m5 other")
    + on(0, "multi", "ping", "exec"),
    "move into a watched db": on(0, "flushall", "select 3", "watch mv", "select 0")
    + on(1, "set mv 1", "move mv 3")
    + on(0, "multi", "ping", "exec"),
    "copy into a watched db": on(0, "flushall", "select 3", "watch cp", "select 0")
    + on(1, "set src 1", "copy src cp db 3")
    + on(0, "multi", "ping", "exec"),
    "watch own write": on(0, "set x 1", "watch x", "set x 2", "multi", "ping", "exec"),
    "watch and unwatch": on(0, "set x 1", "watch x")
    + on(1, "set x 2")
    + on(0, "unwatch", "multi", "ping", "exec"),
    "discard unwatches": on(0, "watch x")
    + on(1, "set x 10")
    + on(0, "multi", "discard", "multi", "incr x", "exec"),
    "flushall touches existing": on(0, "set x 30", "watch x", "flushall", "multi", "ping",
                                    "exec", "del x", "watch x", "flushall", "multi", "ping",
                                    "exec"),
    "flushdb touches existing": on(0, "set x 30", "watch x", "flushdb", "multi", "ping",
                                   "exec", "del x", "watch x", "flushdb", "multi", "ping",
                                   "exec"),
    "swapdb": on(0, "flushall", "set x 30", "watch x", "swapdb 0 1", "multi", "ping", "exec",
                 "flushall", "select 1", "set x 30", "select 0", "watch x", "swapdb 0 1",
                 "multi", "ping", "exec", "flushall"),
    "watch remembers db": on(0, "select 5", "set x 30", "watch x", "select 1", "set x 10",
                             "select 5", "multi", "ping", "exec", "select 0"),
    "expire touches": on(0, "del x", "set x foo", "watch x", "expire x 10", "multi", "ping",
                         "exec"),
    "rename touches both": on(0, "flushall", "set a 1", "watch b")
    + on(1, "rename a b")
    + on(0, "multi", "ping", "exec"),
    "watch many keys": on(0, "flushall", "watch k1 k2 k3 k4 k5 k6 k7 k8")
    + on(1, "lpush k7 x")
    + on(0, "multi", "set k1 1", "set k2 2", "exec", "mget k1 k2"),
    "watch after dirty is ok": on(0, "set x 1", "watch x")
    + on(1, "set x 2")
    + on(0, "watch y", "multi", "ping", "exec"),
}


class TransactionDifferentialTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.theirs = server_fixture.start_redis()
        cls.ours = server_fixture.start_ours(threads=4)

    @classmethod
    def tearDownClass(cls):
        cls.theirs.stop()
        assert cls.ours.stop() == 0

    def test_scenarios_match_redis(self):
        for name, steps in SCENARIOS.items():
            with self.subTest(scenario=name):
                theirs = play(self.theirs.port, steps)
                mine = play(self.ours.port, steps)
                for (conn, cmd, want), (_, _, got) in zip(theirs, mine):
                    if cmd.startswith("hello"):  # carries the client id
                        self.assertEqual(got[:1], want[:1], cmd)
                        continue
                    self.assertEqual(got, want, "%s: conn %d: %s" % (name, conn, cmd))

    def test_pipelined_transactions_match_redis(self):
        # Pipelined EXECs run as one transaction here: their replies, and
        # what commands between them see, must still be Redis's.
        commands = [["FLUSHALL"]]
        for i in range(60):
            commands += [["MULTI"], ["SET", "k%d" % (i % 7), str(i)], ["INCR", "c%d" % (i % 5)],
                         ["GET", "k%d" % ((i + 3) % 7)], ["MGET", "c0", "c1", "k2"], ["EXEC"]]
            if i % 10 == 3:
                commands += [["GET", "k3"], ["MGET", "c0", "c1", "c2", "c3", "c4"]]
            if i % 10 == 6:
                commands += [["MULTI"], ["PING"], ["SELECT", "1"], ["SET", "k1", "db1"],
                             ["SELECT", "0"], ["EXEC"]]
            if i % 10 == 8:
                commands += [["MULTI"], ["SET", "k1", "x"], ["NOSUCH"], ["EXEC"], ["WATCH", "k1"],
                             ["MULTI"], ["INCR", "k1"], ["EXEC"], ["MULTI"], ["DISCARD"]]
        commands += [["SELECT", "1"], ["GET", "k1"], ["SELECT", "0"], ["MGET"] +
                     ["k%d" % i for i in range(7)] + ["c%d" % i for i in range(5)]]
        payload = b"".join(
            b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in c)
            for c in commands)
        replies = {}
        for side, port in (("theirs", self.theirs.port), ("ours", self.ours.port)):
            conn = RawConnection(port)
            conn.sock.sendall(payload)
            got = []
            for _ in commands:
                end = conn._reply_end(0)
                got.append(conn.buf[:end])
                conn.buf = conn.buf[end:]
            conn.close()
            replies[side] = got
        for cmd, want, got in zip(commands, replies["theirs"], replies["ours"]):
            self.assertEqual(got, want, " ".join(cmd))

    def test_redis_py_pipeline_and_watch_helper(self):
        for port in (self.theirs.port, self.ours.port):
            r = redis.Redis(port=port)
            r.flushall()
            with r.pipeline() as p:  # transaction=True: MULTI ... EXEC
                p.set("a", 1).incr("a").rpush("l", "x", "y").lrange("l", 0, -1).get("nokey")
                self.assertEqual(p.execute(), [True, 2, 2, [b"x", b"y"], None])
            with r.pipeline() as p:
                p.set("s", "x").lpush("s", "y").set("after", 1)
                with self.assertRaises(redis.ResponseError):
                    p.execute()  # raises the first error; the rest still ran
            self.assertEqual(r.get("after"), b"1")

            def incr(pipe):
                value = int(pipe.get("counter") or 0)
                pipe.multi()
                pipe.set("counter", value + 1)

            for _ in range(10):
                r.transaction(incr, "counter")
            self.assertEqual(r.get("counter"), b"10")
            # A write between WATCH and EXEC raises WatchError.
            other = redis.Redis(port=port)
            with r.pipeline() as p:
                p.watch("counter")
                other.set("counter", 0)
                p.multi()
                p.set("counter", 99)
                with self.assertRaises(redis.WatchError):
                    p.execute()
            self.assertEqual(r.get("counter"), b"0")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
