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
import shutil
import signal
import socket
import sys
import tempfile
import time

from persistence_server import ALNUM, Server, cpu_seconds, encode, log, median
from persistence_under_load import ACTIVE_LOADS, order, p2_throughput, p3_memory, p4_aof, \
    stop_load


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


def bg_setup(opts, server, dataset, workdir):
    d = os.path.join(workdir, "bg-%s" % server.kind)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    server.start(d, 0)
    t = time.monotonic()
    populate(server, dataset)
    log("  populated %s with %d keys in %.1f s" % (server.label, dataset.keys,
                                                   time.monotonic() - t))


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
