#!/usr/bin/env python3
"""Fills the expected texts of the RedisCase tables in the tests from a real
redis-server, so those cases compare us with Redis rather than with what we
believe Redis does.

Usage: start a redis-server 7.0 on loopback (redis-server --port 16399
--save ''), then
    server/scripting/lualib/redis_oracle.py --port 16399 \
        server/scripting/lualib/lua_*_test.cc
Each {R"lua(snippet)lua", R"lua(expected)lua"} entry gets its expected text
replaced by what EVAL of the snippet returns there, run with the prelude of
lua_test_util.h; review the diff, then commit it. --check only reports
differences (exit status 1 if any).
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ENTRY = re.compile(r'(\{R"lua\()(.*?)(\)lua",\s*R"lua\()(.*?)(\)lua"\})', re.S)


def prelude():
    with open(os.path.join(HERE, "lua_test_util.h")) as f:
        text = f.read()
    return re.search(r'kPrelude\[\] = R"lua\((.*?)\)lua";', text, re.S).group(1)


def redis(port, *args):
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
                         check=True, capture_output=True, text=True).stdout
    return out[:-1] if out.endswith("\n") else out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    info = redis(args.port, "INFO", "server")
    version = re.search(r"redis_version:(\S+)", info).group(1)
    if not version.startswith("7.0."):
        sys.exit(f"expected a redis-server 7.0, found {version}")

    head = prelude()
    differences = 0
    for path in args.files:
        with open(path) as f:
            source = f.read()

        def replace(m):
            nonlocal differences
            script = f"{head}return try(function() {m.group(2)}\nend)"
            got = redis(args.port, "EVAL", script, "0")
            if got != m.group(4):
                differences += 1
                print(f"{path}: {m.group(2)}\n  was:   {m.group(4)}\n  redis: {got}")
            return m.group(1) + m.group(2) + m.group(3) + got + m.group(5)

        updated = ENTRY.sub(replace, source)
        if not args.check and updated != source:
            with open(path, "w") as f:
                f.write(updated)
    print(f"{differences} expectation(s) differ from redis-server {version}")
    return 1 if args.check and differences else 0


if __name__ == "__main__":
    sys.exit(main())
