#!/usr/bin/env bash
# Tiny runs of //bench:compare and //bench:report, so neither tool rots:
# the whole suite with more threads than cores, then T2 against a baseline
# build (the same binary here), both saved and charted, then the report of
# the two CSVs and of the two builds inside one.
set -euo pipefail
out=$(bench/compare --threads 4 --scale 0.01 --repeat 1 --csv rows.csv 2>progress.log)
echo "$out"
grep -q "T1 sanity: PING, SET, GET answered correctly" <<<"$out"
for t in "T2 |" "T2 -r 1000k" "T3 |" "T3 -r 1000k" "T4 |" "T4 -r 1000k" "T5 |" "T5 -r 100k" \
  "T6 | multi" "T6 | cas" "T7 | evalsha" "T8 | fanout" "T8 | pairs"; do
  grep -q "| $t" <<<"$out" || { echo "missing row $t"; exit 1; }
done
# Schema 2: a header and one line per row, server and repetition (40 x 2 x 1).
[ "$(wc -l < rows.csv)" -eq 81 ] || { echo "expected 81 CSV lines"; cat rows.csv; exit 1; }
head -1 rows.csv | grep -q "^schema,test,cmd,server,rep," || { echo "no schema header"; exit 1; }
grep -q "Peak RSS" <<<"$out"

server=$(pwd)/server/server
base=$(bench/compare --only T2 --scale 0.01 --repeat 2 --baseline "$server" --csv base.csv \
  --chart compare.svg 2>>progress.log) || { tail progress.log; exit 1; }
echo "$base"
grep -q "^## ours against baseline" <<<"$base" || { echo "no baseline table"; exit 1; }
grep -qE "^- ours against baseline: 4 rows, " <<<"$base" || { echo "no verdict count"; exit 1; }
[ "$(grep -c '^2,T2' base.csv)" -eq 24 ] || { echo "expected 4 rows x 3 servers x 2"; exit 1; }
# Every req/CPU-s and RPS figure of the baseline table is a label in the chart.
grep -q "<svg" compare.svg || { echo "compare.svg is not an SVG"; exit 1; }
while IFS='|' read -r _ cmd srv rps p50 p99 percpu _; do
  for figure in $rps $percpu; do
    [ "$figure" = "-" ] && continue  # no CPU tick passed: no figure, no bar
    grep -q ">$figure[ <]" compare.svg || { echo "chart lacks $srv $cmd figure $figure"; exit 1; }
  done
done < <(sed -n '/^## ours against baseline/,/^Peak RSS/p' <<<"$base" |
  grep -E '^\| (set|get) \| (ours|baseline) \|')

rep=$(bench/report rows.csv base.csv --chart report.png)
echo "$rep"
for t in "### T2" "### T8" "| set | ours | 2 |" "run 2 (ours) against run 1 (ours): 4 rows" \
  "run 2 (redis) against run 1: the reference" "rows.csv: one repetition per row"; do
  grep -qF "$t" <<<"$rep" || { echo "report lacks: $t"; exit 1; }
done
[ "$(head -c 4 report.png | od -An -c | tr -d ' ')" = "211PNG" ] || { echo "not a PNG"; exit 1; }
builds=$(bench/report base.csv:baseline base.csv:ours)
grep -q "run 2 (ours) against run 1 (baseline): 4 rows" <<<"$builds" || {
  echo "$builds"; echo "no within-file comparison"; exit 1; }
echo "name,value" > junk.csv
if msg=$(bench/report junk.csv 2>&1); then echo "junk.csv was accepted"; exit 1; fi
grep -q "junk.csv: not a bench:compare --csv file" <<<"$msg" || { echo "$msg"; exit 1; }
echo "1 passed, 0 failed"
