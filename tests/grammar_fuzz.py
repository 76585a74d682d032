"""The differential grammar fuzzer: random commands built from the argument
specs (valid and almost valid: right names, wrong types, boundary numbers,
repeated and missing options), the same seeded sequence sent to our server
(3 workers, so keys spread over shards) and to redis-server, replies compared
one by one. Random replies (SPOP, SRANDMEMBER, ...) are compared by shape.

    grammar_fuzz.py --seconds 1800 [--seed N]     # a long run (tools/fuzz_differential.sh)

grammar_fuzz_test.py runs a short seeded sequence inside `bazel test //...`.
"""
import argparse
import random
import sys
import time

import command_grammar
import server_pair
from resp_client import ConnectionLost, reply_class

KEYS = ["a", "b", "c", "{a}1", "{a}2", "d", "e"]
MEMBERS = ["a", "b", "c", "1", "2", "3", "10", "-1", "1.5", "x", "", "v"]
INTEGERS = ["0", "-1", "1", "2", "3", "5", "10", "100", "9223372036854775807",
            "-9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "4294967296", "2147483647", "-2147483648", "007", "1.0", "", "abc"]
DOUBLES = ["0", "-1", "1", "1.5", "2", "-2.5", "1e308", "-1e308", "inf", "-inf", "+inf", "nan",
           "1e-320", "(1", "(2.5", "[a", "(a", "-", "+", "", "abc", "9223372036854775808"]
PATTERNS = ["*", "a*", "?", "[a-c]*", "{a}*", "\\*", "[", "*x*"]

# Random counts that make real Redis build replies without bound.
RANDOM_COUNT_COMMANDS = {"srandmember", "hrandfield", "zrandmember"}

# Writes whose effect is random: afterwards the keys they touched are
# deleted on both servers, so the next commands see the same data.
RANDOM_WRITES = {"spop"}


class Generator:
    def __init__(self, rng, grammars):
        self.rng = rng
        self.commands = [grammars[n] for n in sorted(grammars) if n not in server_pair.SKIPPED]

    def value(self, arg):
        rng = self.rng
        name = arg.name.lower()
        if arg.type == "key":
            return rng.choice(KEYS)
        if arg.type == "integer":
            if name == "numkeys" and rng.random() < 0.7:
                return str(rng.randint(1, 3))
            return rng.choice(INTEGERS) if rng.random() < 0.6 else str(rng.randint(-5, 20))
        if arg.type == "double":
            if name == "timeout" and rng.random() < 0.8:
                return rng.choice(["0.01", "0.02"])
            return rng.choice(DOUBLES) if rng.random() < 0.6 else str(rng.randint(-5, 20))
        if arg.type == "unix-time":
            return rng.choice(["0", "1", "-1", "4102444800", "9223372036854775807", "abc",
                               str(int(time.time()) + 3600)])
        if arg.type == "pattern":
            return rng.choice(PATTERNS)
        if rng.random() < 0.02:
            return "y" * rng.choice([100, 5000, 70000])
        return rng.choice(MEMBERS)

    def realize(self, arg, out):
        rng = self.rng
        repeats = rng.choice([1, 1, 1, 2, 3]) if arg.multiple else 1
        for i in range(repeats):
            if arg.token and (i == 0 or arg.multiple_token):
                out.append(arg.token)
            if arg.type == "pure-token":
                continue
            if arg.type == "oneof":
                self.realize(rng.choice(arg.children), out)
            elif arg.type == "block":
                for child in arg.children:
                    if not child.optional or rng.random() < 0.4:
                        self.realize(child, out)
            else:
                out.append(self.value(arg))

    def call(self):
        rng = self.rng
        command = rng.choice(self.commands)
        args = list(command.words)
        for arg in command.args:
            if arg.optional and rng.random() < 0.6:
                continue
            self.realize(arg, args)
        # Almost valid: a repeated option, a missing argument, a stray word.
        roll = rng.random()
        if roll < 0.05 and len(args) > len(command.words):
            del args[rng.randrange(len(command.words), len(args))]
        elif roll < 0.10 and len(args) > len(command.words):
            i = rng.randrange(len(command.words), len(args))
            args.insert(i, args[i])
        elif roll < 0.13:
            args.append(rng.choice(["NX", "XX", "LIMIT", "COUNT", "WITHSCORES", "x", "1"]))
        if command.name in RANDOM_COUNT_COMMANDS and len(args) > 2:
            try:
                if int(args[2]) < -100000:
                    args[2] = "-3"
            except ValueError:
                pass
        return command, args


def key_args(args):
    return [a for a in args[1:] if a in KEYS]


class Fuzzer:
    def __init__(self, theirs, ours, grammars, seed):
        self.sides = [server_pair.Side(theirs, "redis"), server_pair.Side(ours, "ours")]
        self.gen = Generator(random.Random(seed), grammars)
        self.executions = 0
        self.mismatches = []
        self.written_names = set(KEYS)  # every argument a write was given

    def both(self, args):
        return [s.client.call(*args) for s in self.sides]

    def reclaim_expired(self):
        """DBSIZE and RANDOMKEY see keys whose TTL passed until expiry
        reclaims them, which each server does at its own moment. TOUCH every
        name a write was given (almost-valid calls also make keys outside
        KEYS, such as "" or "DB"; KEYS cannot list them: it hides expired
        keys), so both have deleted the same ones. On ours TOUCH runs on the
        keys' own shards, where a lookup deletes (EXISTS may take the read
        fast path, which cannot)."""
        if self.written_names:
            self.both(["TOUCH"] + sorted(self.written_names))

    def resync(self, keys):
        """Drops keys whose state may differ (a random pop) or is about to
        (an expiry due within a few seconds)."""
        for key in keys:
            for side in self.sides:
                side.client.call("DEL", key)

    def step(self):
        command, args = self.gen.call()
        self.executions += 1
        if command.name in ("dbsize", "randomkey"):
            self.reclaim_expired()
        replies = []
        for side in self.sides:
            try:
                if command.is_blocking():
                    reply = server_pair.run_blocking(side, args)
                else:
                    reply = side.client.call(*args)
                ping = side.client.call("PING")
            except ConnectionLost as e:
                raise AssertionError("%s lost after %s: %s" % (
                    side.name, server_pair.describe(args), e))
            if ping != ("status", b"PONG"):
                raise AssertionError("%s did not answer PING after %s: %r" % (
                    side.name, server_pair.describe(args), ping))
            replies.append(reply)
        theirs, mine = replies
        if not server_pair.replies_agree(command, theirs, mine):
            self.mismatches.append(server_pair.mismatch_text(args, theirs, mine))
            # The data may differ anywhere now: start both over.
            for side in self.sides:
                side.client.call("SELECT", "0")
                side.client.call("FLUSHALL")
            return
        if command.name in RANDOM_WRITES:
            self.resync(key_args(args))
        elif command.is_write():
            for a in args[len(command.words):]:
                if len(a) <= 1000 and len(self.written_names) < 2000:
                    self.written_names.add(a)
            soon = []
            for key in key_args(args):
                ttls = self.both(["PTTL", key])
                if any(t[0] == "int" and 0 <= t[1] <= 3000 for t in ttls):
                    soon.append(key)
            self.resync(soon)
        if command.name in ("select", "swapdb", "move", "copy"):
            for side in self.sides:
                side.client.call("SELECT", "0")

    def exceptions(self):
        info = self.sides[1].client.call("INFO", "stats")[1].decode()
        for line in info.split("\r\n"):
            if line.startswith("command_exceptions:"):
                return int(line.split(":")[1])
        raise AssertionError("INFO has no command_exceptions")

    def close(self):
        for side in self.sides:
            side.close()


def run(seed, seconds=None, executions=None, threads=3, report=sys.stderr):
    """Runs until `seconds` pass or `executions` commands ran; returns
    (executions, mismatches, handler exceptions)."""
    theirs, ours = server_pair.start_pair(threads=threads)
    try:
        names = command_grammar.command_names(ours.port)
        grammars = command_grammar.load_grammars(theirs.port, names)
        fuzzer = Fuzzer(theirs, ours, grammars, seed)
        for side in fuzzer.sides:
            side.client.call("FLUSHALL")
        deadline = time.time() + seconds if seconds else None
        next_report = time.time() + 60
        shown = 0
        while True:
            if executions is not None and fuzzer.executions >= executions:
                break
            if deadline is not None and time.time() >= deadline:
                break
            fuzzer.step()
            if len(fuzzer.mismatches) > shown:  # as they happen, for long runs
                for m in fuzzer.mismatches[shown:]:
                    report.write("mismatch at execution %d: %s\n" % (fuzzer.executions, m))
                shown = len(fuzzer.mismatches)
                report.flush()
            if time.time() >= next_report:
                next_report += 60
                report.write("fuzz: %d executions, %d mismatches\n" % (
                    fuzzer.executions, len(fuzzer.mismatches)))
                report.flush()
        exceptions = fuzzer.exceptions()
        fuzzer.close()
        return fuzzer.executions, fuzzer.mismatches, exceptions
    finally:
        theirs.stop()
        if ours.stop() != 0:
            raise AssertionError("our server did not exit cleanly")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--report", default=None, help="file for every mismatch")
    opts = parser.parse_args()
    seed = opts.seed if opts.seed is not None else random.randrange(1 << 30)
    print("seed %d" % seed, flush=True)
    n, mismatches, exceptions = run(seed, seconds=opts.seconds, threads=opts.threads)
    if opts.report:
        with open(opts.report, "w") as f:
            f.write("\n".join(mismatches) + "\n")
    for m in mismatches[:40]:
        print(m)
    print("executions %d, mismatches %d, handler exceptions %d, crashes 0 (seed %d)" % (
        n, len(mismatches), exceptions, seed))
    return 1 if mismatches or exceptions else 0


if __name__ == "__main__":
    sys.exit(main())
