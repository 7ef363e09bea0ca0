"""Building the prefix index in bulk: prefix texts parsed and nested prefixes flattened
by numba kernels, for tables of a million rows.

``PrefixIndex.from_rows`` sends texts already written canonically here and everything
else through :func:`_parse_prefix`, the reference parser; the kernels follow
``lakou.territory.index._flatten`` rule for rule, and the property tests in
``tests/territory/test_territory_build_speedup.py`` hold them to it. The RouteViews
pfx2as reader reuses the address kernels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from numba import njit

from lakou.i18n import gettext as _
from lakou.territory.index_rows import (
    _MASK64,
    PrefixIndexError,
    _NoneType,
    _NotSimple,
    _parse_prefix,
)

__all__ = ["_MASK64", "PrefixIndexError", "_NoneType", "_NotSimple", "_parse_prefix"]

_COLON, _SLASH, _DOT = 58, 47, 46
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@njit(cache=True)
def _parse_v4(data: npt.NDArray[np.uint8], a: int, b: int) -> int:  # pragma: no cover
    """Dotted quad in data[a:b] as inet_pton reads it (no leading zeros); -1: not one."""
    value = 0
    octets = 0
    i = a
    while octets < 4:
        if i >= b or not (48 <= data[i] <= 57):
            return -1
        if data[i] == 48 and i + 1 < b and 48 <= data[i + 1] <= 57:
            return -1  # a leading zero (glibc reads no octal here)
        octet = 0
        digits = 0
        while i < b and 48 <= data[i] <= 57 and digits < 4:
            octet = octet * 10 + (data[i] - 48)
            digits += 1
            i += 1
        if digits > 3 or octet > 255:
            return -1
        value = (value << 8) | octet
        octets += 1
        if octets < 4:
            if i >= b or data[i] != _DOT:
                return -1
            i += 1
    return value if i == b else -1


@njit(cache=True)
def _hexval(c: int) -> int:  # pragma: no cover
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 102:
        return c - 87
    if 65 <= c <= 70:
        return c - 55
    return -1


@njit(cache=True)
def _parse_v6(
    data: npt.NDArray[np.uint8],
    a: int,
    b: int,
    groups: npt.NDArray[np.int64],
    tail: npt.NDArray[np.int64],
) -> bool:  # pragma: no cover
    """Hex groups with at most one ``::`` (no embedded IPv4) into ``groups``.

    Every text accepted here that ``inet_pton`` also accepts gets its value; texts it
    rejects make the caller take the slow path (callers also compare canonical text).
    """
    head = groups
    nh = 0
    nt = 0
    double = False
    i = a
    if b - a >= 2 and data[a] == _COLON and data[a + 1] == _COLON:
        double = True
        i = a + 2
    elif b > a and data[a] == _COLON:
        return False
    while i < b:
        value = 0
        digits = 0
        while i < b and digits < 5:
            h = _hexval(data[i])
            if h < 0:
                break
            value = value * 16 + h
            digits += 1
            i += 1
        if digits == 0 or digits > 4:
            return False
        if nh + nt >= 8:
            return False
        if double:
            tail[nt] = value
            nt += 1
        else:
            head[nh] = value
            nh += 1
        if i == b:
            break
        if data[i] != _COLON:
            return False
        i += 1
        if i < b and data[i] == _COLON:
            if double:
                return False
            double = True
            i += 1
        elif i == b:
            return False  # a trailing single colon
    if double:
        if nh + nt > 7:
            return False
    elif nh != 8:
        return False
    for k in range(nh, 8):
        groups[k] = 0
    for k in range(nt):
        groups[8 - nt + k] = tail[k]
    return True


@njit(cache=True)
def _write_v6(groups: npt.NDArray[np.int64], out: npt.NDArray[np.uint8], pos: int) -> int:
    """``str(ipaddress.IPv6Address(...))`` of ``groups`` into out[pos:]; the new end."""
    best_start = -1
    best_len = 0
    run_start = -1
    run_len = 0
    for k in range(8):
        if groups[k] == 0:
            run_len += 1
            if run_start == -1:
                run_start = k
            if run_len > best_len:
                best_len = run_len
                best_start = run_start
        else:
            run_len = 0
            run_start = -1
    if best_len <= 1:
        best_start = 8
        best_len = 0
    for k in range(8):
        if best_start <= k < best_start + best_len:
            if k == best_start:
                out[pos] = _COLON
                out[pos + 1] = _COLON
                pos += 2
            continue
        if k > 0 and k != best_start + best_len:
            out[pos] = _COLON
            pos += 1
        g = groups[k]
        shift = 12
        while shift > 0 and (g >> shift) == 0:
            shift -= 4
        while shift >= 0:
            out[pos] = _HEX[(g >> shift) & 15]
            pos += 1
            shift -= 4
    return pos


@njit(cache=True)
def _write_uint(value: int, out: npt.NDArray[np.uint8], pos: int) -> int:  # pragma: no cover
    if value == 0:
        out[pos] = 48
        return pos + 1
    digits = 0
    v = value
    while v > 0:
        digits += 1
        v //= 10
    v = value
    for k in range(digits - 1, -1, -1):
        out[pos + k] = 48 + v % 10
        v //= 10
    return pos + digits


@njit(cache=True)
def _groups_to_halves(
    groups: npt.NDArray[np.int64],
) -> tuple[np.uint64, np.uint64]:  # pragma: no cover
    hi = np.uint64(0)
    lo = np.uint64(0)
    for k in range(4):
        hi = (hi << np.uint64(16)) | np.uint64(groups[k])
        lo = (lo << np.uint64(16)) | np.uint64(groups[4 + k])
    return hi, lo


@njit(cache=True)
def _v4_mapped(hi: np.uint64, lo: np.uint64) -> bool:  # pragma: no cover
    # ::ffff:a.b.c.d: Python 3.13 writes these as dotted quads: leave them to ipaddress
    return hi == 0 and (lo >> np.uint64(32)) == np.uint64(0xFFFF)


@njit(cache=True)
def _host_mask(host: int) -> tuple[np.uint64, np.uint64]:  # pragma: no cover
    """The (high, low) mask of the ``host`` lowest bits of a 128-bit value."""
    ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    if host <= 0:
        return np.uint64(0), np.uint64(0)
    if host < 64:
        return np.uint64(0), (np.uint64(1) << np.uint64(host)) - np.uint64(1)
    if host == 64:
        return np.uint64(0), ones
    if host < 128:
        return (np.uint64(1) << np.uint64(host - 64)) - np.uint64(1), ones
    return ones, ones


@njit(cache=True)
def _canonical_address(
    data: npt.NDArray[np.uint8],
    a: int,
    b: int,
    colon: bool,
    groups: npt.NDArray[np.int64],
    tail: npt.NDArray[np.int64],
    scratch: npt.NDArray[np.uint8],
) -> tuple[int, np.uint64, np.uint64]:  # pragma: no cover
    """(4 or 6, high, low) when data[a:b] is an address written as ``ipaddress`` writes
    it (dotted quad; compressed lowercase IPv6, not IPv4-mapped); (0, 0, 0) otherwise."""
    zero = np.uint64(0)
    if not colon:
        value = _parse_v4(data, a, b)
        return (0, zero, zero) if value < 0 else (4, zero, np.uint64(value))
    if b - a > 39 or not _parse_v6(data, a, b, groups, tail):
        return 0, zero, zero
    end = _write_v6(groups, scratch, 0)
    if end != b - a:
        return 0, zero, zero
    for j in range(end):
        if scratch[j] != data[a + j]:
            return 0, zero, zero
    hi, lo = _groups_to_halves(groups)
    if _v4_mapped(hi, lo):
        return 0, zero, zero
    return 6, hi, lo


@njit(cache=True)
def _parse_canonical_prefixes(
    data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64], gap: int
) -> tuple[
    npt.NDArray[np.int8], npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]
]:  # pragma: no cover
    """Each text ``data[offsets[i]:offsets[i+1] - gap]``: (version or 0, start hi, lo,
    length); ``gap``: the bytes of the separator after each text.

    Version 0 means "not in canonical form, or not valid": the caller asks
    ``_parse_prefix``. A prefix with host bits set is never accepted here.
    """
    n = offsets.shape[0] - 1
    version = np.zeros(n, np.int8)
    start_hi = np.zeros(n, np.uint64)
    start_lo = np.zeros(n, np.uint64)
    length = np.zeros(n, np.int64)
    groups = np.zeros(8, np.int64)
    tail = np.zeros(8, np.int64)
    scratch = np.zeros(64, np.uint8)
    for i in range(n):
        a = offsets[i]
        b = offsets[i + 1] - gap
        slash = -1
        colon = False
        for j in range(a, b):
            if data[j] == _SLASH:
                slash = j
                break
            if data[j] == _COLON:
                colon = True
        if slash < 0 or slash + 1 >= b or b - slash > 4:
            continue
        if data[slash + 1] == 48 and b - slash > 2:
            continue  # "/024": valid, but not canonical
        bits = 0
        ok = True
        for j in range(slash + 1, b):
            c = data[j]
            if not 48 <= c <= 57:
                ok = False
                break
            bits = bits * 10 + (c - 48)
        if not ok:
            continue
        if bits > (128 if colon else 32):
            continue
        family, hi, lo = _canonical_address(data, a, slash, colon, groups, tail, scratch)
        if family == 0:
            continue
        mask_hi, mask_lo = _host_mask((128 if colon else 32) - bits)
        if (hi & mask_hi) or (lo & mask_lo):
            continue  # host bits set: _parse_prefix says so
        version[i] = family
        start_hi[i] = hi
        start_lo[i] = lo
        length[i] = bits
    return version, start_hi, start_lo, length


@njit(cache=True)
def _less(ah: np.uint64, al: np.uint64, bh: np.uint64, bl: np.uint64) -> bool:  # pragma: no cover
    return bool(ah < bh or (ah == bh and al < bl))


@njit(cache=True)
def _emit(
    out_hi: npt.NDArray[np.uint64],
    out_lo: npt.NDArray[np.uint64],
    out_row: npt.NDArray[np.int64],
    m: int,
    c_hi: np.uint64,
    c_lo: np.uint64,
    row: int,
) -> int:  # pragma: no cover
    """``emit`` of :func:`_flatten`: the new number of ranges."""
    if m > 0 and out_row[m - 1] == row:
        return m  # merge with the previous range: same answer
    if m > 0 and out_hi[m - 1] == c_hi and out_lo[m - 1] == c_lo:
        out_row[m - 1] = row
        if m > 1 and out_row[m - 2] == row:
            return m - 1
        return m
    out_hi[m] = c_hi
    out_lo[m] = c_lo
    out_row[m] = row
    return m + 1


@njit(cache=True)
def _flatten_kernel(
    s_hi: npt.NDArray[np.uint64],
    s_lo: npt.NDArray[np.uint64],
    e_hi: npt.NDArray[np.uint64],
    e_lo: npt.NDArray[np.uint64],
    rows: npt.NDArray[np.int64],
    space_hi: np.uint64,
    space_lo: np.uint64,
) -> tuple[
    npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64], int, int
]:  # pragma: no cover
    """:func:`_flatten` on 128-bit (high, low) values of intervals already sorted.

    Returns the starts, their rows, and the rows of a non-nested overlap ((-1, -1):
    none). Same stack sweep, same emit rule as :func:`_flatten`.
    """
    n = rows.shape[0]
    cap = 2 * n + 2
    out_hi = np.empty(cap, np.uint64)
    out_lo = np.empty(cap, np.uint64)
    out_row = np.empty(cap, np.int64)
    m = 0
    stack = np.empty(n + 1, np.int64)
    sp = 0
    c_hi = np.uint64(0)
    c_lo = np.uint64(0)
    past_end = False  # the cursor ran past the top of the address space
    one = np.uint64(1)
    zero = np.uint64(0)
    for i in range(n + 1):
        while sp > 0:
            top = stack[sp - 1]
            if i < n and not _less(e_hi[top], e_lo[top], s_hi[i], s_lo[i]):
                break
            sp -= 1
            if not past_end and not _less(e_hi[top], e_lo[top], c_hi, c_lo):
                m = _emit(out_hi, out_lo, out_row, m, c_hi, c_lo, rows[top])
                c_lo = e_lo[top] + one
                c_hi = e_hi[top] + (one if c_lo == zero else zero)
                past_end = c_lo == zero and c_hi == zero
        if i == n:
            break
        if sp > 0 and _less(e_hi[stack[sp - 1]], e_lo[stack[sp - 1]], e_hi[i], e_lo[i]):
            return out_hi[:0], out_lo[:0], out_row[:0], rows[stack[sp - 1]], rows[i]
        if not past_end and _less(c_hi, c_lo, s_hi[i], s_lo[i]):
            m = _emit(out_hi, out_lo, out_row, m, c_hi, c_lo, rows[stack[sp - 1]] if sp else -1)
        c_hi = s_hi[i]
        c_lo = s_lo[i]
        past_end = False
        stack[sp] = i
        sp += 1
    if not past_end and not _less(space_hi, space_lo, c_hi, c_lo):
        m = _emit(out_hi, out_lo, out_row, m, c_hi, c_lo, -1)
    if m == 0:
        m = _emit(out_hi, out_lo, out_row, m, zero, zero, -1)
    return out_hi[:m], out_lo[:m], out_row[:m], -1, -1


_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def _text_buffers(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """The ASCII bytes of all texts, each followed by a newline, and where each starts (one
    more: the end). Found by the newlines: no pass over the texts for their lengths.

    A text that is not ASCII is not an address either, nor one with a newline: the
    reference path reports it.
    """
    try:
        joined = "\n".join(texts).encode("ascii") + b"\n"
    except UnicodeEncodeError:
        raise _NotSimple from None
    blob = np.frombuffer(joined, dtype=np.uint8)
    offsets = np.empty(len(texts) + 1, dtype=np.int64)
    breaks = np.flatnonzero(blob == 10)
    if breaks.size != len(texts):
        raise _NotSimple  # a newline inside a text
    offsets[0] = 0
    offsets[1:] = breaks + 1
    return blob, offsets


def _bulk_parse(
    texts: list[str],
) -> tuple[
    list[str],
    npt.NDArray[np.int8],
    npt.NDArray[np.uint64],
    npt.NDArray[np.uint64],
    npt.NDArray[np.int64],
]:
    """Canonical texts, versions, starts (high, low) and lengths of prefix texts.

    Non-canonical texts go through :func:`_parse_prefix`; ValueError if one is bad. The
    list of texts itself is given back when every text is canonical already.
    """
    blob, offsets = _text_buffers(texts)
    version, start_hi, start_lo, length = _parse_canonical_prefixes(blob, offsets, 1)
    odd = np.flatnonzero(version == 0).tolist()
    canonical = list(texts) if odd else texts
    for i in odd:
        v, start, bits, canonical[i] = _parse_prefix(texts[i])
        version[i], length[i] = v, bits
        start_hi[i], start_lo[i] = start >> 64, start & _MASK64
    return canonical, version, start_hi, start_lo, length


def _bulk_flatten(
    start_hi: npt.NDArray[np.uint64],
    start_lo: npt.NDArray[np.uint64],
    length: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    bits: int,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """:func:`_flatten` of the prefixes of one family, in bulk."""
    host = (bits - length).astype(np.uint64)
    # the last address: start with the host bits set (no shift by 64 or more in numpy)
    low_host = np.minimum(host, np.uint64(63))
    end_lo = start_lo | np.where(host >= 64, _ONES, (np.uint64(1) << low_host) - np.uint64(1))
    high_host = np.minimum(np.maximum(host, np.uint64(64)) - np.uint64(64), np.uint64(63))
    end_hi = start_hi | np.where(
        host >= 128, _ONES, np.where(host > 64, (np.uint64(1) << high_host) - np.uint64(1), 0)
    ).astype(np.uint64)
    # (start, widest first), then row order: Python's stable sort in _flatten
    if bits == 32 and (rows.size < 2 or bool((rows[1:] > rows[:-1]).all())):
        # IPv4, rows in order: one key (start, then length: shorter is wider), and a
        # stable sort keeps the row order of ties; a table is usually sorted already
        key = (start_lo << np.uint64(6)) | length.astype(np.uint64)
        presorted = key.size < 2 or bool((key[1:] >= key[:-1]).all())
        order = None if presorted else np.argsort(key, kind="stable")
    else:
        order = np.lexsort((rows, ~end_lo, ~end_hi, start_lo, start_hi))
    space_hi = _ONES if bits == 128 else np.uint64(0)
    space_lo = _ONES if bits == 128 else np.uint64((1 << bits) - 1)
    arrays = (start_hi, start_lo, end_hi, end_lo, rows)
    if order is not None:
        arrays = tuple(a[order] for a in arrays)  # type: ignore[assignment]
    out_hi, out_lo, out_rows, outer, inner = _flatten_kernel(*arrays, space_hi, space_lo)
    if outer >= 0:  # pragma: no cover - prefixes are always nested or disjoint
        raise PrefixIndexError(
            _("overlapping ranges that are not nested: rows {a} and {b}").format(
                a=outer + 1, b=inner + 1
            )
        )
    return out_hi, out_lo, out_rows


# --------------------------------------------------------------------------- the index
