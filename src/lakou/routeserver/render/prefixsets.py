"""Prefix lists as compact BIRD prefix sets: aggregated, exactly equivalent.

A member's route objects become a BIRD prefix set that matches exactly those prefixes
(IRR check) and one that matches them and all their more-specifics (RFC 7999
blackholes). Written one entry per prefix, the largest AS-SETs give 1.5 million entries
and BIRD's parse time follows; so siblings are folded the way ``bgpq4 -A`` does
(``10.0.0.0/24`` + ``10.0.1.0/24`` → ``10.0.0.0/23{24,24}``: the same prefixes, one entry)
and prefixes already covered are dropped from the more-specifics set. The folding runs
on numpy arrays of addresses left-aligned in 64 bits (IPv6 prefixes longer than /64, rare
in route objects, take a plain-Python path), so 1.5 million prefixes fold in about a
second. The input is canonical (the enrichment step guarantees it).
"""

from __future__ import annotations

import socket
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]


def _parse(prefixes: Sequence[str], family: int) -> tuple[U64, npt.NDArray[np.int64], list[str]]:
    """Addresses (top 64 bits, left-aligned), lengths, and prefixes too long for 64 bits."""
    nets: list[int] = []
    lengths: list[int] = []
    long: list[str] = []
    if family == 4:
        aton = socket.inet_aton
        for text in prefixes:
            address, _, length = text.partition("/")
            nets.append(int.from_bytes(aton(address), "big") << 32)
            lengths.append(int(length))
    else:
        pton = socket.inet_pton
        af = socket.AF_INET6
        for text in prefixes:
            address, _, length = text.partition("/")
            n = int(length)
            if n > 64:
                long.append(text)
                continue
            nets.append(int.from_bytes(pton(af, address)[:8], "big"))
            lengths.append(n)
    return np.array(nets, dtype=np.uint64), np.array(lengths, dtype=np.int64), long


def _format(nets: U64, family: int) -> list[str]:
    if family == 4:
        ntoa = socket.inet_ntoa
        return [ntoa((int(n) >> 32).to_bytes(4, "big")) for n in nets.tolist()]
    ntop = socket.inet_ntop
    af = socket.AF_INET6
    zero = bytes(8)
    return [ntop(af, int(n).to_bytes(8, "big") + zero) for n in nets.tolist()]


def _fold(nets: U64, length: int) -> list[tuple[U64, int]]:
    """Sorted unique prefixes of one length folded into their largest complete parents:
    ``parent/plen{length,length}`` matches exactly the input."""
    out: list[tuple[U64, int]] = []
    current = nets
    level = length
    while current.size and level > 0:
        bit = np.uint64(1 << (64 - level))
        is_left = (current & bit) == 0
        left = current[is_left]
        right = current[~is_left]
        pair = np.isin(left | bit, right, assume_unique=True)
        right_paired = np.isin(right ^ bit, left, assume_unique=True)
        rest = np.concatenate((left[~pair], right[~right_paired]))
        if rest.size:
            out.append((rest, level))
        current = left[pair]
        level -= 1
    if current.size:
        out.append((current, level))
    return out


def _entries(groups: list[tuple[U64, int, str]], family: int) -> list[str]:
    if not groups:
        return []
    nets = np.concatenate([g[0] for g in groups])
    plens = np.concatenate([np.full(g[0].size, g[1], dtype=np.int64) for g in groups])
    suffix_ids = np.concatenate(
        [np.full(g[0].size, i, dtype=np.int64) for i, g in enumerate(groups)]
    )
    order = np.lexsort((plens, nets))
    texts = _format(nets[order], family)
    suffixes = [g[2] for g in groups]
    return [
        f"{t}/{p}{suffixes[s]}"
        for t, p, s in zip(texts, plens[order].tolist(), suffix_ids[order].tolist(), strict=True)
    ]


def _sorted_unique(values: U64) -> U64:
    values = np.sort(values)
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def _lengths_present(lengths: npt.NDArray[np.int64]) -> list[int]:
    return np.flatnonzero(np.bincount(lengths, minlength=1)).tolist() if lengths.size else []


def exact_set(prefixes: Sequence[str], family: int) -> list[str]:
    """BIRD set entries matching exactly ``prefixes``."""
    return _exact(*_parse(prefixes, family), family)


def _exact(nets: U64, lengths: npt.NDArray[np.int64], long: list[str], family: int) -> list[str]:
    groups: list[tuple[U64, int, str]] = []
    for length in _lengths_present(lengths):
        same = _sorted_unique(nets[lengths == length])
        for parents, plen in _fold(same, length):
            groups.append((parents, plen, "" if plen == length else f"{{{length},{length}}}"))
    return _entries(groups, family) + sorted(set(long))


def covering_set(prefixes: Sequence[str], family: int, max_length: int) -> list[str]:
    """BIRD set entries matching ``prefixes`` and their more-specifics up to ``max_length``."""
    return _covering(*_parse(prefixes, family), family, max_length)


def _covering(
    nets: U64, lengths: npt.NDArray[np.int64], long: list[str], family: int, max_length: int
) -> list[str]:
    if nets.size:
        order = np.lexsort((lengths, nets))
        nets, lengths = nets[order], lengths[order]
        size = np.where(
            lengths > 0, np.left_shift(np.uint64(1), (64 - lengths).astype(np.uint64)), 0
        ).astype(np.uint64)
        ends = nets + (size - np.uint64(1)) if nets.size else nets
        ends = np.where(lengths == 0, np.uint64(2**64 - 1), ends).astype(np.uint64)
        reach = np.maximum.accumulate(ends)
        covered = np.zeros(nets.size, dtype=bool)
        covered[1:] = nets[1:] <= reach[:-1]  # inside an earlier (shorter or equal) prefix
        nets, lengths = nets[~covered], lengths[~covered]
    groups: list[tuple[U64, int, str]] = []
    for length in _lengths_present(lengths):
        if length > max_length:
            continue
        same = _sorted_unique(nets[lengths == length])
        for parents, plen in _fold(same, length):
            groups.append((parents, plen, f"{{{length},{max_length}}}"))
    extra = [p + f"{{{p.partition('/')[2]},{max_length}}}" for p in sorted(set(long))]
    return _entries(groups, family) + extra


def both_sets(prefixes: Sequence[str], family: int, max_length: int) -> tuple[list[str], list[str]]:
    """``exact_set`` and ``covering_set`` of the same list, parsing it once."""
    parsed = _parse(prefixes, family)
    return _exact(*parsed, family), _covering(*parsed, family, max_length)


def irr_set(
    prefixes: Sequence[str], family: int, max_length: int, blackhole_max: int | None
) -> list[str]:
    """One set for both IRR checks: exact up to ``max_length``, covering beyond it.

    A route of at most ``max_length`` matches only a registered prefix; a longer one (an
    RFC 7999 blackhole, up to ``blackhole_max``) matches when a registered prefix covers
    it. A registered /24 becomes ``p/24{24,32}``: one entry serves both checks, so RTBH
    costs BIRD almost nothing to parse. ``blackhole_max=None``: exact only.
    """
    nets, lengths, long = _parse(prefixes, family)
    groups: list[tuple[U64, int, str]] = []
    for length in _lengths_present(lengths):
        same = _sorted_unique(nets[lengths == length])
        for parents, plen in _fold(same, length):
            groups += [
                (parents, plen, s) for s in _suffixes(plen, length, max_length, blackhole_max)
            ]
    extra = []
    for text in sorted(set(long)):
        length = int(text.partition("/")[2])
        extra += [text + s for s in _suffixes(length, length, max_length, blackhole_max)]
    return _entries(groups, family) + extra


def _suffixes(plen: int, length: int, max_length: int, blackhole_max: int | None) -> list[str]:
    exact = "" if plen == length else f"{{{length},{length}}}"
    if blackhole_max is None or length >= blackhole_max:
        return [exact]
    if length >= max_length:
        return [f"{{{length},{blackhole_max}}}"]
    return [exact, f"{{{max_length + 1},{blackhole_max}}}"]


def irr_set_plain(prefixes: Sequence[str], max_length: int, blackhole_max: int | None) -> list[str]:
    """``irr_set`` without folding, for short lists (no numpy, same matches)."""
    out = []
    for text in prefixes:
        length = int(text.partition("/")[2])
        out += [text + s for s in _suffixes(length, length, max_length, blackhole_max)]
    return out
