"""What the prefix index's build paths share without numba: the row error, the reference
prefix parser, and the flattening of disjoint IPv4 prefixes in numpy.

Kept apart from :mod:`lakou.territory.index_build` (the numba kernels) so a process that
only looks a few addresses up (``lakou territory lookup``) never imports numba: importing
it and loading its first kernel cost more than reading a whole routing table.
"""

from __future__ import annotations

import ipaddress
import socket

import numpy as np
import numpy.typing as npt

from lakou.i18n import gettext as _

_MASK64 = (1 << 64) - 1


class PrefixIndexError(ValueError):
    """A malformed row or file given to the prefix index (the message names the place)."""


def _parse_prefix(text: str) -> tuple[int, int, int, str]:
    """``"192.0.2.0/24"`` -> (version, first address, length, canonical text).

    A fast path over ``socket`` (the ``ipaddress`` module costs ~10 us a prefix, which
    matters for the ~1M prefixes of a full table); host bits set are an error.
    """
    address, slash, length_text = text.strip().partition("/")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    bits = 128 if family == socket.AF_INET6 else 32
    try:
        packed = socket.inet_pton(family, address)
    except OSError:
        raise ValueError(_("not an IP address: {ip!r}").format(ip=address)) from None
    if not slash:
        length = bits
    elif length_text.isdigit() and int(length_text) <= bits:
        length = int(length_text)
    else:
        raise ValueError(_("bad prefix length {n!r}").format(n=length_text))
    start = int.from_bytes(packed, "big")
    if start & ((1 << (bits - length)) - 1):
        raise ValueError(_("{prefix} has host bits set").format(prefix=text.strip()))
    # ipaddress for IPv6 text: inet_ntop writes ::ff:fc00 as "::0.255.252.0"
    text_address = (
        socket.inet_ntop(family, packed) if bits == 32 else str(ipaddress.IPv6Address(packed))
    )
    canonical = f"{text_address}/{length}"
    return (4 if bits == 32 else 6), start, length, canonical


_NoneType = type(None)


class _NotSimple(Exception):
    """A row the bulk path leaves to the reference path (which names what is wrong)."""


# --------------------------------------------------------------------------- numpy parts
_OCTETS = [str(v).encode("ascii") for v in range(256)]
_OCTET_CHARS = np.array([list(t.rjust(3, b"\0")) for t in _OCTETS], dtype=np.uint8)
_OCTET_WIDTH = np.array([len(t) for t in _OCTETS], dtype=np.int64)


def ipv4_prefix_texts(start: npt.NDArray[np.uint32], length: npt.NDArray[np.int64]) -> list[str]:
    """``"a.b.c.d/n"`` per prefix, as :func:`_parse_prefix` writes them, in one pass:
    the texts are laid out side by side in a byte array and split once."""
    n = start.size
    if n == 0:
        return []
    value = start.astype(np.int64)
    bits = length.astype(np.int64)
    octets = [(value >> shift) & 255 for shift in (24, 16, 8, 0)]
    octet_widths = [_OCTET_WIDTH[octet] for octet in octets]
    bits_width = np.where(bits >= 10, 2, 1)
    widths = sum(octet_widths) + 4 + bits_width + 1  # three dots, "/", and the newline
    ends = np.cumsum(widths)
    out = np.full(int(ends[-1]), ord("\n"), dtype=np.uint8)
    at = ends - widths
    for k, (octet, width) in enumerate(zip(octets, octet_widths, strict=True)):
        pad = 3 - width  # the digits are right-aligned in _OCTET_CHARS
        for j in range(3):
            used = j >= pad
            out[(at + j - pad)[used]] = _OCTET_CHARS[octet[used], j]
        at = at + width
        out[at] = ord(".") if k < 3 else ord("/")
        at = at + 1
    tens = bits_width == 2
    out[at[tens]] = 48 + bits[tens] // 10
    out[at + tens] = 48 + bits % 10
    return out.tobytes().decode("ascii").split("\n")[:n]


def flatten_disjoint_v4(
    start: npt.NDArray[np.uint32], length: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]] | None:
    """The flattened ranges of IPv4 prefixes sorted by address and pairwise disjoint
    (as the stack sweep of ``lakou.territory.index._flatten`` emits them; ``rows``
    increasing); ``None`` when they are not sorted or not disjoint (nested prefixes need
    the sweep)."""
    first = start.astype(np.int64)
    last = first + (np.int64(1) << (32 - length.astype(np.int64))) - 1
    if first.size == 0:
        return np.zeros(1, dtype=np.uint32), np.full(1, -1, dtype=np.int64)
    # a prefix given again right after itself: the last one given wins, as in the sweep
    again = (first[:-1] == first[1:]) & (last[:-1] == last[1:])
    if again.any():
        kept = np.flatnonzero(~np.concatenate((again, [False])))
        first, last, rows = first[kept], last[kept], rows[kept]
    if not bool((last[:-1] < first[1:]).all()):
        return None
    after = np.empty_like(first)  # the cursor before each prefix
    after[0] = 0
    after[1:] = last[:-1] + 1
    gap = after < first  # a range without a prefix comes first
    tail = bool(last[-1] < 0xFFFFFFFF)
    at = np.cumsum(gap, dtype=np.int64)
    at += np.arange(first.size, dtype=np.int64)  # where each prefix's range goes
    size = first.size + int(at[-1] - (first.size - 1)) + tail
    starts = np.empty(size, dtype=np.uint32)
    found = np.full(size, -1, dtype=np.int64)
    starts[at] = first
    found[at] = rows
    starts[at[gap] - 1] = after[gap]
    if tail:
        starts[-1] = last[-1] + 1
    return starts, found
