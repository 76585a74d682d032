#!/usr/bin/env python3
"""Load generator for transactions, which redis-benchmark cannot send (it
repeats one command). Used by compare.py's T6 rows; prints one CSV line:
requests,seconds,rps,p50_ms,p99_ms (a request is one whole transaction).

  multi: pipelined MULTI; SET k1 v; SET k2 v; INCR k3; EXEC on random keys
         (--pipeline transactions per write, per connection).
  cas:   the check-and-set loop WATCH k; GET k (one round trip), then
         MULTI; SET k v; EXEC (another), on a random key; an EXEC that
         answers nil (the key changed) counts as a request too.

  tx_load.py --port P --mode multi|cas [--clients C] [--pipeline N]
             [--requests N] [--keyspace K]
"""
import argparse
import random
import selectors
import socket
import statistics
import time


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def key(n):
    return b"key:%012d" % n


class MultiClient:
    """Sends --pipeline transactions at a time; each answers exactly 8 lines
    (+OK, 3 x +QUEUED, *3, +OK, +OK, :n)."""

    LINES = 8

    def __init__(self, sock, opts, pool):
        self.sock, self.opts, self.pool = sock, opts, pool
        self.buf = b""

    def start(self):
        self.want = self.LINES * self.opts.pipeline
        self.lines = 0
        self.sent_at = time.perf_counter()
        self.sock.sendall(b"".join(random.choice(self.pool) for _ in range(self.opts.pipeline)))

    def on_data(self, data):
        self.lines += data.count(b"\r\n")
        return self.opts.pipeline if self.lines >= self.want else 0


class CasClient:
    """WATCH k; GET k, then MULTI; SET k v; EXEC: two round trips."""

    def __init__(self, sock, opts, pool):
        self.sock, self.opts = sock, opts
        self.buf = b""

    def start(self):
        self.key = key(random.randrange(self.opts.keyspace))
        self.stage = 0
        self.buf = b""
        self.sent_at = time.perf_counter()
        self.sock.sendall(encode(b"WATCH", self.key) + encode(b"GET", self.key))

    def _complete(self):
        # Stage 0: "+OK" then a bulk ("$-1" or "$n" + value); stage 1:
        # "+OK", "+QUEUED", then "*-1" or "*1" + "+OK".
        lines = self.buf.split(b"\r\n")
        if self.stage == 0:
            if len(lines) < 3:
                return False
            return lines[1] == b"$-1" or len(lines) >= 4
        if len(lines) < 4:
            return False
        return lines[2] == b"*-1" or len(lines) >= 5

    def on_data(self, data):
        self.buf += data
        if not self._complete():
            return 0
        if self.stage == 0:
            self.stage = 1
            self.buf = b""
            self.sock.sendall(encode(b"MULTI") + encode(b"SET", self.key, b"v") + encode(b"EXEC"))
            return 0
        return 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=("multi", "cas"), required=True)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--pipeline", type=int, default=32)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--keyspace", type=int, default=1000000)
    opts = p.parse_args()

    pool = [encode(b"MULTI") + encode(b"SET", key(random.randrange(opts.keyspace)), b"v") +
            encode(b"SET", key(random.randrange(opts.keyspace)), b"v") +
            encode(b"INCR", key(random.randrange(opts.keyspace)) + b":n") + encode(b"EXEC")
            for _ in range(4096)]
    kind = MultiClient if opts.mode == "multi" else CasClient
    sel = selectors.DefaultSelector()
    clients = []
    for _ in range(opts.clients):
        s = socket.create_connection(("127.0.0.1", opts.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c = kind(s, opts, pool)
        clients.append(c)
        sel.register(s, selectors.EVENT_READ, c)
    done = 0
    latencies = []
    started = time.perf_counter()
    for c in clients:
        c.start()
    while done < opts.requests:
        for sk, _ in sel.select():
            c = sk.data
            data = c.sock.recv(1 << 20)
            if not data:
                raise SystemExit("tx_load: the server closed a connection")
            finished = c.on_data(data)
            if finished:
                now = time.perf_counter()
                latencies.append((now - c.sent_at) * 1000)
                done += finished
                if done < opts.requests:
                    c.start()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print("%d,%.3f,%.1f,%.3f,%.3f" % (done, elapsed, done / elapsed,
                                      statistics.median(latencies), p99))


if __name__ == "__main__":
    main()
