#!/usr/bin/env bash
# A tiny run of //bench:persistence_bench (every part, two of our threads): every row of the table must be there, and both servers must have
# loaded both files (a load that fails to answer DBSIZE aborts the run).
set -euo pipefail
out=$(bench/persistence_bench --threads 2 --keys 2000 --bg-keys 20000 --window 1 \
  --aof-clients 20 --repeat 1 --csv rows.csv 2>progress.log) || { cat progress.log; exit 1; }
echo "$out"
grep -q "Pinning:" <<<"$out"
for row in "start, no file" "strings SAVE s" "strings file MB" \
  "strings load Redis-written file s" "strings load ours-written file s" \
  "mix SAVE s" "mix load Redis-written file s" "mix load ours-written file s" \
  "SET, no snapshot /s" "SET during BGSAVE /s" "BGSAVEs finished in window" \
  "growth % of used_memory" "child Private_Dirty peak MB" "SET/s, no AOF" \
  "SET/s, appendonly everysec" "SET per server CPU-s, appendonly always"; do
  grep -q "| $row |" <<<"$out" || { echo "missing row: $row"; exit 1; }
done
# Both servers have a figure in every save, load and throughput row.
if grep -E "^\| P[124] \| ((strings|mix) (SAVE|load)|SET)" <<<"$out" |
    awk -F'|' '$4 ~ /^ *- *$/ || $5 ~ /^ *- *$/ { bad = 1 } END { exit !bad }'; then
  echo "a figure is missing"; exit 1
fi
[ "$(wc -l < rows.csv)" -gt 30 ] || { echo "short CSV"; cat rows.csv; exit 1; }
echo "1 passed, 0 failed"
