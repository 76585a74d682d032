"""Hash commands against the real redis-server: scripted edge cases,
randomized sequences over keys that cross encodings, RESP3 bytes, and the
random-result commands checked on what is deterministic about them."""
import random
import sys
import unittest

import differential

L64 = "v" * 64
L65 = "w" * 65


def hset_many(key, n, prefix="f"):
    return "HSET %s %s" % (key, " ".join("%s%d x%d" % (prefix, i, i) for i in range(n)))


SCRIPT = [
    # Basics on a small (listpack) hash: replies and order must match exactly.
    "HSET h a 1 b 2 c 3", "HSET h a 10 d 4", "HGET h a", "HGET h zz", "HGET nokey a",
    "HMGET h a zz d", "HMGET nokey a b", "HSETNX h a x", "HSETNX h e 5", "HSETNX fresh f 1",
    "HMSET h g 7 h 8", "HLEN h", "HLEN nokey", "HSTRLEN h a", "HSTRLEN h zz", "HSTRLEN nokey a",
    "HEXISTS h a", "HEXISTS h zz", "HEXISTS nokey a", "HKEYS h", "HVALS h", "HGETALL h",
    "HKEYS nokey", "HVALS nokey", "HGETALL nokey", "HDEL h a zz a", "HGETALL h",
    "HDEL nokey a", "HDEL h b c d e g h", "EXISTS h", "HGETALL h", "TYPE fresh",
    "HSET e f ''", "HGET e f", "HSTRLEN e f", "OBJECT ENCODING fresh",
    # Arity.
    "HSET h", "HSET h a", "HSET h a 1 b", "HMSET h a", "HMSET h a 1 b", "HSETNX h a", "HGET h",
    "HGET h a b", "HMGET h", "HDEL h", "HLEN", "HLEN a b", "HSTRLEN h", "HEXISTS h", "HKEYS",
    "HVALS a b", "HGETALL", "HINCRBY h a", "HINCRBYFLOAT h a", "HINCRBY h a 1 2", "HRANDFIELD",
    "HSCAN h", "EXISTS h",
    # Wrong type.
    "SET str v", "HSET str a 1", "HMSET str a 1", "HSETNX str a 1", "HGET str a",
    "HMGET str a", "HDEL str a", "HLEN str", "HSTRLEN str a", "HEXISTS str a", "HKEYS str",
    "HVALS str", "HGETALL str", "HINCRBY str a 1", "HINCRBYFLOAT str a 1", "HRANDFIELD str",
    "HRANDFIELD str 3", "HRANDFIELD str 3 WITHVALUES", "HSCAN str 0", "HSCAN str 0 COUNT 0",
    "HSCAN str x", "GET str", "SADD st 1", "HGET st a",
    # Counters.
    "HINCRBY n a 5", "HINCRBY n a -7", "HINCRBY n a x", "HINCRBY n a 1.5", "HINCRBY n a ''",
    "HSET n max 9223372036854775807 min -9223372036854775808 s abc f 1.5 z 01 sp 1x",
    "HINCRBY n max 1", "HINCRBY n max -9223372036854775808", "HINCRBY n min -1",
    "HINCRBY n min 9223372036854775807", "HINCRBY n s 1", "HINCRBY n f 1", "HINCRBY n z 1",
    "HINCRBY n sp 1", "HINCRBY n a 9223372036854775807", "HINCRBY n a 01", "HINCRBY n a +1",
    "HINCRBYFLOAT n f 0.25", "HINCRBYFLOAT n z 1", "HINCRBYFLOAT n s 1", "HINCRBYFLOAT n f abc",
    "HINCRBYFLOAT n f inf", "HINCRBYFLOAT n f -inf", "HINCRBYFLOAT n f nan", "HINCRBYFLOAT n f ''",
    "HINCRBYFLOAT n new -0", "HINCRBYFLOAT n g 1e308", "HINCRBYFLOAT n g 1e308",
    "HINCRBYFLOAT n q 5.0e3", "HINCRBYFLOAT n q 1.23456789012345678901234",
    "HINCRBYFLOAT n hex 0x10", "HINCRBYFLOAT n tiny 1e-4950", "HINCRBYFLOAT n huge 1e5000",
    "HINCRBYFLOAT n big 1e400", "HSET n inf inf ninf -inf", "HINCRBYFLOAT n inf 1",
    "HINCRBYFLOAT n ninf 1", "HINCRBYFLOAT n max 1", "HINCRBYFLOAT n a 1.5", "HINCRBY n a 1",
    "HGETALL n", "HINCRBYFLOAT n " + "1." + "0" * 5117 + " 1",
    "HINCRBYFLOAT n " + "1." + "0" * 5118 + " 1", "HINCRBYFLOAT nokey2 a 1x",
    "EXISTS nokey2",
    # Encodings: listpack up to 512 fields and 64-byte strings, then hashtable.
    hset_many("big", 512), "OBJECT ENCODING big", "HSET big f0 changed", "OBJECT ENCODING big",
    "HSET big f512 v", "OBJECT ENCODING big", "HLEN big", "HGET big f0", "HGET big f511",
    "HGETALL big", "HKEYS big", "HVALS big", "HSCAN big 0 COUNT 1000",
    "HRANDFIELD big 1000", "HRANDFIELD big 1000 WITHVALUES",
    "HSET lv a " + L64, "OBJECT ENCODING lv", "HSETNX lv a " + L65, "OBJECT ENCODING lv",
    "HSETNX lv b " + L64, "HSET lv " + L64 + " x", "OBJECT ENCODING lv",
    "HSET lv a " + L65, "OBJECT ENCODING lv", "HGETALL lv",
    "HINCRBY lf " + L65 + " 1", "OBJECT ENCODING lf", "HINCRBYFLOAT lg " + L65 + " 1.5",
    "OBJECT ENCODING lg", "HDEL lv a b " + L64, "EXISTS lv",
    hset_many("two", 600), "OBJECT ENCODING two", "HDEL two " + " ".join(
        "f%d" % i for i in range(599)), "HGETALL two", "OBJECT ENCODING two",
    # HRANDFIELD: deterministic forms.
    "HSET r a 1 b 2 c 3", "HRANDFIELD nokey", "HRANDFIELD nokey 3", "HRANDFIELD nokey -3",
    "HRANDFIELD nokey 3 WITHVALUES", "HRANDFIELD nokey x", "HRANDFIELD nokey 1 WITHVALUE",
    "HRANDFIELD r 0", "HRANDFIELD r 0 WITHVALUES", "HRANDFIELD r 3", "HRANDFIELD r 10",
    "HRANDFIELD r 10 WITHVALUES", "HRANDFIELD r 9223372036854775807", "HRANDFIELD r x",
    "HRANDFIELD r 1.5", "HRANDFIELD r 1 WITHVALUE", "HRANDFIELD r 1 WITHVALUES x",
    "HRANDFIELD r 1 2", "HRANDFIELD r -9223372036854775808",
    "HRANDFIELD r -9223372036854775808 WITHVALUES", "HRANDFIELD r -4611686018427387904 WITHVALUES",
    "HRANDFIELD r 4611686018427387904 WITHVALUES", "HRANDFIELD r 9223372036854775807 WITHVALUES",
    # HSCAN.
    "HSET sc a 1 b 2 ab 3 ba 4", "HSCAN sc 0", "HSCAN sc 0 COUNT 1", "HSCAN sc 7",
    "HSCAN sc 0 MATCH a*", "HSCAN sc 0 MATCH *a", "HSCAN sc 0 MATCH a* MATCH b*",
    "HSCAN sc 0 MATCH * COUNT 2", "HSCAN sc 0 MATCH ''", "HSCAN sc 0 MATCH zz",
    "HSCAN sc -1", "HSCAN sc ''", "HSCAN sc +3", "HSCAN sc 18446744073709551615",
    "HSCAN sc 18446744073709551616", "HSCAN sc x", "HSCAN sc 0 COUNT 0", "HSCAN sc 0 COUNT -1",
    "HSCAN sc 0 COUNT x", "HSCAN sc 0 MATCH", "HSCAN sc 0 COUNT", "HSCAN sc 0 FOO 1",
    "HSCAN sc 0 TYPE string", "HSCAN sc 0 NOVALUES", "HSCAN nokey 0", "HSCAN nokey 0 COUNT 0",
    "HSCAN nokey 0 BOGUS", "HSCAN nokey x",
    # Keys on other shards, copies and renames keep hashes intact.
    "HSET {x}src a 1 b 2", "COPY {x}src dst1", "HGETALL dst1", "RENAME {x}src other",
    "HGETALL other", "COPY big bigcopy", "HLEN bigcopy", "OBJECT ENCODING bigcopy",
    "DEL big bigcopy other dst1", "DBSIZE",
]

# Exact bytes under RESP3 (maps, nulls, nested HRANDFIELD pairs), on small
# hashes whose order Redis defines.
RESP3_SCRIPT = [
    "HSET h a 1 b 2 c 3", "HGETALL h", "HGETALL nokey", "HKEYS h", "HVALS h", "HMGET h a zz",
    "HGET h zz", "HRANDFIELD nokey", "HRANDFIELD nokey 2", "HRANDFIELD nokey 2 WITHVALUES",
    "HRANDFIELD h 0", "HRANDFIELD h 5", "HRANDFIELD h 5 WITHVALUES", "HRANDFIELD h 0 WITHVALUES",
    "HSCAN h 0", "HSCAN nokey 0", "HINCRBYFLOAT h a 1.5", "HINCRBY h b 1", "HSTRLEN h a",
    "HSET str2 a 1", "SET str v", "HGETALL str", "HRANDFIELD h -9223372036854775808",
]


class DifferentialHashTest(differential.DifferentialCase):
    def test_script(self):
        self.compare_script(SCRIPT)

    def test_resp3_bytes(self):
        self.compare_raw_script(RESP3_SCRIPT, protocol=3)

    def test_randomized_sequences_crossing_encodings(self):
        rng = random.Random(20240607)
        keys = ["h%d" % i for i in range(5)] + ["{t}a", "{t}b"]
        fields = ["f%d" % i for i in range(30)]

        def key():
            return rng.choice(keys)

        def field():
            return rng.choice(fields)

        def value():
            r = rng.random()
            if r < 0.05:
                return "x" * rng.randint(60, 70)  # around hash-max-listpack-value
            if r < 0.5:
                return str(rng.randint(-5, 5))
            return rng.choice(["a", "1.5", "abc", "-0", "10", "9223372036854775807"])

        ops = [
            lambda: "HSET %s %s %s" % (key(), field(), value()),
            lambda: "HSET %s %s %s %s %s" % (key(), field(), value(), field(), value()),
            lambda: "HMSET %s %s %s" % (key(), field(), value()),
            lambda: "HSETNX %s %s %s" % (key(), field(), value()),
            lambda: "HGET %s %s" % (key(), field()),
            lambda: "HMGET %s %s %s" % (key(), field(), field()),
            lambda: "HDEL %s %s %s" % (key(), field(), field()),
            lambda: "HLEN %s" % key(),
            lambda: "HSTRLEN %s %s" % (key(), field()),
            lambda: "HEXISTS %s %s" % (key(), field()),
            lambda: "HINCRBY %s %s %d" % (key(), field(), rng.randint(-3, 3)),
            lambda: "HINCRBYFLOAT %s %s %s" % (key(), field(), rng.choice(["0.5", "-1", "2e3"])),
            lambda: "HGETALL %s" % key(),
            lambda: "HKEYS %s" % key(),
            lambda: "HVALS %s" % key(),
            lambda: "HSCAN %s 0 COUNT 1000" % key(),
            lambda: "HSCAN %s 0 MATCH f1* COUNT 1000" % key(),
            lambda: "HRANDFIELD %s 1000 WITHVALUES" % key(),
            lambda: "OBJECT ENCODING %s" % key(),
            lambda: "TYPE %s" % key(),
            # Rare: a bulk insert past 512 fields, a wrong type, a delete.
            lambda: hset_many(key(), 520, "b") if rng.random() < 0.1 else "HLEN %s" % key(),
            lambda: "SET %s v" % key() if rng.random() < 0.1 else "EXISTS %s" % key(),
            lambda: "DEL %s" % key() if rng.random() < 0.3 else "HLEN %s" % key(),
        ]
        self.compare_random(ops, 3000, rng)
        theirs, ours = self.clients()
        self.assertEqual(sorted(theirs.keys()), sorted(ours.keys()))

    def test_random_picks_on_what_is_deterministic(self):
        """HRANDFIELD's picks differ between servers; their number, their
        distinctness, the field/value pairing and the errors do not."""
        theirs, ours = self.clients()
        theirs.flushall()
        ours.flushall()
        rng = random.Random(99)
        contents = {}
        for key, n in (("small", 5), ("mid", 100), ("large", 600)):
            line = hset_many(key, n)
            self.assertEqual(differential.run(theirs, line), differential.run(ours, line))
            contents[key] = {"f%d" % i: "x%d" % i for i in range(n)}
        for _ in range(300):
            key = rng.choice(list(contents))
            count = rng.choice([1, 2, 3, 10, 50, 99, 599, -1, -3, -50, -700])
            with_values = rng.random() < 0.5
            line = "HRANDFIELD %s %d%s" % (key, count, " WITHVALUES" if with_values else "")
            replies = [differential.run(c, line) for c in (theirs, ours)]
            size = len(contents[key])
            expected_len = (min(count, size) if count >= 0 else -count) * (2 if with_values else 1)
            for reply in replies:
                self.assertEqual(len(reply), expected_len, line)
                picked = reply[0::2] if with_values else reply
                for f in picked:
                    self.assertIn(f.decode(), contents[key], line)
                if with_values:
                    for f, v in zip(reply[0::2], reply[1::2]):
                        self.assertEqual(contents[key][f.decode()], v.decode(), line)
                if count >= 0:
                    self.assertEqual(len(set(picked)), len(picked), line)
        for c in (theirs, ours):
            field = differential.run(c, "HRANDFIELD small")
            self.assertIn(field.decode(), contents["small"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
