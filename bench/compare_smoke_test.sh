#!/usr/bin/env bash
set -euo pipefail
out=$(bench/compare --threads 4 --scale 0.01 --repeat 1 --csv rows.csv 2>progress.log)
echo "$out"
grep -q "T1 sanity: PING, SET, GET answered correctly" <<<"$out"
for t in "T2 |" "T2 -r 1000k" "T3 |" "T3 -r 1000k" "T4 |" "T4 -r 1000k" "T5 |" "T5 -r 100k" \
  "T6 | multi" "T6 | cas" "T7 | evalsha" "T8 | fanout" "T8 | pairs"; do
  grep -q "| $t" <<<"$out" || { echo "missing row $t"; exit 1; }
done
[ "$(wc -l < rows.csv)" -eq 41 ] || { echo "expected 41 CSV lines (a header and 40 rows)"; cat rows.csv; exit 1; }
grep -q "Peak RSS" <<<"$out"
echo "1 passed, 0 failed"
