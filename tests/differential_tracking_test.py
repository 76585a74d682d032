"""CLIENT TRACKING side by side with the real redis-server: on each server a
tracking client redirects its invalidations to a RESP2 subscriber of
__redis__:invalidate, a writer changes keys from another connection (ours
on 4 workers, so the three sit on different workers), and the messages
the subscriber receives must be the same bytes, in the same order, as
Redis's - for default mode, BCAST with prefixes, NOLOOP, OPTIN / OPTOUT
with CLIENT CACHING, MULTI/EXEC, a script, expiry, FLUSHDB / FLUSHALL and
tracking-table-max-keys. Also the replies to CLIENT TRACKING itself,
TRACKINGINFO and GETREDIR, and INFO's tracking fields.
"""
import re
import time
import unittest

import server_fixture
from resp_client import RespClient

# Each scenario: (who, command) steps; "t" is the tracking client, "w" the
# writer. "{redir}" becomes the subscriber's id on that server.
SCENARIOS = {
    "default": [
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}"]),
        ("w", ["MSET", "a{t}", "1", "b{t}", "2", "c{t}", "3"]),
        ("t", ["GET", "a{t}"]),
        ("t", ["MGET", "b{t}", "c{t}", "nokey{t}"]),
        ("w", ["INCR", "a{t}"]),
        ("w", ["INCR", "a{t}"]),  # not read again: once only
        ("w", ["DEL", "b{t}", "c{t}"]),
        ("t", ["HGETALL", "h"]),
        ("w", ["HSET", "h", "f", "v"]),
        ("t", ["LRANGE", "l", "0", "-1"]),
        ("w", ["RPUSH", "l", "x"]),
        ("t", ["GET", "a{t}"]),
        ("t", ["CLIENT", "TRACKING", "off"]),
        ("w", ["SET", "a{t}", "after-off"]),  # off: the entry stays, unsent
    ],
    "bcast": [
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", "{redir}", "PREFIX", "user:",
               "PREFIX", "order:"]),
        ("w", ["SET", "user:1", "x"]),
        ("w", ["SET", "cart:1", "x"]),
        ("w", ["MSET", "order:1{o}", "a", "order:2{o}", "b"]),
        ("w", ["MULTI"]), ("w", ["INCR", "user:2{u}"]), ("w", ["INCR", "order:3{u}"]),
        ("w", ["INCR", "user:3{u}"]), ("w", ["EXEC"]),
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", "{redir}", "PREFIX", "user"]),
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", "{redir}", "PREFIX", "cart:"]),
        ("w", ["SET", "cart:2", "x"]),
        ("t", ["CLIENT", "TRACKINGINFO"]),
    ],
    "noloop": [
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}", "NOLOOP"]),
        ("t", ["MGET", "k1{t}", "k2{t}", "k3{t}"]),
        ("w", ["SET", "k1{t}", "1"]),
        ("t", ["SET", "k2{t}", "1"]),  # its own write: not sent
        ("w", ["SET", "k3{t}", "1"]),
        ("t", ["GET", "k1{t}"]),
        ("t", ["EVAL", "redis.call('get', KEYS[1]); return redis.call('set', KEYS[1], 'z')", "1",
               "k1{t}"]),
        ("w", ["SET", "k1{t}", "2"]),
    ],
    "optin_optout": [
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}", "OPTIN"]),
        ("t", ["GET", "o1"]),
        ("t", ["CLIENT", "CACHING", "yes"]),
        ("t", ["GET", "o2"]),
        ("t", ["GET", "o3"]),
        ("w", ["MSET", "o1", "1", "o2", "1", "o3", "1"]),
        ("t", ["CLIENT", "CACHING", "no"]),
        ("t", ["CLIENT", "TRACKING", "on", "OPTOUT"]),
        ("t", ["CLIENT", "TRACKING", "off"]),
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}", "OPTOUT"]),
        ("t", ["CLIENT", "CACHING", "no"]),
        ("t", ["GET", "o1"]),
        ("t", ["GET", "o2"]),
        ("w", ["MSET", "o1", "2", "o2", "2"]),
        ("t", ["CLIENT", "TRACKINGINFO"]),
        ("t", ["CLIENT", "CACHING", "yes"]),
    ],
    "flush_and_expiry": [
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}"]),
        ("w", ["SET", "e", "1", "PX", "50"]),
        ("t", ["GET", "e"]),
        ("sleep", 0.4),  # active expiry invalidates it
        ("t", ["GET", "f1"]),
        ("w", ["FLUSHDB"]),
        ("t", ["GET", "f1"]),
        ("w", ["MULTI"]), ("w", ["SET", "f2", "x"]), ("w", ["FLUSHALL"]), ("w", ["EXEC"]),
        ("t", ["MGET", "m1{t}", "m2{t}", "m3{t}"]),
        ("w", ["CONFIG", "SET", "tracking-table-max-keys", "1"]),
        ("sleep", 0.4),  # two of the three are evicted from the table
        ("w", ["CONFIG", "SET", "tracking-table-max-keys", "0"]),
    ],
    "errors": [
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "424242"]),
        ("t", ["CLIENT", "TRACKING", "on", "PREFIX", "a"]),
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"]),
        ("t", ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"]),
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"]),
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}", "REDIRECT", "{redir}"]),
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "x"]),
        ("t", ["CLIENT", "TRACKING", "maybe"]),
        ("t", ["CLIENT", "TRACKING"]),
        ("t", ["CLIENT", "CACHING", "yes"]),
        ("t", ["CLIENT", "CACHING", "maybe"]),
        ("t", ["CLIENT", "GETREDIR"]),
        ("t", ["CLIENT", "TRACKINGINFO"]),
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", "{redir}"]),
        ("t", ["CLIENT", "TRACKING", "on", "REDIRECT", "{redir}"]),
        ("t", ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x"]),
        ("t", ["CLIENT", "GETREDIR"]),
    ],
}


class Side:
    def __init__(self, process):
        self.process = process
        self.sub = RespClient(process.port)
        self.redir = self.sub.call("CLIENT", "ID")[1]
        assert self.sub.call("SUBSCRIBE", "__redis__:invalidate")[0] == "array"
        self.t = RespClient(process.port)
        self.w = RespClient(process.port)

    def run(self, steps):
        replies = []
        for who, step in steps:
            if who == "sleep":
                time.sleep(step)
                continue
            args = [str(self.redir) if a == "{redir}" else a for a in step]
            replies.append(normalize((self.t if who == "t" else self.w).call(*args),
                                     self.redir))
        # A marker: everything sent before it has arrived.
        self.w.call("PUBLISH", "__redis__:invalidate", "end")
        messages = []
        while True:
            kind, msg = self.sub.read()
            if msg[2] == ("bulk", b"end"):
                return replies, messages
            messages.append(msg)

    def close(self):
        for c in (self.sub, self.t, self.w):
            c.close()


def normalize(reply, redir):
    # Client ids differ between the servers.
    text = repr(reply)
    return text.replace("('int', %d)" % redir, "('int', REDIR)")


class DifferentialTrackingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = server_fixture.start_redis()
        cls.ours = server_fixture.start_ours(threads=4)

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()
        assert cls.ours.stop() == 0

    def test_scenarios(self):
        for name, steps in SCENARIOS.items():
            with self.subTest(name):
                sides = [Side(self.redis), Side(self.ours)]
                try:
                    for s in sides:
                        s.w.call("FLUSHALL")
                    (r_replies, r_msgs), (o_replies, o_msgs) = [s.run(steps) for s in sides]
                    self.assertEqual(o_replies, r_replies)
                    if name == "flush_and_expiry":
                        # Which keys the table limit drops is random on both:
                        # compare how many.
                        key = lambda m: re.sub(r"m\d\{t\}", "m?", repr(m))
                        r_msgs, o_msgs = [[key(m) for m in ms] for ms in (r_msgs, o_msgs)]
                    self.assertEqual(o_msgs, r_msgs)
                finally:
                    for s in sides:
                        s.close()

    def test_info_fields(self):
        sides = [Side(self.redis), Side(self.ours)]
        try:
            for s in sides:
                s.w.call("FLUSHALL")
                s.t.call("CLIENT", "TRACKING", "on", "REDIRECT", str(s.redir))
                s.t.call("MGET", "i1", "i2")
                s.w.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:")
            infos = []
            for s in sides:
                info = s.w.call("INFO")[1].decode()
                infos.append({k: v for k, v in re.findall(r"(tracking_\w+):(\d+)", info)})
            self.assertEqual(infos[1], infos[0])
            self.assertEqual(infos[0]["tracking_total_keys"], "2")
        finally:
            for s in sides:
                s.close()


if __name__ == "__main__":
    unittest.main()
