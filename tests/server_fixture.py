"""Starts our server binary and the real redis-server on free loopback ports.

Shared by the end-to-end tests; each test runs under `bazel test` with the
server binary as a data dependency.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with code %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on %d" % port)


def server_binary():
    for candidate in ("server/server", os.path.join(os.environ.get("TEST_SRCDIR", ""),
                                                      "shardis/server/server")):
        if os.path.exists(candidate):
            return os.path.abspath(candidate)
    raise RuntimeError("server binary not found")


class Process:
    def __init__(self, argv, port):
        self.port = port
        # A file, not a pipe: nobody reads while the test runs, and a full
        # pipe would block the server. Shown when the server dies badly.
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(port, self.proc)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.returncode != 0:
            self.log.seek(0)
            sys.stderr.write("server exited with %s; its output:\n%s\n" % (
                self.proc.returncode, self.log.read().decode(errors="replace")[-20000:]))
        return self.proc.returncode


def data_dir():
    """A fresh directory for one server's dump.rdb: never the test's working
    directory, which Bazel keeps between runs (a file left there would be
    loaded by the next start)."""
    return tempfile.mkdtemp(prefix="data.", dir=os.environ.get("TEST_TMPDIR"))


def start_ours(threads=2, extra=()):
    port = free_port()
    # No save points unless a test asks (Redis's defaults would save at
    # every exit).
    return Process([server_binary(), "--port", str(port), "--threads", str(threads),
                    "--save", "", "--dir", data_dir(), *extra], port)


def start_redis():
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed (run tools/bootstrap.sh)")
    port = free_port()
    return Process([exe, "--port", str(port), "--save", "", "--appendonly", "no",
                    "--dir", data_dir(),
                    "--bind", "127.0.0.1"], port)
