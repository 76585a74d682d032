"""Lists, differentially: every list command against the real redis-server,
raw replies compared (errors included)."""
import random
import sys
import unittest

import differential

SCRIPT = [
    "RPUSH l a b c d e", "LPUSH l z y", "LRANGE l 0 -1", "LRANGE l -3 -1", "LRANGE l 2 1",
    "LRANGE l 5 100", "LRANGE l -100 100", "LRANGE l x 1", "LRANGE nol 0 -1", "LLEN l",
    "LLEN nol", "LINDEX l 0", "LINDEX l -1", "LINDEX l 100", "LINDEX l -100", "LINDEX l x",
    "LINDEX nol 0", "LSET l 0 Z", "LSET l -1 E", "LSET l 7 x", "LSET l -8 x", "LSET nol 0 x",
    "LSET l x v", "LRANGE l 0 -1", "LPUSHX nol a", "RPUSHX nol a", "LPUSHX l p1 p2",
    "RPUSHX l r1", "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 0", "LPOP nol", "LPOP nol 0",
    "LPOP nol 3", "LPOP l -1", "LPOP l x", "LPOP l 1 2", "RPOP l 100", "EXISTS l",
    "RPUSH r a b a c a b a", "LREM r 2 a", "LRANGE r 0 -1", "LREM r -1 a", "LRANGE r 0 -1",
    "LREM r 0 b", "LREM r 0 zz", "LREM r x a", "LREM nol 0 a", "LREM r 0 a", "LREM r 0 c",
    "EXISTS r", "RPUSH t 1 2 3 4 5 6", "LTRIM t 1 -2", "LRANGE t 0 -1", "LTRIM t -2 -1",
    "LRANGE t 0 -1", "LTRIM t 5 1", "EXISTS t", "LTRIM nol 0 1", "LTRIM t x 1",
    "RPUSH i a b c", "LINSERT i BEFORE b X", "LINSERT i after c Y", "LINSERT i before zz Q",
    "LINSERT i middle a Q", "LINSERT nol before a Q", "LRANGE i 0 -1",
    "RPUSH p a b c a b c a", "LPOS p a", "LPOS p c", "LPOS p zz", "LPOS p a RANK 2",
    "LPOS p a RANK -1", "LPOS p a RANK -2", "LPOS p a RANK 10", "LPOS p a COUNT 0",
    "LPOS p a COUNT 2", "LPOS p a COUNT 2 RANK -1", "LPOS p a RANK 2 COUNT 0",
    "LPOS p a MAXLEN 1 COUNT 0", "LPOS p a MAXLEN 4 COUNT 0 RANK -1", "LPOS p a RANK 0",
    "LPOS p a COUNT -1", "LPOS p a MAXLEN -1", "LPOS p a RANK x", "LPOS p a BOGUS 1",
    "LPOS p a RANK", "LPOS nol a", "LPOS nol a COUNT 1", "LPOS p zz COUNT 1",
    "LPOS p a RANK -9223372036854775808",
    "RPUSH m1 a b c", "LMOVE m1 m2 LEFT RIGHT", "LMOVE m1 m2 RIGHT LEFT", "LRANGE m2 0 -1",
    "LMOVE m1 m1 LEFT RIGHT", "LRANGE m1 0 -1", "LMOVE m1 m2 LEFT LEFT", "EXISTS m1",
    "LMOVE m1 m2 LEFT LEFT", "LMOVE m2 m2 left middle", "RPOPLPUSH m2 m3", "RPOPLPUSH nol m3",
    "SET str v", "LMOVE m2 str LEFT LEFT", "LMOVE str m2 LEFT LEFT", "LMOVE nol str LEFT LEFT",
    "RPOPLPUSH m2 str", "LRANGE m2 0 -1", "LRANGE m3 0 -1",
    "RPUSH lm1 a b c", "RPUSH lm2 x", "LMPOP 2 lm0 lm1 LEFT", "LMPOP 2 lm0 lm1 RIGHT COUNT 5",
    "LMPOP 2 lm1 lm2 LEFT COUNT 1", "LMPOP 1 lm2 LEFT", "LMPOP 0 lm1 LEFT", "LMPOP x lm1 LEFT",
    "LMPOP 1 lm1 MIDDLE", "LMPOP 2 lm1 LEFT", "LMPOP 1 lm1 LEFT COUNT 0",
    "LMPOP 1 lm1 LEFT COUNT -1", "LMPOP 1 lm1 LEFT COUNT 1 COUNT 2", "LMPOP 1 lm1 LEFT EXTRA",
    "LMPOP 2 str lm1 LEFT", "LMPOP 1 nol LEFT",
    "RPUSH bl a b", "BLPOP bl 0", "BRPOP bl 0", "BLPOP nol bl2 str 0", "BLPOP nol -1",
    "BLPOP nol x", "BLPOP nol 0.5x", "BLPOP nol nan", "BLPOP nol inf", "BLPOP nol 1e400",
    "BRPOPLPUSH nol d -1", "BLMOVE nol d LEFT MIDDLE 0", "BLMOVE nol d LEFT RIGHT x",
    "RPUSH bm a b c", "BLMOVE bm bm2 RIGHT LEFT 0", "BRPOPLPUSH bm bm2 0", "LRANGE bm2 0 -1",
    "BLMPOP 0 2 nol bm LEFT COUNT 3", "BLMPOP 0 0 bm LEFT", "BLMPOP x 1 bm LEFT",
    "BLMPOP 0 1 bm UP", "BLMPOP 0 2 bm LEFT", "BLMPOP 0 1 str LEFT",
    "BLPOP nol 0.01", "BRPOP nol1 nol2 0.01", "BLMOVE nol d LEFT LEFT 0.01",
    "BRPOPLPUSH nol d 0.01", "BLMPOP 0.01 2 nol nol2 RIGHT",
    "RPUSH enc a b", "OBJECT ENCODING enc", "TYPE enc", "LPUSH", "LINDEX l", "LINSERT l a b",
    "RPUSH bin ''", "LRANGE bin 0 -1", "LLEN bin",
]


class DifferentialListTest(differential.DifferentialCase):
    def test_script(self):
        self.compare_script(SCRIPT)

    def test_randomized_list_sequences(self):
        rng = random.Random(4321)
        keys = ["la", "lb", "lc", "{t}x", "{t}y"]
        values = ["a", "b", "c", "1", "22", "x" * 70]

        def k():
            return rng.choice(keys)

        def v():
            return rng.choice(values)

        def i():
            return rng.randint(-8, 8)

        ops = [
            lambda: "RPUSH %s %s %s" % (k(), v(), v()),
            lambda: "LPUSH %s %s" % (k(), v()),
            lambda: "LPUSHX %s %s" % (k(), v()),
            lambda: "RPOP %s" % k(),
            lambda: "LPOP %s %d" % (k(), rng.randint(0, 3)),
            lambda: "LRANGE %s %d %d" % (k(), i(), i()),
            lambda: "LINDEX %s %d" % (k(), i()),
            lambda: "LSET %s %d %s" % (k(), i(), v()),
            lambda: "LREM %s %d %s" % (k(), rng.randint(-2, 2), v()),
            lambda: "LTRIM %s %d %d" % (k(), i(), i()),
            lambda: "LINSERT %s %s %s %s" % (k(), rng.choice(["BEFORE", "AFTER"]), v(), v()),
            lambda: "LPOS %s %s RANK %d COUNT %d" % (k(), v(), rng.choice([1, 2, -1, -2]),
                                                     rng.randint(0, 2)),
            lambda: "LMOVE %s %s %s %s" % (k(), k(), rng.choice(["LEFT", "RIGHT"]),
                                           rng.choice(["LEFT", "RIGHT"])),
            lambda: "RPOPLPUSH %s %s" % (k(), k()),
            lambda: "LMPOP 2 %s %s %s COUNT %d" % (k(), k(), rng.choice(["LEFT", "RIGHT"]),
                                                   rng.randint(1, 3)),
            lambda: "BLPOP %s %s 0.001" % (k(), k()),
            lambda: "BLMOVE %s %s LEFT RIGHT 0.001" % (k(), k()),
            lambda: "LLEN %s" % k(),
            lambda: "SET %s s" % k() if rng.random() < 0.05 else "DEL %s" % k(),
        ]
        self.compare_random(ops, 3000, rng)
        theirs, ours = self.clients()
        for key in keys:
            self.assertEqual(differential.run(theirs, "LRANGE %s 0 -1" % key),
                             differential.run(ours, "LRANGE %s 0 -1" % key))

    def test_long_lists_and_big_elements(self):
        theirs, ours = self.clients()
        for c in (theirs, ours):
            c.delete("long")
            pipe = c.pipeline(transaction=False)
            for n in range(5000):
                pipe.rpush("long", "item-%d" % n)
                if n % 7 == 0:
                    pipe.lpush("long", "x" * (n % 300))
            pipe.execute()
        script = ["LLEN long", "LINDEX long 2500", "LRANGE long 1000 1010", "LPOS long item-4000",
                  "LREM long 3 item-7", "LINSERT long AFTER item-3000 new", "LINDEX long -1",
                  "LTRIM long 100 -100", "LRANGE long -5 -1", "LSET long 2000 changed",
                  "LRANGE long 1995 2005", "OBJECT ENCODING long"]
        self.compare_script(script, flush=False)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
