"""bench:report's arithmetic on hand-made runs: what is noise, what is a
change, which CSVs are read, and that the chart carries the table's figures."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import changes
import chart
import report
import run_data

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = [("T2", "set"), ("T2", "get"), ("T3", "set"), ("T3", "get"), ("T3", "lpush")]
# Three repetitions within ~7% of each other, as a quiet machine gives.
WOBBLE = [1.0, 1.04, 0.97]


def make_run(name, servers, scale=None, wobble=WOBBLE, rows=ROWS, cpu_s=0.5, requests=100000):
    """servers: name -> factor on every figure (latencies divided by it), or
    a dict (test, cmd) -> factor for single rows."""
    run = run_data.Run(name)
    run.threads, run.scale = 1, 0.1
    for test, cmd in rows:
        for server, factor in servers.items():
            f = factor.get((test, cmd), 1.0) if isinstance(factor, dict) else factor
            for w in wobble:
                g = f * w * (scale or 1.0)
                run.add(test, cmd, server,
                        run_data.sample(requests, 200000 * g, 0.3 / g, 0.9 / g, cpu_s / g))
    return run


def model_of(a, b, **kw):
    groups = [[changes.Member("1", a, s), changes.Member("2", b, s)] for s in a.servers]
    for g in groups:
        g[1].against = g[0]
    return changes.build(groups, changes.Noise(**kw))


def verdicts(model, server):
    return [l.verdict for l in model.lines if l.member.server == server and l.member.against]


class Verdicts(unittest.TestCase):
    def test_same_build_twice_is_within_noise(self):
        a = make_run("a", {"redis": 1.0, "ours": 1.5})
        b = make_run("b", {"redis": 1.0, "ours": 1.5}, wobble=[1.03, 0.98, 1.01])
        m = model_of(a, b)
        self.assertEqual(set(verdicts(m, "ours")), {changes.WITHIN})
        self.assertEqual(set(verdicts(m, "redis")), {changes.REFERENCE})

    def test_slower_build_is_worse_in_every_figure(self):
        a = make_run("a", {"redis": 1.0, "ours": 1.0})
        b = make_run("b", {"redis": 1.0, "ours": {("T3", "set"): 0.5}})
        m = model_of(a, b)
        line = [l for l in m.lines if l.member.label == "2" and l.member.server == "ours"
                and (l.test, l.cmd) == ("T3", "set")][0]
        for metric in ("per_cpu", "rps", "p50", "p99"):
            self.assertEqual(line.changes[metric].verdict, "worse", metric)
        self.assertEqual(line.verdict, "worse")
        self.assertEqual(verdicts(m, "ours").count(changes.WITHIN), len(ROWS) - 1)
        self.assertEqual(set(verdicts(m, "redis")), {changes.REFERENCE})

    def test_halved_and_doubled_latency_are_equally_far(self):
        # Repetitions 35% apart: a band of about +-72%, which -50% is inside
        # on a linear scale but outside as a ratio (2x), like +100%.
        noisy = [1.0, 1.3, 0.95]
        a = make_run("a", {"ours": 1.0}, wobble=noisy)
        faster = model_of(a, make_run("b", {"ours": 2.0}, wobble=noisy))
        slower = model_of(a, make_run("c", {"ours": 0.5}, wobble=noisy))
        fast = [l.changes["p50"] for l in faster.lines if l.member.against][0]
        slow = [l.changes["p50"] for l in slower.lines if l.member.against][0]
        self.assertAlmostEqual(fast.pct, -0.5)
        self.assertAlmostEqual(slow.pct, 1.0)
        # One band, +72% upwards and -42% downwards: the same ratio.
        self.assertGreater(slow.band, 0.5)
        self.assertAlmostEqual(1 / (1 - fast.band), 1 + slow.band)
        self.assertEqual((fast.verdict, slow.verdict), ("better", "worse"))

    def test_a_machine_that_slowed_down_is_noise_not_a_regression(self):
        a = make_run("a", {"redis": 1.0, "ours": 1.0})
        b = make_run("b", {"redis": 0.7, "ours": 0.7})
        m = model_of(a, b)
        self.assertEqual(set(verdicts(m, "ours")), {changes.WITHIN})
        self.assertTrue(any("redis (same binary) moved -30.0%" in n for n in m.notes), m.notes)
        # Without the reference the same figures are a regression...
        self.assertIn("worse", verdicts(model_of(a, b, reference=None), "ours"))
        # ...and a build slower than the machine's drift still is one.
        c = make_run("c", {"redis": 0.7, "ours": 0.35})
        self.assertEqual(set(verdicts(model_of(a, c), "ours")), {"worse"})

    def test_the_machine_is_measured_row_by_row(self):
        # Redis got 50% faster per CPU-second in one row only (say the other
        # core went idle while it ran): ours keeping its figure there is
        # behind the machine, one going 50% faster is just the machine.
        a = make_run("a", {"redis": 1.0, "ours": 1.0})
        b = make_run("b", {"redis": {("T3", "get"): 1.5}, "ours": 1.0})
        c = make_run("c", {"redis": {("T3", "get"): 1.5}, "ours": {("T3", "get"): 1.5}})
        for run, want in ((b, "worse"), (c, changes.WITHIN)):
            line = [l for l in model_of(a, run).lines if l.member.against
                    and l.member.server == "ours" and (l.test, l.cmd) == ("T3", "get")][0]
            self.assertEqual(line.changes["per_cpu"].verdict, want)
            self.assertAlmostEqual(line.changes["per_cpu"].machine, 0.5)

    def test_a_row_that_repeated_exactly_gets_the_runs_typical_spread(self):
        rows = ROWS + [("T4", "set")]
        a = make_run("a", {"ours": 1.0}, wobble=[1.0, 1.2, 0.9], rows=rows)
        b = make_run("b", {"ours": 1.0}, wobble=[1.0, 1.2, 0.9], rows=rows)
        for run, f in ((a, 1.0), (b, 0.85)):
            run.samples[("T4", "set", "ours")] = [
                run_data.sample(100000, 200000 * f, 0.3, 0.9, 0.5 / f)] * 3
        line = [l for l in model_of(a, b).lines if l.member.label == "2" and l.test == "T4"][0]
        self.assertAlmostEqual(line.changes["rps"].pct, -0.15)
        # 2% + two ranges of 30%: +62%, or -38% downwards.
        self.assertGreater(line.changes["rps"].band, 0.38)
        self.assertEqual(line.changes["rps"].verdict, changes.WITHIN)

    def test_one_cpu_tick_is_not_a_measurement(self):
        # 1,000 requests in one or two 10 ms ticks: 100k or 50k per CPU-second.
        a = make_run("a", {"ours": 1.0}, wobble=[1.0, 1.0, 1.0], cpu_s=2 * changes.TICK_S,
                     requests=1000)
        b = make_run("b", {"ours": 2.0}, wobble=[1.0, 1.0, 1.0], cpu_s=2 * changes.TICK_S,
                     requests=1000)
        line = [l for l in model_of(a, b).lines if l.member.against][0]
        self.assertAlmostEqual(line.changes["per_cpu"].pct, 1.0)
        self.assertEqual(line.changes["per_cpu"].verdict, changes.WITHIN)
        self.assertEqual(line.changes["rps"].verdict, "better")
        # With one repetition the band is assumed, but not below the clock.
        once = [make_run(n, {"ours": f}, wobble=[1.0], cpu_s=2 * changes.TICK_S, requests=1000)
                for n, f in (("a", 1.0), ("b", 2.0))]
        line = [l for l in model_of(*once).lines if l.member.against][0]
        self.assertTrue(line.changes["per_cpu"].assumed)
        self.assertEqual(line.changes["per_cpu"].verdict, changes.WITHIN)
        self.assertEqual(line.changes["rps"].verdict, "better")


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def path(self, name, text=None):
        p = os.path.join(self.dir, name)
        if text is not None:
            with open(p, "w") as f:
                f.write(text)
        return p

    def test_schema_2_round_trip_keeps_every_repetition(self):
        a = make_run("a", {"redis": 1.0, "ours": 1.5})
        a.binaries = {"ours": "/tmp/server"}
        run_data.write_csv(self.path("a.csv"), a)
        back = run_data.read_csv(self.path("a.csv"))
        self.assertEqual(back.rows, ROWS)
        self.assertEqual(back.servers, ["redis", "ours"])
        self.assertEqual(back.repetitions(), 3)
        self.assertEqual(back.binaries["ours"], "/tmp/server")
        want = a.median("T3", "get", "ours", "per_cpu")
        self.assertAlmostEqual(back.median("T3", "get", "ours", "per_cpu"), want,
                               delta=want * 1e-3)  # CPU seconds are written to 0.1 ms

    def test_schema_1_files_are_read_without_spread(self):
        legacy = ",".join(run_data.LEGACY_COLUMNS) + "\n" + \
            "T2,set,90000,95000,1.06,0.279,0.271,0.5,0.4,100000,125000,1.25\n" + \
            "T2,get,91000,nan,nan,0.279,0.271,0.5,0.4,100000,nan,nan\n"
        run = run_data.read_csv(self.path("old.csv", legacy))
        self.assertEqual(run.schema, 1)
        self.assertEqual(run.median("T2", "set", "ours", "per_cpu"), 125000)
        self.assertIsNone(run.median("T2", "get", "ours", "per_cpu"))
        new = make_run("new", {"redis": 0.5, "ours": 0.62}, rows=[("T2", "set")])
        m = model_of(run, new)
        line = [l for l in m.lines if l.member.against and l.member.server == "ours"][0]
        self.assertTrue(line.changes["rps"].assumed)
        self.assertTrue(any("CSV schema 1" in n for n in m.notes), m.notes)

    def test_other_files_are_refused_by_name(self):
        cases = {
            "junk.csv": ("name,value\nx,1\n", "not a bench:compare --csv file"),
            "empty.csv": ("", "empty file"),
            "future.csv": ("schema,test,cmd\n3,T2,set\n", "schema 3"),
            "short.csv": (",".join(run_data.COLUMNS) + "\n", "no rows"),
        }
        for name, (text, message) in cases.items():
            with self.assertRaises(run_data.CsvError) as e:
                run_data.read_csv(self.path(name, text))
            self.assertIn(message, str(e.exception))
            self.assertIn(name, str(e.exception))

    def test_report_exits_with_the_message(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "report.py"),
                              self.path("junk.csv", "a,b\n1,2\n")],
                             capture_output=True, text=True)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("junk.csv: not a bench:compare --csv file", out.stderr)

    def test_report_of_two_files_says_every_row_is_within_noise(self):
        run_data.write_csv(self.path("a.csv"), make_run("a", {"redis": 1.0, "ours": 1.5}))
        run_data.write_csv(self.path("b.csv"), make_run("b", {"redis": 1.0, "ours": 1.5},
                                                        wobble=[0.99, 1.02, 1.0]))
        out = subprocess.run([sys.executable, os.path.join(HERE, "report.py"),
                              self.path("a.csv"), self.path("b.csv")],
                             capture_output=True, text=True, check=True).stdout
        self.assertIn("run 2 (ours) against run 1 (ours): 5 rows, 5 within noise. Every row is "
                      "within noise.", out)
        self.assertIn("run 2 (redis) against run 1: the reference, not judged", out)
        self.assertIn("| set | ours | 2 |", out)

    def test_chart_labels_are_the_table_figures(self):
        a = make_run("a", {"baseline": 1.0, "ours": {("T3", "set"): 0.5}})
        base = changes.Member("baseline", a, "baseline")
        ours = changes.Member("ours", a, "ours", base)
        model = changes.build([[base, ours]])
        svg = self.path("c.svg")
        chart.draw(model, svg, "test")
        with open(svg) as f:
            texts = re.findall(r"<text[^>]*>([^<]*)</text>", f.read())
        labels = [t.split("  ")[0] for t in texts if "," in t]
        for line in model.lines:
            for metric in ("per_cpu", "rps"):
                self.assertIn(report.thousands(line.figures[metric]), labels)
        self.assertIn("-50.0% worse", " ".join(texts))


if __name__ == "__main__":
    unittest.main()
