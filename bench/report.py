#!/usr/bin/env python3
"""Saved benchmark runs side by side: `bench:compare --csv` files.

  bazel run //bench:report -- A.csv B.csv [C.csv ...] [--chart FILE.svg|png]

For each test, a Markdown table with every run's RPS, p50/p99 latency and
requests per server CPU-second, per command and server; each run after the
first shows its change against the first (same server), marked better,
worse or within noise (see bench/changes.py for the noise band).

FILE:SERVER compares servers instead of files, e.g. the two builds of one
`bench:compare --baseline` run:  report -- run.csv:baseline run.csv:ours
"""
import argparse
import os
import sys

import changes
import run_data

VERDICT_MARK = {"better": "**better**", "worse": "**worse**", "mixed": "**mixed**"}


def thousands(x):
    return "-" if x is None else "{:,.0f}".format(x)


def millis(x):
    return "-" if x is None else "%.3f" % x


def change_cell(c, reference):
    """The raw change, its verdict, and what it was judged against: the
    reference's change in the same row (across runs), and the band."""
    if c is None:
        return ""
    if c.verdict == changes.REFERENCE:
        return "%+.1f%%" % (100 * c.pct)
    band = "±%.0f%s" % (100 * abs(c.band), " assumed" if c.assumed else "")
    if c.machine is not None:
        band = "%s %+.0f%%, %s" % (reference, 100 * c.machine, band)
    mark = "" if c.verdict == changes.WITHIN else " " + VERDICT_MARK[c.verdict]
    return "%+.1f%%%s (%s)" % (100 * c.pct, mark, band)


def render(model, out=sys.stdout, heading="###", reference="redis"):
    """The tables of a model, one per test, and a verdict count per compared
    member."""
    compared = any(c is not None for line in model.lines for c in line.changes.values())
    # compare labels its members by server: a run column would repeat it.
    labels = {line.member.label for line in model.lines}
    several_runs = len(labels) > 1 and any(l.member.label != l.member.server
                                           for l in model.lines)
    for test in model.tests():
        out.write("\n%s %s\n\n" % (heading, test))
        out.write("| cmd | server |%s RPS | p50 ms | p99 ms | req/CPU-s |"
                  % (" run |" if several_runs else ""))
        if compared:
            out.write(" Δ req/CPU-s | Δ RPS | Δ p50 | Δ p99 | verdict |")
        out.write("\n|---|---|%s---:|---:|---:|---:|" % ("---|" if several_runs else "")
                  + ("---:|" * 4 + "---|" if compared else "") + "\n")
        for line in model.lines:
            if line.test != test:
                continue
            f = line.figures
            out.write("| %s | %s |%s %s | %s | %s | %s |" % (
                line.cmd, line.member.server,
                " %s |" % line.member.label if several_runs else "", thousands(f["rps"]),
                millis(f["p50"]), millis(f["p99"]), thousands(f["per_cpu"])))
            if compared:
                c = line.changes
                out.write(" %s | %s | %s | %s | %s |" % (
                    change_cell(c["per_cpu"], reference), change_cell(c["rps"], reference),
                    change_cell(c["p50"], reference), change_cell(c["p99"], reference),
                    VERDICT_MARK.get(line.verdict, line.verdict or "")))
            out.write("\n")
    if compared:
        out.write("\n")
        for summary in summaries(model):
            out.write(summary + "\n")
    for note in model.notes:
        out.write("\nNote: %s\n" % note)


def summaries(model):
    """One sentence per compared member: how many of its rows went which way."""
    counts = {}
    for line in model.lines:
        m = line.member
        if m.against is None:
            continue
        c = counts.setdefault(id(m), [m, {}])[1]
        c[line.verdict or "not compared"] = c.get(line.verdict or "not compared", 0) + 1
    out = []
    for m, c in counts.values():
        total = sum(c.values())
        if c.get(changes.REFERENCE) == total:
            out.append("- run %s (%s) against run %s: the reference, not judged; its changes "
                       "are the machine's." % (m.label, m.server, m.against.label))
            continue
        parts = ", ".join("%d %s" % (c[k], k) for k in
                          (changes.WITHIN, "worse", "better", "mixed", "not compared") if c.get(k))
        if m.label == m.server:
            head = "%s against %s: %d rows, %s." % (m.server, m.against.server, total, parts)
        else:
            head = "run %s (%s) against run %s (%s): %d rows, %s." % (
                m.label, m.server, m.against.label, m.against.server, total, parts)
        if c.get(changes.WITHIN) == total:
            head += " Every row is within noise."
        out.append("- " + head)
    return out


def user_path(path):
    """`bazel run` starts us in the runfiles tree; the user's relative paths
    are relative to where they typed the command."""
    base = os.environ.get("BUILD_WORKING_DIRECTORY")
    return path if os.path.isabs(path) or not base else os.path.join(base, path)


def parse_source(arg):
    """FILE or FILE:SERVER (a path that exists as given wins over the split)."""
    path = user_path(arg)
    if os.path.exists(path) or ":" not in arg:
        return path, arg, None
    name, server = arg.rsplit(":", 1)
    return user_path(name), name, server


def members_of(args, only_servers):
    """Groups of members: with FILE:SERVER arguments one group of those;
    otherwise one group per server, each run's server against the first's."""
    sources = [parse_source(a) for a in args]
    loaded = {}
    for path, name, _ in sources:
        if path not in loaded:
            run = run_data.read_csv(path)
            run.name = name
            loaded[path] = run
    selected = [s for s in sources if s[2] is not None]
    if selected and len(selected) != len(sources):
        raise run_data.CsvError("give every file a :SERVER, or none of them")
    legend = []
    if selected:
        group = []
        for i, (path, name, server) in enumerate(sources):
            run = loaded[path]
            if server not in run.servers:
                raise run_data.CsvError("%s has no server %r (it has %s)" % (
                    name, server, ", ".join(run.servers)))
            group.append(changes.Member(str(i + 1), run, server, group[0] if group else None))
            legend.append((str(i + 1), run, server))
        return [group], legend
    servers = []
    for path, _, _ in sources:
        servers += [s for s in loaded[path].servers if s not in servers]
    if only_servers:
        servers = [s for s in servers if s in only_servers]
    groups = []
    for server in servers:
        group = []
        for i, (path, _, _) in enumerate(sources):
            run = loaded[path]
            if server in run.servers:
                group.append(changes.Member(str(i + 1), run, server))
        for m in group[1:]:
            m.against = group[0]
        groups.append(group)
    legend = [(str(i + 1), loaded[path], None) for i, (path, _, _) in enumerate(sources)]
    return groups, legend


def describe(run, server=None):
    servers = [server] if server else run.servers
    binaries = ", ".join("%s = %s" % (s, run.binaries[s]) for s in servers
                         if run.binaries.get(s))
    reps = run.repetitions()
    return "%s (CSV schema %d; threads=%s, scale=%s, %d repetition%s%s)" % (
        run.name, run.schema, run.threads if run.threads is not None else "?",
        "%g" % run.scale if run.scale is not None else "?", reps, "" if reps == 1 else "s",
        "; " + binaries if binaries else "")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("csv", nargs="+", help="bench:compare --csv files (FILE or FILE:SERVER)")
    p.add_argument("--chart", help="also draw the rows as a bar chart (.svg or .png)")
    p.add_argument("--noise", type=float, default=100 * changes.DEFAULT_NOISE,
                   help="noise band in %% for rows without repetitions (default %(default)g)")
    p.add_argument("--reference", default="redis",
                   help="server whose drift between files counts as noise ('none': no drift)")
    p.add_argument("--server", action="append", help="show only this server (repeatable)")
    opts = p.parse_args()
    if opts.chart and os.path.splitext(opts.chart)[1].lower() not in (".svg", ".png"):
        sys.exit("report: --chart wants a .svg or .png file name")
    try:
        groups, legend = members_of(opts.csv, opts.server)
    except run_data.CsvError as e:
        sys.exit("report: %s" % e)
    noise = changes.Noise(opts.noise / 100, None if opts.reference == "none" else opts.reference)
    model = changes.build(groups, noise)
    print("# Benchmark report\n")
    for label, run, server in legend:
        print("- run %s%s: %s" % (label, " (%s)" % server if server else "",
                                  describe(run, server)))
    render(model, reference=noise.reference)
    if opts.chart:
        import chart  # only here: matplotlib takes a second to import
        chart.draw(model, user_path(opts.chart), "bench:report: " + ", ".join(opts.csv))
        print("\nChart: %s" % opts.chart)


if __name__ == "__main__":
    main()
