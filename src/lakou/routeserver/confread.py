"""Read back a route-server configuration lakou wrote (BIRD 2 or OpenBGPD) for ``rs diff``.

Not a parser of BIRD or bgpd.conf in general: it reads what lakou's renderers write and
keeps what a member would ask about before a deploy: its sessions (name, address, ASN,
max-prefix limit and action), the origin ASNs and the registered prefixes (per family)
its routes are checked against. BIRD files hold them in ``define ASxxx_ORIGINS`` and
``define ASxxx_PREFIXES_<family>_<length>`` sets: address sets, whose ranges stand for
every registered block of that length (``10.0.0.0..10.0.1.0`` in ``..._4_24`` is the two
/24s), or, in files written by earlier versions, prefix sets whose entries may be folded
like ``bgpq4 -A`` (``10.0.0.0/23{24,32}`` is the two registered /24s); both are unfolded
here, so two files compare prefix by prefix whatever the form. OpenBGPD files hold
``as-set ASxxx_origins`` and ``prefix-set ASxxx_prefixes``. The ``# AS64500: IRR ...``
comment lines are kept as each member's IRR summary. A line this reader cannot make
sense of inside one of those blocks is an error naming the file and line, never skipped.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

from lakou.i18n import gettext as _

Prefix = int  # (network << 8) | length: one int per prefix keeps a million in a set cheap


class ConfigReadError(Exception):
    """The file is not a configuration lakou wrote, or one of its sets cannot be read."""


@dataclass
class SessionConf:
    name: str
    asn: int
    address: str
    family: int
    limit: int | None = None
    action: str = ""


@dataclass
class ClientConf:
    asn: int
    description: str = ""
    irr: str = ""  # the "# AS64500: IRR ..." summary (BIRD only)
    origins: set[int] = field(default_factory=set)
    prefixes: dict[int, set[Prefix]] = field(default_factory=lambda: {4: set(), 6: set()})
    has_prefix_sets: bool = False


@dataclass
class RouteServerConf:
    path: Path
    daemon: str  # bird2 | openbgpd
    sessions: dict[str, SessionConf] = field(default_factory=dict)
    clients: dict[int, ClientConf] = field(default_factory=dict)

    def client(self, asn: int) -> ClientConf:
        return self.clients.setdefault(asn, ClientConf(asn))


def read_config(path: Path) -> RouteServerConf:
    """The sessions and per-member sets of a lakou-generated BIRD or OpenBGPD file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = _("{path}: cannot read: {error}").format(path=path, error=exc)
        raise ConfigReadError(message) from None
    lines = text.splitlines()
    head = "\n".join(lines[:3])
    if "lakou route server for BIRD" in head or re.search(r"^protocol bgp ", text, re.M):
        return _Bird(path, lines).read()
    if "lakou route server for OpenBGPD" in head or re.search(r"^\s*remote-as \d+", text, re.M):
        return _OpenBgpd(path, lines).read()
    raise ConfigReadError(
        _("{path}: not a route-server configuration lakou wrote (BIRD 2 or OpenBGPD)").format(
            path=path
        )
    )


_BITS = {4: 32, 6: 128}


def _family_of(address: str) -> int:
    return 6 if ":" in address else 4


def parse_prefix(text: str) -> tuple[int, Prefix]:
    """``192.0.2.0/24`` → (4, network << 8 | 24); ValueError when it is not a prefix."""
    address, sep, length_text = text.partition("/")
    family = _family_of(address)
    if not sep or not length_text.isdigit():
        raise ValueError(text)
    length = int(length_text)
    try:
        raw = socket.inet_pton(socket.AF_INET6 if family == 6 else socket.AF_INET, address)
    except OSError:
        raise ValueError(text) from None
    if length > _BITS[family]:
        raise ValueError(text)
    network = int.from_bytes(raw, "big")
    host_bits = _BITS[family] - length
    return family, ((network >> host_bits) << host_bits) << 8 | length


def format_prefix(family: int, prefix: Prefix) -> str:
    network, length = prefix >> 8, prefix & 0xFF
    size = 16 if family == 6 else 4
    raw = network.to_bytes(size, "big")
    text = socket.inet_ntop(socket.AF_INET6 if family == 6 else socket.AF_INET, raw)
    return f"{text}/{length}"


# BIRD set entries: p/L, p/L+, p/L-, p/L{a,b}
_BIRD_ENTRY = re.compile(r"^(?P<prefix>[0-9a-fA-F:.]+/\d+)(?P<range>\+|-|\{\d+,\d+\})?$")
_ITEM_SPLIT = re.compile(r",(?![^{]*\})")  # commas between items, not in p/L{a,b}
_DEFINE = re.compile(r"^define\s+(?P<name>\w+)\s*=\s*\[(?P<rest>.*)$")
_PREFIX_SET_NAME = re.compile(r"^AS(?P<asn>\d+)_PREFIXES_(?P<family>[46])(?:_(?P<length>\d+))?$")
_ORIGINS_NAME = re.compile(r"^AS(?P<asn>\d+)_ORIGINS$")
_IRR_COMMENT = re.compile(r"^# AS(?P<asn>\d+): IRR (?P<text>.*)$")
_PROTOCOL = re.compile(r"^protocol\s+bgp\s+(?P<name>\w+)\s*\{")
_NEIGHBOR = re.compile(r"^\s*neighbor\s+(?P<address>[0-9a-fA-F:.]+)\s+as\s+(?P<asn>\d+)\s*;")
_DESCRIPTION = re.compile(r'^\s*description\s+"(?P<text>(?:[^"\\]|\\.)*)"\s*;')
_LIMIT = re.compile(r"^\s*(?:import|receive)\s+limit\s+(?P<n>\d+|off)(?:\s+action\s+(?P<a>\w+))?")


_V4 = r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
_V6 = r"[0-9a-fA-F:]+"
_FAST_ENTRY = {
    v: re.compile(rf"({a})/(\d{{1,3}})(?:\+|\{{\d+,\d+\}})?") for v, a in ((4, _V4), (6, _V6))
}
_FAST_SET = {
    v: re.compile(rf"\s*(?:{e}\s*,\s*)*(?:{e}\s*)?")
    for v, e in (
        (4, rf"{_V4}/\d{{1,3}}(?:\+|\{{\d+,\d+\}})?"),
        (6, rf"{_V6}/\d{{1,3}}(?:\+|\{{\d+,\d+\}})?"),
    )
}


_FAST_RANGES = {
    v: re.compile(rf"\s*(?:{e}\s*,\s*)*(?:{e}\s*)?")
    for v, e in ((4, rf"{_V4}(?:\.\.{_V4})?"), (6, rf"{_V6}(?:\.\.{_V6})?"))
}
_FAST_RANGE = {v: re.compile(rf"({a})(?:\.\.({a}))?") for v, a in ((4, _V4), (6, _V6))}


def _block_range(family: int, length: int, first: str, last: str) -> range | None:
    """The registered ``/length`` networks of an address-set item ``first[..last]``; None
    when an address cannot be read, is not a network of that length or the range is empty."""
    bits = _BITS[family]
    af = socket.AF_INET6 if family == 6 else socket.AF_INET
    try:
        low = int.from_bytes(socket.inet_pton(af, first), "big")
        high = int.from_bytes(socket.inet_pton(af, last or first), "big")
    except OSError:
        return None
    step = 1 << (bits - length)
    if length > bits or low % step or high % step or high < low:
        return None
    return range(low, high + 1, step)


def _fast_ranges(client: ClientConf, family: int, length: int, body: str) -> bool:
    """An address set's items at once; False: the slow path names the item it cannot read."""
    if _FAST_RANGES[family].fullmatch(body) is None:
        return False
    out: list[int] = []
    for first, last in _FAST_RANGE[family].findall(body):
        blocks = _block_range(family, length, first, last)
        if blocks is None:
            return False
        out.extend(network << 8 | length for network in blocks)
    client.prefixes[family].update(out)
    return True


def _fast_prefixes(client: ClientConf, family: int, length: int | None, body: str) -> bool:
    """A whole set's entries at once (a million in seconds); False: the slow path names the
    entry it cannot read. Folded entries (``p/P{L,..}`` with P < L) are unfolded."""
    if _FAST_SET[family].fullmatch(body) is None:
        return False
    af = socket.AF_INET6 if family == 6 else socket.AF_INET
    bits = _BITS[family]
    pton = socket.inet_pton
    out: list[int] = []
    try:
        for address, plen_text in _FAST_ENTRY[family].findall(body):
            plen = int(plen_text)
            registered = plen if length is None else length
            if plen > registered or registered > bits:
                return False
            network = int.from_bytes(pton(af, address), "big")
            network = (network >> (bits - plen)) << (bits - plen)
            if plen == registered:
                out.append(network << 8 | registered)
                continue
            step = 1 << (bits - registered)
            count = 1 << (registered - plen)
            out.extend((network + k * step) << 8 | registered for k in range(count))
    except OSError:
        return False
    client.prefixes[family].update(out)
    return True


class _Reader:
    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        self.lines = lines

    def fail(self, number: int, message: str) -> ConfigReadError:
        return ConfigReadError(f"{self.path}:{number}: {message}")


class _Bird(_Reader):
    def read(self) -> RouteServerConf:
        conf = RouteServerConf(self.path, "bird2")
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if match := _IRR_COMMENT.match(line):
                conf.client(int(match["asn"])).irr = match["text"].strip()
            elif match := _DEFINE.match(line):
                i = self._define(conf, i, match["name"], match["rest"])
                continue
            elif match := _PROTOCOL.match(line):
                i = self._session(conf, i, match["name"])
                continue
            i += 1
        return conf

    def _items(self, start: int, rest: str) -> tuple[list[tuple[int, str]], int]:
        """The comma-separated items of a ``define X = [ ... ];`` and the next line index."""
        items: list[tuple[int, str]] = []
        i, text = start, rest
        while True:
            body, end, _after = text.partition("]")
            for item in _ITEM_SPLIT.split(body):
                if item.strip():
                    items.append((i + 1, item.strip()))
            if end:
                return items, i + 1
            i += 1
            if i >= len(self.lines):
                raise self.fail(start + 1, _("set not closed by ']'"))
            text = self.lines[i]

    def _set_end(self, start: int, rest: str) -> int:
        """Index of the line holding the ``]`` that closes the set opened on ``start``."""
        if "]" in rest:
            return start
        for i in range(start + 1, len(self.lines)):
            if "]" in self.lines[i]:
                return i
        raise self.fail(start + 1, _("set not closed by ']'"))

    def _define(self, conf: RouteServerConf, i: int, name: str, rest: str) -> int:
        prefix_set = _PREFIX_SET_NAME.match(name)
        if prefix_set:
            end = self._set_end(i, rest)
            body = "\n".join([rest, *self.lines[i + 1 : end + 1]]).partition("]")[0]
            family = int(prefix_set["family"])
            length = int(prefix_set["length"]) if prefix_set["length"] else None
            client = conf.client(int(prefix_set["asn"]))
            client.has_prefix_sets = True
            if "/" not in body and length is not None:
                if _fast_ranges(client, family, length, body):
                    return end + 1
            elif _fast_prefixes(client, family, length, body):
                return end + 1
        items, after = self._items(i, rest)
        if match := _ORIGINS_NAME.match(name):
            client = conf.client(int(match["asn"]))
            for number, item in items:
                low, dots, high = item.partition("..")
                if not low.isdigit() or (dots and not high.isdigit()):
                    raise self.fail(number, _("cannot read ASN {item!r}").format(item=item))
                client.origins.update(range(int(low), int(high or low) + 1))
        elif match := _PREFIX_SET_NAME.match(name):
            client = conf.client(int(match["asn"]))
            client.has_prefix_sets = True
            family = int(match["family"])
            length = int(match["length"]) if match["length"] else None
            for number, item in items:  # slow and exact: finds the line at fault
                self._prefix_entry(client, family, length, number, item)
        return after

    def _prefix_entry(
        self, client: ClientConf, family: int, length: int | None, number: int, item: str
    ) -> None:
        if "/" not in item and length is not None:  # an address set's item
            first, _dots, last = item.partition("..")
            blocks = _block_range(family, length, first.strip(), last.strip())
            if blocks is None:
                raise self.fail(number, _("cannot read prefix {item!r}").format(item=item))
            client.prefixes[family].update(network << 8 | length for network in blocks)
            return
        match = _BIRD_ENTRY.match(item)
        try:
            if not match:
                raise ValueError(item)
            entry_family, key = parse_prefix(match["prefix"])
        except ValueError:
            raise self.fail(number, _("cannot read prefix {item!r}").format(item=item)) from None
        if entry_family != family:
            text = _("IPv{v} prefix in an IPv{w} set").format(v=entry_family, w=family)
            raise self.fail(number, text)
        network, plen = key >> 8, key & 0xFF
        registered = plen if length is None else length
        if registered < plen or registered > _BITS[family]:
            raise self.fail(number, _("cannot read prefix {item!r}").format(item=item))
        # A folded entry p/P{L,..} stands for every /L inside p/P (all registered).
        step = 1 << (_BITS[family] - registered)
        count = 1 << (registered - plen)
        target = client.prefixes[family]
        for k in range(count):
            target.add((network + k * step) << 8 | registered)

    def _session(self, conf: RouteServerConf, i: int, name: str) -> int:
        start = i
        address, asn, description = "", 0, ""
        limit: int | None = None
        action = ""
        i += 1
        while i < len(self.lines) and not self.lines[i].startswith("}"):
            line = self.lines[i]
            if match := _NEIGHBOR.match(line):
                address, asn = match["address"], int(match["asn"])
            elif match := _DESCRIPTION.match(line):
                description = match["text"]
            elif match := _LIMIT.match(line):
                limit = None if match["n"] == "off" else int(match["n"])
                action = match["a"] or "disable"  # BIRD's default limit action
            i += 1
        if not address:
            raise self.fail(start + 1, _("protocol {name} has no neighbor line").format(name=name))
        conf.sessions[name] = SessionConf(name, asn, address, _family_of(address), limit, action)
        client = conf.client(asn)
        # lakou writes "AS64500 Name"; the ASN is shown apart.
        client.description = client.description or description.removeprefix(f"AS{asn} ")
        return i + 1


_OBGP_NEIGHBOR = re.compile(r"^neighbor\s+(?P<address>[0-9a-fA-F:.]+)\s*\{")
_OBGP_SET = re.compile(r"^(?P<kind>prefix-set|as-set)\s+AS(?P<asn>\d+)_(?P<what>\w+)\s*\{")
_REMOTE_AS = re.compile(r"^\s*remote-as\s+(?P<asn>\d+)")
_DESCR = re.compile(r'^\s*descr\s+"(?P<text>[^"]*)"')
_MAX_PREFIX = re.compile(r"^\s*max-prefix\s+(?P<n>\d+)(?P<restart>\s+restart\b.*)?")


class _OpenBgpd(_Reader):
    def read(self) -> RouteServerConf:
        conf = RouteServerConf(self.path, "openbgpd")
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if match := _OBGP_SET.match(line):
                i = self._set(conf, i, match["kind"], int(match["asn"]))
                continue
            if match := _OBGP_NEIGHBOR.match(line):
                i = self._neighbor(conf, i, match["address"])
                continue
            i += 1
        return conf

    def _block(self, i: int) -> tuple[list[tuple[int, str]], int]:
        items = []
        start = i
        i += 1
        while i < len(self.lines) and self.lines[i].strip() != "}":
            if self.lines[i].strip():
                items.append((i + 1, self.lines[i].strip()))
            i += 1
        if i >= len(self.lines):
            raise self.fail(start + 1, _("block not closed by '}'"))
        return items, i + 1

    def _set(self, conf: RouteServerConf, i: int, kind: str, asn: int) -> int:
        items, after = self._block(i)
        client = conf.client(asn)
        for number, item in items:
            word = item.split()[0]
            if kind == "as-set":
                if not word.isdigit():
                    raise self.fail(number, _("cannot read ASN {item!r}").format(item=item))
                client.origins.add(int(word))
                continue
            client.has_prefix_sets = True
            try:
                family, prefix = parse_prefix(word)
            except ValueError:
                raise self.fail(
                    number, _("cannot read prefix {item!r}").format(item=item)
                ) from None
            client.prefixes[family].add(prefix)
        return after

    def _neighbor(self, conf: RouteServerConf, i: int, address: str) -> int:
        items, after = self._block(i)
        asn, name = 0, address
        limit: int | None = None
        action = ""
        for _number, line in items:
            if match := _REMOTE_AS.match(line):
                asn = int(match["asn"])
            elif match := _DESCR.match(line):
                name = match["text"]
            elif match := _MAX_PREFIX.match(line):
                limit = int(match["n"])
                action = "restart" if match["restart"] else "teardown"
        if not asn:
            raise self.fail(i + 1, _("neighbor {address} has no remote-as").format(address=address))
        conf.sessions[name] = SessionConf(name, asn, address, _family_of(address), limit, action)
        conf.client(asn)
        return after
