"""Pub/Sub through real client libraries and under pressure, on 4 workers:
- redis-py's PubSub (sync) and redis.asyncio's: subscribe, psubscribe,
  messages, unsubscribe, and the publishing side's receiver counts;
- a subscriber that stops reading is closed by the pubsub class of
  client-output-buffer-limit, while the publisher and a reading subscriber
  go on undisturbed, and its memory comes back;
- node-redis (Debian's v4) subscribing and publishing
  (tests/node_pubsub_client.js).
"""
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

import redis
import redis.asyncio

import server_fixture

HERE = os.path.dirname(os.path.abspath(__file__))


def next_message(pubsub, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = pubsub.get_message(timeout=0.5)
        if m is not None:
            return m
    raise AssertionError("no message within %ss" % timeout)


class PubSubClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = server_fixture.start_ours(threads=4)

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def client(self):
        return redis.Redis(port=self.server.port, decode_responses=True)

    def test_redis_py_sync(self):
        r = self.client()
        p = r.pubsub()
        p.subscribe("news", "sport")
        p.psubscribe("n*")
        kinds = [next_message(p)["type"] for _ in range(3)]
        self.assertEqual(kinds, ["subscribe", "subscribe", "psubscribe"])
        self.assertEqual(r.publish("news", "hello"), 2)
        self.assertEqual(next_message(p), {"type": "message", "pattern": None,
                                           "channel": "news", "data": "hello"})
        self.assertEqual(next_message(p), {"type": "pmessage", "pattern": "n*",
                                           "channel": "news", "data": "hello"})
        self.assertEqual(r.pubsub_numsub("news", "sport", "none"),
                         [("news", 1), ("sport", 1), ("none", 0)])
        self.assertEqual(r.pubsub_numpat(), 1)
        self.assertEqual(sorted(r.pubsub_channels()), ["news", "sport"])
        # redis-py's handler form, and ping inside a subscription.
        seen = []
        p.subscribe(**{"alerts": lambda m: seen.append(m["data"])})
        next_message(p)  # the confirmation
        r.publish("alerts", "a1")
        deadline = time.time() + 10
        while not seen and time.time() < deadline:
            p.get_message(timeout=0.5)
        self.assertEqual(seen, ["a1"])
        p.ping()
        self.assertEqual(next_message(p)["type"], "pong")
        p.unsubscribe()
        p.punsubscribe()
        p.close()
        self.assertEqual(r.publish("news", "again"), 0)

    def test_redis_py_asyncio(self):
        port = self.server.port

        async def run():
            r = redis.asyncio.Redis(port=port, decode_responses=True)
            p = r.pubsub()
            await p.subscribe("chat")
            await p.psubscribe("chat.*")
            got = []
            while len(got) < 2:
                m = await p.get_message(timeout=1.0)
                if m:
                    got.append(m["type"])
            self.assertEqual(got, ["subscribe", "psubscribe"])
            counts = [await r.publish("chat", "m%d" % i) for i in range(20)]
            counts.append(await r.publish("chat.room", "last"))
            self.assertEqual(counts, [1] * 20 + [1])
            data = []
            while len(data) < 21:
                m = await p.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if m:
                    data.append(m["data"])
            self.assertEqual(data, ["m%d" % i for i in range(20)] + ["last"])
            await p.unsubscribe()
            await p.punsubscribe()
            await p.close()
            await r.close()

        asyncio.run(run())

    def test_slow_subscriber_is_closed_without_slowing_others(self):
        r = self.client()
        r.config_set("client-output-buffer-limit", "pubsub 2mb 1mb 1")
        try:
            before = r.info("memory")["used_memory"]
            # A raw socket that subscribes and never reads again.
            slow = socket.create_connection(("127.0.0.1", self.server.port))
            slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            slow.sendall(b"*2\r\n$9\r\nsubscribe\r\n$4\r\nflow\r\n")
            reader = r.pubsub()
            reader.subscribe("flow")
            next_message(reader)
            deadline = time.time() + 10
            while r.pubsub_numsub("flow")[0][1] < 2 and time.time() < deadline:
                time.sleep(0.01)
            payload = "x" * 100_000
            start = time.time()
            received = 0
            pipe = r.pipeline(transaction=False)
            for i in range(300):  # 30 MB in all, far past the 2 MB hard limit
                pipe.publish("flow", payload)
                if i % 20 == 19:
                    pipe.execute()
                    while True:  # the reading subscriber keeps up
                        m = reader.get_message(timeout=0.01)
                        if m is None:
                            break
                        received += 1
            pipe.execute()
            publish_seconds = time.time() - start
            while received < 300:
                m = next_message(reader)
                self.assertEqual(m["data"], payload)
                received += 1
            self.assertLess(publish_seconds, 30)
            # The slow one is gone: the server closed it.
            deadline = time.time() + 10
            while r.pubsub_numsub("flow")[0][1] != 1 and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(r.pubsub_numsub("flow")[0][1], 1)
            # And what it held was freed.
            deadline = time.time() + 10
            after = r.info("memory")["used_memory"]
            while after > before + (4 << 20) and time.time() < deadline:
                time.sleep(0.1)
                after = r.info("memory")["used_memory"]
            self.assertLess(after, before + (4 << 20))
            reader.close()
            slow.close()
        finally:
            r.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")

    def test_node_redis(self):
        node = shutil.which("node") or shutil.which("nodejs")
        self.assertIsNotNone(node, "node is not installed (run tools/bootstrap.sh)")
        script = os.path.join(HERE, "node_pubsub_client.js")
        env = dict(os.environ, NODE_PATH="/usr/share/nodejs:/usr/lib/nodejs")
        out = subprocess.run([node, script, str(self.server.port)], capture_output=True,
                             text=True, timeout=120, env=env)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
