"""Scripts that run too long, on 4 workers: past busy-reply-threshold every
other client gets Redis's BUSY error (whichever worker it is on, the
script's own included), SCRIPT KILL / FUNCTION KILL stop a script that has
not written, a script that wrote is UNKILLABLE, and stopping the server
ends even an endless script.
"""
import socket
import sys
import time
import unittest

import redis

import server_fixture

ENDLESS = "local a = 0 while true do a = a + 1 end"
BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
BUSY_FUNCTION = ("BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
                 "SHUTDOWN NOSAVE.")


def send(port, *args):
    """Sends a command without waiting for its reply (the script's client)."""
    s = socket.create_connection(("127.0.0.1", port))
    payload = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        payload += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(payload)
    return s


def read_reply(s, timeout=10):
    s.settimeout(timeout)
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode()


class ScriptBusyTest(unittest.TestCase):
    def setUp(self):
        self.srv = server_fixture.start_ours(threads=4)
        self.port = self.srv.port
        redis.Redis(port=self.port).config_set("busy-reply-threshold", 50)

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0)

    def wait_busy(self, clients):
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                clients[0].ping()
            except redis.exceptions.BusyLoadingError as e:  # redis-py maps BUSY here
                return str(e)
            except redis.exceptions.ResponseError as e:
                return str(e)
            time.sleep(0.02)
        self.fail("the server never answered BUSY")

    def test_busy_then_script_kill_from_every_worker(self):
        for round_ in range(6):
            script = send(self.port, "EVAL", ENDLESS, "0")
            # Several connections: the kernel spreads them over the workers,
            # so some share the script's worker and some do not.
            clients = [redis.Redis(port=self.port, single_connection_client=True)
                       for _ in range(8)]
            self.assertIn("busy running a script", self.wait_busy(clients))
            for c in clients[1:]:
                with self.assertRaises(redis.exceptions.RedisError) as cm:
                    c.get("k")
                self.assertIn("You can only call SCRIPT KILL", str(cm.exception))
            killer = clients[round_ % len(clients)]
            self.assertTrue(killer.script_kill())
            self.assertIn("Script killed by user with SCRIPT KILL", read_reply(script))
            for c in clients:
                self.assertTrue(c.ping())
            for c in clients:
                c.close()
            script.close()

    def test_clients_closing_while_a_script_is_busy(self):
        # The script's own connection and others (some on the script's
        # worker, which reads them from inside the script) go away meanwhile.
        for _ in range(3):
            script = send(self.port, "EVAL", ENDLESS, "0")
            others = [send(self.port, "GET", "k") for _ in range(8)]
            watcher = redis.Redis(port=self.port)
            self.wait_busy([watcher])
            script.close()
            for s in others:
                s.close()
            time.sleep(0.1)
            self.assertTrue(watcher.script_kill())
            # The script stops at its next hook (as in Redis, a moment later).
            deadline = time.time() + 10
            while True:
                try:
                    self.assertTrue(watcher.ping())
                    break
                except redis.exceptions.ResponseError:
                    self.assertLess(time.time(), deadline)
                    time.sleep(0.01)

    def test_function_kill_and_the_wrong_kill(self):
        r = redis.Redis(port=self.port)
        r.function_load("#!lua name=spin\nredis.register_function('spin', function() %s end)"
                        % ENDLESS)
        script = send(self.port, "FCALL", "spin", "0")
        other = redis.Redis(port=self.port)
        self.wait_busy([other])
        with self.assertRaises(redis.exceptions.RedisError) as cm:
            other.script_kill()
        self.assertEqual(str(cm.exception), BUSY_FUNCTION)
        stats = other.execute_command("FUNCTION", "STATS")
        self.assertIn(b"spin", stats[1])  # running_script: name, command, duration_ms
        self.assertEqual(other.execute_command("FUNCTION", "KILL"), b"OK")
        self.assertIn("Script killed by user", read_reply(script))
        self.assertTrue(other.ping())

    def test_a_script_that_wrote_is_unkillable_until_the_server_stops(self):
        script = send(self.port, "EVAL", "redis.call('set', 'w', 1) " + ENDLESS, "0")
        other = redis.Redis(port=self.port)
        self.wait_busy([other])
        with self.assertRaises(redis.exceptions.RedisError) as cm:
            other.script_kill()
        self.assertIn("UNKILLABLE", str(cm.exception))
        self.assertIn(BUSY_EVAL, self.wait_busy([other]))
        script.close()
        # tearDown: stopping the server must end the script and exit 0.


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
