"""Read a capture's UDP datagrams as numpy columns, a batch at a time: the replay's reader.

``lakou flows replay`` feeds captures of millions of datagrams; reading them one Python
object per packet (:mod:`lakou.flows.pcap`) cost more than decoding them. This reader maps
the file, walks its records with a numba kernel (pcap records; pcapng enhanced and simple
packet blocks, the rare section and interface blocks handled in Python), parses the link,
IP and UDP headers of a whole batch in a second kernel, and hands over each batch as a
:class:`~lakou.flows.datagrams.DatagramBatch`: the payloads laid end to end, their offsets,
exporters and times. Pages already read are given back to the kernel, so memory stays
bounded by the batch, whatever the file's size.

It reads exactly what the reference reader reads: the same formats and link types, the
same frames skipped under the same reasons (counted in :class:`~lakou.flows.pcap.CaptureStats`),
and the same :class:`~lakou.flows.pcap.CaptureError` messages, raised after the datagrams
before the break have been handed over (a test holds the two readers to it, on the test
captures and on mutated files).
"""

from __future__ import annotations

import contextlib
import mmap
import struct
from collections.abc import Iterator
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lakou.flows.datagrams import DatagramBatch
from lakou.flows.jit import njit
from lakou.flows.pcap import (
    PCAP_MAGICS,
    PCAPNG_SHB,
    RAW_ALIASES,
    CaptureError,
    CaptureStats,
    _if_tsresol,
)
from lakou.i18n import gettext as _

# What a record walk stopped on.
EOF = 0
FULL = 1
SHORT_RECORD_HEADER = 2
CLAIMS = 3
SHORT_RECORD = 4
SHORT_BLOCK = 5
PYTHON_BLOCK = 6  # a section header or interface description: read in Python

# Why a frame gave no datagram (the reference reader's reasons, in the same words).
SKIP_REASONS = {
    1: "short frame",
    4: "bad IPv4 header",
    5: "IP fragment",
    6: "not UDP",
    7: "bad IPv6 header",
    8: "short UDP header",
}
SKIP_LINKTYPE = 2
SKIP_ETHERTYPE = 3
RAW_LINKS = np.array(sorted(RAW_ALIASES), dtype=np.int64)
MAX_CAPLEN = 262144


@njit(cache=True, inline="always")
def _u32(b: Any, p: int, big: bool) -> int:
    if big:
        return (int(b[p]) << 24) | (int(b[p + 1]) << 16) | (int(b[p + 2]) << 8) | int(b[p + 3])
    return (int(b[p + 3]) << 24) | (int(b[p + 2]) << 16) | (int(b[p + 1]) << 8) | int(b[p])


@njit(cache=True, inline="always")
def _be16(b: Any, p: int) -> int:
    return (int(b[p]) << 8) | int(b[p + 1])


@njit(cache=True, nogil=True)
def _walk_pcap(buf, pos, big, unit, limit, rec_pos, rec_len, rec_time):
    """Records from ``pos`` on, at most ``limit``: (count, where it stopped, why)."""
    size = buf.size
    n = 0
    while n < limit:
        if pos >= size:
            return n, pos, EOF
        if pos + 16 > size:
            return n, pos, SHORT_RECORD_HEADER
        sec = _u32(buf, pos, big)
        frac = _u32(buf, pos + 4, big)
        caplen = _u32(buf, pos + 8, big)
        if caplen > MAX_CAPLEN:
            return n, pos, CLAIMS
        if pos + 16 + caplen > size:
            return n, pos, SHORT_RECORD
        rec_pos[n] = pos + 16
        rec_len[n] = caplen
        rec_time[n] = float(sec) + float(frac) * unit
        n += 1
        pos += 16 + caplen
    return n, pos, FULL


@njit(cache=True, nogil=True)
def _walk_pcapng(buf, pos, big, if_link, if_unit, limit, rec_pos, rec_len, rec_time, rec_link):
    """Packet blocks from ``pos`` on; stops before a section or interface block."""
    size = buf.size
    n_if = if_link.size
    n = 0
    while n < limit:
        if pos >= size:
            return n, pos, EOF
        if pos + 8 > size:
            return n, pos, SHORT_BLOCK
        if _u32(buf, pos, False) == 0x0A0D0D0A:
            return n, pos, PYTHON_BLOCK
        btype = _u32(buf, pos, big)
        blen = _u32(buf, pos + 4, big)
        if btype == 1:
            return n, pos, PYTHON_BLOCK
        if blen < 12 or pos + blen > size:
            return n, pos, SHORT_BLOCK
        body = pos + 8
        body_len = blen - 12  # without the trailing copy of the length
        if btype == 6 and body_len >= 20:
            ifid = _u32(buf, body, big)
            if ifid < n_if:
                hi = np.uint64(_u32(buf, body + 4, big))
                lo = np.uint64(_u32(buf, body + 8, big))
                caplen = _u32(buf, body + 12, big)
                rec_pos[n] = body + 20
                rec_len[n] = min(caplen, body_len - 20)
                rec_time[n] = float((hi << np.uint64(32)) | lo) * if_unit[ifid]
                rec_link[n] = if_link[ifid]
                n += 1
        elif btype == 3 and body_len >= 4 and n_if > 0:
            rec_pos[n] = body + 4
            rec_len[n] = body_len - 4
            rec_time[n] = 0.0
            rec_link[n] = if_link[0]
            n += 1
        pos += blen
    return n, pos, FULL


@njit(cache=True, nogil=True)
def _parse_frames(buf, rec_pos, rec_len, rec_link, raw_links, start, length, addr, code, value):
    """Link, IP and UDP headers of each frame: its payload and source, or why not."""
    for i in range(rec_pos.size):
        f = rec_pos[i]
        flen = rec_len[i]
        link = rec_link[i]
        code[i] = 0
        etype = 0
        pos = 0
        if link == 1:  # Ethernet
            if flen < 14:
                code[i] = 1
                continue
            etype = _be16(buf, f + 12)
            pos = 14
            while (etype == 0x8100 or etype == 0x88A8 or etype == 0x9100) and flen >= pos + 4:
                etype = _be16(buf, f + pos + 2)
                pos += 4
        elif link == 113:  # Linux cooked v1
            if flen < 16:
                code[i] = 1
                continue
            etype = _be16(buf, f + 14)
            pos = 16
        elif link == 276:  # Linux cooked v2
            if flen < 20:
                code[i] = 1
                continue
            etype = _be16(buf, f)
            pos = 20
        elif link == 0 or link == 108:  # BSD loopback
            if flen < 4:
                code[i] = 1
                continue
            ipv4 = _u32(buf, f, False) == 2 or _u32(buf, f, True) == 2
            etype = 0x0800 if ipv4 else 0x86DD
            pos = 4
        else:
            raw = False
            for r in raw_links:
                if link == r:
                    raw = True
            if not raw:
                code[i] = 2
                value[i] = link
                continue
            if flen == 0:
                code[i] = 1
                continue
            etype = 0x0800 if (buf[f] >> 4) == 4 else 0x86DD
            pos = 0
        if etype == 0x0800:
            if flen < pos + 20 or (buf[f + pos] >> 4) != 4:
                code[i] = 4
                continue
            ihl = (int(buf[f + pos]) & 0x0F) * 4
            total = _be16(buf, f + pos + 2)
            if _be16(buf, f + pos + 6) & 0x3FFF:
                code[i] = 5
                continue
            if buf[f + pos + 9] != 17:
                code[i] = 6
                continue
            end = min(flen, pos + total) if total >= ihl else flen
            for k in range(12):
                addr[i, k] = 0
            for k in range(4):
                addr[i, 12 + k] = buf[f + pos + 12 + k]
                addr[i, 28 + k] = buf[f + pos + 16 + k]
            addr[i, 32] = 4
            pos += ihl
        elif etype == 0x86DD:
            if flen < pos + 40 or (buf[f + pos] >> 4) != 6:
                code[i] = 7
                continue
            plen = _be16(buf, f + pos + 4)
            nxt = int(buf[f + pos + 6])
            for k in range(32):
                addr[i, k] = buf[f + pos + 8 + k]
            addr[i, 32] = 6
            end = min(flen, pos + 40 + plen) if plen else flen
            pos += 40
            while (nxt == 0 or nxt == 43 or nxt == 60) and pos + 8 <= end:
                step = (int(buf[f + pos + 1]) + 1) * 8
                nxt = int(buf[f + pos])
                pos += step
            if nxt != 17:
                code[i] = 6
                continue
        else:
            code[i] = 3
            value[i] = etype
            continue
        if end < pos + 8:
            code[i] = 8
            continue
        udp_len = _be16(buf, f + pos + 4)
        stop = min(end, pos + udp_len) if udp_len >= 8 else end
        start[i] = f + pos + 8
        length[i] = max(0, stop - pos - 8)
        value[i] = (_be16(buf, f + pos) << 16) | _be16(buf, f + pos + 2)


@njit(cache=True, nogil=True)
def _gather(buf, start, length, out, offsets):
    """The payloads laid end to end. Copied element by element between two slices, a
    loop LLVM turns into vector moves: numba's slice assignment (``out[p:p+n] =
    buf[s:s+n]``) measured ten times slower, a third of the reader's CPU."""
    p = 0
    for i in range(start.size):
        offsets[i] = p
        s = start[i]
        n = length[i]
        src = buf[s : s + n]
        dst = out[p : p + n]
        for k in range(n):
            dst[k] = src[k]
        p += n
    offsets[start.size] = p


class _Names:
    """Exporter addresses as text, each distinct address formatted once."""

    def __init__(self) -> None:
        self.known: dict[bytes, str] = {}

    def __call__(self, addr: npt.NDArray[np.uint8]) -> list[str]:
        if not len(addr):
            return []
        if (addr[:, 0:16] == addr[0, 0:16]).all():  # one exporter: the common capture
            return [self._name(bytes(addr[0, 0:16]), int(addr[0, 32]))] * len(addr)
        keys = np.ascontiguousarray(addr[:, 0:16]).view(np.dtype((np.void, 16))).ravel()
        versions = addr[:, 32]
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        names = [
            self._name(bytes(key), int(versions[row]))
            for key, row in zip(unique.tolist(), first.tolist(), strict=True)
        ]
        return [names[i] for i in inverse.ravel().tolist()]

    def _name(self, packed: bytes, version: int) -> str:
        text = self.known.get(packed)
        if text is None:
            text = str(IPv4Address(packed[12:]) if version == 4 else IPv6Address(packed))
            self.known[packed] = text
        return text


class _Reader:
    """One capture being walked: the mapped file, its format and where the walk is."""

    def __init__(self, path: Path, stats: CaptureStats, batch: int) -> None:
        self.path, self.stats, self.batch = path, stats, max(1, batch)
        self.names = _Names()
        self.link_of_file = 0
        self.unit = 1e-6
        self.big = False
        self.if_link = np.zeros(0, dtype=np.int64)
        self.if_unit = np.zeros(0, dtype=np.float64)
        self.rec_pos = np.zeros(self.batch, dtype=np.int64)
        self.rec_len = np.zeros(self.batch, dtype=np.int64)
        self.rec_time = np.zeros(self.batch, dtype=np.float64)
        self.rec_link = np.zeros(self.batch, dtype=np.int64)

    def batches(self) -> Iterator[tuple[DatagramBatch, int]]:
        """Each batch and the bytes of the file it covered; then the error, if any."""
        with self.path.open("rb") as fh:
            size = self.path.stat().st_size
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else None
            try:
                if mapped is not None and hasattr(mmap, "MADV_SEQUENTIAL"):
                    mapped.madvise(mmap.MADV_SEQUENTIAL)
                buf = np.frombuffer(mapped, dtype=np.uint8) if mapped is not None else None
                yield from self._walk(buf if buf is not None else np.zeros(0, np.uint8), mapped)
            finally:
                buf = None
                if mapped is not None:
                    # A view that outlives us leaves the closing to the garbage collector.
                    with contextlib.suppress(BufferError):
                        mapped.close()

    def _walk(
        self, buf: npt.NDArray[np.uint8], mapped: mmap.mmap | None
    ) -> Iterator[tuple[DatagramBatch, int]]:
        magic = bytes(buf[:4])
        if magic in PCAP_MAGICS:
            if buf.size < 24:
                raise CaptureError(
                    _("{path}: truncated pcap header at byte {offset}").format(
                        path=self.path, offset=buf.size
                    )
                )
            order, self.unit = PCAP_MAGICS[magic]
            self.big = order == ">"
            self.link_of_file = struct.unpack(order + "I", bytes(buf[20:24]))[0] & 0x0FFFFFFF
            pcapng, pos = False, 24
        elif len(magic) == 4 and struct.unpack("<I", magic)[0] == PCAPNG_SHB:
            pcapng, pos = True, 0
        else:
            raise CaptureError(
                _("{path}: not a pcap or pcapng file (magic {magic} at byte 0)").format(
                    path=self.path, magic=magic.hex() or "empty"
                )
            )
        released = 0
        while True:
            start = pos
            if pcapng:
                n, pos, why = _walk_pcapng(
                    buf,
                    pos,
                    self.big,
                    self.if_link,
                    self.if_unit,
                    self.batch,
                    self.rec_pos,
                    self.rec_len,
                    self.rec_time,
                    self.rec_link,
                )
            else:
                n, pos, why = _walk_pcap(
                    buf,
                    pos,
                    self.big,
                    self.unit,
                    self.batch,
                    self.rec_pos,
                    self.rec_len,
                    self.rec_time,
                )
                self.rec_link[:n] = self.link_of_file
            if n:
                yield self._datagrams(buf, n), pos - start
            if mapped is not None and pos - released > (64 << 20):
                # Give back what was read: a long replay keeps its memory bounded.
                cut = pos & ~(mmap.PAGESIZE - 1)
                mapped.madvise(mmap.MADV_DONTNEED, 0, cut)
                released = cut
            if why == FULL:
                continue
            if why == PYTHON_BLOCK:
                pos = self._pcapng_block(buf, pos)
                continue
            if why != EOF:
                raise CaptureError(self._error(buf, pos, why))
            return

    def _pcapng_block(self, buf: npt.NDArray[np.uint8], pos: int) -> int:
        """A section header (byte order, interfaces reset) or an interface description."""
        head = bytes(buf[pos : pos + 8])
        if struct.unpack("<I", head[:4])[0] == PCAPNG_SHB:
            bom = bytes(buf[pos + 8 : pos + 12])
            self.big = bom != b"\x4d\x3c\x2b\x1a"
            order = ">" if self.big else "<"
            blen = struct.unpack(order + "I", head[4:8])[0]
            body = bom + bytes(buf[pos + 12 : pos + 12 + max(0, blen - 12)])
            self.if_link = np.zeros(0, dtype=np.int64)
            self.if_unit = np.zeros(0, dtype=np.float64)
        else:
            order = ">" if self.big else "<"
            blen = struct.unpack(order + "I", head[4:8])[0]
            body = bytes(buf[pos + 8 : pos + 8 + max(0, blen - 8)])
        if blen < 12 or len(body) < blen - 8:
            raise CaptureError(
                _("{path}: truncated block at byte {offset}").format(path=self.path, offset=pos)
            )
        body = body[:-4]
        if struct.unpack(order + "I", head[:4])[0] == 1 and len(body) >= 8:
            linktype = struct.unpack(order + "H", body[:2])[0]
            self.if_link = np.append(self.if_link, np.int64(linktype))
            self.if_unit = np.append(self.if_unit, _if_tsresol(body[8:], order))
        return pos + blen

    def _error(self, buf: npt.NDArray[np.uint8], pos: int, why: int) -> str:
        if why == SHORT_RECORD_HEADER:
            text = _("{path}: truncated record header at byte {offset}")
        elif why == CLAIMS:
            n = _u32_py(buf, pos + 8, self.big)
            return _("{path}: record at byte {offset} claims {n} bytes").format(
                path=self.path, offset=pos, n=n
            )
        elif why == SHORT_RECORD:
            text = _("{path}: truncated record at byte {offset}")
        else:
            text = _("{path}: truncated block at byte {offset}")
        return text.format(path=self.path, offset=pos)

    def _datagrams(self, buf: npt.NDArray[np.uint8], n: int) -> DatagramBatch:
        start = np.zeros(n, dtype=np.int64)
        length = np.zeros(n, dtype=np.int64)
        addr = np.zeros((n, 33), dtype=np.uint8)
        code = np.zeros(n, dtype=np.uint8)
        value = np.zeros(n, dtype=np.int64)
        _parse_frames(
            buf,
            self.rec_pos[:n],
            self.rec_len[:n],
            self.rec_link[:n],
            RAW_LINKS,
            start,
            length,
            addr,
            code,
            value,
        )
        self.stats.frames += n
        ok = code == 0
        if not ok.all():
            self._count_skips(code, value)
            keep = np.nonzero(ok)[0]
            start, length, addr, value = start[keep], length[keep], addr[keep], value[keep]
            times = self.rec_time[:n][keep]
        else:
            times = self.rec_time[:n].copy()
        self.stats.datagrams += len(start)
        offsets = np.zeros(len(start) + 1, dtype=np.int64)
        payloads = np.zeros(int(length.sum()), dtype=np.uint8)
        _gather(buf, start, length, payloads, offsets)
        return DatagramBatch(
            payloads, offsets, self.names(addr), times, addresses=addr, ports=value
        )

    def _count_skips(self, code: npt.NDArray[np.uint8], value: npt.NDArray[np.int64]) -> None:
        bad = np.nonzero(code)[0]
        # Reasons in the order they first occur, like the reference reader's dict.
        for i in bad.tolist():
            c = int(code[i])
            if c == SKIP_LINKTYPE:
                reason = f"link type {int(value[i])}"
            elif c == SKIP_ETHERTYPE:
                reason = f"ethertype 0x{int(value[i]):04x}"
            else:
                reason = SKIP_REASONS[c]
            self.stats.skip(reason)


def _u32_py(buf: npt.NDArray[np.uint8], pos: int, big: bool) -> int:
    return int(struct.unpack(">I" if big else "<I", bytes(buf[pos : pos + 4]))[0])


def read_batches(
    path: str | Path, stats: CaptureStats | None = None, batch: int = 4096
) -> Iterator[tuple[DatagramBatch, int]]:
    """The UDP datagrams of a pcap or pcapng file, ``batch`` frames at a time, each with
    the bytes of the file it covered; a file that breaks raises :class:`CaptureError`
    after the datagrams before the break."""
    stats = stats if stats is not None else CaptureStats()
    return _Reader(Path(path), stats, batch).batches()
