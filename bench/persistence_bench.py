#!/usr/bin/env python3
"""Persistence benchmark: our server vs the real redis-server, in one run.

P1 save and load: SAVE of --keys strings (16-100 random bytes) and of a mix
   of lists, sets, hashes and sorted sets, small and big (--keys elements in
   all); each server's file is then loaded at start by both servers, so each
   file is timed under both loaders. Load time is the wall time from the
   process's start to its first +PONG (Redis answers -LOADING before), with
   DBSIZE checked after; the servers' own "DB loaded from disk" figure is
   shown beside it.
P2 SET throughput while BGSAVE runs: redis-benchmark SETs random keys of a
   --bg-keys dataset (64-byte values) for --window seconds, once without a
   snapshot and once with BGSAVE started again as soon as the last one
   finished (Redis forks; we do not). Counted by the server
   (total_commands_processed), per second and per server CPU-second (a
   running BGSAVE child included); a probe client times one SET every 5 ms.
P4 SET throughput with the append-only file: redis-benchmark's T3 shape
   (-c --aof-clients -P --aof-pipeline, random keys of a 1M keyspace, 64-byte
   values) for --window seconds on a fresh server without AOF, with
   appendonly yes + appendfsync everysec, and with always; counted by the
   server, per second and per server CPU-second (its fsync and writer
   threads included). Automatic rewrites are off in both servers
   (auto-aof-rewrite-percentage 0): the figure is the append path alone.
P3 memory during BGSAVE under that write load: our process's RSS (sampled
   every 10 ms, and VmHWM reset before the save), Redis's parent RSS plus its
   child's Private_Dirty (/proc/PID/smaps_rollup), as growth over the RSS just
   before BGSAVE, in percent of used_memory.

Pinning follows compare.py: on <= 4 cores the clients (redis-benchmark and
this script) run on core 0 and the servers on the others, so on 2 cores both
servers -- all our workers, our file writer, Redis and its forked child --
share core 1.

Servers and, for loads, files alternate every repetition; the table shows
medians and ours / Redis. CPU-s (utime+stime, children included) is the
figure to trust on a shared machine; wall seconds move with its load.

  bazel run //bench:persistence_bench -- [--threads N] [--keys 1000000]
      [--repeat 3] [--bg-keys 3000000] [--window 20]
      [--only P1 --only P2 ... --only P4] [--server PATH] [--workdir DIR] [--csv FILE]
      [--server-args '--rdbcompression no']
"""
import argparse
import csv
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
LOADED_RE = re.compile(rb"DB loaded from disk: .*?([0-9.]+) seconds")
ALNUM = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median(values):
    return statistics.median(values) if values else float("nan")


def cpu_seconds(pid):
    """utime + stime of every thread, plus reaped children (Redis's forks)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / CLK_TCK


def proc_kb(path, field):
    """A "Field:   123 kB" line of a /proc file, or 0 once the process is gone."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def status_kb(pid, field):
    return proc_kb("/proc/%d/status" % pid, field)


def rollup_kb(pid, field):
    return proc_kb("/proc/%d/smaps_rollup" % pid, field)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """A minimal RESP2 client for the control commands."""

    def __init__(self, port, timeout=600):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.f = self.sock.makefile("rb")

    def close(self):
        self.f.close()
        self.sock.close()

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.read()

    def read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data.decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def check(self, *args):
        r = self.call(*args)
        if isinstance(r, Exception):
            raise RuntimeError("%s: %s" % (args[0], r))
        return r

    def info(self, section):
        out = {}
        for line in self.check("INFO", section).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v
        return out


class Server:
    """One server process. `kind` is "redis" or "ours"; `label` is what the
    tables call it (e.g. "ours t2")."""

    def __init__(self, kind, label, binary, threads, cpus, workdir, extra=()):
        self.kind, self.label, self.binary, self.threads = kind, label, binary, threads
        self.cpus, self.workdir, self.extra = cpus, workdir, list(extra)
        self.proc = None

    def argv(self, dir_):
        if self.kind == "redis":
            a = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--maxclients", "10000", "--dir", dir_,
                 "--dbfilename", "dump.rdb", "--logfile", ""]
        else:
            a = [self.binary, "--port", str(self.port), "--threads", str(self.threads),
                 "--save", "", "--dir", dir_, "--dbfilename", "dump.rdb"]
        a += self.extra
        if self.cpus:
            a = ["taskset", "-c", self.cpus] + a
        return a

    def start(self, dir_, expect_keys=None, timeout=600):
        """Starts on dir_/dump.rdb; returns (seconds to the first +PONG,
        seconds to a complete DBSIZE)."""
        self.port = free_port()
        self.dir = dir_
        self.logpath = os.path.join(self.workdir, "%s-%d.log" % (self.label.replace(" ", "_"),
                                                                  self.port))
        self.logfile = open(self.logpath, "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.argv(dir_), stdout=self.logfile,
                                     stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        conn = None
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited at start: %s" % (self.label, self.log_text()[-800:]))
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not answer PING" % self.label)
            try:
                if conn is None:
                    conn = Conn(self.port, timeout=5)
                r = conn.call("PING")
                if r == "PONG":
                    break
            except OSError:
                if conn is not None:
                    conn.close()
                conn = None
            time.sleep(0.002)
        t_pong = time.monotonic() - t0
        self.start_cpu = cpu_seconds(self.pid)  # CPU it took to get here
        while expect_keys is not None:
            n = conn.check("DBSIZE")
            if n == expect_keys:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("%s: DBSIZE %d, expected %d" % (self.label, n, expect_keys))
            time.sleep(0.002)
        t_dbsize = time.monotonic() - t0
        conn.close()
        self.conn = Conn(self.port)
        return t_pong, t_dbsize

    @property
    def pid(self):
        """The server's own pid (taskset execs it, so it is the Popen pid)."""
        return self.proc.pid

    def log_text(self):
        if not self.logfile.closed:
            self.logfile.flush()
        with open(self.logpath, "rb") as f:
            return f.read()

    def reported_load_seconds(self):
        m = LOADED_RE.search(self.log_text())
        return float(m.group(1)) if m else float("nan")

    def stop(self):
        if self.proc is None:
            return
        try:
            self.conn.close()
        except Exception:
            pass
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.logfile.close()
        self.proc = None

    def wait_bgsave_done(self, poll=0.01):
        while self.conn.info("persistence").get("rdb_bgsave_in_progress") == "1":
            time.sleep(poll)


# ---------------------------------------------------------------------------
# Datasets: lists of RESP batches, built once and sent to every server.

class Dataset:
    def __init__(self, name, batches, keys, elements, describe):
        self.name, self.batches, self.keys = name, batches, keys
        self.elements, self.describe = elements, describe


def random_pool(rng, size=1 << 20):
    return bytes(ALNUM[b % len(ALNUM)] for b in rng.randbytes(size))


def batched(commands, per_batch):
    return [b"".join(commands[i:i + per_batch]) for i in range(0, len(commands), per_batch)], \
        [len(commands[i:i + per_batch]) for i in range(0, len(commands), per_batch)]


def strings_dataset(count, rng, key_format=b"str:%010d", sizes=(16, 100)):
    pool = random_pool(rng)
    limit = len(pool) - sizes[1]
    lo, hi = sizes
    cmds = []
    for i in range(count):
        n = rng.randint(lo, hi)
        off = rng.randrange(limit)
        cmds.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
            len(key_format % i), key_format % i, n, pool[off:off + n]))
    data, counts = batched(cmds, 10000)
    desc = "%d strings, %d-%d random alphanumeric bytes" % (count, lo, hi)
    return Dataset("strings" if key_format.startswith(b"str") else "bg", list(zip(data, counts)),
                   count, count, desc)


def mix_dataset(elements, rng, small=16, big=10000):
    """elements/4 per type; half of each in containers of `small`, half in
    containers of `big` (fewer when elements is tiny). Small sets alternate
    integer members (intset) and strings."""
    pool = random_pool(rng)

    def word(lo=8, hi=24):
        n = rng.randint(lo, hi)
        off = rng.randrange(len(pool) - n)
        return pool[off:off + n]

    per_type = max(2 * small, elements // 4)
    big = min(big, per_type // 2)
    n_small, n_big = (per_type // 2) // small, max(1, (per_type // 2) // big)
    cmds, keys, total = [], 0, 0
    for kind in ("list", "set", "hash", "zset"):
        for shape, count, size in (("s", n_small, small), ("b", n_big, big)):
            for k in range(count):
                key = b"%s:%s:%08d" % (kind.encode(), shape.encode(), k)
                keys += 1
                for first in range(0, size, 1000):
                    n = min(1000, size - first)
                    total += n
                    if kind == "list":
                        cmds.append(encode(b"RPUSH", key, *[word() for _ in range(n)]))
                    elif kind == "set":
                        if shape == "s" and k % 2 == 0:
                            members = [b"%d" % (first + i) for i in range(n)]
                        else:  # distinct: the index, then random bytes
                            members = [b"%d:%s" % (first + i, word()) for i in range(n)]
                        cmds.append(encode(b"SADD", key, *members))
                    elif kind == "hash":
                        args = []
                        for i in range(n):
                            args += [b"f%d" % (first + i), word(4, 40)]
                        cmds.append(encode(b"HSET", key, *args))
                    else:
                        args = []
                        for i in range(n):
                            args += [b"%.3f" % (rng.random() * 1e6), b"m%d:%s" % (first + i,
                                                                                 word())]
                        cmds.append(encode(b"ZADD", key, *args))
    rng.shuffle(cmds)  # interleave the types, as traffic would
    data, counts = batched(cmds, 200)
    desc = ("%d keys, %d elements: per type (list, set, hash, zset) %d x %d and %d x %d"
            % (keys, total, n_small, small, n_big, big))
    return Dataset("mix", list(zip(data, counts)), keys, total, desc)


def populate(server, dataset):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        for data, count in dataset.batches:
            s.sendall(data)
            got = 0
            while got < count:
                chunk = s.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("%s closed the connection while loading" % server.label)
                got += chunk.count(b"\n")
                if chunk.startswith(b"-") or b"\n-" in chunk:
                    raise RuntimeError("%s: load failed: %r" % (server.label, chunk[:200]))
    n = server.conn.check("DBSIZE")
    if n != dataset.keys:
        raise RuntimeError("%s: DBSIZE %d after loading %d keys" % (server.label, n, dataset.keys))


# ---------------------------------------------------------------------------
# P1: SAVE and load at start.

def p1_save_load(opts, servers, workdir, rows):
    rng = random.Random(1)
    datasets = [strings_dataset(opts.keys, rng), mix_dataset(opts.keys, rng)]
    empty = os.path.join(workdir, "empty")
    os.makedirs(empty, exist_ok=True)
    # Start-up with no file: the floor under every load figure.
    for rep in range(opts.repeat):
        for s in order(servers, rep):
            t, _ = s.start(empty, 0)
            cpu = s.start_cpu
            s.stop()
            rows.append(dict(part="P1", what="start, no file", server=s.label, value=t))
            rows.append(dict(part="P1", what="start, no file, CPU-s", server=s.label,
                             value=cpu))
    for ds in datasets:
        log("P1 %s: %s" % (ds.name, ds.describe))
        files = {}
        for s in servers:
            d = os.path.join(workdir, "save-%s-%s" % (ds.name, s.kind))
            os.makedirs(d, exist_ok=True)
            s.start(d, 0)
            t = time.monotonic()
            populate(s, ds)
            log("  populated %s in %.1f s; used_memory %.1f MB" % (
                s.label, time.monotonic() - t, int(s.conn.info("memory")["used_memory"]) / 2**20))
            rows.append(dict(part="P1", what="%s used_memory MB" % ds.name, server=s.label,
                             value=int(s.conn.info("memory")["used_memory"]) / 2**20))
        for rep in range(opts.repeat):
            for s in order(servers, rep):
                c0, t0 = cpu_seconds(s.pid), time.monotonic()
                s.conn.check("SAVE")
                t, c = time.monotonic() - t0, cpu_seconds(s.pid) - c0
                rows.append(dict(part="P1", what="%s SAVE s" % ds.name, server=s.label, value=t))
                rows.append(dict(part="P1", what="%s SAVE CPU-s" % ds.name, server=s.label,
                                 value=c))
                t0 = time.monotonic()
                s.conn.check("BGSAVE")
                s.wait_bgsave_done(poll=0.005)
                rows.append(dict(part="P1", what="%s BGSAVE (idle) s" % ds.name, server=s.label,
                                 value=time.monotonic() - t0))
                log("  %s SAVE %s: %.2f s (%.2f CPU-s)" % (ds.name, s.label, t, c))
        for s in servers:
            s.stop()
            path = os.path.join(s.dir, "dump.rdb")
            files[s.kind] = path
            rows.append(dict(part="P1", what="%s file MB" % ds.name, server=s.label,
                             value=os.path.getsize(path) / 2**20))
        # Every server loads every file; servers alternate, files too.
        for rep in range(opts.repeat):
            for kind in (("redis", "ours") if rep % 2 == 0 else ("ours", "redis")):
                src = files[kind]
                for s in order(servers, rep):
                    d = os.path.join(workdir, "load-%s" % s.kind)
                    shutil.rmtree(d, ignore_errors=True)
                    os.makedirs(d)
                    os.link(src, os.path.join(d, "dump.rdb"))
                    t_pong, t_dbsize = s.start(d, ds.keys)
                    s.stop()
                    reported = s.reported_load_seconds()
                    writer = "Redis" if kind == "redis" else "ours"
                    what = "%s load %s-written file" % (ds.name, writer)
                    rows.append(dict(part="P1", what=what + " s", server=s.label, value=t_pong))
                    rows.append(dict(part="P1", what=what + " (own log) s", server=s.label,
                                     value=reported))
                    rows.append(dict(part="P1", what=what + ", CPU-s", server=s.label,
                                     value=s.start_cpu))
                    log("  %s by %s: PONG after %.2f s, DBSIZE after %.2f s, log says %.2f s"
                        % (what, s.label, t_pong, t_dbsize, reported))


def order(servers, rep):
    return servers if rep % 2 == 0 else list(reversed(servers))


# ---------------------------------------------------------------------------
# P2 and P3: SET throughput and memory while BGSAVE runs.

ACTIVE_LOADS = []  # redis-benchmark processes to stop if the run is interrupted


def start_load(opts, server, value, client_cpus):
    """redis-benchmark SETting random keys of the dataset until stopped."""
    argv = set_load_argv(opts, server, value, 10**10, client_cpus)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ACTIVE_LOADS.append(proc)
    return proc


def stop_load(proc):
    proc.terminate()
    proc.wait()
    ACTIVE_LOADS.remove(proc)


def set_load_argv(opts, server, value, n, client_cpus):
    argv = ["redis-benchmark", "-p", str(server.port), "-n", str(n), "-c", str(opts.clients),
            "-P", str(opts.pipeline), "-r", str(opts.bg_keys), "--csv",
            "SET", "key:__rand_int__", value]
    if client_cpus:
        argv = ["taskset", "-c", client_cpus] + argv
    return argv


def total_cpu_seconds(pid):
    """The server's CPU including its forks: reaped children are in
    cutime/cstime, a running BGSAVE child is read directly, so a difference
    of two readings is exactly the CPU spent in between."""
    total = cpu_seconds(pid)
    for child in children(pid):
        try:
            total += cpu_seconds(child)
        except OSError:
            pass
    return total


def commands_processed(conn):
    return int(conn.info("stats")["total_commands_processed"])


class LatencyProbe(threading.Thread):
    """One more client: a SET every 5 ms, timed from send to reply. Shows the
    stalls a snapshot causes (Redis's fork, our slices) beside the load."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.stop_flag, self.rtts, self.error = server, threading.Event(), [], None
        self.worst = (0.0, 0.0)  # the longest round trip, and when it ended

    def run(self):
        try:
            conn = Conn(self.server.port)
            while not self.stop_flag.is_set():
                t = time.perf_counter()
                conn.check("SET", "latency:probe", "x")
                rtt = time.perf_counter() - t
                self.rtts.append(rtt)
                if rtt > self.worst[0]:
                    self.worst = (rtt, time.monotonic())
                time.sleep(0.005)
            conn.close()
        except Exception as e:
            self.error = e

    def percentile(self, q):
        v = sorted(self.rtts)
        return v[min(len(v) - 1, int(q * len(v)))] * 1000 if v else float("nan")


class BgsaveLoop(threading.Thread):
    """Starts BGSAVE whenever none is running, until stopped; records how
    long each took and how much of the window a save covered."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.stop_flag = server, threading.Event()
        self.durations, self.error = [], None

    def run(self):
        try:
            conn = Conn(self.server.port)
            while not self.stop_flag.is_set():
                t0 = time.monotonic()
                r = conn.call("BGSAVE")
                if isinstance(r, Exception):
                    raise RuntimeError("BGSAVE: %s" % r)
                while conn.info("persistence").get("rdb_bgsave_in_progress") == "1":
                    time.sleep(0.01)
                t1 = time.monotonic()
                if conn.info("persistence").get("rdb_last_bgsave_status") != "ok":
                    raise RuntimeError("BGSAVE failed")
                self.durations.append((t0, t1))
            conn.close()
        except Exception as e:  # reported by the main thread
            self.error = e


def bg_setup(opts, server, dataset, workdir):
    d = os.path.join(workdir, "bg-%s" % server.kind)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    server.start(d, 0)
    t = time.monotonic()
    populate(server, dataset)
    log("  populated %s with %d keys in %.1f s" % (server.label, dataset.keys,
                                                   time.monotonic() - t))


def p2_throughput(opts, servers, value, client_cpus, rows):
    """A window of --window seconds of pipelined SETs, counted by the server
    (total_commands_processed), with and without BGSAVEs back to back."""
    for rep in range(opts.repeat):
        for s in order(servers, rep):
            modes = ("idle", "bgsave") if rep % 2 == 0 else ("bgsave", "idle")
            for mode in modes:
                load = start_load(opts, s, value, client_cpus)
                try:
                    time.sleep(1.0)  # connections up, the rate steady
                    if load.poll() is not None:
                        raise RuntimeError("redis-benchmark exited early")
                    probe = LatencyProbe(s)
                    loop = BgsaveLoop(s) if mode == "bgsave" else None
                    n0, c0, t0 = commands_processed(s.conn), total_cpu_seconds(s.pid), \
                        time.monotonic()
                    probe.start()
                    if loop:
                        loop.start()
                    time.sleep(opts.window)
                    n1, c1, t1 = commands_processed(s.conn), total_cpu_seconds(s.pid), \
                        time.monotonic()
                    probe.stop_flag.set()
                    if loop:
                        loop.stop_flag.set()
                        loop.join()
                    probe.join()
                finally:
                    stop_load(load)
                for t in (probe, loop):
                    if t is not None and t.error:
                        raise t.error
                s.wait_bgsave_done()
                rate, cpu = (n1 - n0) / (t1 - t0), c1 - c0
                what = "SET during BGSAVE" if loop else "SET, no snapshot"
                add = lambda w, v: rows.append(dict(part="P2", what=w, server=s.label,  # noqa
                                                    value=v))
                add(what + " /s", rate)
                add(what + " per server CPU-s", (n1 - n0) / cpu if cpu > 0 else float("nan"))
                add(what + ", probe p50 ms", probe.percentile(0.5))
                add(what + ", probe p99 ms", probe.percentile(0.99))
                add(what + ", probe max ms", probe.percentile(1.0))
                extra = ""
                if loop:
                    saves = sum(1 for a, b in loop.durations if b <= t1)
                    covered = sum(min(b, t1) - max(a, t0) for a, b in loop.durations) / (t1 - t0)
                    add("BGSAVEs finished in window", saves)
                    add("window covered by a BGSAVE %", 100 * covered)
                    extra = ", %d saves, %.0f%% covered (BGSAVEs at %s s)" % (
                        saves, 100 * covered,
                        ", ".join("+%.1f-%.1f" % (a - t0, b - t0) for a, b in loop.durations))
                extra += "; worst probe ended at +%.2f s" % (probe.worst[1] - t0)
                log("  %s %s: %.0f SET/s, %.0f per CPU-s, probe p99 %.2f ms max %.2f ms%s" % (
                    s.label, what, rate, (n1 - n0) / cpu if cpu > 0 else 0,
                    probe.percentile(0.99), probe.percentile(1.0), extra))
    for s in servers:
        idle = [r["value"] for r in rows if r["server"] == s.label and
                r["what"] == "SET, no snapshot /s"]
        busy = [r["value"] for r in rows if r["server"] == s.label and
                r["what"] == "SET during BGSAVE /s"]
        rows.append(dict(part="P2", what="SET/s during BGSAVE, % of no snapshot",
                         server=s.label, value=100 * median(busy) / median(idle)))


def memory_sample(server):
    """kB: (the process's RSS, and for Redis the forked child's
    Private_Dirty, the parent's Private_Dirty)."""
    rss = status_kb(server.pid, "VmRSS")
    if server.kind != "redis":
        return rss, 0, 0
    kids = children(server.pid)
    child_dirty = sum(rollup_kb(k, "Private_Dirty") for k in kids)
    return rss, child_dirty, rollup_kb(server.pid, "Private_Dirty") if kids else 0


def p3_memory(opts, servers, value, client_cpus, rows):
    for rep in range(opts.repeat):
        for s in order(servers, rep):
            load = start_load(opts, s, value, client_cpus)
            try:
                time.sleep(1.0)  # the load is running
                used = int(s.conn.info("memory")["used_memory"])
                before = status_kb(s.pid, "VmRSS")
                if s.kind != "redis":
                    with open("/proc/%d/clear_refs" % s.pid, "w") as f:
                        f.write("5")  # VmHWM := VmRSS
                s.conn.check("BGSAVE")
                t0 = time.monotonic()
                peak, peak_child, peak_parent_dirty, samples = before, 0, 0, 0
                info_at = 0.0
                while True:
                    rss, child_dirty, parent_dirty = memory_sample(s)
                    samples += 1
                    peak = max(peak, rss + child_dirty)
                    peak_child = max(peak_child, child_dirty)
                    peak_parent_dirty = max(peak_parent_dirty, parent_dirty)
                    now = time.monotonic()
                    if now - info_at > 0.05:
                        info_at = now
                        if s.conn.info("persistence").get("rdb_bgsave_in_progress") != "1":
                            break
                    time.sleep(0.01)
                took = time.monotonic() - t0
                hwm = status_kb(s.pid, "VmHWM") if s.kind != "redis" else 0
                peak = max(peak, hwm)
            finally:
                stop_load(load)
            growth = (peak - before) * 1024
            rows.append(dict(part="P3", what="used_memory before MB", server=s.label,
                             value=used / 2**20))
            rows.append(dict(part="P3", what="RSS before MB", server=s.label,
                             value=before / 1024))
            rows.append(dict(part="P3", what="peak MB", server=s.label, value=peak / 1024))
            rows.append(dict(part="P3", what="growth % of used_memory", server=s.label,
                             value=100.0 * growth / used))
            rows.append(dict(part="P3", what="BGSAVE under load s", server=s.label, value=took))
            if s.kind == "redis":
                rows.append(dict(part="P3", what="child Private_Dirty peak MB", server=s.label,
                                 value=peak_child / 1024))
                cow = int(s.conn.info("persistence").get("rdb_last_cow_size", 0))
                rows.append(dict(part="P3", what="Redis's rdb_last_cow_size MB", server=s.label,
                                 value=cow / 2**20))
            log("  %s: RSS %.0f MB before, peak %.0f MB (+%.1f%% of used_memory %.0f MB), "
                "%d samples in %.1f s" % (s.label, before / 1024, peak / 1024,
                                          100.0 * growth / used, used / 2**20, samples, took))


AOF_MODES = [
    ("no AOF", []),
    ("appendonly everysec", ["--appendonly", "yes", "--appendfsync", "everysec"]),
    ("appendonly always", ["--appendonly", "yes", "--appendfsync", "always"]),
]


def aof_bytes(dir_):
    total = 0
    for root, _, files in os.walk(dir_):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def p4_aof(opts, servers, value, client_cpus, workdir, rows):
    """T3-shaped SETs on a fresh server per mode: no AOF, everysec, always."""
    for rep in range(opts.repeat):
        for s in order(servers, rep):
            modes = AOF_MODES if rep % 2 == 0 else list(reversed(AOF_MODES))
            for name, args in modes:
                d = os.path.join(workdir, "aof-%s" % s.kind)
                shutil.rmtree(d, ignore_errors=True)
                os.makedirs(d)
                base_extra = s.extra
                s.extra = base_extra + args + ["--auto-aof-rewrite-percentage", "0"]
                try:
                    s.start(d, 0)
                    argv = ["redis-benchmark", "-p", str(s.port), "-n", str(10**10), "-c",
                            str(opts.aof_clients), "-P", str(opts.aof_pipeline), "-r", "1000000",
                            "--csv", "SET", "key:__rand_int__", value]
                    if client_cpus:
                        argv = ["taskset", "-c", client_cpus] + argv
                    load = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
                    ACTIVE_LOADS.append(load)
                    try:
                        time.sleep(1.5)  # 2000 connections up, the rate steady
                        if load.poll() is not None:
                            raise RuntimeError("redis-benchmark exited early")
                        n0, c0, t0 = commands_processed(s.conn), total_cpu_seconds(s.pid), \
                            time.monotonic()
                        time.sleep(opts.window)
                        n1, c1, t1 = commands_processed(s.conn), total_cpu_seconds(s.pid), \
                            time.monotonic()
                    finally:
                        stop_load(load)
                    written = aof_bytes(d)
                    s.stop()
                finally:
                    s.extra = base_extra
                shutil.rmtree(d, ignore_errors=True)
                rate, cpu = (n1 - n0) / (t1 - t0), c1 - c0
                per_cpu = (n1 - n0) / cpu if cpu > 0 else float("nan")
                rows.append(dict(part="P4", what="SET/s, %s" % name, server=s.label, value=rate))
                rows.append(dict(part="P4", what="SET per server CPU-s, %s" % name,
                                 server=s.label, value=per_cpu))
                log("  %s %s: %.0f SET/s, %.0f per CPU-s, %.0f MB on disk" % (
                    s.label, name, rate, per_cpu, written / 2**20))


# ---------------------------------------------------------------------------

def find_our_binary(explicit):
    candidates = [explicit] if explicit else []
    candidates += ["server/server",
                   os.path.join(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."),
                                "bazel-bin/server/server")]
    for c in candidates:
        if c and os.path.exists(c):
            return os.path.abspath(c)
    sys.exit("persistence_bench: cannot find the server binary (build //server first)")


def print_table(rows, servers, opts, pinning):
    print("# Persistence: redis-server vs ours (threads=%d, keys=%d, bg-keys=%d, repeat=%d)"
          % (opts.threads, opts.keys, opts.bg_keys, opts.repeat))
    print("\n%s\n" % pinning)
    redis, ours = servers[0].label, servers[1].label
    print("| part | measure | %s | %s | ours/Redis |" % (redis, ours))
    print("|---|---|---:|---:|---:|")
    seen = []
    for r in rows:
        if (r["part"], r["what"]) not in seen:
            seen.append((r["part"], r["what"]))
    out = []
    for part, what in seen:
        vals = {}
        for label in (redis, ours):
            vs = [r["value"] for r in rows
                  if r["part"] == part and r["what"] == what and r["server"] == label]
            vals[label] = median(vs) if vs else float("nan")
        a, b = vals[redis], vals[ours]
        ratio = b / a if a and a == a and b == b else float("nan")
        fmt = "%.0f" if max(abs(a) if a == a else 0, abs(b) if b == b else 0) >= 1000 else "%.3g"
        cell = lambda v, f: "-" if v != v else f % v  # noqa: E731 (NaN: no figure)
        print("| %s | %s | %s | %s | %s |" % (part, what, cell(a, fmt), cell(b, fmt),
                                              cell(ratio, "%.2f")))
        out.append([part, what, a, b, ratio])
    if opts.csv:
        with open(opts.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["part", "measure", "redis", "ours", "ours_over_redis"])
            w.writerows(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="our server's --threads (default 1)")
    p.add_argument("--keys", type=int, default=1000000,
                   help="P1: string keys, and elements of the mixed dataset")
    p.add_argument("--bg-keys", type=int, default=3000000, help="P2/P3: keys of 64-byte values")
    p.add_argument("--window", type=float, default=20.0,
                   help="P2: seconds of SET load measured per run (default 20)")
    p.add_argument("--clients", type=int, default=50, help="P2/P3: redis-benchmark -c")
    p.add_argument("--pipeline", type=int, default=16, help="P2/P3: redis-benchmark -P")
    p.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    p.add_argument("--aof-clients", type=int, default=2000, help="P4: redis-benchmark -c (T3)")
    p.add_argument("--aof-pipeline", type=int, default=32, help="P4: redis-benchmark -P (T3)")
    p.add_argument("--only", action="append", choices=["P1", "P2", "P3", "P4"])
    p.add_argument("--server", help="path to our server binary")
    p.add_argument("--server-args", default="",
                   help="extra arguments for both servers, e.g. '--rdbcompression no'")
    p.add_argument("--workdir", help="where the dump files go (default: a new dir in /tmp, "
                   "removed at the end)")
    p.add_argument("--csv", help="also write the table to this CSV file")
    opts = p.parse_args()

    for tool in ("redis-server", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit("persistence_bench: %s not found; run tools/bootstrap.sh" % tool)
    ncpu = os.cpu_count() or 1
    server_cpus = client_cpus = None
    if ncpu <= 4 and ncpu > 1 and shutil.which("taskset"):
        client_cpus = "0"
        server_cpus = "1-%d" % (ncpu - 1) if ncpu > 2 else "1"
        os.sched_setaffinity(0, {0})  # this script's pollers and samplers too
    pinning = ("Pinning: %d cores; redis-benchmark and this script (pollers, samplers) on "
               "core %s; redis-server (and its BGSAVE child) and ours (%d worker%s, the "
               "snapshot file writer) on core %s, one server busy at a time."
               % (ncpu, client_cpus or "any", opts.threads, "s" if opts.threads > 1 else "",
                  server_cpus or "any"))
    log(pinning)
    ours_bin = find_our_binary(opts.server)
    workdir = opts.workdir or tempfile.mkdtemp(prefix="persistence_bench.")
    os.makedirs(workdir, exist_ok=True)
    extra = opts.server_args.split()
    servers = [Server("redis", "redis", None, 0, server_cpus, workdir, extra),
               Server("ours", "ours t%d" % opts.threads, ours_bin, opts.threads, server_cpus,
                      workdir, extra)]
    rows = []
    parts = opts.only or ["P1", "P2", "P3", "P4"]
    # SIGTERM runs the clean-up below (servers, loads) like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("persistence_bench: terminated"))
    load_before = os.getloadavg()
    try:
        if "P1" in parts:
            p1_save_load(opts, servers, workdir, rows)
        if "P2" in parts or "P3" in parts:
            rng = random.Random(2)
            dataset = strings_dataset(opts.bg_keys, rng, key_format=b"key:%012d",
                                      sizes=(64, 64))
            # Overwrites as incompressible as what they replace, so the
            # snapshots of later runs cost what the first one did.
            value = random_pool(rng, 64).decode()
            log("P2/P3: %s" % dataset.describe)
            for s in servers:
                bg_setup(opts, s, dataset, workdir)
                rows.append(dict(part="P2", what="dataset used_memory MB", server=s.label,
                                 value=int(s.conn.info("memory")["used_memory"]) / 2**20))
            if "P2" in parts:
                p2_throughput(opts, servers, value, client_cpus, rows)
            if "P3" in parts:
                p3_memory(opts, servers, value, client_cpus, rows)
            for s in servers:
                s.stop()
        if "P4" in parts:
            log("P4: T3 SETs (-c %d -P %d, 1M keys) without AOF, everysec, always" % (
                opts.aof_clients, opts.aof_pipeline))
            p4_aof(opts, servers, random_pool(random.Random(4), 64).decode(), client_cpus,
                   workdir, rows)
    finally:
        for proc in list(ACTIVE_LOADS):
            stop_load(proc)
        for s in servers:
            s.stop()
        if not opts.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    pinning += ("\nLoad average (1 min) %.2f at the start, %.2f at the end: other work on the "
                "machine shares both cores." % (load_before[0], os.getloadavg()[0]))
    print_table(rows, servers, opts, pinning)


if __name__ == "__main__":
    main()
