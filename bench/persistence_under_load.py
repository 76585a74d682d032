"""The parts of //bench:persistence_bench that run under a write load:
P2 (SET throughput while BGSAVE runs), P3 (memory during BGSAVE) and P4
(SET throughput with the append-only file). See persistence_bench.py.
"""
import os
import shutil
import subprocess
import threading
import time

from persistence_server import Conn, children, cpu_seconds, log, median, rollup_kb, \
    status_kb


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
