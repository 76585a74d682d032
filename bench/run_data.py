"""The CSV that `bench:compare --csv` writes and `bench:report` reads.

Schema 2 (current) keeps every repetition, one line per test, command,
server and repetition, so a reader can take medians and see the spread:

  schema,test,cmd,server,rep,requests,rps,p50_ms,p99_ms,cpu_s,threads,scale,binary

Schema 1 is what compare wrote before schemas existed (no `schema` column):
one line per test and command with the medians of Redis and ours side by
side. It is still read, as runs of one repetition each, so its rows carry no
spread. Any other header is refused with a message naming the file.
"""
import csv
import statistics

SCHEMA = 2
COLUMNS = ["schema", "test", "cmd", "server", "rep", "requests", "rps", "p50_ms", "p99_ms",
           "cpu_s", "threads", "scale", "binary"]
LEGACY_COLUMNS = ["test", "cmd", "redis_rps", "ours_rps", "ratio", "redis_p50", "ours_p50",
                  "redis_p99", "ours_p99", "redis_req_per_cpu_s", "ours_req_per_cpu_s",
                  "cpu_ratio"]

# name, heading, True when a higher figure is better.
METRICS = [("per_cpu", "req/CPU-s", True), ("rps", "RPS", True), ("p50", "p50 ms", False),
           ("p99", "p99 ms", False)]


class CsvError(Exception):
    pass


class Run:
    """One benchmark run: per (test, cmd, server), the figures of each
    repetition as dicts with rps, p50, p99, per_cpu (None when the server's
    CPU time did not move) and cpu (seconds, None when unknown)."""

    def __init__(self, name, schema=SCHEMA):
        self.name = name
        self.schema = schema
        self.samples = {}
        self.rows = []  # (test, cmd) in the order they ran
        self.servers = []  # in the order first seen
        self.binaries = {}
        self.threads = None
        self.scale = None

    def add(self, test, cmd, server, sample):
        if (test, cmd) not in self.rows:
            self.rows.append((test, cmd))
        if server not in self.servers:
            self.servers.append(server)
        self.samples.setdefault((test, cmd, server), []).append(sample)

    def values(self, test, cmd, server, metric):
        return [s[metric] for s in self.samples.get((test, cmd, server), [])
                if s[metric] is not None]

    def median(self, test, cmd, server, metric):
        v = self.values(test, cmd, server, metric)
        return statistics.median(v) if v else None

    def cpu_seconds(self, test, cmd, server):
        v = [s["cpu"] for s in self.samples.get((test, cmd, server), []) if s["cpu"]]
        return statistics.median(v) if v else None

    def repetitions(self):
        return max((len(v) for v in self.samples.values()), default=0)


def sample(requests, rps, p50, p99, cpu):
    per_cpu = requests / cpu if cpu and cpu > 0 else None
    return dict(rps=rps, p50=p50, p99=p99, per_cpu=per_cpu, cpu=cpu, requests=requests)


def from_results(results, threads, scale, binaries, name="this run"):
    """A Run from compare's in-memory results: (label, cmd, {server: [runs]})."""
    run = Run(name)
    run.threads, run.scale, run.binaries = threads, scale, dict(binaries)
    for label, cmd, by_server in results:
        for server, reps in by_server.items():
            for r in reps:
                run.add(label, cmd, server, sample(r["requests"], r["rps"], r["p50"], r["p99"],
                                                   r["cpu"]))
    return run


def write_csv(path, run):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for test, cmd in run.rows:
            for server in run.servers:
                for rep, s in enumerate(run.samples.get((test, cmd, server), []), 1):
                    # CPU time is whole clock ticks; rounding drops the float dust.
                    cpu = None if s["cpu"] is None else round(s["cpu"], 4)
                    w.writerow([SCHEMA, test, cmd, server, rep, s["requests"], s["rps"], s["p50"],
                                s["p99"], cpu, run.threads, run.scale,
                                run.binaries.get(server, "")])


def read_csv(path):
    try:
        with open(path, newline="") as f:
            lines = list(csv.reader(f))
    except OSError as e:
        raise CsvError("%s: cannot read it (%s)" % (path, e.strerror or e))
    if not lines:
        raise CsvError("%s: empty file, not a bench:compare --csv file" % path)
    header = [h.strip() for h in lines[0]]
    if header == LEGACY_COLUMNS:
        return _read_legacy(path, lines[1:])
    if header[:1] != ["schema"]:
        raise CsvError("%s: not a bench:compare --csv file (its header starts %s; expected "
                       "'schema,test,cmd,...' or the older 'test,cmd,redis_rps,...')"
                       % (path, ",".join(header[:3])))
    versions = {line[0] for line in lines[1:] if line}
    if versions - {str(SCHEMA)}:
        raise CsvError("%s: written with CSV schema %s; this report reads schemas 1 and %d "
                       "(update the tree, or re-run bench:compare --csv)"
                       % (path, ",".join(sorted(versions - {str(SCHEMA)})), SCHEMA))
    if header != COLUMNS:
        raise CsvError("%s: schema %d header is %s, expected %s"
                       % (path, SCHEMA, ",".join(header), ",".join(COLUMNS)))
    run = Run(path)
    for n, line in enumerate(lines[1:], 2):
        if not line:
            continue
        row = dict(zip(COLUMNS, line))
        try:
            cpu = float(row["cpu_s"]) if row["cpu_s"] else None
            run.add(row["test"], row["cmd"], row["server"],
                    sample(int(row["requests"]), float(row["rps"]), float(row["p50_ms"]),
                           float(row["p99_ms"]), cpu))
            run.threads = int(row["threads"]) if row["threads"] else None
            run.scale = float(row["scale"]) if row["scale"] else None
        except (KeyError, ValueError) as e:
            raise CsvError("%s:%d: unreadable figure (%s)" % (path, n, e))
        run.binaries.setdefault(row["server"], row["binary"])
    if not run.rows:
        raise CsvError("%s: header only, no rows" % path)
    return run


def _read_legacy(path, lines):
    """Schema 1 kept only medians, and per CPU-second as a figure rather than
    requests and CPU time: each server gets one repetition per row."""
    run = Run(path, schema=1)
    for n, line in enumerate(lines, 2):
        if not line:
            continue
        row = dict(zip(LEGACY_COLUMNS, line))
        try:
            for server in ("redis", "ours"):
                per_cpu = float(row[server + "_req_per_cpu_s"])
                run.add(row["test"], row["cmd"], server,
                        dict(rps=float(row[server + "_rps"]), p50=float(row[server + "_p50"]),
                             p99=float(row[server + "_p99"]),
                             per_cpu=per_cpu if per_cpu == per_cpu else None,  # nan: no CPU
                             cpu=None, requests=None))
        except (KeyError, ValueError) as e:
            raise CsvError("%s:%d: unreadable figure in a schema 1 (pre-schema) file (%s)"
                           % (path, n, e))
    if not run.rows:
        raise CsvError("%s: header only, no rows" % path)
    return run
