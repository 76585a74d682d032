"""Set commands against the real redis-server: scripted edge cases,
randomized sequences over keys that cross encodings and shards, RESP3
bytes, and SPOP/SRANDMEMBER checked on what is deterministic about them."""
import random
import sys
import unittest

import differential


def sadd_range(key, start, stop, prefix=""):
    return "SADD %s %s" % (key, " ".join("%s%d" % (prefix, i) for i in range(start, stop)))


SCRIPT = [
    # Basics; intsets list in ascending order, exactly like Redis.
    "SADD s 3 1 2 1", "SADD s 2", "SMEMBERS s", "SCARD s", "SCARD nokey", "SISMEMBER s 2",
    "SISMEMBER s 02", "SISMEMBER s x", "SISMEMBER nokey 1", "SMISMEMBER s 1 9 3",
    "SMISMEMBER nokey 1 2", "SREM s 1 9 1", "SREM nokey 1", "SMEMBERS s", "SMEMBERS nokey",
    "SREM s 2 3", "EXISTS s", "TYPE s", "SADD e ''", "SMEMBERS e", "SISMEMBER e ''",
    "SADD neg -5 0 -9223372036854775808 9223372036854775807 70000 -70000", "SMEMBERS neg",
    "OBJECT ENCODING neg", "SADD neg 9223372036854775808", "OBJECT ENCODING neg",
    "SMISMEMBER neg -5 9223372036854775808 -0",
    # Arity.
    "SADD s", "SREM s", "SCARD", "SCARD a b", "SISMEMBER s", "SISMEMBER s a b", "SMISMEMBER s",
    "SMEMBERS", "SMEMBERS a b", "SPOP", "SRANDMEMBER", "SMOVE a b", "SMOVE a b c d", "SINTER",
    "SUNION", "SDIFF", "SINTERSTORE d", "SUNIONSTORE d", "SDIFFSTORE d", "SINTERCARD 1",
    "SSCAN s",
    # Wrong type.
    "SET str v", "SADD str a", "SREM str a", "SCARD str", "SISMEMBER str a",
    "SMISMEMBER str a", "SMEMBERS str", "SPOP str", "SPOP str 2", "SPOP str x",
    "SRANDMEMBER str", "SRANDMEMBER str 2", "SRANDMEMBER str x", "SSCAN str 0",
    "SSCAN str 0 COUNT 0", "SSCAN str x", "HSET hh f v", "SADD hh a", "GET str",
    # Encodings: intset up to 512 integers, then hashtable, never back.
    sadd_range("is", 0, 512), "OBJECT ENCODING is", "SADD is 5", "OBJECT ENCODING is",
    "SADD is 512", "OBJECT ENCODING is", "SCARD is", "SREM is 512", "OBJECT ENCODING is",
    "SADD t 1 2", "SADD t 01", "OBJECT ENCODING t", "SREM t 01", "OBJECT ENCODING t",
    "SMEMBERS t", "SADD u -0", "OBJECT ENCODING u", "SADD v a 1", "OBJECT ENCODING v",
    "SMEMBERS is", "SSCAN is 0 COUNT 10000", "SRANDMEMBER is 10000", "DEL is",
    # SPOP and SRANDMEMBER: deterministic forms.
    "SPOP nokey", "SPOP nokey 0", "SPOP nokey 3", "SPOP nokey x", "SPOP nokey -1",
    "SPOP nokey 1 2", "SRANDMEMBER nokey", "SRANDMEMBER nokey 0", "SRANDMEMBER nokey 5",
    "SRANDMEMBER nokey -5", "SRANDMEMBER nokey x", "SRANDMEMBER nokey 1 2",
    "SRANDMEMBER nokey -9223372036854775808", "SRANDMEMBER nokey -9223372036854775807",
    "SADD p 5 3 9 1", "SPOP p 0", "SRANDMEMBER p 0", "SRANDMEMBER p 4", "SRANDMEMBER p 100",
    "SRANDMEMBER p 9223372036854775807", "SRANDMEMBER p -9223372036854775808",
    "SRANDMEMBER p 1.5", "SPOP p 1.5", "SPOP p -3", "SPOP p 4", "EXISTS p", "SADD p x y 1",
    "SPOP p 3", "EXISTS p", "SADD q only", "SPOP q", "EXISTS q", "SADD q only", "SRANDMEMBER q",
    "SRANDMEMBER q 1", "SRANDMEMBER q -1", "SPOP q 1", "EXISTS q",
    # SMOVE.
    "SADD m1 a b 1", "SMOVE m1 m2 zz", "EXISTS m2", "SMOVE m1 m2 a", "SMEMBERS m2",
    "SMOVE m1 m1 b", "SMOVE m1 m1 zz", "SMOVE nokey m2 a", "SMOVE nokey str a",
    "SMOVE m1 str b", "SMOVE str m1 v", "SMOVE m1 m2 1", "SMOVE m1 m2 b", "EXISTS m1",
    "SMEMBERS m2", "OBJECT ENCODING m2", "SADD m3 1", "SMOVE m2 m3 2", "SMOVE m2 m3 1",
    "SMEMBERS m3", "OBJECT ENCODING m3", "SADD {m}4 7", "SMOVE {m}4 m5 7", "OBJECT ENCODING m5",
    # Algebra with keys on different shards ("a", "b", "c" spread over 3).
    "SADD a 1 2 3 x", "SADD b 2 3 4 x", "SADD c 3 4 5 x", "SINTER a b c", "SINTER a b",
    "SINTER a", "SINTER a nokey", "SINTER nokey a", "SINTER a str", "SINTER nokey str",
    "SUNION a b c", "SUNION a nokey", "SUNION nokey", "SUNION a str", "SDIFF a b", "SDIFF c a",
    "SDIFF a a", "SDIFF nokey a", "SDIFF a nokey", "SDIFF a b c", "SDIFF str nokey",
    "SDIFF nokey str", "SINTERSTORE d a b", "SMEMBERS d", "SUNIONSTORE d a b c", "SMEMBERS d",
    "SDIFFSTORE d a b", "SMEMBERS d", "SINTERSTORE d a nokey", "EXISTS d",
    "SUNIONSTORE d nokey", "EXISTS d", "SADD d kept", "SUNIONSTORE d a str", "SMEMBERS d",
    "SINTERSTORE str a b", "TYPE str", "SMEMBERS str", "SET str v", "EXPIRE d 100",
    "SUNIONSTORE d d a", "TTL d", "SMEMBERS d", "SDIFFSTORE d d b", "SMEMBERS d",
    "SREM a x", "SREM b x", "SINTERSTORE ints a b", "SMEMBERS ints", "OBJECT ENCODING ints",
    "SUNIONSTORE ints a b", "SMEMBERS ints", sadd_range("wide", 0, 400),
    sadd_range("wide2", 300, 700), "SUNIONSTORE both wide wide2", "OBJECT ENCODING both",
    "SINTERSTORE mid wide wide2", "OBJECT ENCODING mid", "SMEMBERS mid",
    "SDIFFSTORE low wide wide2", "SMEMBERS low", "SUNION wide wide2",
    # SINTERCARD.
    "SINTERCARD 3 a b c", "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 2 a b LIMIT 0",
    "SINTERCARD 2 a b limit 5 LIMIT 1", "SINTERCARD 2 a nokey", "SINTERCARD 2 a str",
    "SINTERCARD 2 str nokey", "SINTERCARD 0 a", "SINTERCARD -1 a", "SINTERCARD x a",
    "SINTERCARD 01 a", "SINTERCARD 2 a", "SINTERCARD 99999999999999999999 a",
    "SINTERCARD 1 a b", "SINTERCARD 1 a LIMIT", "SINTERCARD 1 a LIMIT -1",
    "SINTERCARD 1 a LIMIT x", "SINTERCARD 1 a FOO 1", "SINTERCARD 1 wide LIMIT 10",
    # SSCAN.
    "SADD sc 1 10 11 2 20", "SSCAN sc 0", "SSCAN sc 0 MATCH 1*", "SSCAN sc 0 COUNT 1",
    "SSCAN sc 99", "SSCAN sc -1", "SSCAN sc ''", "SSCAN sc x", "SSCAN sc 0 COUNT 0",
    "SSCAN sc 0 COUNT x", "SSCAN sc 0 MATCH", "SSCAN sc 0 TYPE set", "SSCAN sc 0 FOO bar",
    "SADD scs a b ab", "SSCAN scs 0 MATCH a*", "SSCAN nokey 0", "SSCAN nokey 0 COUNT 0",
    "SSCAN nokey abc",
    "DBSIZE",
]

RESP3_SCRIPT = [
    "SADD s 3 1 2", "SMEMBERS s", "SMEMBERS nokey", "SINTER s s", "SUNION s nokey",
    "SDIFF s nokey", "SINTER s nokey", "SINTERCARD 1 s", "SMISMEMBER s 1 9", "SISMEMBER s 1",
    "SRANDMEMBER s 5", "SRANDMEMBER s 0", "SRANDMEMBER nokey", "SRANDMEMBER nokey 3",
    "SPOP nokey", "SPOP nokey 2", "SPOP s 0", "SSCAN s 0", "SSCAN nokey 0", "SMOVE s t 1",
    "SINTERSTORE d s t", "SPOP s 5", "EXISTS s",
]


class DifferentialSetTest(differential.DifferentialCase):
    def test_script(self):
        self.compare_script(SCRIPT)

    def test_resp3_bytes(self):
        self.compare_raw_script(RESP3_SCRIPT, protocol=3)

    def test_randomized_sequences_crossing_encodings_and_shards(self):
        rng = random.Random(4242)
        keys = ["s%d" % i for i in range(6)] + ["{t}a", "{t}b"]

        def key():
            return rng.choice(keys)

        def member():
            r = rng.random()
            if r < 0.85:
                return str(rng.randint(-3, 25))
            return rng.choice(["m1", "m2", "01", "-0", "x"])

        def keys_list(n):
            return " ".join(key() for _ in range(n))

        ops = [
            lambda: "SADD %s %s %s" % (key(), member(), member()),
            lambda: "SADD %s %s" % (key(), member()),
            lambda: "SREM %s %s %s" % (key(), member(), member()),
            lambda: "SCARD %s" % key(),
            lambda: "SISMEMBER %s %s" % (key(), member()),
            lambda: "SMISMEMBER %s %s %s" % (key(), member(), member()),
            lambda: "SMEMBERS %s" % key(),
            lambda: "SINTER %s" % keys_list(rng.randint(1, 3)),
            lambda: "SUNION %s" % keys_list(rng.randint(1, 3)),
            lambda: "SDIFF %s" % keys_list(rng.randint(1, 3)),
            lambda: "SINTERSTORE %s" % keys_list(rng.randint(2, 4)),
            lambda: "SUNIONSTORE %s" % keys_list(rng.randint(2, 4)),
            lambda: "SDIFFSTORE %s" % keys_list(rng.randint(2, 4)),
            lambda: "SINTERCARD 2 %s LIMIT %d" % (keys_list(2), rng.randint(0, 5)),
            lambda: "SMOVE %s %s %s" % (key(), key(), member()),
            lambda: "SSCAN %s 0 COUNT 100000" % key(),
            lambda: "SRANDMEMBER %s 100000" % key(),
            lambda: "OBJECT ENCODING %s" % key(),
            lambda: "TYPE %s" % key(),
            # Rare: a bulk insert past 512 integers, a wrong type, a delete.
            lambda: sadd_range(key(), 0, 520) if rng.random() < 0.1 else "SCARD %s" % key(),
            lambda: "SET %s v" % key() if rng.random() < 0.1 else "EXISTS %s" % key(),
            lambda: "DEL %s" % key() if rng.random() < 0.3 else "SCARD %s" % key(),
        ]
        self.compare_random(ops, 3000, rng)
        theirs, ours = self.clients()
        self.assertEqual(sorted(theirs.keys()), sorted(ours.keys()))
        for k in keys:
            self.assertEqual(differential.run_both(theirs, ours, "SMEMBERS %s" % k)[0],
                             differential.run_both(theirs, ours, "SMEMBERS %s" % k)[1], k)

    def test_random_picks_on_what_is_deterministic(self):
        """SPOP and SRANDMEMBER pick differently on each server; the number
        of picks, their distinctness, membership and what SPOP leaves do not.
        Popped members are added back so both servers stay equal."""
        theirs, ours = self.clients()
        theirs.flushall()
        ours.flushall()
        rng = random.Random(7)
        contents = {"ints": {str(i) for i in range(40)},
                    "strs": {"m%d" % i for i in range(40)},
                    "large": {str(i) for i in range(700)}}
        for key, members in contents.items():
            line = "SADD %s %s" % (key, " ".join(sorted(members)))
            self.assertEqual(differential.run(theirs, line), differential.run(ours, line))
        for _ in range(300):
            key = rng.choice(list(contents))
            size = len(contents[key])
            if rng.random() < 0.5:
                count = rng.choice([1, 2, 5, 39, 100, 699, -1, -5, -1000])
                line = "SRANDMEMBER %s %d" % (key, count)
                expected_len = min(count, size) if count >= 0 else -count
                pops = False
            else:
                count = rng.choice([1, 3, 20, 39, 650])
                line = "SPOP %s %d" % (key, count)
                expected_len = min(count, size)
                pops = True
            for client in (theirs, ours):
                reply = differential.run(client, line)
                self.assertEqual(len(reply), expected_len, line)
                picked = [m.decode() for m in reply]
                self.assertTrue(set(picked) <= contents[key], line)
                if count >= 0:
                    self.assertEqual(len(set(picked)), len(picked), line)
                if pops:
                    left = {m.decode() for m in client.execute_command("SMEMBERS", key)}
                    self.assertEqual(left, contents[key] - set(picked), line)
                    client.execute_command("SADD", key, *picked)
        for key, members in contents.items():
            for client in (theirs, ours):
                self.assertIn(client.execute_command("SPOP", key).decode(), members)
                self.assertIn(client.execute_command("SRANDMEMBER", key).decode(), members)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
