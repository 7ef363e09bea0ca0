"""``start,end,country`` and ``start,end,asn[,org]`` tables (IPv4 and IPv6) read in
bulk, as integer prefixes, for ``lakou territory build``.

The record readers (:func:`~lakou.territory.sources.geo.read_range_country_csv`,
:func:`~lakou.territory.sources.ipasn.read_range_asn_csv`) give one record, with a
prefix text, per CIDR block: for the million rows of the public tables that cost most
of a build, and the index then parsed the texts back into integers. Here the file is
split into lines and fields with numpy, the addresses are parsed by the index's numba
kernels, the ranges are cut into prefixes as integers by one kernel (the way
:func:`~lakou.territory.sources.common.int_range_to_prefixes` cuts them) and the prefix
texts are written in one pass; the index is built from the integers.

As in :mod:`lakou.territory.sources.range_table`, only a table every line of which is
plain (addresses ``inet_pton`` reads, without spaces or quotes; a two-letter country, or
a decimal AS number and optionally an organisation quoted whole or not at all) is read
here: for any other file these functions answer ``None`` and the caller uses the record
reader, so what is indexed, counted, dropped or reported is what that reader decides.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from numba import njit

from lakou.territory.index_build import _parse_v4, _parse_v6, _write_uint, _write_v6
from lakou.territory.sources.common import format_prefix, open_binary
from lakou.territory.sources.range_table import _FIELD_LIMIT, _digits, _is_header, _plain_rest

_NEWLINE, _COMMA, _SLASH = 10, 44, 47
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class RangePrefixes:
    """The prefixes of a range table, in the order the record reader yields them.

    ``line``: for each prefix, its range's position among the table's kept lines;
    ``lines``: the lines the record reader counts as read (``Counters.read``).
    """

    text: list[str]
    version: npt.NDArray[np.int8]
    start_hi: npt.NDArray[np.uint64]
    start_lo: npt.NDArray[np.uint64]
    length: npt.NDArray[np.int64]
    line: npt.NDArray[np.int64]
    lines: int


@dataclass(frozen=True)
class CountryTable:
    prefixes: RangePrefixes
    country: list[str]  # per prefix, upper case


@dataclass(frozen=True)
class AsnTable:
    prefixes: RangePrefixes
    asn: npt.NDArray[np.int64]  # per prefix
    names: dict[int, str]  # {asn: name}, as the record reader's records give it
    not_routed: int  # AS 0 lines: dropped as "as0"


@dataclass(frozen=True)
class _Lines:
    data: bytes
    blob: npt.NDArray[np.uint8]
    padded: npt.NDArray[np.uint8]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    c1: npt.NDArray[np.int64]
    c2: npt.NDArray[np.int64]
    c3: npt.NDArray[np.int64]
    third_end: npt.NDArray[np.int64]
    ok: npt.NDArray[np.bool_]  # two commas at least
    version: npt.NDArray[np.int8]  # 0: not a plain range of one family, low <= high
    low_hi: npt.NDArray[np.uint64]
    low_lo: npt.NDArray[np.uint64]
    high_hi: npt.NDArray[np.uint64]
    high_lo: npt.NDArray[np.uint64]


def _split_lines(path: str | Path) -> _Lines | None:
    try:
        with open_binary(path) as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error):
        return None
    if b"\r" in data or b"\x00" in data:
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    padded = np.frombuffer(data + bytes(16), dtype=np.uint8)
    blob = padded[: len(data)]
    breaks = np.flatnonzero(blob == _NEWLINE)
    starts = np.concatenate(([0], breaks + 1)).astype(np.int64)
    ends = np.concatenate((breaks, [blob.size])).astype(np.int64)
    kept = ends > starts  # empty lines: skipped
    starts, ends = starts[kept], ends[kept]
    if starts.size and int((ends - starts).max()) > _FIELD_LIMIT:
        return None
    commas = np.concatenate((np.flatnonzero(blob == _COMMA), np.full(3, blob.size)))
    first = np.searchsorted(commas, starts)
    c1, c2, c3 = commas[first], commas[first + 1], commas[first + 2]
    ok = (c1 < ends) & (c2 < ends)
    third_end = np.where(c3 < ends, c3, ends)
    version, low_hi, low_lo, high_hi, high_lo = _parse_ranges(
        padded, starts, np.where(ok, c1, starts), np.where(ok, c2, starts)
    )
    return _Lines(
        data,
        blob,
        padded,
        starts,
        ends,
        c1,
        c2,
        c3,
        third_end,
        ok,
        version,
        low_hi,
        low_lo,
        high_hi,
        high_lo,
    )


@njit(cache=True)
def _parse_address(
    data: npt.NDArray[np.uint8],
    a: int,
    b: int,
    groups: npt.NDArray[np.int64],
    tail: npt.NDArray[np.int64],
) -> tuple[int, np.uint64, np.uint64]:  # pragma: no cover
    """(4 or 6, high, low) of the address data[a:b] as ``inet_pton`` reads it; (0, 0, 0):
    not one the kernels read (the record reader decides)."""
    zero = np.uint64(0)
    colon = False
    for j in range(a, b):
        if data[j] == 58:
            colon = True
            break
    if not colon:
        value = _parse_v4(data, a, b)
        return (0, zero, zero) if value < 0 else (4, zero, np.uint64(value))
    if b - a > 39 or not _parse_v6(data, a, b, groups, tail):
        return 0, zero, zero
    hi = np.uint64(0)
    lo = np.uint64(0)
    for k in range(4):
        hi = (hi << np.uint64(16)) | np.uint64(groups[k])
        lo = (lo << np.uint64(16)) | np.uint64(groups[4 + k])
    return 6, hi, lo


@njit(cache=True)
def _parse_ranges(
    data: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.int64],
    c1: npt.NDArray[np.int64],
    c2: npt.NDArray[np.int64],
) -> tuple[
    npt.NDArray[np.int8],
    npt.NDArray[np.uint64],
    npt.NDArray[np.uint64],
    npt.NDArray[np.uint64],
    npt.NDArray[np.uint64],
]:  # pragma: no cover
    """Each line's ``low,high``: version 0 unless both are addresses of one family and
    low <= high."""
    n = starts.shape[0]
    version = np.zeros(n, np.int8)
    low_hi = np.zeros(n, np.uint64)
    low_lo = np.zeros(n, np.uint64)
    high_hi = np.zeros(n, np.uint64)
    high_lo = np.zeros(n, np.uint64)
    groups = np.zeros(8, np.int64)
    tail = np.zeros(8, np.int64)
    for i in range(n):
        if c1[i] <= starts[i] or c2[i] <= c1[i]:
            continue
        f1, h1, l1 = _parse_address(data, starts[i], c1[i], groups, tail)
        if f1 == 0:
            continue
        f2, h2, l2 = _parse_address(data, c1[i] + 1, c2[i], groups, tail)
        if f2 != f1 or h2 < h1 or (h2 == h1 and l2 < l1):
            continue
        version[i] = f1
        low_hi[i] = h1
        low_lo[i] = l1
        high_hi[i] = h2
        high_lo[i] = l2
    return version, low_hi, low_lo, high_hi, high_lo


@njit(cache=True)
def _bit_length(hi: np.uint64, lo: np.uint64) -> int:  # pragma: no cover
    n = 0
    if hi:
        n = 64
        x = hi
    else:
        x = lo
    while x:
        x >>= np.uint64(1)
        n += 1
    return n


@njit(cache=True)
def _trailing_zeros(hi: np.uint64, lo: np.uint64) -> int:  # pragma: no cover
    """Trailing zero bits of a non-zero 128-bit value."""
    n = 0
    x = lo
    if lo == 0:
        n = 64
        x = hi
    while (x & np.uint64(1)) == 0:
        x >>= np.uint64(1)
        n += 1
    return n


@njit(cache=True)
def _cut(
    bits: int,
    sh: np.uint64,
    sl: np.uint64,
    eh: np.uint64,
    el: np.uint64,
    out_hi: npt.NDArray[np.uint64],
    out_lo: npt.NDArray[np.uint64],
    out_len: npt.NDArray[np.int64],
    at: int,
    write: bool,
) -> int:  # pragma: no cover
    """The prefixes of [s, e] (128-bit values as halves) into out[at:]; the new end."""
    one = np.uint64(1)
    while True:
        # the largest block aligned on s (all ``bits`` when s is 0)
        align = bits if (sh == 0 and sl == 0) else _trailing_zeros(sh, sl)
        # ... that does not run past e: bit_length(e - s + 1) - 1
        dl = el - sl
        dh = eh - sh - (one if el < sl else np.uint64(0))
        if dh == _ONES and dl == _ONES:
            fit = 128
        else:
            nl = dl + one
            nh = dh + (one if nl == 0 else np.uint64(0))
            fit = _bit_length(nh, nl) - 1
        size = min(align, fit)
        if write:
            out_hi[at] = sh
            out_lo[at] = sl
            out_len[at] = bits - size
        at += 1
        if size >= 128:
            break
        if size >= 64:
            step_hi = one << np.uint64(size - 64)
            step_lo = np.uint64(0)
        else:
            step_hi = np.uint64(0)
            step_lo = one << np.uint64(size)
        new_lo = sl + step_lo
        carry = one if new_lo < sl else np.uint64(0)
        new_hi = sh + step_hi + carry
        if new_hi < sh or (new_hi == sh and (step_hi != 0 or carry != 0)):
            break  # past the last address of the space
        sh, sl = new_hi, new_lo
        if sh > eh or (sh == eh and sl > el):
            break
    return at


@njit(cache=True)
def _ranges_to_prefixes_kernel(
    version: npt.NDArray[np.int8],
    low_hi: npt.NDArray[np.uint64],
    low_lo: npt.NDArray[np.uint64],
    high_hi: npt.NDArray[np.uint64],
    high_lo: npt.NDArray[np.uint64],
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]
]:  # pragma: no cover
    n = version.shape[0]
    empty_u = np.zeros(0, np.uint64)
    empty_i = np.zeros(0, np.int64)
    counts = np.zeros(n, np.int64)
    for i in range(n):
        bits = 32 if version[i] == 4 else 128
        counts[i] = _cut(
            bits, low_hi[i], low_lo[i], high_hi[i], high_lo[i], empty_u, empty_u, empty_i, 0, False
        )
    total = 0
    for i in range(n):
        total += counts[i]
    rows = np.zeros(total, np.int64)
    out_hi = np.zeros(total, np.uint64)
    out_lo = np.zeros(total, np.uint64)
    out_len = np.zeros(total, np.int64)
    at = 0
    for i in range(n):
        bits = 32 if version[i] == 4 else 128
        end = _cut(
            bits, low_hi[i], low_lo[i], high_hi[i], high_lo[i], out_hi, out_lo, out_len, at, True
        )
        for k in range(at, end):
            rows[k] = i
        at = end
    return rows, out_hi, out_lo, out_len


def ranges_to_prefixes(
    version: npt.NDArray[np.int8],
    low_hi: npt.NDArray[np.uint64],
    low_lo: npt.NDArray[np.uint64],
    high_hi: npt.NDArray[np.uint64],
    high_lo: npt.NDArray[np.uint64],
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]
]:
    """The minimal prefixes covering each range [low, high] (version 4 or 6, low <= high,
    addresses as 64-bit halves): (range number, start high, start low, length), by range
    then address, as :func:`~lakou.territory.sources.common.int_range_to_prefixes`."""
    return _ranges_to_prefixes_kernel(
        np.ascontiguousarray(version, dtype=np.int8),
        np.ascontiguousarray(low_hi, dtype=np.uint64),
        np.ascontiguousarray(low_lo, dtype=np.uint64),
        np.ascontiguousarray(high_hi, dtype=np.uint64),
        np.ascontiguousarray(high_lo, dtype=np.uint64),
    )


@njit(cache=True)
def _v6_texts_kernel(
    hi: npt.NDArray[np.uint64], lo: npt.NDArray[np.uint64], length: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint8]:  # pragma: no cover
    n = hi.shape[0]
    out = np.zeros(n * 45 + 1, np.uint8)
    groups = np.zeros(8, np.int64)
    pos = 0
    for i in range(n):
        for k in range(4):
            groups[k] = np.int64((hi[i] >> np.uint64(48 - 16 * k)) & np.uint64(0xFFFF))
            groups[4 + k] = np.int64((lo[i] >> np.uint64(48 - 16 * k)) & np.uint64(0xFFFF))
        pos = _write_v6(groups, out, pos)
        out[pos] = _SLASH
        pos = _write_uint(length[i], out, pos + 1)
        out[pos] = _NEWLINE
        pos += 1
    return out[:pos]


def prefix_texts(
    version: npt.NDArray[np.int8],
    hi: npt.NDArray[np.uint64],
    lo: npt.NDArray[np.uint64],
    length: npt.NDArray[np.int64],
) -> list[str]:
    """The prefix texts :func:`~lakou.territory.sources.common.format_prefix` writes."""
    from lakou.territory.index_rows import ipv4_prefix_texts

    n = version.size
    texts: list[str] = [""] * n
    v4 = np.flatnonzero(version == 4)
    if v4.size:
        written4 = ipv4_prefix_texts(lo[v4].astype(np.uint32), length[v4])
        for i, text in zip(v4.tolist(), written4, strict=True):
            texts[i] = text
    v6 = np.flatnonzero(version != 4)
    if v6.size:
        blob = _v6_texts_kernel(hi[v6], lo[v6], length[v6])
        written = blob.tobytes().decode("ascii").split("\n")
        # ::ffff:0:0/96 (IPv4-mapped): ipaddress may write it with a dotted quad
        mapped = (hi[v6] == 0) & ((lo[v6] >> np.uint64(32)) == np.uint64(0xFFFF))
        for k in np.flatnonzero(mapped).tolist():
            i = int(v6[k])
            written[k] = format_prefix(6, (int(hi[i]) << 64) | int(lo[i]), int(length[i]))
        for i, text in zip(v6.tolist(), written, strict=False):
            texts[i] = text
    return texts


def _prefixes(lines: _Lines, use: npt.NDArray[np.bool_]) -> RangePrefixes:
    kept = np.flatnonzero(use)
    rows, hi, lo, length = ranges_to_prefixes(
        lines.version[kept],
        lines.low_hi[kept],
        lines.low_lo[kept],
        lines.high_hi[kept],
        lines.high_lo[kept],
    )
    version = lines.version[kept][rows]
    return RangePrefixes(
        prefix_texts(version, hi, lo, length), version, hi, lo, length, kept[rows], 0
    )


def read_range_country_table(path: str | Path) -> CountryTable | None:
    """The prefixes and countries of a plain ``start,end,cc`` table; ``None``: read it
    with :func:`~lakou.territory.sources.geo.read_range_country_csv`."""
    lines = _split_lines(path)
    if lines is None:
        return None
    padded, c2, ends = lines.padded, lines.c2, lines.ends
    letters = padded | np.uint8(32)  # lower case
    first, second = letters[c2 + 1], letters[c2 + 2]
    two_letters = (ends - c2 == 3) & (first >= 97) & (first <= 122)
    two_letters &= (second >= 97) & (second <= 122)
    ok = lines.ok & (lines.c3 >= ends) & two_letters & (lines.version != 0)
    if not ok.all():
        return None
    prefixes = _prefixes(lines, ok)
    codes = (padded[c2 + 1] & np.uint8(0xDF)).astype(np.uint16) << 8
    codes |= padded[c2 + 2] & np.uint8(0xDF)
    names = {int(c): bytes(((c >> 8) & 255, c & 255)).decode("ascii") for c in np.unique(codes)}
    country = list(map(names.__getitem__, codes[prefixes.line].tolist()))
    return CountryTable(replace(prefixes, lines=int(ends.size)), country)


def read_range_asn_table(path: str | Path) -> AsnTable | None:
    """The prefixes, origins and AS names of a plain ``start,end,asn[,org]`` table;
    ``None``: read it with :func:`~lakou.territory.sources.ipasn.read_range_asn_csv`."""
    lines = _split_lines(path)
    if lines is None:
        return None
    padded, blob = lines.padded, lines.blob
    starts, ends, c2, c3 = lines.starts, lines.ends, lines.c2, lines.c3
    asn, asn_ok = _digits(padded, c2 + 1, lines.third_end, 10)
    asn_ok |= (lines.third_end - c2 == 2) & (padded[c2 + 1] == 48)  # "0": not routed
    asn_ok &= asn <= 4294967295
    ok = lines.ok & asn_ok & (lines.version != 0) & _plain_rest(blob, starts, ends, c3)
    header = np.zeros(ok.size, dtype=bool)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        if bad.size > 1 or bad[0] != 0 or starts[0] != 0:
            return None  # only line 1 may be the header
        first_line = lines.data[starts[0] : ends[0]]
        if b'"' in first_line or not _is_header(first_line):
            return None
        header[0] = True
    routed = ~header & (asn != 0)
    prefixes = _prefixes(lines, routed)
    return AsnTable(
        replace(prefixes, lines=int(ends.size)),
        asn[prefixes.line].astype(np.int64),
        _names(lines, np.flatnonzero(routed), asn),
        int((~header & (asn == 0)).sum()),
    )


def _names(
    lines: _Lines, routed: npt.NDArray[np.int64], asn: npt.NDArray[np.int64]
) -> dict[int, str]:
    """``{asn: name}`` as ``{r.asn: r.name for r in records if r.name}`` maps them (each
    AS's name on its last line with one; the order of the keys is not used): lines read
    from the last, an AS's earlier lines skipped once it has a name."""
    data, c3s, ends = lines.data, lines.c3, lines.ends
    out: dict[int, str] = {}
    for i, number in zip(routed[::-1].tolist(), asn[routed][::-1].tolist(), strict=True):
        if number in out:
            continue
        c3, end = int(c3s[i]), int(ends[i])
        if c3 >= end:
            continue
        raw = data[c3 + 1 : end]
        # quoted whole (its quotes doubled), or unquoted up to the next comma: row[3]
        field = raw[1:-1].replace(b'""', b'"') if raw[:1] == b'"' else raw.split(b",", 1)[0]
        name = field.decode("utf-8").strip()
        if name:
            out[number] = name
    return out
