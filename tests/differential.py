"""Shared machinery for the differential tests: the same commands go to the
real redis-server and to ours, and every raw reply (errors included) must be
equal. One test file per command family uses it."""
import socket
import unittest

import redis

import server_fixture

# Commands whose reply order is unspecified in Redis: compared sorted.
UNORDERED = {"KEYS", "SUNION", "SINTER", "SDIFF"}

# Commands that list a container in its own order. Redis defines that order
# for the compact encodings (a listpack lists in insertion order, an intset
# ascending), so there it must match exactly; for "hashtable" it does not,
# and the reply is compared unordered (pairs kept together). SPOP,
# SRANDMEMBER and HRANDFIELD are deterministic only with a count at least
# the size; scripts use them so.
ENCODING_ORDERED = {"HGETALL", "HKEYS", "HVALS", "HSCAN", "SMEMBERS", "SSCAN", "HRANDFIELD",
                    "SRANDMEMBER", "SPOP"}
COMPACT_ENCODINGS = {b"listpack", b"intset", None}


def split(line):
    args = line.split() if isinstance(line, str) else list(line)
    return ["" if a == "''" else a for a in args]


def _pairs(flat):
    return sorted(zip(flat[0::2], flat[1::2]))


def _unordered(args, reply):
    """A hashtable's listing in a canonical order."""
    cmd = str(args[0]).upper()
    if not isinstance(reply, list):
        return reply
    if cmd == "HGETALL" or (cmd == "HRANDFIELD" and len(args) == 4):
        return _pairs(reply)
    if cmd in ("HSCAN", "SSCAN") and len(reply) == 2:
        return [reply[0], _pairs(reply[1]) if cmd == "HSCAN" else sorted(reply[1])]
    return sorted(reply)


def run(client, line, ordered=True):
    """Runs one command line (space separated, '' for an empty argument) and
    returns its raw reply, or ("error", text)."""
    args = split(line)
    try:
        reply = client.execute_command(*args)
    except redis.ResponseError as e:
        return ("error", str(e))
    if str(args[0]).upper() in UNORDERED and isinstance(reply, list):
        return sorted(reply)
    if isinstance(reply, set):
        return sorted(reply)
    if not ordered:
        return _unordered(args, reply)
    return reply


def run_both(theirs, ours, line):
    """Runs a line on both servers; listings of a "hashtable" container (as
    Redis encodes the key before the command) come back unordered."""
    args = split(line)
    ordered = True
    if str(args[0]).upper() in ENCODING_ORDERED and len(args) > 1:
        try:
            encoding = theirs.execute_command("OBJECT", "ENCODING", args[1])
        except redis.ResponseError:
            encoding = None
        ordered = encoding in COMPACT_ENCODINGS
    return run(theirs, line, ordered), run(ours, line, ordered)


class RawClient:
    """Speaks RESP on a plain socket and returns each reply's exact bytes, so
    RESP3 types (maps, sets, nulls) are compared as sent."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def close(self):
        self.file.close()
        self.sock.close()

    def call(self, args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._read()

    def _read(self):
        line = self.file.readline()
        kind, body = line[:1], line[1:-2]
        if kind in (b"$", b"=", b"!"):
            n = int(body)
            return line if n < 0 else line + self.file.read(n + 2)
        if kind in (b"*", b"~", b">", b"%", b"|"):
            n = int(body)
            count = 2 * n if kind in (b"%", b"|") else n
            data = line
            for _ in range(max(count, 0)):
                data += self._read()
            if kind == b"|":  # an attribute precedes the actual reply
                data += self._read()
            return data
        return line


class DifferentialCase(unittest.TestCase):
    """Starts both servers once per test class (ours with 3 workers, so keys
    spread over shards) and compares command by command."""

    threads = 3

    @classmethod
    def setUpClass(cls):
        cls.redis = server_fixture.start_redis()
        cls.ours = server_fixture.start_ours(threads=cls.threads)

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()
        code = cls.ours.stop()
        assert code == 0, "server exited with %s on SIGTERM" % code

    def clients(self):
        # A timeout turns a command that blocks on one server into a failure
        # naming the line, not a hung test.
        pair = (redis.Redis(port=self.redis.port, socket_timeout=10),
                redis.Redis(port=self.ours.port, socket_timeout=10))
        for c in pair:
            # Compare the raw replies, not redis-py's interpretation of them.
            c.response_callbacks = {}
        return pair

    def compare_script(self, script, flush=True):
        """Runs each line on both servers; the replies must be equal."""
        theirs, ours = self.clients()
        if flush:
            theirs.flushall()
            ours.flushall()
        for line in script:
            want, mine = run_both(theirs, ours, line)
            self.assertEqual(want, mine, line)

    def compare_random(self, ops, count, rng, flush=True):
        """Runs `count` lines made by random choices from `ops` (functions
        returning a command line) on both servers."""
        theirs, ours = self.clients()
        if flush:
            theirs.flushall()
            ours.flushall()
        for _ in range(count):
            line = rng.choice(ops)()
            want, mine = run_both(theirs, ours, line)
            self.assertEqual(want, mine, line)

    def compare_raw_script(self, script, protocol=3):
        """Runs each line on both servers over raw sockets speaking
        `protocol` (after a fresh FLUSHALL); the reply bytes must be equal."""
        clients = [RawClient(self.redis.port), RawClient(self.ours.port)]
        try:
            for c in clients:
                c.call(["HELLO", str(protocol)])
                c.call(["FLUSHALL"])
            for line in script:
                want, mine = (c.call(split(line)) for c in clients)
                self.assertEqual(want, mine, line)
        finally:
            for c in clients:
                c.close()
