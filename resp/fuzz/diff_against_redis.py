#!/usr/bin/env python3
"""Differential check of RequestParser against a real redis-server.

Sends every default-limits fuzz input (first byte % 4 == 0) to a throwaway
redis-server and compares, per input, the number of commands executed (one
reply each) and the final "Protocol error" text with what RequestParser
reports. Commands that block, subscribe, change the connection or the server
are renamed away, so every parsed command yields exactly one reply.

  bazel build //resp:request_trace
  python3 resp/fuzz/diff_against_redis.py [DIR_OR_FILE ...]

Defaults to resp/fuzz/corpus and fuzz-out/corpus. Exits 1 on any mismatch.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACER = os.path.join(ROOT, "bazel-bin", "resp", "request_trace")
RENAMED = ("SHUTDOWN DEBUG FLUSHALL FLUSHDB CONFIG MONITOR SUBSCRIBE PSUBSCRIBE SSUBSCRIBE "
           "BLPOP BRPOP BLMOVE BLMPOP BRPOPLPUSH BZPOPMIN BZPOPMAX BZMPOP XREAD XREADGROUP "
           "WAIT REPLICAOF SLAVEOF SYNC PSYNC CLIENT MULTI QUIT RESET HELLO AUTH SAVE BGSAVE "
           "BGREWRITEAOF FAILOVER MODULE SCRIPT EVAL EVALSHA FCALL FUNCTION ACL").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port, data, wait=0.15):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(data)
        s.settimeout(wait)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
    return out


def count_replies(r):
    """Top-level RESP2 replies in r (a complete prefix is assumed)."""
    def one(pos):
        kind, end = r[pos:pos + 1], r.index(b"\r\n", pos)
        line, pos = r[pos + 1:end], end + 2
        if kind in (b"+", b"-", b":"):
            return pos
        if kind == b"$":
            n = int(line)
            return pos if n < 0 else pos + n + 2
        if kind == b"*":
            for _ in range(max(int(line), 0)):
                pos = one(pos)
            return pos
        raise ValueError("unexpected reply type %r" % kind)
    pos, n = 0, 0
    while pos < len(r):
        pos, n = one(pos), n + 1
    return n


def main(args):
    paths = args or [os.path.join(ROOT, "resp/fuzz/corpus"), os.path.join(ROOT, "fuzz-out/corpus")]
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p))
        elif os.path.exists(p):
            files.append(p)
    if not os.path.exists(TRACER):
        sys.exit("build the tracer first: bazel build //resp:request_trace")
    ours = subprocess.run([TRACER] + files, check=True, capture_output=True).stdout
    port = free_port()
    workdir = tempfile.mkdtemp()
    cmd = ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
           "--dir", workdir]
    for name in RENAMED:
        cmd += ["--rename-command", name, ""]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                send(port, b"PING\r\n", 0.05)
                break
            except OSError:
                time.sleep(0.1)
        checked = mismatches = 0
        for line in ours.splitlines():
            path, commands, error = line.split(b"\t")
            data = open(path, "rb").read()[1:]
            reply = send(port, data)
            errors = re.findall(rb"-(ERR Protocol error: [^\r]*)\r\n", reply)
            theirs = errors[-1] if errors else b""
            executed = count_replies(reply) - (1 if theirs else 0)
            checked += 1
            if theirs != error or executed != int(commands):
                mismatches += 1
                print("MISMATCH %s: ours %s commands %r, redis %d commands %r" %
                      (path.decode(), commands.decode(), error, executed, theirs))
        print("%d inputs checked, %d mismatches" % (checked, mismatches))
        return 1 if mismatches else 0
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
