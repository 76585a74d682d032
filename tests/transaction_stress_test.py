"""Transactions under load, on 4 workers (keys on different shards, clients
spread over every worker by the kernel):
- writers run MULTI; INCR c0; ...; INCR c7; EXEC while readers run
  MULTI; GET c0; ...; GET c7; EXEC and MGET c0..c7: every read sees all
  counters equal (no half of a transaction, from any worker, fast path
  included);
- 16 clients increment one counter by WATCH/GET/MULTI/SET/EXEC, retrying
  when EXEC says the key changed: the counter ends exactly at the number of
  increments (no lost update, and every retry was needed).
"""
import os
import sys
import threading
import unittest

import redis

import server_fixture

COUNTERS = ["ctr:%d" % i for i in range(8)]  # no hashtag: spread over shards
# Sanitized servers are several times slower; the interleavings still come.
SANITIZED = bool(os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS"))
SCALE = 1 if SANITIZED else 3


class TransactionStressTest(unittest.TestCase):
    def setUp(self):
        self.srv = server_fixture.start_ours(threads=4)

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0)

    def test_readers_never_see_half_a_transaction(self):
        port = self.srv.port
        redis.Redis(port=port).mset({k: 0 for k in COUNTERS})
        torn, reads, errors = [], [0], []
        stop = threading.Event()

        def writer():
            try:
                c = redis.Redis(port=port)
                for _ in range(100 * SCALE):
                    with c.pipeline(transaction=True) as p:
                        for k in COUNTERS:
                            p.incr(k)
                        p.execute()
            except Exception as e:  # noqa: BLE001 - reported by the test
                errors.append(repr(e))

        def reader(use_multi):
            try:
                c = redis.Redis(port=port)
                while not stop.is_set():
                    if use_multi:
                        with c.pipeline(transaction=True) as p:
                            for k in COUNTERS:
                                p.get(k)
                            values = p.execute()
                    else:
                        values = c.mget(COUNTERS)
                    reads[0] += 1
                    if len(set(values)) != 1:
                        torn.append(values)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        def single_reader():
            # One GET at a time (the read fast path for remote keys): every
            # transaction adds one to all counters, so a counter read after
            # another can never be lower than it - unless the first read saw
            # a transaction that the second does not see yet.
            try:
                c = redis.Redis(port=port)
                while not stop.is_set():
                    seen = 0
                    for k in COUNTERS:
                        value = int(c.get(k))
                        if value < seen:
                            torn.append(("went back", k, value, seen))
                        seen = max(seen, value)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        writers = [threading.Thread(target=writer) for _ in range(4)]
        readers = [threading.Thread(target=reader, args=(i % 2 == 0,)) for i in range(4)]
        readers.append(threading.Thread(target=single_reader))
        for t in writers + readers:
            t.start()
        for t in writers:
            t.join()
        stop.set()
        for t in readers:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(torn[:5], [])
        self.assertGreater(reads[0], 50)
        final = redis.Redis(port=port).mget(COUNTERS)
        self.assertEqual(final, [str(4 * 100 * SCALE).encode()] * len(COUNTERS))

    def test_watch_check_and_set_counter_is_exact(self):
        port = self.srv.port
        redis.Redis(port=port).set("cas", 0)
        per_client = 25 * SCALE
        retries, errors = [0], []

        def client():
            try:
                c = redis.Redis(port=port)
                for _ in range(per_client):
                    while True:
                        with c.pipeline() as p:
                            p.watch("cas")
                            value = int(p.get("cas"))
                            p.multi()
                            p.set("cas", value + 1)
                            try:
                                p.execute()
                                break
                            except redis.WatchError:
                                retries[0] += 1
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        threads = [threading.Thread(target=client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(int(redis.Redis(port=port).get("cas")), 16 * per_client)
        # 16 clients on one key: some EXECs must have lost the race.
        self.assertGreater(retries[0], 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
