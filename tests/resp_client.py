"""A small pipelining RESP2 client that keeps every reply's class.

redis-py folds replies into Python values (and parses some commands' replies
its own way); the sweep and the grammar fuzzer need the reply exactly as the
server sent it, and thousands of commands in one round trip.
A reply is a tuple: ("status", b"OK"), ("error", b"ERR ..."), ("int", 3),
("bulk", b"..."), ("nil",), ("array", [reply, ...]) or ("nilarray",).
"""
import select
import socket


class ConnectionLost(Exception):
    pass


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(b"\r\n")
    return b"".join(out)


class RespClient:
    def __init__(self, port, timeout=30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.pos = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, commands):
        try:
            self.sock.sendall(b"".join(encode(c) for c in commands))
        except OSError as e:
            raise ConnectionLost(str(e))

    def call(self, *args):
        self.send([args])
        return self.read()

    def pipeline(self, commands):
        """Sends every command, then reads one reply each."""
        self.send(commands)
        return [self.read() for _ in commands]

    def readable(self, timeout):
        if self.pos < len(self.buf):
            return True
        r, _, _ = select.select([self.sock], [], [], timeout)
        return bool(r)

    def _fill(self):
        try:
            data = self.sock.recv(1 << 20)
        except OSError as e:
            raise ConnectionLost(str(e))
        if not data:
            raise ConnectionLost("connection closed")
        if self.pos > 0:
            self.buf = self.buf[self.pos:]
            self.pos = 0
        self.buf += data

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = self.buf[self.pos:end]
                self.pos = end + 2
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) - self.pos < n + 2:
            self._fill()
        data = self.buf[self.pos:self.pos + n]
        self.pos += n + 2
        return data

    def read(self):
        line = self._line()
        kind, body = line[:1], line[1:]
        if kind == b"+":
            return ("status", body)
        if kind == b"-":
            return ("error", body)
        if kind == b":":
            return ("int", int(body))
        if kind == b"$":
            n = int(body)
            return ("nil",) if n < 0 else ("bulk", self._exact(n))
        if kind == b"*":
            n = int(body)
            if n < 0:
                return ("nilarray",)
            return ("array", [self.read() for _ in range(n)])
        raise ConnectionLost("unexpected reply line %r" % line[:80])


def reply_class(reply):
    """The class the sweep compares: nil arrays and nil bulks are both nil."""
    kind = reply[0]
    return "nil" if kind in ("nil", "nilarray") else kind


def shape(reply):
    """A reply with its values dropped: classes and array lengths only."""
    if reply[0] == "array":
        return ("array", len(reply[1]))
    return (reply_class(reply),)


def printable(reply, limit=300):
    text = repr(reply)
    return text if len(text) <= limit else text[:limit] + "..."
