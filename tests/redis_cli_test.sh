#!/usr/bin/env bash
# Talks to the server through redis-cli, as a user would, and checks that
# SIGTERM shuts it down cleanly.
set -euo pipefail
BIN=server/server
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SOCK=$(mktemp -u /tmp/shardis-test-XXXXXX.sock)
"$BIN" --port "$PORT" --threads 2 --save "" --dir "${TEST_TMPDIR:-/tmp}" --unixsocket "$SOCK" > server.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done

expect() {  # expect <want> <redis-cli args...>
  local want=$1; shift
  local got
  got=$(redis-cli "$@")
  if [ "$got" != "$want" ]; then echo "FAIL: redis-cli $* -> '$got', want '$want'"; exit 1; fi
}
expect PONG -p "$PORT" ping
expect OK -p "$PORT" set greeting hello
expect hello -p "$PORT" get greeting
expect hello -s "$SOCK" get greeting            # same data over the unix socket
expect 3 -p "$PORT" rpush list a b c
expect "$(printf 'a\nb\nc')" -p "$PORT" lrange list 0 -1
expect "ERR unknown command 'nope', with args beginning with: " -p "$PORT" nope
# The benchmark tool works against us: every request is served (not just
# timed: redis-benchmark 7 stops at the first error reply, and the server
# counts what it ran), and the SETs stored their 3-byte value.
before=$(redis-cli -p "$PORT" info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p')
redis-benchmark -p "$PORT" -t set,get -n 2000 -q > bench.out 2>&1
grep -q "SET:" bench.out && grep -q "GET:" bench.out
if grep -qi "error" bench.out; then echo "FAIL: redis-benchmark got errors:"; cat bench.out; exit 1; fi
after=$(redis-cli -p "$PORT" info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p')
if [ $((after - before)) -lt 4000 ]; then
  echo "FAIL: redis-benchmark sent 4000 commands, the server ran $((after - before))"; exit 1
fi
expect 3 -p "$PORT" strlen key:__rand_int__

kill -TERM $PID
wait $PID
grep -q "shutting down" server.log
echo "1 passed, 0 failed"
