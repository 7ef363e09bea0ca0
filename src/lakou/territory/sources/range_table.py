"""An IPv4 ``start,end,asn[,org]`` table read in bulk with numpy, for the prefix index.

``lakou territory lookup --data-dir`` builds its index from the IP→ASN range table on
every run; reading it record by record (:func:`~lakou.territory.sources.ipasn.
read_range_asn_csv`: the csv module, a prefix text and a record object per prefix) cost
most of the command. Here the whole file is split into lines and fields with numpy, the
addresses and AS numbers are parsed column-wise, and the ranges become prefixes as
integer arrays, the way :func:`~lakou.territory.sources.common.int_range_to_prefixes`
cuts them; no numba, so a short command pays no kernel load either.

Only a table every line of which is written the plain way (two dotted quads without
leading zeros, a decimal AS number, then optionally an organisation without quotes or
quoted once, whole) is read here; for any other file :func:`read_range_asn_v4` answers
``None`` and the caller reads it record by record, so what is indexed, dropped or
refused is always what the record reader decides.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lakou.territory.sources.common import open_binary

_HEADERS = ("start", "range_start", "first")
_FIELD_LIMIT = 131072  # the csv module's field size limit: longer lines are its to refuse
_NEWLINE, _COMMA, _QUOTE, _DOT = 10, 44, 34, 46


@dataclass(frozen=True)
class V4Prefixes:
    """Prefixes as integers, in the order the record reader yields them."""

    start: npt.NDArray[np.uint32]
    length: npt.NDArray[np.int64]
    asn: npt.NDArray[np.int64]


def read_range_asn_v4(path: str | Path) -> V4Prefixes | None:
    """The prefixes (and origin AS) of a plain IPv4 range table; ``None``: read it by record.

    Rows for AS 0 (not routed) are left out, as the record reader drops them. A file
    that cannot be read whole (corrupt, truncated) also answers ``None``: the record
    reader names what is wrong.
    """
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
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [blob.size]))
    lines = ends > starts  # empty lines: skipped
    starts, ends = starts[lines], ends[lines]
    if starts.size and int((ends - starts).max()) > _FIELD_LIMIT:
        return None
    commas = np.concatenate((np.flatnonzero(blob == _COMMA), np.full(3, blob.size)))
    first = np.searchsorted(commas, starts)
    c1, c2, c3 = commas[first], commas[first + 1], commas[first + 2]
    ok = (c1 < ends) & (c2 < ends)
    third_end = np.where(c3 < ends, c3, ends)
    dots = np.concatenate((np.flatnonzero(blob == _DOT), np.full(3, blob.size + 1)))
    low, low_ok = _dotted_quads(padded, dots, starts, c1)
    high, high_ok = _dotted_quads(padded, dots, c1 + 1, c2)
    asn, asn_ok = _digits(padded, c2 + 1, third_end, 10)
    asn_ok |= (third_end - c2 == 2) & (padded[c2 + 1] == 48)  # "0": not routed
    asn_ok &= asn <= 4294967295
    ok &= low_ok & high_ok & asn_ok & (low <= high)
    ok &= _plain_rest(blob, starts, ends, c3)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        if bad[0] != 0 or not _is_header(data[starts[0] : ends[0]]):
            return None
        if bad.size > 1:
            return None
        ok[0] = False  # the header line (line 1) is skipped
        if starts[0] != 0:  # not line 1: an empty line came first
            return None
    routed = ok & (asn != 0)
    rows, prefix_start, length = ranges_to_prefixes_v4(low[routed], high[routed])
    return V4Prefixes(prefix_start.astype(np.uint32), length, asn[routed][rows].astype(np.int64))


def _is_header(line: bytes) -> bool:
    return line.split(b",", 1)[0].strip().decode("utf-8").lower() in _HEADERS


def _digits(
    padded: npt.NDArray[np.uint8], a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], most: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """padded[a:b] as a decimal number of 1 to ``most`` digits without a leading zero
    (``padded``: the text and ``most`` bytes more): (value, ok)."""
    width = b - a
    ok = (width >= 1) & (width <= most)
    value = np.zeros(a.size, dtype=np.int64)
    for j in range(most):
        inside = width > j
        c = padded[a + j]
        digit = (c >= 48) & (c <= 57)
        ok &= ~inside | digit
        value = np.where(inside & digit, value * 10 + (c.astype(np.int64) - 48), value)
    ok &= (width == 1) | (padded[a] != 48)
    return value, ok


def _dotted_quads(
    padded: npt.NDArray[np.uint8],
    dots: npt.NDArray[np.int64],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """padded[a:b] as a dotted quad ``inet_pton`` reads (no leading zeros): (value, ok).

    ``dots``: where the text has a dot, and three positions past its end."""
    at = np.searchsorted(dots, a)
    bounds = [a - 1, dots[at], dots[at + 1], dots[at + 2], b]
    ok = bounds[3] < b
    value = np.zeros(a.size, dtype=np.int64)
    for k in range(4):
        octet, good = _digits(padded, bounds[k] + 1, np.minimum(bounds[k + 1], b), 3)
        ok &= good & (octet <= 255)
        value = value * 256 + octet
    return value, ok


def _plain_rest(
    blob: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    c3: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """The fields after the AS number hold no quote, or are one field quoted whole (its
    quotes inside doubled): the csv module then reads the line as one record, ending
    where the line ends, as this reader does."""
    quotes = np.concatenate((np.flatnonzero(blob == _QUOTE), [blob.size + 2]))
    count = np.searchsorted(quotes, ends) - np.searchsorted(quotes, starts)
    after = np.minimum(c3 + 1, blob.size - 1)
    last = np.maximum(ends - 1, 0)
    whole = (c3 < ends) & (ends - c3 >= 3) & (blob[after] == _QUOTE) & (blob[last] == _QUOTE)
    inner_first = np.searchsorted(quotes, c3 + 2)
    inner = np.where(whole, np.searchsorted(quotes, ends - 1) - inner_first, 0)
    ok = (count == 0) | (whole & (count == inner + 2) & (inner % 2 == 0))
    paired = ok & (inner > 0)
    if paired.any():  # every inner quote doubled: "" read as one quote
        firsts, counts = inner_first[paired], inner[paired]
        before = np.cumsum(counts) - counts
        rank = np.arange(int(counts.sum())) - np.repeat(before, counts)
        at = (np.repeat(firsts, counts) + rank)[rank % 2 == 0]
        doubled = quotes[at + 1] == quotes[at] + 1
        broken = np.add.reduceat(~doubled, before // 2) > 0  # per line, from its first pair
        ok[np.flatnonzero(paired)[broken]] = False
    return ok


def ranges_to_prefixes_v4(
    low: npt.NDArray[np.int64], high: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The minimal prefixes covering each [low, high]: (range number, start, length), by
    range then address, as :func:`~lakou.territory.sources.common.int_range_to_prefixes`."""
    rows = np.arange(low.size, dtype=np.int64)
    start = low.astype(np.int64)
    end = high.astype(np.int64)
    out_rows, out_start, out_size = [], [], []
    while start.size:
        lowest = start & -start  # the largest block aligned on start (0: all 32 bits)
        align = np.where(start == 0, 32, np.frexp(lowest.astype(np.float64))[1] - 1)
        fit = np.frexp((end - start + 1).astype(np.float64))[1] - 1  # does not run past end
        size = np.minimum(align, fit).astype(np.int64)
        out_rows.append(rows)
        out_start.append(start)
        out_size.append(size)
        start = start + (np.int64(1) << size)
        more = start <= end
        rows, start, end = rows[more], start[more], end[more]
    if not out_rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    all_rows = np.concatenate(out_rows)
    order = np.argsort(all_rows, kind="stable")  # by range, then in the order cut
    return all_rows[order], np.concatenate(out_start)[order], 32 - np.concatenate(out_size)[order]
