#!/usr/bin/env bash
# Installs every Debian package the build, tests and benchmarks need.
# Idempotent and non-interactive: a second run finds everything present and
# only confirms it. Must run as root (or through sudo) on Debian 12.
set -euo pipefail

PACKAGES=(
  # Bazel 4.2.3 and the rule packages it needs offline (see third_party/).
  bazel-bootstrap bazel-rules-java bazel-platforms
  # Compilers and the libFuzzer runtime.
  g++ clang libclang-rt-14-dev
  # Libraries the project links.
  libabsl-dev libcds-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev libhiredis-dev
  # LZF, for RDB string compression.
  liblzf-dev
  # Lua 5.1 and its cjson/bit libraries, for EVAL and FUNCTION.
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
  pkg-config
  # The reference implementation and the clients used by tests and benchmarks.
  redis-server redis-tools python3 python3-redis
  # A Node.js client for the scripting end-to-end test.
  nodejs node-redis
  # Pinning and process tools used by bench/compare.
  util-linux procps
  # The bar charts of bench/compare and bench/report (--chart).
  python3-matplotlib
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages already installed"
else
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's redis-server package starts a system service on 6379, the port
# `bazel run //server` serves on by default. The project only needs the
# binaries (tests and benchmarks start their own instances on free ports), so
# the service is stopped and disabled.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  if systemctl is-enabled --quiet redis-server 2>/dev/null || systemctl is-active --quiet redis-server 2>/dev/null; then
    echo "bootstrap: stopping and disabling the redis-server system service (port 6379)"
    ${SUDO:-} systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
elif [ -x /etc/init.d/redis-server ] && /etc/init.d/redis-server status >/dev/null 2>&1; then
  echo "bootstrap: stopping the redis-server service (port 6379)"
  /etc/init.d/redis-server stop >/dev/null 2>&1 || true
fi
echo "bootstrap: done"
