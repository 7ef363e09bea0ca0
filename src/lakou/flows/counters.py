"""Counters that stay bounded whatever strangers send the collector.

Anyone can send a UDP datagram, so nothing a datagram says may become a counter's key:
a reason carrying a set id or a version number, or a source address, would let random
bytes grow memory without bound. Malformed datagrams are counted per protocol and per
one of a fixed set of categories (:data:`MALFORMED_CATEGORIES`); the detail (reason,
byte offset, exporter) goes to a :class:`SampleLog` that keeps only the last few.
Datagrams from unknown sources are counted per source by a :class:`TopSources`, which
keeps the busiest few and sums the rest in one bucket.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

# Why a datagram was dropped whole. The decoders say one of these; nothing else is a key.
TRUNCATED = "truncated"  # a field or a part runs past the end of the datagram
BAD_VERSION = "bad_version"  # not sFlow v5, NetFlow v5/v9 or IPFIX
BAD_LENGTH = "bad_length"  # a count or length that cannot fit the datagram
BAD_TEMPLATE = "bad_template"  # a NetFlow v9/IPFIX template that breaks RFC 3954/7011
BAD_FIELD = "bad_field"  # a field of the wrong size or an unknown address type
OUT_OF_RANGE = "out_of_range"  # a value that fits no column of the flow record
REJECTED = "rejected"  # the fast decoder refused what the reference decoder took
DECODER_ERROR = "decoder_error"  # a decoder bug: counted, never fatal
WRONG_PORT = "wrong_port"  # sFlow on a NetFlow listener or the reverse
MALFORMED_CATEGORIES = (
    TRUNCATED,
    BAD_VERSION,
    BAD_LENGTH,
    BAD_TEMPLATE,
    BAD_FIELD,
    OUT_OF_RANGE,
    REJECTED,
    DECODER_ERROR,
    WRONG_PORT,
)
PROTOCOLS = ("sflow", "netflow")
OTHER_SOURCES = "other"


class SampleLog:
    """The last ``size`` details of something counted (what a person reads to find why)."""

    def __init__(self, size: int = 100) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=size)

    def add(self, **detail: Any) -> None:
        self.entries.append(detail)

    def last(self, n: int | None = None) -> list[dict[str, Any]]:
        items = list(self.entries)
        return items if n is None else items[len(items) - n :] if n else []


@dataclass
class TopSources:
    """Counts per source address, at most ``size`` of them; the rest in ``other``.

    When a new source comes and the table is full, the least counted source leaves and
    its count moves to ``other`` (the space-saving idea): busy sources stay named,
    the total stays exact, and a flood of spoofed addresses costs ``size`` entries.
    """

    size: int = 64
    counts: dict[str, int] = field(default_factory=dict)
    other: int = 0

    def add(self, source: str, count: int = 1) -> None:
        counts = self.counts
        if source in counts:
            counts[source] += count
            return
        if len(counts) >= self.size:
            least = min(counts, key=counts.__getitem__)
            self.other += counts.pop(least)
        counts[source] = count

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.other

    def as_dict(self) -> dict[str, int]:
        out = dict(sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])))
        if self.other:
            out[OTHER_SOURCES] = self.other
        return out
