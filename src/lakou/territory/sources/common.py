"""What every source reader shares: errors that name the place, drop counters,
transparent decompression and the range-to-prefix conversion.

Range tables (``start,end,...``) are turned into the minimal list of CIDR prefixes
that covers each range, so everything downstream (index, inventory, exports) works on
prefixes, the unit routers and route servers speak.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import ipaddress
import socket
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

from lakou.i18n import gettext as _


class SourceError(ValueError):
    """A malformed record in a source file; ``str()`` starts with ``file:line``."""

    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place = place
        self.message = message


@dataclass
class Counters:
    """How many records a reader read, and how many it dropped, by reason."""

    read: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    first_errors: list[str] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)  # read, but worth knowing

    def drop(self, reason: str, error: str | None = None) -> None:
        self.dropped[reason] += 1
        if error is not None and len(self.first_errors) < 10:
            self.first_errors.append(error)

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "dropped": dict(self.dropped),
            "notes": dict(self.notes),
            "examples": self.first_errors,
        }


T = TypeVar("T")


def guarded(path: str | Path, records: Iterable[T]) -> Iterator[T]:
    """``records`` read from ``path``, with a file-level failure turned into a SourceError.

    A reader raises :class:`SourceError` for a bad record; what breaks the file itself (a
    byte that is not UTF-8, a CSV field over the csv module's 131,072-character limit, a
    truncated or corrupt gzip/bzip2 stream, an unreadable file) is named here with the file.
    """
    count = 0
    try:
        for record in records:
            count += 1
            yield record
    except SourceError:
        raise
    except UnicodeDecodeError:
        line, offset = first_bad_utf8(path)
        raise SourceError(
            f"{path}:{line}",
            _("not UTF-8 text (byte {b} of the file): save it as UTF-8").format(b=offset),
        ) from None
    except csv.Error as exc:
        raise SourceError(
            str(path),
            _("not a CSV file lakou can read (after {n} records): {e}").format(n=count, e=exc),
        ) from None
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise SourceError(
            str(path),
            _("truncated or corrupt (after {n} records: {e}); download it again").format(
                n=count, e=exc or type(exc).__name__
            ),
        ) from None


def first_bad_utf8(path: str | Path) -> tuple[int, int]:
    """(line, byte offset) of the first byte of ``path`` that is not UTF-8, after
    decompression; read again only when a reader has met one, so the error can say where."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with open_binary(path) as stream:
        while chunk := stream.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                start = exc.start - len(decoder.getstate()[0])  # bytes held from the last chunk
                before = chunk[: max(start, 0)]
                return line + before.count(b"\n"), offset + max(start, 0)
            offset += len(chunk)
            line += chunk.count(b"\n")
    return line, offset


def open_binary(path: str | Path) -> IO[bytes]:
    """Open a file, gunzipping or bunzipping it by its magic bytes (not its name)."""
    path = Path(path)
    with path.open("rb") as probe:
        magic = probe.read(3)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if magic == b"BZh":
        return bz2.open(path, "rb")
    return path.open("rb")


def open_text(path: str | Path) -> IO[str]:
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="strict", newline="")


def parse_ip(text: str) -> tuple[int, int]:
    """An address as (version, integer); ValueError naming the text if it is not one."""
    text = text.strip()
    try:
        if ":" in text:
            return 6, int.from_bytes(socket.inet_pton(socket.AF_INET6, text), "big")
        return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")
    except OSError:
        raise ValueError(_("not an IP address: {ip!r}").format(ip=text)) from None


def format_prefix(version: int, start: int, length: int) -> str:
    if version == 4:
        return f"{socket.inet_ntop(socket.AF_INET, start.to_bytes(4, 'big'))}/{length}"
    # not inet_ntop: it writes IPv4-compatible IPv6 addresses as "::1.2.3.4"
    return f"{ipaddress.IPv6Address(start)}/{length}"


def int_range_to_prefixes(version: int, start: int, end: int) -> list[str]:
    """The minimal CIDR prefixes covering [start, end] (integers)."""
    bits = 32 if version == 4 else 128
    out = []
    while start <= end:
        # the largest block aligned on ``start`` that does not run past ``end``
        align = (start & -start).bit_length() - 1 if start else bits
        fit = (end - start + 1).bit_length() - 1
        size = min(align, fit)
        out.append(format_prefix(version, start, bits - size))
        start += 1 << size
    return out


def range_to_prefixes(first: str, last: str) -> list[str]:
    """The minimal CIDR prefixes covering [first, last] (ValueError when not a range)."""
    version, start = parse_ip(first)
    version_end, end = parse_ip(last)
    if version != version_end:
        raise ValueError(_("range mixes IPv4 and IPv6: {a} - {b}").format(a=first, b=last))
    if end < start:
        raise ValueError(_("range ends before it starts: {a} - {b}").format(a=first, b=last))
    return int_range_to_prefixes(version, start, end)


def count_to_prefixes(first: str, count: int) -> list[str]:
    """RIR IPv4 records give a first address and a number of addresses."""
    version, start = parse_ip(first)
    if version != 4 or count < 1 or start + count - 1 > 0xFFFFFFFF:
        raise ValueError(
            _("bad address count {count} from {first}").format(count=count, first=first)
        )
    return int_range_to_prefixes(4, start, start + count - 1)


def parse_asn(text: str) -> int:
    """``64500``, ``AS64500`` or asdot ``1.10`` to an integer ASN (ValueError if not one)."""
    value = text.strip().upper().removeprefix("AS")
    if "." in value:
        high, _sep, low = value.partition(".")
        asn = int(high) * 65536 + int(low)
    else:
        asn = int(value)
    if not 0 <= asn <= 4294967295:
        raise ValueError(_("ASN out of range: {asn}").format(asn=text))
    return asn
