#!/usr/bin/env python3
"""Side-by-side benchmark: our server vs the real redis-server, and/or vs
another build of ours (--baseline).

Starts the servers on free loopback ports, pins them and redis-benchmark to
separate cores on small machines, runs the suite against each (alternating
their order every repetition, so drift hits all), and prints Markdown tables
with requests per second, latencies and -- the fair per-core figure --
requests per server CPU-second (from /proc/PID/stat before and after each
run). With --baseline, a table of our build's change against the baseline
build, marked better / worse / within noise (bench/changes.py).

  bazel run //bench:compare -- [--threads N] [--scale F] [--repeat K]
                               (T6, transactions, drives the load with tx_load.py)
                               (T7, scripts: EVALSHA and FCALL)
                               (T8, Pub/Sub: fan-out and pairs, pubsub_load.py)
                               [--only T3] [--csv FILE] [--memory]
                               [--memory-containers] [--server BIN]
                               [--baseline BIN [--no-redis]] [--chart FILE.svg|png]

Read saved --csv files side by side with //bench:report.
"""
import argparse
import csv
import os
import resource
import shutil
import socket
import subprocess
import sys
import time

import changes
import report
import run_data

SUITE = {
    "T2": dict(cmds=["set", "get"], args=["-c", "50"], n=100000),
    "T3": dict(cmds=["set", "get", "lpush", "lpop", "sadd", "spop"],
               args=["-c", "2000", "-P", "32"], n=1000000),
    "T4": dict(cmds=["set", "get"], args=["-d", "4096", "-c", "2000", "-P", "32"], n=200000),
    # The data types (issue #4's figures); spread over 100k keys, not 1M.
    "T5": dict(cmds=["lpush", "lpop", "sadd", "spop", "hset", "zadd", "lrange_100"],
               args=["-c", "2000", "-P", "32"], n=1000000, spread="100000"),
    # Transactions (bench/tx_load.py; redis-benchmark repeats one command):
    # pipelined MULTI; SET; SET; INCR; EXEC on random keys, and a WATCH
    # check-and-set loop. A request is a whole transaction.
    "T6": dict(cmds=["multi", "cas"], tx=True, n=200000,
               args={"multi": ["--clients", "50", "--pipeline", "32"],
                     "cas": ["--clients", "50", "--keyspace", "100000"]}),
    # Scripts: pipelined EVALSHA of INCR + EXPIRE on KEYS[1] (random keys),
    # and FCALL of the same as a function.
    "T7": dict(cmds=["evalsha", "fcall"], script=True, n=300000,
               args=["-c", "50", "-P", "32", "-r", "100000"]),
    # Pub/Sub (bench/pubsub_load.py): one pipelined publisher to one channel
    # with 50 subscribers, and 50 publishers to 50 channels with one
    # subscriber each. A request is one message delivered.
    "T8": dict(cmds=["fanout", "pairs"], pubsub=True, n={"fanout": 40000, "pairs": 400000},
               args=["--subscribers", "50", "--pipeline", "32"]),
}
SCRIPT_BODY = ("local v = redis.call('incr', KEYS[1]); "
               "redis.call('expire', KEYS[1], 100); return v")
FUNCTION_LIBRARY = ("#!lua name=bench\nredis.register_function('incr_expire', "
                    "function(keys, args) " + SCRIPT_BODY.replace("KEYS", "keys") + " end)")
TX_LOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tx_load.py")
PUBSUB_LOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pubsub_load.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime, all threads


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def find_our_binary(explicit):
    if explicit:
        if not os.path.exists(explicit):
            sys.exit("compare: %s does not exist" % explicit)
        return os.path.realpath(explicit)
    candidates = ["server/server",
                  os.path.join(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."),
                               "bazel-bin/server/server")]
    for c in candidates:
        if c and os.path.exists(c):
            return os.path.realpath(c)
    sys.exit("compare: cannot find the server binary (build //server first)")


class Server:
    def __init__(self, name, argv, port, cpus):
        self.name, self.port = name, port
        if cpus and shutil.which("taskset"):
            argv = ["taskset", "-c", cpus] + argv
        self.argv = argv
        self.start()

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("%s did not start" % self.name)

    def restart(self):
        """A fresh process: RSS measured from a clean baseline."""
        self.stop()
        self.start()

    @property
    def pid(self):
        return self.proc.pid

    def cli(self, *args):
        out = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args),
                             capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_benchmark(server, cmd, args, n, client_cpus, command=None):
    """redis-benchmark -t cmd, or with `command` (a list) as its command."""
    what = command if command is not None else ["-t", cmd]
    argv = ["redis-benchmark", "-p", str(server.port), "-n", str(n), "--csv"] + args + what
    if client_cpus:
        argv = ["taskset", "-c", client_cpus] + argv
    before = cpu_seconds(server.pid)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    cpu = cpu_seconds(server.pid) - before
    rows = list(csv.reader(out.stdout.strip().splitlines()))
    if len(rows) < 2:
        raise RuntimeError("redis-benchmark printed nothing: %s" % out.stderr[-500:])
    # lrange_* first fills the list (an LPUSH row): the last row is the test.
    header, data = rows[0], rows[-1]
    row = dict(zip(header, data))
    if float(row["rps"]) <= 0:
        raise RuntimeError("%s: no requests answered" % cmd)
    return dict(rps=float(row["rps"]), p50=float(row["p50_latency_ms"]),
                p99=float(row["p99_latency_ms"]), cpu=cpu, requests=n)


def run_script_benchmark(server, cmd, args, n, client_cpus):
    """T7: the script (EVALSHA) or the function (FCALL) as the command."""
    if cmd == "evalsha":
        command = ["evalsha", server.cli("SCRIPT", "LOAD", SCRIPT_BODY), "1", "key:__rand_int__"]
    else:
        server.cli("FUNCTION", "LOAD", "REPLACE", FUNCTION_LIBRARY)
        command = ["fcall", "incr_expire", "1", "key:__rand_int__"]
    return run_benchmark(server, cmd, args, n, client_cpus, command)


def run_tx_load(server, mode, args, n, client_cpus, load=TX_LOAD):
    argv = [sys.executable, load, "--port", str(server.port), "--mode", mode,
            "--requests", str(n)] + args
    if client_cpus:
        argv = ["taskset", "-c", client_cpus] + argv
    before = cpu_seconds(server.pid)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    cpu = cpu_seconds(server.pid) - before
    if out.returncode != 0:
        raise RuntimeError("%s failed: %s" % (os.path.basename(load), out.stderr[-500:]))
    requests, _, rps, p50, p99 = out.stdout.strip().split(",")
    return dict(rps=float(rps), p50=float(p50), p99=float(p99), cpu=cpu, requests=int(requests))


def run_pubsub_load(server, mode, args, n, client_cpus):
    """T8: messages delivered, per second and per server CPU-second."""
    return run_tx_load(server, mode, args, n, client_cpus, load=PUBSUB_LOAD)


def sanity(servers):
    for s in servers:
        assert s.cli("PING") == "PONG", "%s: PING" % s.name
        assert s.cli("SET", "compare:sanity", "ok") == "OK", "%s: SET" % s.name
        assert s.cli("GET", "compare:sanity") == "ok", "%s: GET" % s.name
    return "T1 sanity: PING, SET, GET answered correctly by %s" % ", ".join(
        s.name for s in servers)


def rotation(servers, rep):
    """Repetition rep's order: each server takes each place equally often, so
    a machine getting slower or faster during the run hits all of them."""
    k = rep % len(servers)
    return servers[k:] + servers[:k]


def run_suite(opts, servers, client_cpus):
    results = []  # (test, cmd, {server name: [metrics of each repetition]})
    for test in opts.only or sorted(SUITE):
        spec = SUITE[test]
        n = max(1000, int(spec["n"] * opts.scale)) if not isinstance(spec["n"], dict) else None
        # Transactions (tx_load.py), scripts and Pub/Sub: one row per
        # command, no spread variant.
        runner = (run_tx_load if spec.get("tx") else
                  run_script_benchmark if spec.get("script") else
                  run_pubsub_load if spec.get("pubsub") else None)
        if runner is not None:
            runs = {cmd: {s.name: [] for s in servers} for cmd in spec["cmds"]}
            for rep in range(opts.repeat):
                for server in rotation(servers, rep):
                    server.cli("FLUSHALL")
                    for cmd in spec["cmds"]:
                        log("  %s %s on %s (run %d/%d)" % (test, cmd, server.name, rep + 1,
                                                           opts.repeat))
                        args = spec["args"][cmd] if isinstance(spec["args"], dict) else spec["args"]
                        count = n if n is not None else max(1000, int(spec["n"][cmd] * opts.scale))
                        runs[cmd][server.name].append(runner(server, cmd, args, count,
                                                             client_cpus))
            for cmd in spec["cmds"]:
                results.append((test, cmd, runs[cmd]))
            continue
        for spread in (False, True):
            keyspace = spec.get("spread", "1000000")
            args = list(spec["args"]) + (["-r", keyspace] if spread else [])
            label = test + (" -r %dk" % (int(keyspace) // 1000) if spread else "")
            # Each command runs alone so its CPU time is its own, in the
            # suite's order on data the earlier ones left (GET after SET
            # hits, as in a plain `redis-benchmark -t set,get`).
            runs = {cmd: {s.name: [] for s in servers} for cmd in spec["cmds"]}
            for rep in range(opts.repeat):
                for server in rotation(servers, rep):
                    server.cli("FLUSHALL")
                    for cmd in spec["cmds"]:
                        log("  %s %s on %s (run %d/%d)" % (label, cmd, server.name, rep + 1,
                                                           opts.repeat))
                        runs[cmd][server.name].append(
                            run_benchmark(server, cmd, args, n, client_cpus))
            for cmd in spec["cmds"]:
                results.append((label, cmd, runs[cmd]))
    return results


def ratio_table(run, opts):
    """Ours against Redis, the table docs/benchmarks.md quotes."""
    print("\n## Throughput (median of %d; threads=%d)\n" % (opts.repeat, opts.threads))
    print("| Test | Cmd | Redis RPS | ours RPS | ratio | Redis p50 | ours p50 | p99s (Redis/ours) "
          "| Redis req/CPU-s | ours req/CPU-s | CPU ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    nan = float("nan")

    def medians(label, cmd, server):
        out = {}
        for metric, _, _ in run_data.METRICS:
            m = run.median(label, cmd, server, metric)
            out[metric] = nan if m is None else m
        return out

    for label, cmd in run.rows:
        r, o = medians(label, cmd, "redis"), medians(label, cmd, "ours")
        ratio = o["rps"] / r["rps"] if r["rps"] else nan
        cpu_ratio = o["per_cpu"] / r["per_cpu"] if r["per_cpu"] else nan
        print("| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f/%.3f | %.0f | %.0f | %.2f |" % (
            label, cmd, r["rps"], o["rps"], ratio, r["p50"], o["p50"], r["p99"], o["p99"],
            r["per_cpu"], o["per_cpu"], cpu_ratio))


def chart_members(run):
    """Ours against the baseline when there is one, else against Redis; the
    other servers are drawn beside them, compared with nothing."""
    first = "baseline" if "baseline" in run.servers else "redis"
    order = [first] + [s for s in ("ours", "baseline", "redis") if s != first]
    members = {}
    for s in order:
        if s in run.servers:
            against = members.get(first) if s == "ours" else None
            members[s] = changes.Member(s, run, s, against)
    return list(members.values())


def print_tables(results, opts, servers, binaries):
    run = run_data.from_results(results, opts.threads, opts.scale, binaries)
    names = [s.name for s in servers]
    if "redis" in names and "ours" in names:
        ratio_table(run, opts)
    if "baseline" in names:
        print("\n## ours against baseline (median of %d; threads=%d)" % (opts.repeat,
                                                                         opts.threads))
        baseline = changes.Member("baseline", run, "baseline")
        ours = changes.Member("ours", run, "ours", baseline)
        report.render(changes.build([[baseline, ours]]), heading="###")
    print("\nPeak RSS: " + ", ".join("%s %.1f MB" % (
        "redis-server" if s.name == "redis" else s.name, status_kb(s.pid, "VmHWM") / 1024)
        for s in servers))
    if opts.csv:
        run_data.write_csv(opts.csv, run)
    if opts.chart:
        import chart  # only here: matplotlib takes a second to import
        chart.draw(changes.build([chart_members(run)]), opts.chart,
                   "bench:compare: %s (threads=%d, scale=%g, median of %d)" % (
                       " vs ".join(names), opts.threads, opts.scale, opts.repeat))
        print("\nChart: %s" % opts.chart)


def load_keys(port, count, value_size):
    """Writes key:000000000000.. with SET through one pipelined socket."""
    value = b"x" * value_size
    batch = 10000
    with socket.create_connection(("127.0.0.1", port)) as s:
        for start in range(0, count, batch):
            end = min(count, start + batch)
            parts = []
            for i in range(start, end):
                key = b"key:%012d" % i
                parts.append(b"*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$%d\r\n%s\r\n" % (
                    key, value_size, value))
            s.sendall(b"".join(parts))
            want = 5 * (end - start)
            got = 0
            while got < want:
                chunk = s.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("server closed the connection while loading")
                got += len(chunk)


def used_memory(server):
    for line in server.cli("INFO", "memory").splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return 0


def memory_figures(opts, servers):
    print("\n## Memory per key\n")
    print("| keys | value | server | used_memory B/key | RSS B/key |")
    print("|---:|---:|---|---:|---:|")
    for count, size in ((int(1000000 * opts.scale), 16), (int(1000000 * opts.scale), 4096)):
        count = max(count, 1000)
        for s in servers:
            s.cli("FLUSHALL")
            time.sleep(0.2)
            u0, r0 = used_memory(s), status_kb(s.pid, "VmRSS")
            log("  loading %d keys of %d bytes into %s" % (count, size, s.name))
            load_keys(s.port, count, size)
            time.sleep(0.5)
            dbsize = int(s.cli("DBSIZE"))
            u1, r1 = used_memory(s), status_kb(s.pid, "VmRSS")
            print("| %d | %d | %s | %.1f | %.1f |" % (dbsize, size, s.name, (u1 - u0) / dbsize,
                                                    (r1 - r0) * 1024 / dbsize))
            s.cli("FLUSHALL")


def send_pipelined(port, commands, batch=2000):
    """Sends RESP-encoded commands in batches and reads one reply per command
    (each reply here is one line: an integer or a status)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        f = s.makefile("rb")
        for start in range(0, len(commands), batch):
            chunk = commands[start:start + batch]
            s.sendall(b"".join(chunk))
            for _ in chunk:
                line = f.readline()
                if line.startswith(b"-"):
                    raise RuntimeError("load failed: %r" % line)


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


# How each type is filled: the command adding `n` elements (numbered from
# `first`) to one key.
CONTAINER_FILL = {
    "list": lambda key, first, n: encode("RPUSH", key, *["element:%09d" % i
                                                         for i in range(first, first + n)]),
    "set": lambda key, first, n: encode("SADD", key, *["member:%09d" % i
                                                       for i in range(first, first + n)]),
    "hash": lambda key, first, n: encode("HSET", key, *[x for i in range(first, first + n)
                                                        for x in ("field:%09d" % i, "v%d" % i)]),
    "zset": lambda key, first, n: encode("ZADD", key, *[x for i in range(first, first + n)
                                                        for x in (i, "member:%09d" % i)]),
}


def container_figures(opts, servers):
    """Bytes per element: one container of 1M elements, and 1M containers of
    10 elements (both scaled), for each data type."""
    print("\n## Memory per container element\n")
    print("| type | shape | server | encoding | used_memory B/elem | RSS B/elem |")
    print("|---|---|---|---|---:|---:|")
    big = max(1000, int(1000000 * opts.scale))
    small = max(1000, int(1000000 * opts.scale))
    for kind, fill in sorted(CONTAINER_FILL.items()):
        for shape, keys, per_key in (("1 x %d" % big, 1, big), ("%d x 10" % small, small, 10)):
            for s in servers:
                # Freed memory is not returned to the OS at once (by either
                # allocator): RSS deltas need a fresh process each time.
                s.restart()
                time.sleep(0.2)
                u0, r0 = used_memory(s), status_kb(s.pid, "VmRSS")
                log("  loading %s %s into %s" % (kind, shape, s.name))
                commands = []
                for k in range(keys):
                    for first in range(0, per_key, 1000):
                        commands.append(fill("%s:%09d" % (kind, k), first,
                                             min(1000, per_key - first)))
                send_pipelined(s.port, commands)
                time.sleep(0.5)
                u1, r1 = used_memory(s), status_kb(s.pid, "VmRSS")
                elements = keys * per_key
                encoding = s.cli("OBJECT", "ENCODING", "%s:%09d" % (kind, 0))
                print("| %s | %s | %s | %s | %.1f | %.1f |" % (
                    kind, shape, s.name, encoding, (u1 - u0) / elements,
                    (r1 - r0) * 1024 / elements))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="our server's --threads (default 1)")
    p.add_argument("--scale", type=float, default=1.0, help="multiply request counts")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs per row (default 3); the median is shown, and the spread tells\n"
                   "bench:report what is noise")
    p.add_argument("--only", action="append", choices=sorted(SUITE), help="run only this test")
    p.add_argument("--csv", help="also write every repetition to this CSV file (bench:report "
                   "reads it)")
    p.add_argument("--memory", action="store_true",
                   help="report bytes per key and per container element instead")
    p.add_argument("--memory-containers", action="store_true",
                   help="only the per-element figures of lists, sets, hashes, sorted sets")
    p.add_argument("--server", help="path to our server binary")
    p.add_argument("--baseline", help="another build of our server, run beside ours (e.g. a "
                   "copy of main's bazel-bin/server/server)")
    p.add_argument("--no-redis", action="store_true",
                   help="with --baseline: leave redis-server out")
    p.add_argument("--chart", help="also draw the table as a bar chart (.svg or .png)")
    opts = p.parse_args()
    if opts.no_redis and not opts.baseline:
        p.error("--no-redis needs --baseline (there would be nothing to compare)")
    if opts.chart and os.path.splitext(opts.chart)[1].lower() not in (".svg", ".png"):
        p.error("--chart wants a .svg or .png file name")
    for attr in ("csv", "chart", "server", "baseline"):
        if getattr(opts, attr):
            setattr(opts, attr, report.user_path(getattr(opts, attr)))

    for tool in ("redis-server", "redis-benchmark", "redis-cli"):
        if shutil.which(tool) is None:
            sys.exit("compare: %s not found; run tools/bootstrap.sh" % tool)
    limit = raise_fd_limit(10240)
    if limit < 2200:
        log("compare: open-files limit is %d (hard limit); -c 2000 needs about 2200. "
            "Raise it with `ulimit -n 10240` as root. Continuing: 2000-client tests may "
            "report connection errors." % limit)

    ncpu = os.cpu_count() or 1
    server_cpus = client_cpus = None
    if ncpu <= 4:
        # Few cores: the client on core 0, the servers on the others, so the
        # load generator never steals the server's core.
        client_cpus = "0"
        server_cpus = "1-%d" % (ncpu - 1) if ncpu > 1 else None
    log("compare: %d cores; client on %s, servers on %s" % (ncpu, client_cpus or "any",
                                                            server_cpus or "any"))
    binaries = {"ours": find_our_binary(opts.server)}
    if opts.baseline:
        binaries["baseline"] = find_our_binary(opts.baseline)
    if not opts.no_redis:
        binaries["redis"] = shutil.which("redis-server")
    servers = []
    try:
        for name in ("redis", "ours", "baseline"):
            if name not in binaries:
                continue
            port = free_port()
            if name == "redis":
                argv = [binaries[name], "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--maxclients", "10000"]
            else:
                argv = [binaries[name], "--port", str(port), "--threads", str(opts.threads),
                        "--save", ""]
            servers.append(Server(name, argv, port, server_cpus))
        print("# %s (threads=%d, scale=%g, repeat=%d)" % (
            " vs ".join("redis-server" if s.name == "redis" else s.name for s in servers),
            opts.threads, opts.scale, opts.repeat))
        for s in servers:
            if s.name != "redis":
                print("\n%s: %s" % (s.name, binaries[s.name]))
        print("\n" + sanity(servers))
        if opts.memory or opts.memory_containers:
            if not opts.memory_containers:
                memory_figures(opts, servers)
            container_figures(opts, servers)
        else:
            results = run_suite(opts, servers, client_cpus)
            print_tables(results, opts, servers, binaries)
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    main()
