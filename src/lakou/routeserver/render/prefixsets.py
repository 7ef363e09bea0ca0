"""Route objects as compact BIRD address sets: one per registered length, exactly equivalent.

A member's route objects serve two checks: a normal route must be registered exactly, an
RFC 7999 blackhole longer than the normal bound must be covered by a registered prefix.
Both are answered by one BIRD *address* set per registered length ``L``
(:func:`irr_range_bodies`): the network addresses of the registered ``/L`` prefixes,
consecutive blocks written as one range (``11.0.0.0..11.0.3.0`` for four registered /24s,
first address of the first block to first address of the last). A route of length ``L``
is registered exactly when ``net.ip`` is in the set of its length (its address is aligned
to ``/L``, so a range holds only the registered ones); a route longer than ``L`` is
covered by a registered ``/L`` when ``net.ip.mask(L)`` is in it. So blackholing adds no
entries, and the ranges fold what ``bgpq4 -A`` folds and more.

Why addresses and not prefix sets (``p/L{L,32}``), measured with ``bird -p`` on the
largest AS-SET (1.5 million prefixes): BIRD 2.0.12 keeps a prefix set as a 16-way trie
whose nodes sit at lengths that are multiples of 4, so every registered /24 or /48 is a
node of its own (about 150 bytes), covering the more-specifics of a /21, /22 or /23
costs 8, 4 or 2 more, and one set per length repeats the trie's upper nodes; an address
set is a sorted tree with one small node per range. With coverage the trie sets took
322 MB against arouteserver's 233 MB (its one exact prefix set per family), the address
sets take less than either (docs/90-benchmarks.md).

The ranges are found on numpy arrays of addresses left-aligned in 64 bits (IPv6 prefixes
longer than /64, rare in route objects, take a plain-Python path), so 1.5 million prefixes
are written in about a second. The input is canonical (the enrichment step guarantees it).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from functools import cache, partial
from typing import TYPE_CHECKING

from lakou.routeserver.enrich.cache import joined

if TYPE_CHECKING:  # numpy is imported by the folding only: short lists never load it
    import numpy as np
    import numpy.typing as npt

    U64 = npt.NDArray[np.uint64]


def _parse(prefixes: Sequence[str], family: int) -> tuple[U64, npt.NDArray[np.int64], list[str]]:
    """Addresses (top 64 bits, left-aligned), lengths, and prefixes too long for 64 bits.

    No Python statement per prefix: IPv4 texts are read as numbers by numpy in one call,
    IPv6 texts (canonical, up to /64) byte by byte by numpy (:func:`_parse_v6`); other IPv6
    texts by ``inet_pton`` mapped over them in C.
    """
    import numpy as np

    if not prefixes:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), []
    if family == 4:
        parsed = _parse_v4(prefixes)
        if parsed is not None:
            return parsed[0], parsed[1], []
        return _parse_slow(prefixes, family)
    parsed = _parse_v6(prefixes)
    if parsed is not None:
        return parsed[0], parsed[1], []
    text = joined(prefixes)
    addresses = _ADDRESS.findall(text)
    lengths = np.array(_LENGTH.findall(text)).astype(np.int64)
    if len(addresses) != len(prefixes) or len(lengths) != len(prefixes):
        return _parse_slow(prefixes, family)
    packed = b"".join(map(partial(socket.inet_pton, socket.AF_INET6), addresses))
    nets = np.frombuffer(packed, dtype=">u8")[::2].astype(np.uint64)
    long_at = np.flatnonzero(lengths > 64)
    if not long_at.size:
        return nets, lengths, []
    short = lengths <= 64
    return nets[short], lengths[short], [prefixes[i] for i in long_at.tolist()]


def _parse_v6(prefixes: Sequence[str]) -> tuple[U64, npt.NDArray[np.int64]] | None:
    """IPv6 prefixes up to /64 written as ``inet_ntop`` writes them, read with numpy.

    Such an address is up to four hexadecimal groups then ``::`` (its low 64 bits are zero,
    the longest run of zeros), or ``::`` alone. The text is read as bytes: the colons are
    found, each run of 1 to 4 hex digits before a colon is a group, its line and rank come
    from counting. None when any line is another form (upper case, longer than /64, a
    typo): the caller then reads them one by one.
    """
    import numpy as np

    try:
        data = (joined(prefixes) + "\n").encode("ascii")
    except UnicodeEncodeError:
        return None
    n = len(prefixes)
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == _NL)
    slashes = np.flatnonzero(buf == _SLASH)
    if ends.size != n or slashes.size != n:
        return None
    starts = np.zeros(n, dtype=np.int64)
    starts[1:] = ends[:-1] + 1
    # one slash per line, after at least "::", followed by 1 to 3 decimal digits
    if ((slashes < starts + 2) | (slashes > ends - 2) | (slashes < ends - 4)).any():
        return None
    if ((buf[slashes - 1] != _COLON) | (buf[slashes - 2] != _COLON)).any():
        return None
    lengths = np.zeros(n, dtype=np.int64)
    for k in (1, 2, 3):
        here = slashes + k < ends
        digit = buf[slashes[here] + k].astype(np.int64) - 48
        if ((digit < 0) | (digit > 9)).any():
            return None
        lengths[here] = lengths[here] * 10 + digit
    if (lengths > 64).any() or ((ends - slashes > 2) & (buf[slashes + 1] == 48)).any():
        return None
    # The colons of each line (all before its slash: what follows it is digits).
    colons = np.flatnonzero(buf == _COLON)
    first = np.searchsorted(colons, starts)
    count = np.searchsorted(colons, slashes) - first
    line = np.repeat(np.arange(n), count)
    previous = np.empty(colons.size, dtype=np.int64)
    previous[1:] = colons[:-1]
    opens = first[count > 0]
    previous[opens] = starts[count > 0] - 1
    digits = colons - previous - 1  # the run before each colon: a group, or nothing
    if (digits > 4).any():
        return None
    is_group = digits > 0
    ge = colons[is_group]
    digits = digits[is_group]
    line = line[is_group]
    del colons, previous, is_group, first  # (a 1.5-million-prefix list: tens of MB each)
    # the four bytes before each group's colon, in one gather (a window over the bytes)
    padded = np.concatenate((np.full(4, _NL, dtype=np.uint8), buf))
    windows = np.lib.stride_tricks.as_strided(padded, (buf.size + 1, 4), (1, 1))
    quads = _hex_table()[windows[ge]]
    quads[np.arange(4) < (4 - digits)[:, None]] = 0  # bytes before the group
    if (quads == 255).any():
        return None
    del padded, windows
    wide = quads.astype(np.uint16)
    del quads
    values = ((wide[:, 0] << 12) | (wide[:, 1] << 8) | (wide[:, 2] << 4) | wide[:, 3]).astype(
        np.uint64
    )
    del wide, digits, ge
    groups = np.bincount(line, minlength=n)
    none = groups == 0
    if (none & (slashes - starts != 2)).any() or ((~none) & (count != groups + 1)).any():
        return None
    if (groups > 4).any():
        return None
    index = np.arange(line.size)
    new_line = np.ones(line.size, dtype=bool)
    new_line[1:] = line[1:] != line[:-1]
    rank = index - np.maximum.accumulate(np.where(new_line, index, 0))
    del index
    shifted = values << (np.uint64(48) - np.uint64(16) * rank.astype(np.uint64))
    nets = np.zeros(n, dtype=np.uint64)
    some = groups > 0
    nets[some] = np.bitwise_or.reduceat(shifted, np.flatnonzero(new_line)) if line.size else 0
    return nets, lengths


_NL, _SLASH, _COLON = 10, 47, 58


@cache
def _hex_table() -> npt.NDArray[np.uint8]:
    """Each byte's value as a lower-case hex digit; 255 for any other byte."""
    import numpy as np

    table = np.full(256, 255, dtype=np.uint8)
    for i, ch in enumerate(b"0123456789abcdef"):
        table[ch] = i
    return table


_ADDRESS = re.compile(r"^([^/\n]*)/", re.MULTILINE)
_LENGTH = re.compile(r"/([0-9]+)$", re.MULTILINE)


def _parse_v4(prefixes: Sequence[str]) -> tuple[U64, npt.NDArray[np.int64]] | None:
    """IPv4 prefixes in dotted-quad form read as five numbers each; None if they are not."""
    import numpy as np

    text = joined(prefixes)  # newlines read as spaces below
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


_SEPARATORS = str.maketrans("./\n", "   ")


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


# Entries are written as rows of a byte matrix, one column range per piece (an octet, a
# hex group, the range's two dots, the separator), each piece left-aligned in its
# columns and padded with NUL bytes; the matrix's bytes with the NULs deleted are the text.
_SEPARATOR = ",\n  "  # between two entries of a set, as define_set writes them


@cache
def _digits_table(base: int, size: int, width: int) -> npt.NDArray[np.uint8]:
    """``format(i, "d"|"x")`` for every i below ``size`` as left-aligned ASCII, NUL-padded."""
    import numpy as np

    values = np.arange(size, dtype=np.int64)
    count = np.ones(size, dtype=np.int64)
    for k in range(1, width):
        count += values >= base**k
    table = np.zeros((size, width), dtype=np.uint8)
    chars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    for column in range(width):
        power = count - 1 - column  # the digit written in this column, from the left
        here = power >= 0
        digit = (values[here] // base ** power[here]) % base
        table[here, column] = chars[digit]
    return table


def _address_columns(nets: U64, family: int) -> list[npt.NDArray[np.uint8]]:
    """The addresses as ``inet_ntoa``/``inet_ntop`` write them, as NUL-padded columns.

    IPv6: the top 64 bits only (the low ones are zero), so the zeros at the end are the
    longest run (four groups at least, and a run inside the first four is shorter): the
    text is the groups up to the last non-zero one, then ``::``.
    """
    import numpy as np

    m = nets.size
    if family == 4:
        octets = _digits_table(10, 256, 3)
        dot = np.full((m, 1), ord("."), dtype=np.uint8)
        out = [octets[(nets >> np.uint64(56)).astype(np.intp)]]
        for shift in (48, 40, 32):
            out += [dot, octets[((nets >> np.uint64(shift)) & np.uint64(255)).astype(np.intp)]]
        return out
    hexes = _digits_table(16, 65536, 4)
    groups = [
        ((nets >> np.uint64(48 - 16 * k)) & np.uint64(0xFFFF)).astype(np.intp) for k in range(4)
    ]
    last = np.full(m, -1, dtype=np.int64)
    for k in range(4):
        last[groups[k] != 0] = k
    out = []
    for k in range(4):
        shown = (last >= k)[:, None]
        out.append(hexes[groups[k]] * shown)
        out.append(np.where(shown, np.uint8(ord(":")), np.uint8(0)))
    out.append(np.full((m, 1), ord(":"), dtype=np.uint8))
    out.append(np.where((last < 0)[:, None], np.uint8(ord(":")), np.uint8(0)))
    return out


_ROWS = 1 << 17


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


def _ranges_text(nets: U64, length: int, family: int) -> str:
    """The sorted unique ``/length`` network addresses as the body of an address set:
    each run of consecutive blocks is one ``first..last`` item (a lone block, ``first``)."""
    import numpy as np

    if not nets.size:
        return ""
    if length == 0:  # the default route: one block
        starts = ends = nets[:1]
    else:
        step = np.uint64(1) << np.uint64(64 - length)
        breaks = np.flatnonzero(nets[1:] != nets[:-1] + step)
        starts = nets[np.concatenate(([0], breaks + 1))]
        ends = nets[np.concatenate((breaks, [nets.size - 1]))]
    ranged = (ends != starts)[:, None]
    separator = np.frombuffer(_SEPARATOR.encode("ascii"), dtype=np.uint8)
    chunks = []
    for at in range(0, starts.size, _ROWS):  # in slices: the matrix stays a few MB
        part = slice(at, at + _ROWS)
        rows = starts[part].size
        here = ranged[part]
        columns = _address_columns(starts[part], family)
        columns.append(np.where(here, np.uint8(ord(".")), np.uint8(0)))
        columns.append(np.where(here, np.uint8(ord(".")), np.uint8(0)))
        columns += [c * here for c in _address_columns(ends[part], family)]
        columns.append(np.broadcast_to(separator, (rows, separator.size)))
        chunks.append(np.concatenate(columns, axis=1).tobytes().translate(None, b"\0"))
    return b"".join(chunks)[: -len(_SEPARATOR)].decode("ascii")


def irr_range_bodies(prefixes: Sequence[str], family: int, fold: bool = True) -> dict[int, str]:
    """The route objects as one BIRD address set per registered length: each set's
    items joined by ``,\\n  `` (the body of its ``define``), by length.

    The set for length ``L`` holds the network address of every registered ``/L``;
    ``fold``: runs of consecutive blocks written as ``first..last`` ranges, found with
    numpy and written as one text, never one Python string per item; without it (short
    lists) one item per prefix and no numpy.
    """
    lists: dict[int, list[str]] = {}
    if not fold:
        for text in prefixes:
            address, _, written = text.partition("/")
            lists.setdefault(int(written), []).append(address)
        return {length: _SEPARATOR.join(dict.fromkeys(lists[length])) for length in sorted(lists)}
    out: dict[int, str] = {}
    nets, lengths, long = _parse(prefixes, family)
    for length in _lengths_present(lengths):
        out[length] = _ranges_text(_sorted_unique(nets[lengths == length]), length, family)
    # (IPv6 longer than /64: lengths the 64-bit arrays never have)
    for text in sorted(set(long)):
        address, _, written = text.partition("/")
        lists.setdefault(int(written), []).append(address)
    out.update((length, _SEPARATOR.join(items)) for length, items in lists.items())
    return dict(sorted(out.items()))


def _set_items(body: str) -> list[str]:
    """A set body's items (for tests and small sets)."""
    return body.split(_SEPARATOR) if body else []
