"""Grouped bar charts of a changes.Model: one group of bars per test and
command, one bar per server of each run, requests per server CPU-second on
the left and RPS on the right. Each bar is labelled with the figure the
table prints, and compared bars with their change and verdict, so the chart
reads without the table. Whiskers span the repetitions (min to max).

Needs matplotlib (Debian: python3-matplotlib, installed by tools/bootstrap.sh).
"""
import os

import changes
import report

PANELS = [("per_cpu", "requests per server CPU-second"), ("rps", "requests per second (RPS)")]
VERDICT_COLOUR = {"better": "#1a7f37", "worse": "#cf222e", "mixed": "#9a6700"}


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("chart: matplotlib is missing; install python3-matplotlib "
                         "(tools/bootstrap.sh)")
    matplotlib.use("Agg")  # no display on build machines
    # Same input, same SVG bytes: the committed chart changes only when the
    # figures do.
    matplotlib.rcParams["svg.hashsalt"] = "bench-chart"
    # Text stays text: the SVG is smaller, searchable, and its figures can be
    # checked against the table's (compare_smoke_test does).
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt
    return plt


def _series(model):
    seen = []
    for line in model.lines:
        if line.member not in seen:
            seen.append(line.member)
    return seen


def _name(member):
    if member.label == member.server:  # compare's members: one run
        return member.server
    return "%s: %s %s" % (member.label, member.run.name, member.server)


def _colours(plt, series):
    """Runs of the same server in shades of one hue (tab20 pairs), while a
    group holds at most two runs; beyond that, one colour per bar."""
    by_server = []
    for m in series:
        if m.server not in by_server:
            by_server.append(m.server)
    per_server = {s: [m for m in series if m.server == s] for s in by_server}
    if len(by_server) < len(series) and max(len(v) for v in per_server.values()) <= 2:
        cmap = plt.get_cmap("tab20")
        return {id(m): cmap((2 * by_server.index(m.server) + per_server[m.server].index(m)) % 20)
                for m in series}
    cmap = plt.get_cmap("tab10")
    return {id(m): cmap(i % 10) for i, m in enumerate(series)}


def _label(line, metric):
    text = report.thousands(line.figures[metric])  # as the table prints it
    c = line.changes.get(metric)
    if c is not None:
        text += "  %+.1f%%" % (100 * c.pct)
        if c.verdict not in (changes.WITHIN, changes.REFERENCE):
            text += " " + c.verdict
    return text, VERDICT_COLOUR.get(c.verdict if c else None, "#24292f")


def draw(model, path, title):
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".svg", ".png"):
        raise SystemExit("chart: %s: the chart is written as .svg or .png" % path)
    plt = _pyplot()
    rows = []
    for line in model.lines:
        if (line.test, line.cmd) not in rows:
            rows.append((line.test, line.cmd))
    series = _series(model)
    colours = _colours(plt, series)
    lines = {(l.test, l.cmd, id(l.member)): l for l in model.lines}
    height = 0.8 / len(series)
    fig_height = 1.2 + len(rows) * (0.2 * len(series) + 0.15)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(16, fig_height), sharey=True,
                             squeeze=False)
    for ax, (metric, heading) in zip(axes[0], PANELS):
        top, labelled = 0.0, set()
        for r, (test, cmd) in enumerate(rows):
            for s, m in enumerate(series):
                line = lines.get((test, cmd, id(m)))
                if line is None or line.figures[metric] is None:
                    continue
                y = r + (s - (len(series) - 1) / 2) * height
                value = line.figures[metric]
                lo, hi = line.ranges[metric]
                label = None if id(m) in labelled else _name(m)
                labelled.add(id(m))
                ax.barh(y, value, height=height * 0.9, color=colours[id(m)], label=label,
                        xerr=[[value - lo], [hi - value]], error_kw=dict(lw=0.6, capsize=1.5))
                text, colour = _label(line, metric)
                ax.text(hi * 1.04, y, text, va="center", fontsize=6.5, color=colour)
                top = max(top, hi)
        # Rows span four orders of magnitude (T6 cas to T8 fanout): a log
        # axis keeps every bar visible; the labels carry the exact figures.
        ax.set_xscale("log")
        if top > 0:
            ax.set_xlim(right=top * 8)
        ax.set_title(heading + " (log scale)", fontsize=10)
        ax.grid(axis="x", which="both", lw=0.3, alpha=0.5)
        for r in range(1, len(rows)):
            if rows[r][0] != rows[r - 1][0]:
                ax.axhline(r - 0.5, color="#8c959f", lw=0.5)
    ax0 = axes[0][0]
    ax0.set_yticks(range(len(rows)))
    ax0.set_yticklabels(["%s  %s" % row for row in rows], fontsize=7.5)
    ax0.set_ylim(len(rows) - 0.5, -0.5)
    handles, labels = ax0.get_legend_handles_labels()
    seen = {}
    for h, l in zip(handles, labels):
        seen.setdefault(l, h)
    fig.suptitle(title, fontsize=11, y=1 - 0.08 / fig_height)
    fig.legend(list(seen.values()), list(seen.keys()), loc="upper center",
               ncol=min(4, len(seen)), fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 1 - 0.3 / fig_height))
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.6 / fig_height))
    fig.savefig(path, format=ext[1:], metadata={"Date": None} if ext == ".svg" else None,
                dpi=110)
    plt.close(fig)
