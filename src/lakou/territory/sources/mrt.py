"""MRT routing dumps (RFC 6396): who originates which prefix, from real BGP tables.

Reads TABLE_DUMP (v1), TABLE_DUMP_V2 (peer index, RIB IPv4/IPv6 unicast, and their
ADD-PATH forms from RFC 8050) and BGP4MP / BGP4MP_ET (UPDATE messages in their 2- and
4-byte AS forms). Files may be gzip or bzip2 compressed. Each announcement comes out as
a :class:`Route` with its AS path; the origin AS is the last AS of the path, taking
AS4_PATH into account when a 2-byte speaker put AS_TRANS (23456) there, and ``None``
when the path ends in an AS_SET (the origin is then ambiguous).

Every MRT record carries its own length, so a record this reader cannot decode is
skipped whole and counted (lenient mode), or raises :class:`SourceError` naming the
file and the byte offset of the record (strict mode). A truncated header ends reading.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.territory.sources.common import Counters, SourceError, format_prefix, open_binary

TABLE_DUMP = 12
TABLE_DUMP_V2 = 13
BGP4MP = 16
BGP4MP_ET = 17

AS_TRANS = 23456
AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET = 1, 2, 3, 4
ATTR_AS_PATH, ATTR_MP_REACH, ATTR_MP_UNREACH, ATTR_AS4_PATH = 2, 14, 15, 17


class _Malformed(Exception):
    """Raised inside a record; the reader turns it into SourceError with the offset."""


@dataclass(frozen=True, slots=True)
class Route:
    """One announcement (``withdrawn=False``) or withdrawal of a prefix."""

    prefix: str
    as_path: tuple[int, ...]
    origin_asn: int | None
    peer_ip: str
    peer_asn: int
    timestamp: int
    withdrawn: bool = False
    offset: int = 0


# ------------------------------------------------------------------ low-level helpers
def _ip(data: bytes, version: int) -> str:
    return socket.inet_ntop(socket.AF_INET if version == 4 else socket.AF_INET6, data)


def _prefix(data: memoryview, pos: int, version: int) -> tuple[str, int]:
    """An NLRI-encoded prefix (length byte + just enough bytes) at ``pos``."""
    if pos >= len(data):
        raise _Malformed(_("prefix runs past the end of the record"))
    length = data[pos]
    bits = 32 if version == 4 else 128
    if length > bits:
        raise _Malformed(_("prefix length {n} is too long for IPv{v}").format(n=length, v=version))
    size = (length + 7) // 8
    if pos + 1 + size > len(data):
        raise _Malformed(_("prefix runs past the end of the record"))
    raw = bytes(data[pos + 1 : pos + 1 + size]) + bytes(bits // 8 - size)
    value = int.from_bytes(raw, "big")
    # RFC 4271 allows trailing bits in the last byte; a route's prefix ignores them
    value &= ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return format_prefix(version, value, length), pos + 1 + size


def _nlri(data: memoryview, version: int, addpath: bool = False) -> list[str]:
    out, pos = [], 0
    while pos < len(data):
        if addpath:
            pos += 4  # RFC 7911 path identifier
        prefix, pos = _prefix(data, pos, version)
        out.append(prefix)
    return out


def _as_path(data: memoryview, as_size: int) -> tuple[list[int], bool]:
    """AS numbers in order, and whether the path ends in an AS_SET."""
    path: list[int] = []
    ends_in_set = False
    pos = 0
    fmt = ">H" if as_size == 2 else ">I"
    while pos < len(data):
        if pos + 2 > len(data):
            raise _Malformed(_("truncated AS_PATH segment"))
        kind, count = data[pos], data[pos + 1]
        pos += 2
        if kind not in (AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET):
            raise _Malformed(_("unknown AS_PATH segment type {kind}").format(kind=kind))
        end = pos + count * as_size
        if end > len(data):
            raise _Malformed(_("truncated AS_PATH segment"))
        asns = [struct.unpack_from(fmt, data, pos + i * as_size)[0] for i in range(count)]
        pos = end
        if kind in (AS_CONFED_SEQUENCE, AS_CONFED_SET):
            continue  # confederation-internal: not part of the path the world sees
        path.extend(asns)
        ends_in_set = kind == AS_SET
    return path, ends_in_set


@dataclass
class _Attributes:
    path: list[int]
    ends_in_set: bool
    reach: list[tuple[int, str]]  # (version, prefix) from MP_REACH_NLRI
    unreach: list[tuple[int, str]]


def _attributes(data: memoryview, as_size: int, in_rib: bool, addpath: bool = False) -> _Attributes:
    attrs = _Attributes([], False, [], [])
    as4: list[int] | None = None
    as4_set = False
    pos = 0
    while pos < len(data):
        if pos + 3 > len(data):
            raise _Malformed(_("truncated path attribute header"))
        flags, code = data[pos], data[pos + 1]
        if flags & 0x10:
            if pos + 4 > len(data):
                raise _Malformed(_("truncated path attribute header"))
            length = struct.unpack_from(">H", data, pos + 2)[0]
            pos += 4
        else:
            length = data[pos + 2]
            pos += 3
        if pos + length > len(data):
            raise _Malformed(_("path attribute {code} runs past the end").format(code=code))
        value = data[pos : pos + length]
        pos += length
        if code == ATTR_AS_PATH:
            attrs.path, attrs.ends_in_set = _as_path(value, as_size)
        elif code == ATTR_AS4_PATH:
            as4, as4_set = _as_path(value, 4)
        elif code == ATTR_MP_REACH and not in_rib and length >= 5:
            afi, safi = struct.unpack_from(">HB", value, 0)
            nh_len = value[3]
            start = 4 + nh_len + 1
            # unicast only: labelled and VPN NLRI (SAFI 4, 128...) are not public routes
            if afi in (1, 2) and safi == 1 and start <= len(value):
                version = 4 if afi == 1 else 6
                attrs.reach += [(version, p) for p in _nlri(value[start:], version, addpath)]
        elif code == ATTR_MP_UNREACH and length >= 3:
            afi, safi = struct.unpack_from(">HB", value, 0)
            if afi in (1, 2) and safi == 1:
                version = 4 if afi == 1 else 6
                attrs.unreach += [(version, p) for p in _nlri(value[3:], version, addpath)]
    if as4 is not None and as_size == 2 and len(as4) <= len(attrs.path):
        # RFC 6793 §4.2.3: the AS4_PATH replaces the tail of the 2-byte AS_PATH
        attrs.path = attrs.path[: len(attrs.path) - len(as4)] + as4
        attrs.ends_in_set = as4_set
    return attrs


def _origin(path: list[int], ends_in_set: bool) -> int | None:
    if not path or ends_in_set:
        return None
    return path[-1]


def _table_route(
    prefix: str, attrs: _Attributes, peer_ip: str, peer_asn: int, timestamp: int, offset: int
) -> Route:
    """The announcement a table-dump entry (TABLE_DUMP or TABLE_DUMP_V2 RIB) stands for."""
    return Route(
        prefix,
        tuple(attrs.path),
        _origin(attrs.path, attrs.ends_in_set),
        peer_ip,
        peer_asn,
        timestamp,
        False,
        offset,
    )


# ------------------------------------------------------------------ the reader
class MrtReader:
    """Iterate over the routes of one MRT file (``for route in MrtReader(path)``)."""

    def __init__(self, path: str | Path, *, strict: bool = False, counters: Counters | None = None):
        self.path = Path(path)
        self.strict = strict
        self.counters = counters if counters is not None else Counters()
        self._peers: list[tuple[str, int]] = []

    def __iter__(self) -> Iterator[Route]:
        with open_binary(self.path) as handle:
            offset = 0
            while True:
                header = handle.read(12)
                if not header:
                    return
                if len(header) < 12:
                    self._error(offset, _("truncated MRT header"), "truncated")
                    return
                timestamp, kind, subtype, length = struct.unpack(">IHHI", header)
                body = handle.read(length)
                if len(body) < length:
                    self._error(offset, _("truncated MRT record"), "truncated")
                    return
                self.counters.read += 1
                try:
                    yield from self._record(timestamp, kind, subtype, memoryview(body), offset)
                except (_Malformed, struct.error, ValueError, IndexError) as exc:
                    self._error(offset, str(exc) or type(exc).__name__, "malformed")
                offset += 12 + length

    def _error(self, offset: int, message: str, reason: str) -> None:
        error = SourceError(f"{self.path}@{offset}", message)
        if self.strict:
            raise error
        self.counters.drop(reason, str(error))

    def _record(
        self, timestamp: int, kind: int, subtype: int, body: memoryview, offset: int
    ) -> Iterator[Route]:
        if kind == TABLE_DUMP_V2:
            if subtype == 1:
                self._peer_index(body)
            elif subtype in (2, 4, 8, 10):  # RIB_IPV4/IPV6_UNICAST (+ADDPATH)
                yield from self._rib(timestamp, subtype, body, offset)
            else:
                self.counters.drop(f"table_dump_v2 subtype {subtype}")
        elif kind == TABLE_DUMP:
            yield from self._table_dump(timestamp, subtype, body, offset)
        elif kind in (BGP4MP, BGP4MP_ET):
            if kind == BGP4MP_ET:
                body = body[4:]  # microsecond timestamp
            if subtype in (1, 4, 6, 7, 8, 9, 10, 11):
                yield from self._bgp4mp_message(timestamp, subtype, body, offset)
            elif subtype == 2:
                yield from self._bgp4mp_entry(timestamp, body, offset)
            else:
                self.counters.drop(f"bgp4mp subtype {subtype}")  # state changes
        else:
            self.counters.drop(f"mrt type {kind}")

    @staticmethod
    def _update(
        message: memoryview, as_size: int, addpath: bool
    ) -> tuple[list[str], _Attributes, list[str]]:
        pos = 19
        withdrawn_len = struct.unpack_from(">H", message, pos)[0]
        pos += 2
        if pos + withdrawn_len > len(message):
            raise _Malformed(_("UPDATE withdrawn routes run past the end"))
        withdrawn = _nlri(message[pos : pos + withdrawn_len], 4, addpath)
        pos += withdrawn_len
        attr_len = struct.unpack_from(">H", message, pos)[0]
        pos += 2
        if pos + attr_len > len(message):
            raise _Malformed(_("UPDATE attributes run past the end"))
        attrs = _attributes(message[pos : pos + attr_len], as_size, False, addpath)
        announced = _nlri(message[pos + attr_len :], 4, addpath)
        return withdrawn, attrs, announced

    def _bgp4mp_entry(self, timestamp: int, body: memoryview, offset: int) -> Iterator[Route]:
        """BGP4MP_ENTRY (subtype 2), the pre-RFC table form OpenBGPD still writes."""
        pos = 0
        peer_asn = struct.unpack_from(">H", body, pos)[0]
        pos += 6
        afi = struct.unpack_from(">H", body, pos)[0]
        pos += 2
        size = 4 if afi == 1 else 16
        peer_ip = _ip(bytes(body[pos : pos + size]), 4 if afi == 1 else 6)
        pos += 2 * size + 8  # peer and local addresses, view, status, time of last change
        afi = struct.unpack_from(">H", body, pos)[0]
        version = 4 if afi == 1 else 6
        pos += 3
        nh_len = body[pos]
        pos += 1 + nh_len
        prefix, pos = _prefix(body, pos, version)
        attr_len = struct.unpack_from(">H", body, pos)[0]
        pos += 2
        if pos + attr_len > len(body):
            raise _Malformed(_("BGP4MP_ENTRY attributes run past the end"))
        attrs = _attributes(body[pos : pos + attr_len], 2, in_rib=True)
        origin = _origin(attrs.path, attrs.ends_in_set)
        yield Route(prefix, tuple(attrs.path), origin, peer_ip, peer_asn, timestamp, False, offset)

    def _peer_index(self, body: memoryview) -> None:
        pos = 4
        name_len = struct.unpack_from(">H", body, pos)[0]
        pos += 2 + name_len
        count = struct.unpack_from(">H", body, pos)[0]
        pos += 2
        peers = []
        for _i in range(count):
            peer_type = body[pos]
            pos += 1 + 4  # type, BGP id
            ip_size = 16 if peer_type & 1 else 4
            ip = _ip(bytes(body[pos : pos + ip_size]), 6 if ip_size == 16 else 4)
            pos += ip_size
            as_size = 4 if peer_type & 2 else 2
            asn = int.from_bytes(body[pos : pos + as_size], "big")
            pos += as_size
            peers.append((ip, asn))
        if pos > len(body):
            raise _Malformed(_("truncated PEER_INDEX_TABLE"))
        self._peers = peers

    def _rib(self, timestamp: int, subtype: int, body: memoryview, offset: int) -> Iterator[Route]:
        version = 4 if subtype in (2, 8) else 6
        addpath = subtype in (8, 10)
        prefix, pos = _prefix(body, 4, version)
        count = struct.unpack_from(">H", body, pos)[0]
        pos += 2
        for _i in range(count):
            peer_index, _originated = struct.unpack_from(">HI", body, pos)
            pos += 6
            if addpath:
                pos += 4
            attr_len = struct.unpack_from(">H", body, pos)[0]
            pos += 2
            if pos + attr_len > len(body):
                raise _Malformed(_("RIB entry attributes run past the end"))
            attrs = _attributes(body[pos : pos + attr_len], 4, in_rib=True)
            pos += attr_len
            if peer_index >= len(self._peers):
                raise _Malformed(
                    _("RIB entry names peer {i} but the peer index has {n}").format(
                        i=peer_index, n=len(self._peers)
                    )
                )
            peer_ip, peer_asn = self._peers[peer_index]
            yield _table_route(prefix, attrs, peer_ip, peer_asn, timestamp, offset)

    def _table_dump(
        self, timestamp: int, subtype: int, body: memoryview, offset: int
    ) -> Iterator[Route]:
        version = 4 if subtype == 1 else 6
        size = 4 if version == 4 else 16
        pos = 4  # view, sequence
        network = bytes(body[pos : pos + size])
        length = body[pos + size]
        pos += size + 2  # prefix, length, status
        pos += 4  # originated
        peer_ip = _ip(bytes(body[pos : pos + size]), version)
        pos += size
        peer_asn, attr_len = struct.unpack_from(">HH", body, pos)
        pos += 4
        if pos + attr_len > len(body):
            raise _Malformed(_("TABLE_DUMP attributes run past the end"))
        attrs = _attributes(body[pos : pos + attr_len], 2, in_rib=True)
        prefix = format_prefix(version, int.from_bytes(network, "big"), length)
        yield _table_route(prefix, attrs, peer_ip, peer_asn, timestamp, offset)

    def _bgp4mp_message(
        self, timestamp: int, subtype: int, body: memoryview, offset: int
    ) -> Iterator[Route]:
        as_size = 4 if subtype in (4, 7, 9, 11) else 2
        addpath = subtype >= 8
        pos = 0
        peer_asn = int.from_bytes(body[pos : pos + as_size], "big")
        pos += 2 * as_size + 2  # peer AS, local AS, interface index
        afi = struct.unpack_from(">H", body, pos)[0]
        pos += 2
        if afi not in (1, 2):
            raise _Malformed(_("unknown address family {afi}").format(afi=afi))
        size = 4 if afi == 1 else 16
        peer_ip = _ip(bytes(body[pos : pos + size]), 4 if afi == 1 else 6)
        pos += 2 * size
        message = body[pos:]
        if len(message) < 19:
            raise _Malformed(_("BGP message shorter than its header"))
        if message[18] != 2:
            self.counters.drop("bgp message not update")
            return
        try:
            withdrawn, attrs, announced = self._update(message, as_size, addpath)
        except _Malformed:
            if addpath:
                raise
            # some BIRD and OpenBGPD versions wrote ADD-PATH updates under the plain
            # subtypes; RFC 8050 fixed that with new subtypes. Retry with path ids.
            withdrawn, attrs, announced = self._update(message, as_size, True)
            self.counters.notes["unmarked add-path update"] += 1
        origin = _origin(attrs.path, attrs.ends_in_set)
        path = tuple(attrs.path)
        for prefix in announced + [p for _v, p in attrs.reach]:
            yield Route(prefix, path, origin, peer_ip, peer_asn, timestamp, False, offset)
        for prefix in withdrawn + [p for _v, p in attrs.unreach]:
            yield Route(prefix, (), None, peer_ip, peer_asn, timestamp, True, offset)


def read_mrt(
    path: str | Path, *, strict: bool = False, counters: Counters | None = None
) -> Iterator[Route]:
    """Routes of an MRT file (TABLE_DUMP, TABLE_DUMP_V2, BGP4MP), gz/bz2 or plain."""
    return iter(MrtReader(path, strict=strict, counters=counters))
