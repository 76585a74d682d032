"""Many clients MSET a group of keys that live on different shards while
others MGET the group: every MGET must see one generation."""
import sys
import threading
import unittest

import redis

import server_fixture

GROUP = ["grp:%d" % i for i in range(8)]  # no hashtag: spread over shards


class AtomicityTest(unittest.TestCase):
    def test_mset_mget_never_torn(self):
        srv = server_fixture.start_ours(threads=4)
        try:
            redis.Redis(port=srv.port).mset({k: 0 for k in GROUP})
            torn = []
            reads = [0]
            stop = threading.Event()

            def writer(wid):
                c = redis.Redis(port=srv.port)
                for gen in range(300):
                    value = wid * 100000 + gen
                    c.mset({k: value for k in GROUP})

            def reader():
                c = redis.Redis(port=srv.port)
                while not stop.is_set():
                    values = c.mget(GROUP)
                    reads[0] += 1
                    if len(set(values)) != 1:
                        torn.append(values)

            went_back = []

            def single_reader():
                # Fast-path GETs after an MGET (and MGETs after a GET) must
                # never go back in time: once a reader saw writer w's
                # generation g, it may never again see an older one of w
                # (w wrote g after every older one had completed).
                c = redis.Redis(port=srv.port)
                newest = {}

                def observe(value, what):
                    wid, gen = divmod(int(value), 100000)
                    if gen < newest.get(wid, -1):
                        went_back.append((what, wid, gen, newest[wid]))
                    newest[wid] = max(gen, newest.get(wid, -1))

                while not stop.is_set():
                    for value in c.mget(GROUP):
                        observe(value, "mget")
                    observe(c.get(GROUP[0]), "get")

            writers = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
            readers = [threading.Thread(target=reader) for _ in range(4)]
            readers.append(threading.Thread(target=single_reader))
            for t in writers + readers:
                t.start()
            for t in writers:
                t.join()
            stop.set()
            for t in readers:
                t.join()
            self.assertEqual(torn, [])
            self.assertEqual(went_back[:10], [])
            self.assertGreater(reads[0], 0)
            # Deleting the group across shards is atomic too.
            c = redis.Redis(port=srv.port)
            self.assertEqual(c.delete(*GROUP), len(GROUP))
            self.assertEqual(c.exists(*GROUP), 0)
        finally:
            self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
