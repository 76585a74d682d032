"""Our server and the real redis-server side by side, for the extreme-argument
sweep and the grammar fuzzer: both get the same calls, each call's replies
are compared, and ours must still answer PING after every call.

Both run under an address-space cap (prlimit), so a call that makes either
allocate without bound fails that server instead of the machine.
"""
import os
import shutil
import subprocess
import time

import server_fixture
from resp_client import ConnectionLost, RespClient, printable, reply_class, shape

# Sanitizer builds reserve terabytes of shadow memory: no cap there.
SANITIZED = bool(os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS"))
MEMORY_CAP = 6 << 30


def _capped(argv):
    prlimit = shutil.which("prlimit")
    if prlimit is None or SANITIZED:
        return argv
    return [prlimit, "--as=%d" % MEMORY_CAP, "--"] + argv


def start_pair(threads=3):
    redis_exe = shutil.which("redis-server")
    if redis_exe is None:
        raise RuntimeError("redis-server is not installed (run tools/bootstrap.sh)")
    rport = server_fixture.free_port()
    theirs = server_fixture.Process(_capped(
        [redis_exe, "--port", str(rport), "--save", "", "--appendonly", "no",
         "--dir", server_fixture.data_dir(),
         "--bind", "127.0.0.1"]), rport)
    oport = server_fixture.free_port()
    ours = server_fixture.Process(_capped(
        [server_fixture.server_binary(), "--port", str(oport), "--threads", str(threads),
         "--save", "", "--dir", server_fixture.data_dir()]), oport)
    return theirs, ours


class Side:
    """One server: a connection for calls and one for CLIENT UNBLOCK."""

    def __init__(self, process, name):
        self.process = process
        self.name = name
        self.connect()

    def connect(self):
        self.client = RespClient(self.process.port)
        self.control = RespClient(self.process.port)
        self.id = self.client.call("CLIENT", "ID")[1]

    def alive(self):
        return self.process.proc.poll() is None

    def close(self):
        self.client.close()
        self.control.close()


class Blocked:
    """The reply class of a call that blocked (it was unblocked by the
    harness)."""


BLOCKED = ("blocked",)


def run_blocking(side, args, patience=5.0):
    """Sends one call that may block; when the server blocks it, CLIENT
    UNBLOCK ends it and the result is BLOCKED."""
    side.client.send([args])
    deadline = time.time() + patience
    while time.time() < deadline:
        if side.client.readable(0.005):
            return side.client.read()
        if side.control.call("CLIENT", "UNBLOCK", str(side.id))[1] == 1:
            side.client.read()  # the nil reply of the unblocked call
            return BLOCKED
    raise ConnectionLost("%s neither replied to nor blocked on %r" % (side.name, args[:4]))


def equal_replies(theirs, mine, unordered=False):
    if unordered and theirs[0] == "array" and mine[0] == "array":
        return sorted(map(repr, theirs[1])) == sorted(map(repr, mine[1]))
    if reply_class(theirs) == "nil" and reply_class(mine) == "nil":
        return True
    return theirs == mine


# Commands the sweep and the fuzzer leave out, with the reason. Everything
# else in our table is called.
SKIPPED = {
    "quit": "closes the connection the calls run on (covered by the end-to-end tests)",
    "client|kill": "kills the harness's own connections by ID/ADDR filters",
    "config|set": "changes the server for every later call; tests/config_test.py checks it",
    "hello": "switches the connection's protocol; differential RESP3 tests cover it",
    "multi": "queues every later call; tests/transaction_test.py compares transactions",
    "reset": "resets the connection's db, protocol and name; transaction tests cover it",
    "subscribe": "puts the connection in RESP2 Pub/Sub mode; tests/pubsub_*_test.py cover it",
    "psubscribe": "Pub/Sub mode, as SUBSCRIBE",
    "ssubscribe": "Pub/Sub mode, as SUBSCRIBE",
    "unsubscribe": "one reply per channel named, not one per call; the pubsub tests cover it",
    "punsubscribe": "one reply per pattern, as UNSUBSCRIBE",
    "sunsubscribe": "one reply per shard channel, as UNSUBSCRIBE",
    "client|reply": "silences the replies the sweep compares; pubsub_commands_test covers it",
    "client|tracking": "REDIRECT needs a live client id; differential_tracking_test covers it",
    "shutdown": "stops the server; tests/persistence_rdb_test.py covers it",
    "save": "writes dump.rdb where the test runs; persistence_rdb_test covers it",
    "bgsave": "writes dump.rdb where the test runs, as SAVE",
    "bgrewriteaof": "its reply depends on how fast each server rewrote the last time; "
                    "persistence_aof_test covers it",
}

# Replies that describe the server, not the data: only their class is
# compared.
CLASS_ONLY = {
    "info": "server figures", "time": "the clock", "lastsave": "the clock",
    "client|list": "connection figures", "client|info": "connection figures",
    "client|id": "connection ids", "command": "the command tables differ in size",
    "command|count": "the command tables differ in size",
    "command|docs": "documentation text", "command|info": "our table's flags",
    "command|list": "the command tables differ", "config|get": "parameter sets differ",
    "object|idletime": "the clock", "object|freq": "the clock",
    "scan": "cursors are the server's own", "sscan": "cursors", "hscan": "cursors",
    "zscan": "cursors", "client|getname": "connection state",
    "memory|usage": "allocator sizes",
}

# Integer replies that count time from now: equal within a tolerance.
TIME_TOLERANCE = {"ttl": 2, "pttl": 2000, "expiretime": 2, "pexpiretime": 2000}


def replies_agree(command, theirs, mine):
    """Whether our reply is Redis's: the same class always, the same error
    text, and the same value wherever Redis's is deterministic."""
    name = command.name
    if theirs == BLOCKED or mine == BLOCKED:
        # CLIENT UNBLOCK ends a wait as its timeout would: a short timeout
        # may fire on one server just before the harness unblocks the other.
        other = mine if theirs == BLOCKED else theirs
        return other in (BLOCKED, ("nilarray",))
    if reply_class(theirs) != reply_class(mine):
        return False
    if reply_class(theirs) == "error":
        return theirs == mine
    if name in CLASS_ONLY:
        return True
    if name in TIME_TOLERANCE and theirs[0] == "int":
        return abs(theirs[1] - mine[1]) <= TIME_TOLERANCE[name]
    if command.nondeterministic():
        return shape(theirs) == shape(mine)
    return equal_replies(theirs, mine, command.unordered())


def describe(args):
    shown = []
    for a in args:
        a = a.decode(errors="replace") if isinstance(a, bytes) else a
        shown.append(a if len(a) <= 40 else "<%d bytes>" % len(a))
    return " ".join(shown) if shown else "''"


def mismatch_text(args, theirs, mine):
    return "%s\n    redis: %s\n    ours:  %s" % (describe(args), printable(theirs), printable(mine))
