#!/usr/bin/env python3
"""Load generator for Pub/Sub, used by compare.py's T8 rows. Subscribers
are sockets this process drains; publishers are redis-benchmark sending
pipelined PUBLISH. Prints one CSV line like tx_load.py:
delivered,seconds,rps,p50_ms,p99_ms (rps: messages delivered per second;
latencies: redis-benchmark's, of PUBLISH).

  fanout: one publisher to one channel with --subscribers subscribers.
  pairs:  --subscribers publishers to as many channels, one subscriber
          each (redis-benchmark -r picks the channel per PUBLISH).

  pubsub_load.py --port P --mode fanout|pairs [--subscribers 50]
                 [--requests N] [--pipeline 32]
"""
import argparse
import csv
import selectors
import socket
import subprocess
import sys
import time

# A message arrives as *3, $7, message, $len, channel, $len, payload: seven
# lines, no newline inside the channel or payload used here. Newlines, not
# CRLFs, are counted: a read may end between a CR and its LF.
LINES_PER_MESSAGE = 7
PAYLOAD = "x" * 32


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def channel(i):
    return "ch:%012d" % i  # what redis-benchmark's __rand_int__ becomes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", choices=["fanout", "pairs"], required=True)
    ap.add_argument("--subscribers", type=int, default=50)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--pipeline", type=int, default=32)
    opts = ap.parse_args()

    sel = selectors.DefaultSelector()
    socks = []
    for i in range(opts.subscribers):
        s = socket.create_connection(("127.0.0.1", opts.port))
        s.sendall(encode("subscribe", channel(0 if opts.mode == "fanout" else i)))
        socks.append(s)
    for s in socks:  # each confirmation is *3 $9 subscribe $15 <channel> :n
        got = b""
        while got.count(b"\r\n") < 6:
            got += s.recv(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)

    if opts.mode == "fanout":
        bench = ["-c", "1", "publish", channel(0), PAYLOAD]
        want = opts.requests * opts.subscribers
    else:
        bench = ["-c", str(opts.subscribers), "-r", str(opts.subscribers), "publish",
                 "ch:__rand_int__", PAYLOAD]
        want = opts.requests
    argv = ["redis-benchmark", "-p", str(opts.port), "-n", str(opts.requests), "-P",
            str(opts.pipeline), "--csv"] + bench
    start = time.perf_counter()
    publisher = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = 0
    deadline = time.time() + 600
    while lines < want * LINES_PER_MESSAGE and time.time() < deadline:
        for key, _ in sel.select(timeout=1.0):
            try:
                data = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            lines += data.count(b"\n")
    seconds = time.perf_counter() - start
    out, err = publisher.communicate(timeout=600)
    delivered = lines // LINES_PER_MESSAGE
    if delivered < want:
        sys.exit("only %d of %d messages arrived: %s" % (delivered, want, err[-300:]))
    rows = list(csv.reader(out.strip().splitlines()))
    row = dict(zip(rows[0], rows[-1]))
    print("%d,%.3f,%.1f,%s,%s" % (delivered, seconds, delivered / seconds,
                                  row["p50_latency_ms"], row["p99_latency_ms"]))
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
