"""Configuration end to end: a redis.conf-style file as the first argument
(flags after it override it), startup errors, runtime CONFIG SET of
requirepass, and protected mode for non-loopback clients."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import redis

import server_fixture


def non_loopback_address():
    """An address of this machine other than loopback, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


def write_conf(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    f.write(text)
    f.close()
    return f.name


class ConfigFileTest(unittest.TestCase):
    def test_file_then_flags(self):
        port = server_fixture.free_port()
        conf = write_conf('# a comment\nport 1\nthreads 2\nhash-max-ziplist-entries 100\n'
                          'save ""\nappendonly no\nbind 127.0.0.1 -::1\n'
                          'requirepass "se cret"\nmaxmemory 2mb\n')
        proc = server_fixture.Process([server_fixture.server_binary(), conf, "--port", str(port),
                                       "--threads", "1", "--save", "",
                                       "--dir", server_fixture.data_dir()], port)
        try:
            c = redis.Redis(port=port, password="se cret")
            self.assertEqual(c.config_get("hash-max-listpack-entries"),
                             {"hash-max-listpack-entries": "100"})
            self.assertEqual(c.config_get("maxmemory"), {"maxmemory": "2097152"})
            self.assertEqual(c.info("server")["server_threads"], 1)
            with self.assertRaises(redis.AuthenticationError):
                redis.Redis(port=port).ping()
        finally:
            self.assertEqual(proc.stop(), 0)
            os.unlink(conf)

    def test_bad_lines_stop_the_server_with_the_line(self):
        for text, expect in (("port 7000\nfoo bar\n", b"Bad directive"),
                             ('port "unbalanced\n', b"Unbalanced quotes"),
                             ("threads lots\n", b"line 1"),
                             ("hash-max-listpack-entries abc\n", b"couldn't be parsed")):
            conf = write_conf(text)
            try:
                out = subprocess.run([server_fixture.server_binary(), conf, "--port", "0"],
                                     capture_output=True, timeout=10)
            finally:
                os.unlink(conf)
            self.assertEqual(out.returncode, 1, text)
            self.assertIn(expect, out.stdout + out.stderr, text)


class RuntimeAccessTest(unittest.TestCase):
    def test_config_set_requirepass_applies_to_new_and_unauthenticated_clients(self):
        server = server_fixture.start_ours(threads=2)
        try:
            admin = redis.Redis(port=server.port)
            self.assertTrue(admin.config_set("requirepass", "pw"))
            self.assertTrue(admin.ping())  # already connected: stays in
            with self.assertRaises(redis.AuthenticationError):
                redis.Redis(port=server.port).ping()
            fresh = redis.Redis(port=server.port, password="pw")
            self.assertTrue(fresh.ping())
            raw = socket.create_connection(("127.0.0.1", server.port))
            raw.sendall(b"PING\r\n")
            self.assertTrue(raw.recv(100).startswith(b"-NOAUTH"))
            self.assertTrue(admin.config_set("requirepass", ""))
            raw.sendall(b"PING\r\n")
            self.assertEqual(raw.recv(100), b"+PONG\r\n")
            raw.close()
        finally:
            self.assertEqual(server.stop(), 0)

    def test_maxmemory_refuses_growing_commands_when_over(self):
        server = server_fixture.start_ours(threads=2, extra=("--maxmemory", "1mb"))
        try:
            c = redis.Redis(port=server.port)
            # A running server holds more than 1 MB: writes that may grow
            # memory are refused, reads and deletes still work.
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                c.set("k", "v")
            self.assertEqual(str(e.exception),
                             "OOM command not allowed when used memory > 'maxmemory'.")
            with self.assertRaises(redis.exceptions.ResponseError):
                c.rpush("l", "x")
            self.assertIsNone(c.get("k"))
            self.assertEqual(c.delete("k"), 0)
            self.assertEqual(c.info("memory")["maxmemory"], 1 << 20)
            self.assertTrue(c.config_set("maxmemory", "0"))
            self.assertTrue(c.set("k", "v"))
            self.assertTrue(c.config_set("maxmemory", "1"))
            # The allocator is sampled every 100 ms: the limit bites within a
            # few samples, not necessarily at once.
            deadline = time.time() + 10
            refused = None
            while refused is None and time.time() < deadline:
                try:
                    c.set("k2", "v")
                    c.delete("k2")
                    time.sleep(0.02)
                except redis.exceptions.ResponseError as e:
                    refused = str(e)
            self.assertEqual(refused, "OOM command not allowed when used memory > 'maxmemory'.")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_protected_mode_refuses_remote_clients_without_a_password(self):
        addr = non_loopback_address()
        if addr is None:
            self.skipTest("no non-loopback address on this machine")
        server = server_fixture.start_ours(threads=1, extra=("--bind", "0.0.0.0"))
        try:
            def remote_ping():
                # The whole first reply: the DENIED text is one line, sent
                # before the server closes (recv waits for it).
                with socket.create_connection((addr, server.port), timeout=5) as s:
                    s.sendall(b"PING\r\n")
                    data = b""
                    while not data.endswith(b"\r\n"):
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    return data
            self.assertTrue(remote_ping().startswith(b"-DENIED Redis is running in protected mode"))
            self.assertTrue(redis.Redis(port=server.port).ping())  # loopback is fine
            redis.Redis(port=server.port).config_set("protected-mode", "no")
            self.assertEqual(remote_ping(), b"+PONG\r\n")
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
