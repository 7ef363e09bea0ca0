"""Prefix lists as compact BIRD prefix sets: aggregated, exactly equivalent.

A member's route objects serve two checks: a normal route must be registered exactly, an
RFC 7999 blackhole longer than the normal bound must be covered by a registered prefix.
Both are answered by one set per registered length (``irr_sets_by_length``): each route
object is one entry ``p/L{L,32}``, tested with routes of length ``L`` only for the exact
check and with longer blackholes for coverage, so blackholing adds no entries. (BIRD's
trie still needs 2 to 8 extra nodes to cover the more-specifics of a prefix whose length
is not a multiple of 4, which the exact check alone does not.) Written one
entry per prefix, the largest AS-SETs give 1.5 million entries and BIRD's parse time
follows; so siblings are folded the way ``bgpq4 -A`` does (``10.0.0.0/24`` +
``10.0.1.0/24`` → ``10.0.0.0/23{24,24}``: the same prefixes, one entry). The folding runs
on numpy arrays of addresses left-aligned in 64 bits (IPv6 prefixes longer than /64, rare
in route objects, take a plain-Python path), so 1.5 million prefixes fold in about a
second. The input is canonical (the enrichment step guarantees it).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported by the folding only: short lists never load it
    import numpy as np
    import numpy.typing as npt

    U64 = npt.NDArray[np.uint64]


def _parse(prefixes: Sequence[str], family: int) -> tuple[U64, npt.NDArray[np.int64], list[str]]:
    """Addresses (top 64 bits, left-aligned), lengths, and prefixes too long for 64 bits.

    No Python statement per prefix: IPv4 texts are read as numbers by numpy in one call,
    IPv6 addresses by ``inet_pton`` mapped over them in C.
    """
    import numpy as np

    if not prefixes:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), []
    if family == 4:
        parsed = _parse_v4(prefixes)
        if parsed is not None:
            return parsed[0], parsed[1], []
        return _parse_slow(prefixes, family)
    joined = "\n".join(prefixes)
    addresses = _ADDRESS.findall(joined)
    lengths = np.array(_LENGTH.findall(joined)).astype(np.int64)
    if len(addresses) != len(prefixes) or len(lengths) != len(prefixes):
        return _parse_slow(prefixes, family)
    packed = b"".join(map(partial(socket.inet_pton, socket.AF_INET6), addresses))
    nets = np.frombuffer(packed, dtype=">u8")[::2].astype(np.uint64)
    long_at = np.flatnonzero(lengths > 64)
    if not long_at.size:
        return nets, lengths, []
    short = lengths <= 64
    return nets[short], lengths[short], [prefixes[i] for i in long_at.tolist()]


_ADDRESS = re.compile(r"^([^/\n]*)/", re.MULTILINE)
_LENGTH = re.compile(r"/([0-9]+)$", re.MULTILINE)


def _parse_v4(prefixes: Sequence[str]) -> tuple[U64, npt.NDArray[np.int64]] | None:
    """IPv4 prefixes in dotted-quad form read as five numbers each; None if they are not."""
    import numpy as np

    text = " ".join(prefixes)
    if text.count(".") != 3 * len(prefixes) or text.count("/") != len(prefixes):
        return None
    numbers = np.fromstring(text.translate(_SEPARATORS), dtype=np.int64, sep=" ")
    if numbers.size != 5 * len(prefixes):
        return None
    fields = numbers.reshape(-1, 5)
    if (fields < 0).any() or (fields[:, :4] > 255).any() or (fields[:, 4] > 32).any():
        return None
    octets = fields[:, :4].astype(np.uint64)
    nets: U64 = octets[:, 0] << np.uint64(56)
    for k, shift in ((1, 48), (2, 40), (3, 32)):
        nets |= octets[:, k] << np.uint64(shift)
    return nets, fields[:, 4].copy()


_SEPARATORS = str.maketrans("./", "  ")


def _parse_slow(
    prefixes: Sequence[str], family: int
) -> tuple[U64, npt.NDArray[np.int64], list[str]]:
    """:func:`_parse` one prefix at a time (texts the fast path does not recognise)."""
    import numpy as np

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


def _format(nets: U64, family: int) -> npt.NDArray[np.str_]:
    """The addresses as text, written the way ``inet_ntoa``/``inet_ntop`` write them,
    with numpy's string functions (no Python statement per address)."""
    import numpy as np

    add = np.strings.add
    if family == 4:
        octets = _table(256, "d")
        text = octets[(nets >> np.uint64(56)).astype(np.intp)]
        for shift in (48, 40, 32):
            text = add(add(text, "."), octets[((nets >> np.uint64(shift)) & 255).astype(np.intp)])
        return text
    # the top 64 bits only (the low ones are zero): the zeros at the end are the longest
    # run (four groups at least, and a run inside the first four is shorter), so the text is
    # the groups up to the last non-zero one, then "::" (as inet_ntop and ipaddress write)
    hexes = _table(65536, "x")
    groups = [((nets >> np.uint64(48 - 16 * k)) & 0xFFFF).astype(np.intp) for k in range(4)]
    last = np.full(nets.size, -1, dtype=np.int64)
    for k in range(4):
        last[groups[k] != 0] = k
    text = np.full(nets.size, "::", dtype="<U39")
    written = hexes[groups[0]]
    for k in range(4):
        if k:
            written = add(add(written, ":"), hexes[groups[k]])
        here = last == k
        text[here] = add(written[here], "::")
    return text


_TABLES: dict[tuple[int, str], npt.NDArray[np.str_]] = {}


def _table(size: int, spec: str) -> npt.NDArray[np.str_]:
    """``format(i, spec)`` for every i below ``size``, as a numpy array (made once)."""
    import numpy as np

    if (size, spec) not in _TABLES:
        _TABLES[size, spec] = np.array([format(i, spec) for i in range(size)])
    return _TABLES[size, spec]


def _fold(nets: U64, length: int) -> list[tuple[U64, int]]:
    """Sorted unique prefixes of one length folded into their largest complete parents:
    ``parent/plen{length,length}`` matches exactly the input."""
    import numpy as np

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
    import numpy as np

    if not groups:
        return []
    nets = np.concatenate([g[0] for g in groups])
    plens = np.concatenate([np.full(g[0].size, g[1], dtype=np.int64) for g in groups])
    suffix_ids = np.concatenate(
        [np.full(g[0].size, i, dtype=np.intp) for i, g in enumerate(groups)]
    )
    order = np.lexsort((plens, nets))
    add = np.strings.add
    texts = add(_format(nets[order], family), "/")
    texts = add(texts, _table(129, "d")[plens[order]])
    suffixes = np.array([g[2] for g in groups])
    entries: list[str] = add(texts, suffixes[suffix_ids[order]]).tolist()
    return entries


def _sorted_unique(values: U64) -> U64:
    import numpy as np

    values = np.sort(values)
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def _lengths_present(lengths: npt.NDArray[np.int64]) -> list[int]:
    import numpy as np

    return np.flatnonzero(np.bincount(lengths, minlength=1)).tolist() if lengths.size else []


def irr_sets_by_length(
    prefixes: Sequence[str], family: int, blackhole_max: int | None, fold: bool = True
) -> dict[int, list[str]]:
    """The route objects as one BIRD set per registered length, serving both IRR checks.

    The set for length ``L`` holds the registered ``/L`` prefixes written ``p/L{L,B}``
    (``B`` = ``blackhole_max``): tested with a route of length exactly ``L`` it matches
    only a registered prefix (the normal, exact check); tested with a longer RFC 7999
    blackhole it matches when a registered ``/L`` covers it. Each route object is one
    entry, as in an exact-only set. The filter picks the set by ``net.len`` (exact) or
    tries each set (coverage). ``blackhole_max=None``: exact entries only. ``fold``:
    siblings folded like ``bgpq4 -A`` (``p/23{24,B}`` for two registered /24s); without
    it (short lists) no numpy is used.
    """
    full = 32 if family == 4 else 128
    out: dict[int, list[str]] = {}
    if not fold:
        for text in prefixes:
            length = int(text.partition("/")[2])
            out.setdefault(length, []).append(text + _range(length, length, blackhole_max, full))
        return dict(sorted(out.items()))
    nets, lengths, long = _parse(prefixes, family)
    for length in _lengths_present(lengths):
        same = _sorted_unique(nets[lengths == length])
        groups = [
            (parents, plen, _range(plen, length, blackhole_max, full))
            for parents, plen in _fold(same, length)
        ]
        out[length] = _entries(groups, family)
    for text in sorted(set(long)):
        length = int(text.partition("/")[2])
        out.setdefault(length, []).append(text + _range(length, length, blackhole_max, full))
    return dict(sorted(out.items()))


def _range(plen: int, length: int, blackhole_max: int | None, full: int) -> str:
    """The length range suffix of one entry: registered ``length`` written under ``plen``."""
    high = length if blackhole_max is None or blackhole_max <= length else blackhole_max
    if high == length:
        return "" if plen == length else f"{{{length},{length}}}"
    if plen == length and high == full:
        return "+"  # p/L+ is p/L{L,32} (or {L,128}): the shortest text BIRD reads
    return f"{{{length},{high}}}"
