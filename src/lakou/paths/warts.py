"""A reader for scamper's binary warts files: trace objects (type 6).

Every warts object starts with a header (magic ``0x1205``, type, length), so objects
this reader does not decode (lists, cycles, ping, tracelb...) are skipped whole and
counted. Inside a trace, optional fields follow a variable-length flag set: each flag
byte carries 7 flags and a "more bytes follow" bit, then a 2-byte parameter length
lets the reader skip fields newer than it knows. Addresses are either written out
(length, type, bytes) or refer back by number to one written earlier in the same
object. Errors name the file and the byte offset of the object.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.paths.model import Hop, Traceroute
from lakou.territory import Counters, SourceError, open_binary

MAGIC = 0x1205
OBJ_TRACE = 0x0006

# sizes of the fixed-size trace parameters, by flag number (None: special handling)
_TRACE_PARAMS: dict[int, int | None] = {
    1: 4, 2: 4, 3: 4, 4: 4, 5: 8, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 2, 13: 2,
    14: 2, 15: 1, 16: 1, 17: 1, 18: 1, 19: 2, 20: 1, 21: 1, 22: 1, 23: 2, 24: 1, 25: 1,
    26: None, 27: None, 28: 4, 29: 2, 30: None,
}  # fmt: skip
_HOP_PARAMS: dict[int, int | None] = {
    1: 4, 2: 1, 3: 1, 4: 1, 5: 1, 6: 4, 7: 2, 8: 2, 9: 2, 10: 2, 11: 1, 12: 2, 13: 2,
    14: 1, 15: 1, 16: 1, 17: None, 18: None, 19: 8,
}  # fmt: skip


class _Bad(Exception):
    pass


@dataclass
class _Cursor:
    data: bytes
    pos: int = 0
    addresses: list[str] = field(default_factory=list)

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _Bad(_("object ends inside a field"))
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int(struct.unpack(">H", self.take(2))[0])

    def u32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def flags(self) -> set[int]:
        found: set[int] = set()
        base = 0
        while True:
            byte = self.u8()
            found |= {base + bit + 1 for bit in range(7) if byte & (1 << bit)}
            base += 7
            if not byte & 0x80:
                return found

    def address(self) -> str:
        length = self.u8()
        if length == 0:
            ref = self.u32()
            if ref >= len(self.addresses):
                raise _Bad(_("address reference {ref} to an unknown address").format(ref=ref))
            return self.addresses[ref]
        kind = self.u8()
        raw = self.take(length)
        if kind == 1 and length == 4:
            text = socket.inet_ntop(socket.AF_INET, raw)
        elif kind == 2 and length == 16:
            text = socket.inet_ntop(socket.AF_INET6, raw)
        else:
            text = raw.hex(":")  # Ethernet / FireWire: kept for references, never a hop
        self.addresses.append(text)
        return text


def _params(
    cur: _Cursor, table: dict[int, int | None], special: dict[int, str]
) -> dict[int, object]:
    flags = cur.flags()
    if not flags:
        return {}
    length = cur.u16()
    end = cur.pos + length
    values: dict[int, object] = {}
    for flag in sorted(flags):
        if flag not in table:
            break  # a field newer than this reader: skip the rest by the length
        size = table[flag]
        if size is None:
            if special.get(flag) == "address":
                values[flag] = cur.address()
            else:  # ICMP extensions: a 2-byte length then the data
                cur.take(cur.u16())
        elif flag in (5, 19) and size == 8 and special.get(flag) == "timeval":
            values[flag] = (cur.u32(), cur.u32())
        else:
            raw = cur.take(size)
            values[flag] = int.from_bytes(raw, "big")
    if cur.pos > end:
        raise _Bad(_("parameters longer than their declared length"))
    cur.pos = end
    return values


def _trace(body: bytes, path: Path, offset: int, number: int) -> Traceroute:
    cur = _Cursor(body)
    params = _params(
        cur, _TRACE_PARAMS, {26: "address", 27: "address", 30: "address", 5: "timeval"}
    )
    hop_count = cur.u16()
    hops: list[Hop] = []
    for _i in range(hop_count):
        hop = _params(cur, _HOP_PARAMS, {18: "address", 19: "timeval"})
        ttl = hop.get(2, 0)
        rtt = hop.get(6)
        ip = hop.get(18)
        hops.append(
            Hop(
                ttl if isinstance(ttl, int) else 0,
                str(ip) if ip is not None else None,
                rtt / 1000.0 if isinstance(rtt, int) else None,  # microseconds
            )
        )
    source = str(params.get(26, ""))
    destination = str(params.get(27, ""))
    start = params.get(5, (0, 0))
    af = 6 if ":" in destination else 4
    return Traceroute(
        id=f"{path.name}@{offset}",
        source="warts",
        probe=source,
        source_address=source,
        destination=destination,
        af=af,
        timestamp=int(start[0]) if isinstance(start, tuple) else 0,
        hops=_merge_hops(hops),
        msm_id=None,
    )


def _merge_hops(hops: list[Hop]) -> list[Hop]:
    """One Hop per (TTL, address): the smallest RTT and the number of replies."""
    merged: dict[tuple[int, str | None], Hop] = {}
    for hop in hops:
        key = (hop.ttl, hop.ip)
        known = merged.get(key)
        if known is None:
            merged[key] = hop
        else:
            rtts = [r for r in (known.rtt_ms, hop.rtt_ms) if r is not None]
            merged[key] = Hop(hop.ttl, hop.ip, min(rtts) if rtts else None, known.replies + 1)
    return sorted(merged.values(), key=lambda h: h.ttl)


def read_warts(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[Traceroute]:
    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_binary(path) as handle:
        offset = 0
        number = 0
        while True:
            header = handle.read(8)
            if not header:
                return
            if len(header) < 8:
                raise SourceError(f"{path}@{offset}", _("truncated warts header"))
            magic, kind, length = struct.unpack(">HHI", header)
            if magic != MAGIC:
                raise SourceError(
                    f"{path}@{offset}", _("not a warts object (magic {m:#06x})").format(m=magic)
                )
            body = handle.read(length)
            if len(body) < length:
                raise SourceError(f"{path}@{offset}", _("truncated warts object"))
            counters.read += 1
            number += 1
            if kind == OBJ_TRACE:
                try:
                    yield _trace(body, path, offset, number)
                except _Bad as exc:
                    error = SourceError(f"{path}@{offset}", str(exc))
                    if strict:
                        raise error from None
                    counters.drop("malformed trace", str(error))
            else:
                counters.drop(f"warts object type {kind}")
            offset += 8 + length
