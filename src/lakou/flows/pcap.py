"""Read UDP datagrams out of pcap and pcapng captures, so a capture replays like the wire.

Operators and tests replay exports captured with tcpdump or Wireshark. This reader
understands both file formats (pcap in either byte order, micro- or nanosecond
timestamps; pcapng section, interface and enhanced/simple packet blocks), the link types
such captures use (Ethernet with 802.1Q tags, Linux cooked v1 and v2, raw IP, BSD
loopback) and IPv4/IPv6 down to UDP. Anything else in the file (TCP, ARP, fragments
after the first) is skipped and counted, and a truncated file ends the read with an
error naming the byte offset instead of a crash.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path
from typing import BinaryIO

from lakou.i18n import gettext as _

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276
# Some systems write DLT_RAW as 12 or 14 in pcap headers.
RAW_ALIASES = {12, 14, LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6}

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
PCAPNG_SHB = 0x0A0D0D0A


class CaptureError(ValueError):
    """The capture file cannot be read further; the message names the file and offset."""


@dataclass(frozen=True, slots=True)
class Datagram:
    """One UDP payload with where and when it was seen."""

    time: float
    src: IPv4Address | IPv6Address
    src_port: int
    dst: IPv4Address | IPv6Address
    dst_port: int
    payload: bytes


@dataclass
class CaptureStats:
    frames: int = 0
    datagrams: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def read_datagrams(path: str | Path, stats: CaptureStats | None = None) -> Iterator[Datagram]:
    """Every UDP datagram of a pcap or pcapng file, in file order."""
    stats = stats if stats is not None else CaptureStats()
    path = Path(path)
    with path.open("rb") as fh:
        magic = fh.read(4)
        fh.seek(0)
        if magic in PCAP_MAGICS:
            frames = _pcap_frames(fh, path)
        elif len(magic) == 4 and struct.unpack("<I", magic)[0] == PCAPNG_SHB:
            frames = _pcapng_frames(fh, path)
        else:
            raise CaptureError(
                _("{path}: not a pcap or pcapng file (magic {magic} at byte 0)").format(
                    path=path, magic=magic.hex() or "empty"
                )
            )
        for time, linktype, frame in frames:
            stats.frames += 1
            dgram = parse_frame(linktype, frame, time, stats)
            if dgram is not None:
                stats.datagrams += 1
                yield dgram


def _pcap_frames(fh: BinaryIO, path: Path) -> Iterator[tuple[float, int, bytes]]:
    header = fh.read(24)
    if len(header) < 24:
        raise CaptureError(
            _("{path}: truncated pcap header at byte {offset}").format(
                path=path, offset=len(header)
            )
        )
    order, unit = PCAP_MAGICS[header[:4]]
    linktype = struct.unpack(order + "I", header[20:24])[0] & 0x0FFFFFFF
    offset = 24
    rec = struct.Struct(order + "IIII")
    while True:
        head = fh.read(16)
        if not head:
            return
        if len(head) < 16:
            raise CaptureError(
                _("{path}: truncated record header at byte {offset}").format(
                    path=path, offset=offset
                )
            )
        sec, frac, caplen, _wirelen = rec.unpack(head)
        if caplen > 262144:
            raise CaptureError(
                _("{path}: record at byte {offset} claims {n} bytes").format(
                    path=path, offset=offset, n=caplen
                )
            )
        data = fh.read(caplen)
        if len(data) < caplen:
            raise CaptureError(
                _("{path}: truncated record at byte {offset}").format(path=path, offset=offset)
            )
        offset += 16 + caplen
        yield sec + frac * unit, linktype, data


def _pcapng_frames(fh: BinaryIO, path: Path) -> Iterator[tuple[float, int, bytes]]:
    order = "<"
    interfaces: list[tuple[int, float]] = []  # (linktype, seconds per timestamp unit)
    offset = 0
    while True:
        head = fh.read(8)
        if not head:
            return
        if len(head) < 8:
            raise CaptureError(
                _("{path}: truncated block at byte {offset}").format(path=path, offset=offset)
            )
        btype = struct.unpack("<I", head[:4])[0]
        if btype == PCAPNG_SHB:
            bom = fh.read(4)
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            blen = struct.unpack(order + "I", head[4:8])[0]
            body = bom + fh.read(max(0, blen - 12))
            interfaces = []
        else:
            btype, blen = struct.unpack(order + "II", head)
            body = fh.read(max(0, blen - 8))
        if blen < 12 or len(body) < blen - 8:
            raise CaptureError(
                _("{path}: truncated block at byte {offset}").format(path=path, offset=offset)
            )
        body = body[:-4]  # trailing copy of the length
        offset += blen
        if btype == 1 and len(body) >= 8:  # interface description
            linktype = struct.unpack(order + "H", body[:2])[0]
            interfaces.append((linktype, _if_tsresol(body[8:], order)))
        elif btype == 6 and len(body) >= 20:  # enhanced packet
            ifid, hi, lo, caplen = struct.unpack(order + "IIII", body[:16])
            if ifid >= len(interfaces):
                continue
            linktype, unit = interfaces[ifid]
            yield ((hi << 32) | lo) * unit, linktype, body[20 : 20 + caplen]
        elif btype == 3 and len(body) >= 4 and interfaces:  # simple packet
            yield 0.0, interfaces[0][0], body[4:]


def _if_tsresol(options: bytes, order: str) -> float:
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack(order + "HH", options[pos : pos + 4])
        if code == 0:
            break
        if code == 9 and length >= 1 and pos + 4 < len(options):
            value = options[pos + 4]
            return 2.0 ** -(value & 0x7F) if value & 0x80 else 10.0**-value
        pos += 4 + ((length + 3) & ~3)
    return 1e-6


def parse_frame(linktype: int, frame: bytes, time: float, stats: CaptureStats) -> Datagram | None:
    """The UDP datagram in one captured frame, or None (counted in ``stats``)."""
    ethertype: int
    pos: int
    if linktype == LINKTYPE_ETHERNET:
        if len(frame) < 14:
            stats.skip("short frame")
            return None
        ethertype = int.from_bytes(frame[12:14], "big")
        pos = 14
        while ethertype in (0x8100, 0x88A8, 0x9100) and len(frame) >= pos + 4:
            ethertype = int.from_bytes(frame[pos + 2 : pos + 4], "big")
            pos += 4
    elif linktype == LINKTYPE_LINUX_SLL:
        if len(frame) < 16:
            stats.skip("short frame")
            return None
        ethertype, pos = int.from_bytes(frame[14:16], "big"), 16
    elif linktype == LINKTYPE_LINUX_SLL2:
        if len(frame) < 20:
            stats.skip("short frame")
            return None
        ethertype, pos = int.from_bytes(frame[0:2], "big"), 20
    elif linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
        if len(frame) < 4:
            stats.skip("short frame")
            return None
        # The address family is in the capturing host's byte order: 2 is IPv4 either way.
        ipv4 = 2 in (int.from_bytes(frame[:4], "little"), int.from_bytes(frame[:4], "big"))
        ethertype, pos = (0x0800 if ipv4 else 0x86DD), 4
    elif linktype in RAW_ALIASES:
        if not frame:
            stats.skip("short frame")
            return None
        ethertype, pos = (0x0800 if frame[0] >> 4 == 4 else 0x86DD), 0
    else:
        stats.skip(f"link type {linktype}")
        return None
    if ethertype == 0x0800:
        return _ipv4(frame, pos, time, stats)
    if ethertype == 0x86DD:
        return _ipv6(frame, pos, time, stats)
    stats.skip(f"ethertype 0x{ethertype:04x}")
    return None


def _ipv4(frame: bytes, pos: int, time: float, stats: CaptureStats) -> Datagram | None:
    if len(frame) < pos + 20 or frame[pos] >> 4 != 4:
        stats.skip("bad IPv4 header")
        return None
    ihl = (frame[pos] & 0x0F) * 4
    total = int.from_bytes(frame[pos + 2 : pos + 4], "big")
    frag = int.from_bytes(frame[pos + 6 : pos + 8], "big")
    if frag & 0x3FFF:
        # Flow exporters keep datagrams under the MTU; reassembly is not worth its risk.
        stats.skip("IP fragment")
        return None
    if frame[pos + 9] != 17:
        stats.skip("not UDP")
        return None
    end = min(len(frame), pos + total) if total >= ihl else len(frame)
    src = IPv4Address(frame[pos + 12 : pos + 16])
    dst = IPv4Address(frame[pos + 16 : pos + 20])
    return _udp(frame, pos + ihl, end, src, dst, time, stats)


def _ipv6(frame: bytes, pos: int, time: float, stats: CaptureStats) -> Datagram | None:
    if len(frame) < pos + 40 or frame[pos] >> 4 != 6:
        stats.skip("bad IPv6 header")
        return None
    plen = int.from_bytes(frame[pos + 4 : pos + 6], "big")
    nxt = frame[pos + 6]
    src = IPv6Address(frame[pos + 8 : pos + 24])
    dst = IPv6Address(frame[pos + 24 : pos + 40])
    end = min(len(frame), pos + 40 + plen) if plen else len(frame)
    pos += 40
    # Hop-by-hop, routing and destination options may precede UDP.
    while nxt in (0, 43, 60) and pos + 8 <= end:
        nxt, pos = frame[pos], pos + (frame[pos + 1] + 1) * 8
    if nxt != 17:
        stats.skip("not UDP")
        return None
    return _udp(frame, pos, end, src, dst, time, stats)


def _udp(
    frame: bytes,
    pos: int,
    end: int,
    src: IPv4Address | IPv6Address,
    dst: IPv4Address | IPv6Address,
    time: float,
    stats: CaptureStats,
) -> Datagram | None:
    if end < pos + 8:
        stats.skip("short UDP header")
        return None
    sport, dport, length = struct.unpack("!HHH", frame[pos : pos + 6])
    stop = min(end, pos + length) if length >= 8 else end
    return Datagram(time, src, sport, dst, dport, frame[pos + 8 : stop])


def write_pcap(path: str | Path, datagrams: list[Datagram] | Iterator[Datagram]) -> int:
    """Write datagrams as a pcap (raw IP link type) file; used to build test and bench inputs."""
    count = 0
    with Path(path).open("wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_RAW))
        for d in datagrams:
            udp = struct.pack("!HHHH", d.src_port, d.dst_port, 8 + len(d.payload), 0) + d.payload
            src, dst = ip_address(d.src), ip_address(d.dst)
            if src.version == 4:
                ip = struct.pack(
                    "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src.packed, dst.packed
                )
            else:
                ip = struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, 64, src.packed, dst.packed)
            frame = ip + udp
            sec = int(d.time)
            fh.write(struct.pack("<IIII", sec, int((d.time - sec) * 1e6), len(frame), len(frame)))
            fh.write(frame)
            count += 1
    return count
