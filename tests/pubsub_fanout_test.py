"""Pub/Sub fan-out on 4 workers: 32 publishers (the kernel's SO_REUSEPORT
hash spreads them over every worker; a worker without one has odds below
1e-3) and 200 subscribers on channels, patterns and shard channels, also
spread over every worker.

Checks, for every message: PUBLISH / SPUBLISH answered the number of
subscriptions that match it (worked out from the layout); every subscriber
received exactly the copies its subscriptions call for, once each; and the
messages of one publisher reached each subscriber in the order it sent
them (per kind of subscription).
"""
import os
import select
import time
import unittest

import resp_client
import server_fixture

SANITIZED = bool(os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS"))
SUBSCRIBERS = 200
PUBLISHERS = 32
MESSAGES = 60 if SANITIZED else 250  # per publisher
CHANNELS = 20
SHARD_CHANNELS = 10


def layout(i):
    """Subscriber i's channels, patterns and shard channels."""
    channels = ["ch:%d" % (i % CHANNELS)]
    if i % 7 == 0:
        channels.append("ch:%d" % ((i + 3) % CHANNELS))
    patterns = ["ch:%d*" % (i % 3)] if i % 3 == 0 else []
    if i % 11 == 0:
        patterns.append("ch:?")
    shard = ["sh:%d" % (i % SHARD_CHANNELS)] if i % 4 == 0 else []
    return channels, patterns, shard


def matches(pattern, channel):
    # The two pattern shapes the layout uses.
    if pattern.endswith("*"):
        return channel.startswith(pattern[:-1])
    return len(channel) == 4 and channel.startswith("ch:")


def parse_message(buf):
    """One RESP2 array of bulks from the front of buf: (strings, bytes used),
    or None while it is incomplete."""
    end = buf.find(b"\r\n")
    if end < 0:
        return None
    assert buf[:1] == b"*", buf[:80]
    n, pos, parts = int(buf[1:end]), end + 2, []
    for _ in range(n):
        end = buf.find(b"\r\n", pos)
        if end < 0:
            return None
        assert buf[pos:pos + 1] == b"$", buf[pos:pos + 80]
        size = int(buf[pos + 1:end])
        if len(buf) < end + 2 + size + 2:
            return None
        parts.append(buf[end + 2:end + 2 + size].decode())
        pos = end + 2 + size + 2
    return parts, pos


class PubSubFanoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = server_fixture.start_ours(threads=4)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_every_message_once_and_in_order(self):
        port = self.server.port
        subs = []
        for i in range(SUBSCRIBERS):
            c = resp_client.RespClient(port)
            channels, patterns, shard = layout(i)
            commands = [["subscribe", *channels]]
            if patterns:
                commands.append(["psubscribe", *patterns])
            if shard:
                commands.append(["ssubscribe", *shard])
            c.send(commands)
            confirmations = len(channels) + len(patterns) + len(shard)
            for _ in range(confirmations):
                kind, reply = c.read()
                self.assertEqual(kind, "array")
                self.assertIn(reply[0][1], (b"subscribe", b"psubscribe", b"ssubscribe"))
            subs.append(c)

        # What each message should reach: (subscriber, kind) copies.
        def receivers(command, channel):
            out = []
            for i in range(SUBSCRIBERS):
                channels, patterns, shard = layout(i)
                if command == "spublish":
                    out += [(i, "smessage")] if channel in shard else []
                    continue
                out += [(i, "message")] if channel in channels else []
                out += [(i, "pmessage:" + p) for p in patterns if matches(p, channel)]
            return out

        expected = {i: {} for i in range(SUBSCRIBERS)}  # i -> (publisher, kind) -> [seq]
        pubs = [resp_client.RespClient(port) for _ in range(PUBLISHERS)]
        plans = []
        for p in range(PUBLISHERS):
            plan = []
            for seq in range(MESSAGES):
                if seq % 5 == 4:
                    plan.append(("spublish", "sh:%d" % ((p + seq) % SHARD_CHANNELS)))
                else:
                    plan.append(("publish", "ch:%d" % ((p * 7 + seq) % CHANNELS)))
            plans.append(plan)
        # Pipelined, all publishers at once, interleaved in rounds of 25.
        for start in range(0, MESSAGES, 25):
            for p, c in enumerate(pubs):
                c.send([[cmd, ch, "%d:%d" % (p, seq)]
                        for seq, (cmd, ch) in enumerate(plans[p]) if start <= seq < start + 25])
            for p, c in enumerate(pubs):
                for seq in range(start, min(start + 25, MESSAGES)):
                    cmd, ch = plans[p][seq]
                    want = receivers(cmd, ch)
                    self.assertEqual(c.read(), ("int", len(want)), (p, seq, cmd, ch))
                    for i, kind in want:
                        expected[i].setdefault((p, kind), []).append(seq)

        got = {i: {} for i in range(SUBSCRIBERS)}
        remaining = {i: sum(len(v) for v in expected[i].values()) for i in range(SUBSCRIBERS)}
        buffers = {i: subs[i].buf[subs[i].pos:] for i in range(SUBSCRIBERS)}
        by_sock = {subs[i].sock: i for i in range(SUBSCRIBERS)}
        deadline = time.time() + 120
        while any(remaining.values()) and time.time() < deadline:
            waiting = [subs[i].sock for i in range(SUBSCRIBERS) if remaining[i] > 0]
            ready, _, _ = select.select(waiting, [], [], 1.0)
            for sock in ready:
                i = by_sock[sock]
                data = sock.recv(1 << 20)
                self.assertTrue(data, "subscriber %d lost its connection" % i)
                buffers[i] += data
                while True:
                    parsed = parse_message(buffers[i])
                    if parsed is None:
                        break
                    parts, used = parsed
                    buffers[i] = buffers[i][used:]
                    if parts[0] == "pmessage":
                        label, payload = "pmessage:" + parts[1], parts[3]
                    else:
                        label, payload = parts[0], parts[2]
                    p, seq = map(int, payload.split(":"))
                    got[i].setdefault((p, label), []).append(seq)
                    remaining[i] -= 1
        for i in range(SUBSCRIBERS):
            self.assertEqual(got[i], expected[i], "subscriber %d" % i)
        # Nothing beyond what was expected arrived.
        ready, _, _ = select.select([c.sock for c in subs], [], [], 0.2)
        self.assertEqual(ready, [])
        self.assertEqual([i for i in range(SUBSCRIBERS) if buffers[i]], [])
        for c in subs + pubs:
            c.close()


if __name__ == "__main__":
    unittest.main()
