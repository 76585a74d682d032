"""Argument grammars of Redis commands, read from the real redis-server's
COMMAND DOCS, and the calls the sweep and the grammar fuzzer build from them.

A grammar is a tree of Arg (Redis 7.0's argument spec: type, token, optional,
multiple, children for oneof/block). A call is a list of Piece: the text sent
and what it stands for (a token, a key, or a value of some type), so a caller
can replace values at chosen positions.
"""
import collections

from resp_client import RespClient

Piece = collections.namedtuple("Piece", "text kind name")

# Argument types whose values the sweep replaces with extreme ones.
VALUE_KINDS = ("integer", "double", "string", "pattern", "unix-time")


class Arg:
    def __init__(self, doc):
        self.name = doc.get("name", "")
        self.type = doc.get("type", "string")
        self.token = doc.get("token")
        flags = doc.get("flags", [])
        self.optional = "optional" in flags
        self.multiple = "multiple" in flags
        self.multiple_token = "multiple_token" in flags
        self.children = [Arg(c) for c in doc.get("arguments", [])]

    def __repr__(self):
        return "Arg(%s:%s%s)" % (self.name, self.type, "?" if self.optional else "")


class Command:
    def __init__(self, name, doc, info):
        self.name = name  # "get", or "client|list" for a subcommand
        self.args = [Arg(a) for a in doc.get("arguments", [])]
        self.arity = info["arity"]
        self.flags = info["flags"]
        self.tips = info["tips"]

    @property
    def words(self):
        return self.name.split("|")

    def is_write(self):
        return "write" in self.flags

    def is_blocking(self):
        return "blocking" in self.flags

    def nondeterministic(self):
        return "nondeterministic_output" in self.tips

    def unordered(self):
        return "nondeterministic_output_order" in self.tips


def _as_dict(flat):
    """A RESP2 flat map (key, value, key, value...) as a dict."""
    if flat[0] != "array":
        return {}
    items = flat[1]
    out = {}
    for i in range(0, len(items) - 1, 2):
        out[_plain(items[i])] = items[i + 1]
    return out


def _plain(reply):
    kind = reply[0]
    if kind in ("bulk", "status"):
        return reply[1].decode()
    if kind == "int":
        return reply[1]
    if kind == "array":
        return [_plain(r) for r in reply[1]]
    return None


def _doc(reply):
    d = _as_dict(reply)
    out = {}
    for k, v in d.items():
        if k == "arguments":
            out[k] = [_doc(a) for a in v[1]]
        elif k == "subcommands":
            subs = _as_dict(v)
            out[k] = {name: _doc(sd) for name, sd in subs.items()}
        else:
            out[k] = _plain(v)
    return out


def _info(reply):
    """One COMMAND INFO entry: name, arity, flags, tips, and subcommands."""
    items = reply[1]
    info = {
        "name": _plain(items[0]),
        "arity": _plain(items[1]),
        "flags": _plain(items[2]),
        "tips": _plain(items[7]) if len(items) > 7 else [],
        "subcommands": [],
    }
    if len(items) > 9:
        info["subcommands"] = [_info(s) for s in items[9][1]]
    return info


def command_names(port):
    """Every command and subcommand name a server lists in COMMAND."""
    c = RespClient(port)
    try:
        reply = c.call("COMMAND")
    finally:
        c.close()
    names = []
    for entry in reply[1]:
        info = _info(entry)
        if info["subcommands"]:
            names.extend(s["name"].lower() for s in info["subcommands"])
        else:
            names.append(info["name"].lower())
    return names


def load_grammars(port, names):
    """Grammars for `names` (as command_names gives them), from the server on
    `port` (the real redis-server). Names it does not know are left out."""
    c = RespClient(port)
    try:
        containers = sorted({n.split("|")[0] for n in names})
        docs = _as_dict(c.call("COMMAND", "DOCS", *containers))
        infos = {}
        for entry in c.call("COMMAND", "INFO", *containers)[1]:
            if entry[0] != "array":
                continue
            info = _info(entry)
            infos[info["name"].lower()] = info
            for s in info["subcommands"]:
                infos[s["name"].lower()] = s
    finally:
        c.close()
    grammars = {}
    for name in names:
        words = name.split("|")
        if words[0] not in docs or name not in infos:
            continue
        doc = _doc(docs[words[0]])
        if len(words) == 2:
            doc = doc.get("subcommands", {}).get(name)
            if doc is None:
                continue
        grammars[name] = Command(name, doc, infos[name])
    return grammars


# --- Building calls --------------------------------------------------------

class Namer:
    """Hands out key names in order: the first key of a call is "k" (the key
    set up with a type), later ones k2, k3... (missing, on other shards)."""

    def __init__(self):
        self.keys = 0

    def key(self):
        self.keys += 1
        return "k" if self.keys == 1 else "k%d" % self.keys


def default_value(arg, command):
    """A value the command accepts for arg, so that replacing one position at
    a time tests that position alone."""
    name = arg.name.lower()
    if arg.type == "integer":
        if name == "numkeys":
            return "1"
        return "1"
    if arg.type == "double":
        if name == "timeout":
            return "0.01"
        return "1"
    if arg.type == "unix-time":
        return "4102444800"  # 2100: a key that does not expire during the run
    if arg.type == "pattern":
        return "*"
    return "v"


def realize(arg, command, namer, choice=0):
    """The pieces of one occurrence of arg with its required parts (oneof:
    alternative `choice`)."""
    pieces = []
    if arg.token and arg.type != "pure-token":
        pieces.append(Piece(arg.token, "token", arg.name))
    if arg.type == "pure-token":
        pieces.append(Piece(arg.token, "token", arg.name))
    elif arg.type == "oneof":
        pieces += realize(arg.children[choice % len(arg.children)], command, namer)
    elif arg.type == "block":
        for child in arg.children:
            if not child.optional:
                pieces += realize(child, command, namer)
    elif arg.type == "key":
        pieces.append(Piece(namer.key(), "key", arg.name))
    else:
        pieces.append(Piece(default_value(arg, command), arg.type, arg.name))
    return pieces


def templates(command):
    """Calls of the command: the required arguments only, then the required
    ones plus each optional argument alone (each alternative of an optional
    oneof, and of a required oneof, in turn)."""
    out = []

    def build(extra_index=None, extra_choice=0, required_choice=None):
        namer = Namer()
        pieces = [Piece(w, "token", "command") for w in command.words]
        for i, arg in enumerate(command.args):
            if arg.optional and i != extra_index:
                continue
            choice = extra_choice if i == extra_index else 0
            if required_choice is not None and required_choice[0] == i:
                choice = required_choice[1]
            pieces += realize(arg, command, namer, choice)
        return pieces

    out.append(build())
    for i, arg in enumerate(command.args):
        alternatives = len(arg.children) if arg.type == "oneof" else 1
        if arg.optional:
            for choice in range(alternatives):
                out.append(build(i, choice))
        elif alternatives > 1:
            for choice in range(1, alternatives):
                out.append(build(required_choice=(i, choice)))
    unique = []
    seen = set()
    for t in out:
        key = tuple(p.text for p in t)
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


def texts(pieces):
    return [p.text for p in pieces]


# --- Key types ------------------------------------------------------------

def _many(prefix, n):
    return ["%s%d" % (prefix, i) for i in range(n)]


def _zpairs(members):
    out = []
    for i, m in enumerate(members):
        out += [str(i + 1), m]
    return out


# What key "k" holds before a call: every type and both encodings of each.
# Containers hold "v" (the value calls use) and small integers, so lookups
# by the default arguments find something.
KEY_TYPES = collections.OrderedDict([
    ("missing", []),
    ("string", [["SET", "k", "hello"]]),
    ("integer", [["SET", "k", "12345"]]),
    ("list", [["RPUSH", "k", "a", "b", "v", "1", "2"]]),
    ("biglist", [["RPUSH", "k", "v"] + _many("e", 200)]),
    ("set", [["SADD", "k", "a", "b", "v", "1"]]),
    ("intset", [["SADD", "k", "1", "2", "3", "4"]]),
    ("hash", [["HSET", "k", "v", "v", "f", "1", "a", "2"]]),
    ("bighash", [["HSET", "k", "v", "v"] + [x for i in range(200) for x in ("f%d" % i, str(i))]]),
    ("zset", [["ZADD", "k", "1", "v", "2", "a", "3", "b"]]),
    ("bigzset", [["ZADD", "k", "0", "v"] + _zpairs(_many("m", 200))]),
])
