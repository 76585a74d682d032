"""Servers and connections for //bench:persistence_bench: one redis-server
or ours as a child process (pinned, on a directory, timed to its first
PONG), a minimal RESP connection, and the /proc readings (CPU, RSS, the
dirty pages of a forked child) the benchmark reports.
"""
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
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
