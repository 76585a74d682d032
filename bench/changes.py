"""Changes between benchmark runs, and whether they are more than noise.

A figure is the median of a row's repetitions. A change of B against A is
called better or worse only when it is larger than the noise band

  FLOOR + spread(A) + spread(B)

where a side's spread is its repetitions' (max - min) / median. Three
repetitions often fall close together by chance, so no row is credited with
less spread than the median row of the same run, server and figure; and a
per-CPU-second figure is never credited with less than one CPU tick of the
server's time, the resolution of /proc/PID/stat. Rows with one repetition
(or files of CSV schema 1) have no spread; they get an assumed band instead,
and the report says so.

Two separate runs are minutes or days apart, and a shared machine is not the
same machine an hour later: another build on the other core moved single
figures by 50% here. The reference server (redis-server, the same binary in
both runs) measures that, row by row, since it alternated with ours through
the same moments. So across runs a row's change is judged after dividing
out the reference's change in the same row, against a band that holds the
reference's spreads too. The reference's own rows are not judged: their
changes are the machine's. Within one run (bench:compare --baseline, or
FILE:SERVER arguments) the servers alternated, and no reference is needed.

Changes are judged as ratios (log scale), so twice as slow and twice as
fast are the same distance from no change: +100% and -50% latency are
equally far outside a +-40% band.
"""
import math
import os
import statistics

import run_data

FLOOR = 0.02  # redis-benchmark's latency buckets are ~1-3% wide
DEFAULT_NOISE = 0.10
TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")
WITHIN = "within noise"
REFERENCE = "reference"


class Member:
    """One line of a table and one bar of a chart: a server of a run,
    compared with the member `against` (None: compared with nothing)."""

    def __init__(self, label, run, server, against=None):
        self.label, self.run, self.server, self.against = label, run, server, against


class Change:
    """pct: the raw change (0.1 is +10%). band: the noise band as a
    percentage in the judged change's direction. machine: the reference's
    change in the same row when the change was judged against it."""

    def __init__(self, pct, band, verdict, assumed, machine=None):
        self.pct, self.band, self.verdict = pct, band, verdict
        self.assumed, self.machine = assumed, machine


class Line:
    def __init__(self, test, cmd, member, figures, ranges, changes):
        self.test, self.cmd, self.member = test, cmd, member
        self.figures = figures  # metric -> median, or None
        self.ranges = ranges  # metric -> (min, max) of the repetitions, or None
        self.changes = changes  # metric -> Change, or None (first of its group, or no data)

    @property
    def verdict(self):
        """within noise, better, worse, mixed, reference; None if not compared."""
        kinds = {c.verdict for c in self.changes.values() if c is not None}
        if not kinds or kinds == {REFERENCE}:
            return kinds.pop() if kinds else None
        kinds.discard(WITHIN)
        kinds.discard(REFERENCE)
        return WITHIN if not kinds else kinds.pop() if len(kinds) == 1 else "mixed"


class Model:
    def __init__(self):
        self.lines = []
        self.notes = []

    def tests(self):
        seen = []
        for line in self.lines:
            if line.test not in seen:
                seen.append(line.test)
        return seen


def relative_range(values):
    if len(values) < 2:
        return None
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid if mid > 0 else None


class Noise:
    def __init__(self, assumed=DEFAULT_NOISE, reference="redis"):
        self.assumed, self.reference = assumed, reference
        self._pooled, self._drift = {}, {}

    def pooled(self, run, server, metric):
        key = (id(run), server, metric)
        if key not in self._pooled:
            spreads = [relative_range(run.values(t, c, server, metric)) for t, c in run.rows]
            spreads = [s for s in spreads if s is not None]
            self._pooled[key] = statistics.median(spreads) if spreads else None
        return self._pooled[key]

    @staticmethod
    def tick(run, server, test, cmd, metric):
        """One CPU tick as a fraction of the row's CPU time (per CPU-second
        figures only; 0 when unknown, as in schema 1)."""
        cpu = run.cpu_seconds(test, cmd, server) if metric == "per_cpu" else None
        return TICK_S / cpu if cpu else 0.0

    def spread(self, run, server, test, cmd, metric):
        own = relative_range(run.values(test, cmd, server, metric))
        if own is None:
            return None
        return max(own, self.pooled(run, server, metric) or 0.0,
                   self.tick(run, server, test, cmd, metric))

    def drift(self, a, b, metric):
        """Signed median change of the reference server from run a to run b,
        or None when the runs do not both have it."""
        ref = self.reference
        if a is b or not ref or ref not in a.servers or ref not in b.servers:
            return None
        key = (id(a), id(b), metric)
        if key not in self._drift:
            moves = []
            for t, c in a.rows:
                x, y = a.median(t, c, ref, metric), b.median(t, c, ref, metric)
                if x and y is not None:
                    moves.append(y / x - 1)
            # A reference that stopped answering (-100%) says nothing of scale.
            moves = [m for m in moves if m > -1]
            self._drift[key] = statistics.median(moves) if moves else None
        return self._drift[key]

    def judge(self, first, other, test, cmd, metric):
        """(ln of the change, ln of the band, assumed, reference's change or
        None), or None when a figure is missing."""
        x = first.run.median(test, cmd, first.server, metric)
        y = other.run.median(test, cmd, other.server, metric)
        if x is None or y is None or x <= 0 or y <= 0:
            return None  # a ratio needs two figures
        sides = [(first.run, first.server), (other.run, other.server)]
        change, machine = math.log(y / x), None
        ref = self.reference
        if first.run is not other.run and ref and all(ref in r.servers for r, _ in sides):
            rx, ry = first.run.median(test, cmd, ref, metric), other.run.median(
                test, cmd, ref, metric)
            if rx and ry:
                machine = ry / rx - 1
                change -= math.log(ry / rx)
                sides += [(first.run, ref), (other.run, ref)]
        spreads = [self.spread(r, s, test, cmd, metric) for r, s in sides]
        if None in spreads:
            # Even an assumed band cannot be narrower than the CPU clock.
            ticks = sum(self.tick(r, s, test, cmd, metric) for r, s in sides)
            return change, math.log1p(self.assumed + ticks), True, machine
        return change, math.log1p(FLOOR + sum(spreads)), False, machine

    def change(self, first, other, test, cmd, metric, higher_is_better):
        judged = self.judge(first, other, test, cmd, metric)
        if judged is None:
            return None
        change, width, assumed, machine = judged
        pct = (other.run.median(test, cmd, other.server, metric) /
               first.run.median(test, cmd, first.server, metric) - 1)
        if machine is not None and first.server == other.server == self.reference:
            verdict = REFERENCE
        elif abs(change) <= width:
            verdict = WITHIN
        else:
            verdict = "better" if (change > 0) == higher_is_better else "worse"
        # The band as a percentage in the judged change's direction, so that
        # |change| > band reads true exactly when the verdict is not noise.
        band = math.expm1(width) if change >= 0 else -math.expm1(-width)
        return Change(pct, band, verdict, assumed, machine)


def build(groups, noise=None):
    """Lines for every row of any run, for each group of members (each
    compared with the member its `against` names)."""
    noise = noise or Noise()
    model = Model()
    rows = []
    for group in groups:
        for m in group:
            rows += [r for r in m.run.rows if r not in rows]
    for test, cmd in rows:
        for group in groups:
            for m in group:
                if (test, cmd) not in m.run.rows:
                    continue
                figures, ranges, changes = {}, {}, {}
                for metric, _, higher in run_data.METRICS:
                    figures[metric] = m.run.median(test, cmd, m.server, metric)
                    v = m.run.values(test, cmd, m.server, metric)
                    ranges[metric] = (min(v), max(v)) if v else None
                    changes[metric] = (None if m.against is None else
                                       noise.change(m.against, m, test, cmd, metric, higher))
                model.lines.append(Line(test, cmd, m, figures, ranges, changes))
    _add_notes(model, groups, noise)
    return model


def _add_notes(model, groups, noise):
    pairs = [(m.against, m) for group in groups for m in group if m.against is not None]
    seen = set()
    for first, other in pairs:
        a, b = first.run, other.run
        if (id(a), id(b)) in seen:
            continue
        seen.add((id(a), id(b)))
        if a is not b:
            moves = [noise.drift(a, b, metric) for metric, _, _ in run_data.METRICS]
            if moves[0] is None:
                model.notes.append(
                    "%s against %s: no %s in both runs, so nothing tells machine drift from a "
                    "real change; a change of a build is best measured in one run "
                    "(bench:compare --baseline)." % (b.name, a.name, noise.reference or
                                                     "reference server"))
            else:
                model.notes.append(
                    "%s against %s: %s (same binary) moved %s (req/CPU-s, RPS, p50, p99; median "
                    "over rows): the machine's change. Each row's change is judged after "
                    "dividing out the reference's in the same row." % (
                        b.name, a.name, noise.reference,
                        ", ".join("%+.1f%%" % (100 * d) if d is not None else "-"
                                  for d in moves)))
            for what, x, y in (("threads", a.threads, b.threads), ("scale", a.scale, b.scale)):
                if x is not None and y is not None and x != y:
                    model.notes.append("%s has %s=%s, %s has %s=%s: the rows measure different "
                                       "things." % (a.name, what, x, b.name, what, y))
        for run in (a, b):
            if (run.schema == 1 or run.repetitions() < 2) and ("rep", id(run)) not in seen:
                seen.add(("rep", id(run)))
                why = ("CSV schema 1 (medians only)" if run.schema == 1
                       else "one repetition per row")
                model.notes.append("%s: %s, so its rows have no spread; changes against it use "
                                   "an assumed band of +-%.0f%% (--noise). Use --repeat 3 or "
                                   "more." % (run.name, why, 100 * noise.assumed))
