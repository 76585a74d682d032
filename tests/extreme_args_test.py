"""The extreme-argument sweep: every command in our table, on a key of every
type and encoding, with each value argument replaced in turn by the values
that break size arithmetic (0, -1, INT64_MAX/MIN, 2^63, 2^32, INT32_MAX,
1e308, -inf, nan, "", 100 KB). Our server and redis-server must agree on the
reply class, and on the text wherever Redis's reply is deterministic; ours
must answer PING after every call.

The arguments come from the real redis-server's COMMAND DOCS, so a command
we add is swept without a change here.
"""
import os
import sys
import unittest

import command_grammar
import server_pair
from command_grammar import KEY_TYPES
from resp_client import ConnectionLost, reply_class

EXTREMES = ["0", "-1", "1", "9223372036854775807", "-9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "4294967296", "2147483647", "1e308", "-inf", "nan", "",
            "x" * 100000]

# Calls real Redis answers by allocating without bound (SRANDMEMBER s
# -9223372036854775807 grew it to 23 GB): not sent to Redis. Ours must give
# the reply listed.
def unbounded_in_redis(name, key_type, args):
    counts = {"srandmember": ("set", "intset"), "hrandfield": ("hash", "bighash"),
              "zrandmember": ("zset", "bigzset")}
    if name not in counts or key_type not in counts[name] or len(args) < 3:
        return False
    try:
        return -(1 << 63) < int(args[2]) <= -(1 << 40)
    except ValueError:
        return False


OUR_REPLY_FOR_UNBOUNDED = b"ERR value is out of range"


class Sweep:
    def __init__(self, theirs, ours, grammars):
        self.sides = [server_pair.Side(theirs, "redis"), server_pair.Side(ours, "ours")]
        self.grammars = grammars
        self.dirty = True
        self.key_type = None
        self.calls = 0
        self.mismatches = []

    def reset(self, key_type):
        setup = [["SELECT", "0"], ["FLUSHALL"]] + KEY_TYPES[key_type]
        for side in self.sides:
            for reply in side.client.pipeline(setup):
                assert reply_class(reply) != "error", (side.name, key_type, reply)
        self.key_type = key_type
        self.dirty = False

    def call(self, command, key_type, args):
        if self.dirty or self.key_type != key_type:
            self.reset(key_type)
        self.calls += 1
        skip_reference = unbounded_in_redis(command.name, key_type, args)
        replies = []
        for side in self.sides:
            if side.name == "redis" and skip_reference:
                replies.append(None)
                continue
            try:
                if command.is_blocking():
                    reply = server_pair.run_blocking(side, args)
                    ping = side.client.call("PING")
                else:
                    reply, ping = side.client.pipeline([args, ["PING"]])
            except ConnectionLost as e:
                raise AssertionError("%s lost on %s (%s): %s" % (
                    side.name, server_pair.describe(args), key_type, e))
            assert ping == ("status", b"PONG"), (side.name, server_pair.describe(args), ping)
            replies.append(reply)
        theirs, mine = replies
        if command.is_write() or command.name in ("select", "swapdb", "flushall", "flushdb"):
            self.dirty = True
        if skip_reference:
            ok = mine == ("error", OUR_REPLY_FOR_UNBOUNDED)
        else:
            ok = server_pair.replies_agree(command, theirs, mine)
        if not ok:
            self.mismatches.append("[%s] %s" % (key_type, server_pair.mismatch_text(
                args, theirs, mine)))


def sweep_calls(grammars):
    """(command, key type, argument list) for every template, key type and
    value position."""
    for name in sorted(grammars):
        if name in server_pair.SKIPPED:
            continue
        command = grammars[name]
        for template in command_grammar.templates(command):
            positions = [i for i, p in enumerate(template) if p.kind in command_grammar.VALUE_KINDS]
            base = command_grammar.texts(template)
            for key_type in KEY_TYPES:
                yield command, key_type, base
                for i in positions:
                    for value in EXTREMES:
                        args = list(base)
                        args[i] = value
                        yield command, key_type, args


class ExtremeArgumentSweep(unittest.TestCase):
    def test_sweep(self):
        theirs, ours = server_pair.start_pair(threads=3)
        try:
            names = command_grammar.command_names(ours.port)
            grammars = command_grammar.load_grammars(theirs.port, names)
            unknown = sorted(set(names) - set(grammars))
            self.assertEqual(unknown, [], "commands of ours that Redis does not document")
            sweep = Sweep(theirs, ours, grammars)
            for command, key_type, args in sweep_calls(grammars):
                sweep.call(command, key_type, args)
            exceptions = sweep.sides[1].client.call("INFO", "stats")[1].decode()
            sys.stderr.write("sweep: %d commands, %d calls, %d mismatches\n" % (
                len(grammars) - len(server_pair.SKIPPED), sweep.calls, len(sweep.mismatches)))
            for side in sweep.sides:
                side.close()
            report = os.environ.get("SWEEP_REPORT")
            if report:  # every mismatch, for a person fixing them
                with open(report, "w") as f:
                    f.write("\n".join(sweep.mismatches) + "\n")
            self.assertIn("command_exceptions:0\r\n", exceptions)
            self.assertEqual(sweep.mismatches[:60], [], "%d mismatches" % len(sweep.mismatches))
        finally:
            theirs.stop()
            self.assertEqual(ours.stop(), 0, "our server did not exit cleanly")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
