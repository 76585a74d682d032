#!/usr/bin/env bash
# Fails when a dependency goes against the layering (docs/architecture.md,
# "Packages"):
#   - a command family (//server/commands/<family>) depends on another family
#     or on the table of all of them;
#   - //server/command depends on config, core or a family; //server/config
#     on core or a family; //server/core on a family;
#   - //engine, //net or //resp depend on anything under //server;
#   - //engine and //net depend on each other;
#   - //resp depends on anything but abseil (//third_party:absl);
#   - //server/scripting depends on engine, net, command, config, core or a
#     family; //server/pubsub on net, config, core or a family;
#   - //engine/rdb (the RDB codec) on //server or //net; //server/persistence
#     and //server/aof on core, config, a family or net.
# "Depends" is transitive. The argument is the graph genquery wrote
# (deps(//server:server), one `"from" -> "to"` line per edge).
set -euo pipefail

graph="$1"
edges="$(sed -n 's/^ *"\([^"]*\)" -> "\([^"]*\)"$/\1 \2/p' "${graph}")"
nodes="$(grep -o '"//[^"]*"' "${graph}" | tr -d '"' | sort -u)"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Every node reachable from the nodes whose label matches the regex $1, each
# as "node<TAB>a path to it".
reach() {
  awk -v re="$1" '
    { succ[$1] = succ[$1] " " $2; node[$1]; node[$2] }
    END {
      n = 0
      for (v in node) if (v ~ re) { queue[n++] = v; path[v] = v }
      for (i = 0; i < n; i++) {
        u = queue[i]
        k = split(succ[u], out, " ")
        for (j = 1; j <= k; j++) {
          if (out[j] in path) continue
          path[out[j]] = path[u] " -> " out[j]
          queue[n++] = out[j]
        }
      }
      for (v in path) print v "\t" path[v]
    }' <<<"${edges}"
}

# forbid WHAT FROM TO [ALLOWED]: nothing reachable from FROM may match TO,
# unless it matches ALLOWED (regexes over labels). Reports each forbidden
# target reached first (not its files, nor what it reaches in turn) with the
# path to it.
forbid() {
  local bad
  bad="$(reach "$2" | awk -F '\t' -v to="$3" -v ok="${4:-^$}" '
    $1 ~ to && $1 !~ ok && $1 !~ /\.(h|hh|hpp|c|cc|cpp|inc)$/ { bad[$1] = $2 }
    END {
      for (v in bad) {
        k = split(bad[v], hops, " -> ")
        if (!(hops[k - 1] in bad)) print "    " bad[v]
      }
    }' | sort)"
  if [[ -n "${bad}" ]]; then
    fail "$1:"
    echo "${bad}"
  fi
}

# The graph must hold what the rules are about, or they prove nothing.
for target in //engine:engine //net:net //resp:resp //server/command:command \
  //server/config:config //server/core:core //server/commands:all \
  //server/scripting:scripting //engine/rdb:rdb //server/pubsub:pubsub \
  //server/persistence:persistence //server/aof:aof; do
  grep -qxF "${target}" <<<"${nodes}" || fail "${target} is not in the graph"
done
families="$(grep -oE '^//server/commands/[^:]+' <<<"${nodes}" | sort -u)"
if (($(wc -l <<<"${families}") < 8)); then
  fail "expected at least 8 command families, found: ${families}"
fi

for family in ${families}; do
  forbid "${family} depends on another family (shared code belongs in //server/command)" \
    "^${family}:" '^//server/commands(:|/)' "^${family}:"
done
forbid "//server/command depends on a layer above it" \
  '^//server/command:' '^//server/(config|core|commands)(:|/)'
forbid "//server/config depends on a layer above it" \
  '^//server/config:' '^//server/(core|commands)(:|/)'
forbid "//server/core depends on a command family" \
  '^//server/core:' '^//server/commands(:|/)'
for lib in engine net resp; do
  forbid "//${lib} depends on //server" "^//${lib}:" '^//server(:|/)'
done
forbid "//engine depends on //net" '^//engine:' '^//net:'
forbid "//net depends on //engine" '^//net:' '^//engine:'
forbid "//resp depends on something besides abseil" \
  '^//resp:' '.' '^//(resp:.*|third_party:absl)$'
# The Lua side knows nothing of workers or commands: redis.call reaches the
# server through ScriptHost, which core implements.
forbid "//server/scripting depends on a layer above it" \
  '^//server/scripting(:|/)' '^//(server/(command|config|core|commands)|engine|net)(:|/)'
# Who is subscribed and what was published: no workers, clients or config
# (core delivers the outboxes); the engine only for its KeyEvents interface.
forbid "//server/pubsub depends on a layer above it" \
  '^//server/pubsub(:|/)' '^//(server/(config|core|commands)|net)(:|/)'
# The codec is the engine's: other programs use it without the server.
forbid "//engine/rdb depends on //server or //net" '^//engine/rdb:' '^//(server|net)(:|/)'
# Files and bytes: the workers that feed it are core's.
forbid "//server/persistence depends on a layer above it" \
  '^//server/persistence(:|/)' '^//(server/(config|core|commands)|net)(:|/)'
# The AOF's bytes and files, as persistence's: what is logged is core's.
forbid "//server/aof depends on a layer above it" \
  '^//server/aof(:|/)' '^//(server/(config|core|commands)|net)(:|/)'

if ((failures > 0)); then
  echo "${failures} layering rule(s) broken"
  exit 1
fi
echo "layering holds: $(wc -l <<<"${families}") families, $(wc -l <<<"${nodes}") nodes checked"
