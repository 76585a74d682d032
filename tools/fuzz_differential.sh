#!/usr/bin/env bash
# The differential grammar fuzzer, for a long run: random commands from the
# argument specs go to our server (3 workers) and to redis-server, replies
# compared one by one (tests/grammar_fuzz.py).
#   tools/fuzz_differential.sh SECONDS [SEED]
# Prints the seed, a line a minute, then executions / mismatches / handler
# exceptions; every mismatch goes to /tmp/fuzz_differential.<seed>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: tools/fuzz_differential.sh SECONDS [SEED]}
seed=${2:-$RANDOM$RANDOM}
bazel build //server >/dev/null
root=$(pwd)
cd bazel-bin
# Debian's python3 has python3-redis; a pyenv shim on PATH may not.
PYTHONPATH="$root/tests" exec /usr/bin/python3 -W ignore "$root/tests/grammar_fuzz.py" \
  --seconds "$seconds" --seed "$seed" --report "/tmp/fuzz_differential.$seed.txt"
