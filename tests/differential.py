"""Shared machinery for the differential tests: the same commands go to the
real redis-server and to ours, and every raw reply (errors included) must be
equal. One test file per command family uses it."""
import unittest

import redis

import server_fixture

# Commands whose reply order is unspecified in Redis: compared sorted.
UNORDERED = {"SMEMBERS", "KEYS", "SUNION", "SINTER", "SDIFF", "HKEYS", "HVALS"}


def run(client, line):
    """Runs one command line (space separated, '' for an empty argument) and
    returns its raw reply, or ("error", text)."""
    args = line.split() if isinstance(line, str) else list(line)
    args = ["" if a == "''" else a for a in args]
    try:
        reply = client.execute_command(*args)
    except redis.ResponseError as e:
        return ("error", str(e))
    if str(args[0]).upper() in UNORDERED and isinstance(reply, list):
        return sorted(reply)
    if isinstance(reply, set):
        return sorted(reply)
    return reply


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
            self.assertEqual(run(theirs, line), run(ours, line), line)

    def compare_random(self, ops, count, rng, flush=True):
        """Runs `count` lines made by random choices from `ops` (functions
        returning a command line) on both servers."""
        theirs, ours = self.clients()
        if flush:
            theirs.flushall()
            ours.flushall()
        for _ in range(count):
            line = rng.choice(ops)()
            self.assertEqual(run(theirs, line), run(ours, line), line)
