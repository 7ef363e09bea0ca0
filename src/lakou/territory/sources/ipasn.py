"""IP range → origin AS tables: ``start,end,asn,org`` CSV, iptoasn.com TSV, CAIDA pfx2as.

All three say "this address space is announced by this AS". Ranges become prefixes
(see :func:`~lakou.territory.sources.common.range_to_prefixes`). AS 0 means "not
routed" in ip2asn: such rows are counted as dropped, not indexed. pfx2as marks
multi-origin prefixes with ``_`` and AS sets with ``,``: the first origin is kept as
``asn`` and all of them in ``origins``.
"""

from __future__ import annotations

import csv
import gc
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt
from numba import njit

from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop
from lakou.territory.index_build import _SLASH, _canonical_address, _host_mask
from lakou.territory.sources.common import (
    Counters,
    SourceError,
    open_binary,
    open_text,
    parse_asn,
    range_to_prefixes,
)


@dataclass(frozen=True, slots=True)
class PrefixOrigin:
    """An announced prefix and the AS that originates it."""

    prefix: str
    asn: int
    name: str = ""
    country: str = ""  # ip2asn carries the AS's registration country
    origins: tuple[int, ...] = ()
    line: int = 0


def _fail(
    path: Path, line: int, message: str, strict: bool, counters: Counters, reason: str
) -> None:
    error = SourceError(f"{path}:{line}", message)
    if strict:
        raise error
    counters.drop(reason, str(error))


def _range_origin(
    path: Path,
    line: int,
    fields: list[str],
    too_few: str,
    strict: bool,
    counters: Counters,
    not_routed: str,
) -> tuple[list[str], int] | None:
    """Prefixes and origin AS of a ``start, end, asn, ...`` row (``None``: dropped).

    ``too_few`` is a ``{n}`` template marked with ``gettext_noop``: translated only on error.
    """
    if len(fields) < 3:
        _fail(path, line, _(too_few).format(n=len(fields)), strict, counters, "fields")
        return None
    try:
        prefixes = range_to_prefixes(fields[0], fields[1])
        asn = parse_asn(fields[2])
    except ValueError as exc:
        _fail(path, line, str(exc), strict, counters, "value")
        return None
    if asn == 0:
        counters.drop(not_routed)
        return None
    return prefixes, asn


_CSV_TOO_FEW = gettext_noop("expected start,end,asn[,org], got {n} fields")
_TSV_TOO_FEW = gettext_noop("expected 5 tab-separated fields, got {n}")


def read_range_asn_csv(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[PrefixOrigin]:
    """``start,end,asn,org`` rows (ip-location-db format, no header)."""
    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_text(path) as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            counters.read += 1
            if line == 1 and row[0].strip().lower() in ("start", "range_start", "first"):
                continue
            origin = _range_origin(path, line, row, _CSV_TOO_FEW, strict, counters, "as0")
            if origin is None:
                continue
            prefixes, asn = origin
            name = row[3].strip() if len(row) > 3 else ""
            for prefix in prefixes:
                yield PrefixOrigin(prefix, asn, name, "", (asn,), line)


def read_ip2asn_tsv(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[PrefixOrigin]:
    """iptoasn.com ``range_start  range_end  AS_number  country_code  AS_description``."""
    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_text(path) as handle:
        for line, text in enumerate(handle, start=1):
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            counters.read += 1
            fields = text.split("\t")
            origin = _range_origin(path, line, fields, _TSV_TOO_FEW, strict, counters, "not-routed")
            if origin is None:
                continue
            prefixes, asn = origin
            country = fields[3].strip().upper() if len(fields) > 3 else ""
            country = "" if country in ("NONE", "ZZ") else country
            name = fields[4].strip() if len(fields) > 4 else ""
            for prefix in prefixes:
                yield PrefixOrigin(prefix, asn, name, country, (asn,), line)


def _pfx2as_record(
    path: Path, line: int, text: str, strict: bool, counters: Counters
) -> PrefixOrigin | None:
    """One stripped, non-comment pfx2as line (``None``: dropped and counted)."""
    import ipaddress

    fields = text.split()
    if len(fields) != 3:
        _fail(
            path,
            line,
            _("expected network, length and AS, got {n} fields").format(n=len(fields)),
            strict,
            counters,
            "fields",
        )
        return None
    try:
        network = ipaddress.ip_network(f"{fields[0]}/{fields[1]}", strict=True)
        origins = tuple(parse_asn(a) for a in fields[2].replace(",", "_").split("_") if a)
        if not origins:
            raise ValueError(_("no origin AS"))
    except ValueError as exc:
        _fail(path, line, str(exc), strict, counters, "value")
        return None
    return PrefixOrigin(str(network), origins[0], "", "", origins, line)


def _read_pfx2as_lines(path: Path, strict: bool, counters: Counters) -> Iterator[PrefixOrigin]:
    """The line-by-line reader: the reference for :func:`read_pfx2as`'s bulk path."""
    with open_text(path) as handle:
        for line, text in enumerate(handle, start=1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            counters.read += 1
            record = _pfx2as_record(path, line, text, strict, counters)
            if record is not None:
                yield record


def read_pfx2as(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[PrefixOrigin]:
    """CAIDA RouteViews prefix-to-AS: ``network<TAB>length<TAB>asn[_asn|,asn]``.

    The lines written the way RouteViews writes them (canonical prefix, one plain
    origin) are split in one numba pass; every other line goes through the per-line
    reader, so records, counters and errors are those of :func:`_read_pfx2as_lines`.
    """
    path = Path(path)
    counters = counters if counters is not None else Counters()
    data = _simple_text(path)
    if data is None:  # not UTF-8, or \r line ends: the per-line reader says where
        yield from _read_pfx2as_lines(path, strict, counters)
        return
    blob = np.frombuffer(data, dtype=np.uint8)
    starts, status, first_asn, more_at, origin_values, prefix_blob = _pfx2as_kernel(blob)
    active = np.flatnonzero(status)
    fast_lines = active[status[active] == _FAST]
    prefixes = prefix_blob.tobytes().decode("ascii").split("\n")[: len(fast_lines)]
    asns = first_asn[fast_lines].tolist()
    single = _SingleOrigin()
    origins = list(map(single.__getitem__, asns))
    for k in np.flatnonzero(more_at[fast_lines + 1] > more_at[fast_lines]).tolist():
        line = fast_lines[k]  # a multiple-origin line (a few thousand in a full table)
        origins[k] = (asns[k], *origin_values[more_at[line] : more_at[line + 1]].tolist())
    records = _origin_records(prefixes, asns, origins, (fast_lines + 1).tolist())
    bounds = starts.tolist()
    done = 0  # records yielded
    previous = 0  # position in ``active`` after the last slow line
    for position in np.flatnonzero(status[active] == _SLOW).tolist():
        run = position - previous  # the fast lines before this slow one, in bulk
        counters.read += run
        yield from records[done : done + run]
        done += run
        previous = position + 1
        i = int(active[position])
        text = data[bounds[i] : bounds[i + 1]].decode("utf-8").strip()
        if not text or text.startswith("#"):
            continue
        counters.read += 1
        record = _pfx2as_record(path, i + 1, text, strict, counters)
        if record is not None:
            yield record
    counters.read += len(records) - done
    yield from records[done:]


class _SingleOrigin(dict[int, tuple[int, ...]]):
    """``(asn,)`` tuples, one per AS (records share them: they are immutable)."""

    def __missing__(self, asn: int) -> tuple[int, ...]:
        value = self[asn] = (asn,)
        return value


def _origin_records(
    prefixes: list[str], asns: list[int], origins: list[tuple[int, ...]], lines: list[int]
) -> list[PrefixOrigin]:
    """PrefixOrigin records, built column by column (twice as fast as one by one)."""
    new = object.__new__
    # the cyclic GC would walk every new record many times over: these hold no cycles
    collecting = gc.isenabled()
    gc.disable()
    try:
        records = [new(PrefixOrigin) for _ in prefixes]
        n = len(records)
        columns: list[tuple[str, Iterable[object]]] = [
            ("prefix", prefixes),
            ("asn", asns),
            ("name", repeat("", n)),
            ("country", repeat("", n)),
            ("origins", origins),
            ("line", lines),
        ]
        for name, values in columns:
            # the slot's own setter: what the frozen dataclass's __init__ calls too
            deque(map(getattr(PrefixOrigin, name).__set__, records, values), maxlen=0)
    finally:
        if collecting:
            gc.enable()
    return records


def _simple_text(path: Path) -> bytes | None:
    """The whole (decompressed) file when it is UTF-8 with ``\n`` line ends, else None."""
    with open_binary(path) as handle:
        data = handle.read()
    if b"\r" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return data


_SKIP, _FAST, _SLOW = 0, 1, 2
_TAB, _SPACE, _NEWLINE, _HASH = 9, 32, 10, 35


@njit(cache=True)
def _pfx2as_kernel(
    data: npt.NDArray[np.uint8],
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.int8],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.uint8],
]:  # pragma: no cover
    """Per line: start offset (one more: the end), status (skip, fast, slow), first
    origin AS, where its other origins start in the values (one more: the end), those
    values; and the fast lines' prefixes as ``network/length`` texts, one a line."""
    n = 1
    for j in range(data.shape[0]):
        if data[j] == _NEWLINE:
            n += 1
    starts = np.empty(n + 1, np.int64)
    status = np.zeros(n, np.int8)
    asns = np.zeros(n, np.int64)
    more_at = np.zeros(n + 1, np.int64)  # origins after the first: values[more_at[i]:...]
    values = np.empty(data.shape[0] // 2 + 1, np.int64)
    count = 0
    out = np.empty(data.shape[0] + n, np.uint8)
    pos = 0
    groups = np.zeros(8, np.int64)
    tail = np.zeros(8, np.int64)
    scratch = np.zeros(64, np.uint8)
    k = 0
    starts[0] = 0
    for j in range(data.shape[0]):
        if data[j] == _NEWLINE:
            k += 1
            starts[k] = j + 1
    starts[n] = data.shape[0] + 1
    for i in range(n):
        a = starts[i]
        b = starts[i + 1] - 1  # without the newline
        if a == b or data[a] == _HASH:
            continue  # empty or a comment (a line of blanks goes the slow way)
        status[i] = _SLOW
        # network, one tab or space, length, one tab or space, digits
        f1 = a
        while f1 < b and data[f1] != _TAB and data[f1] != _SPACE:
            f1 += 1
        f2 = f1 + 1
        while f2 < b and data[f2] != _TAB and data[f2] != _SPACE:
            f2 += 1
        if f2 >= b or f1 == a or f2 == f1 + 1 or f2 - f1 > 4:
            continue
        colon = False
        for j in range(a, f1):
            if data[j] == 58:
                colon = True
                break
        if data[f1 + 1] == 48 and f2 - f1 > 2:
            continue  # a length with a leading zero: not written back as read
        bits = 0
        ok = True
        for j in range(f1 + 1, f2):
            if not 48 <= data[j] <= 57:
                ok = False
            bits = bits * 10 + (data[j] - 48)
        if not ok or bits > (128 if colon else 32) or b == f2 + 1:
            continue
        # origins: digits, several joined by "_" (multi-origin) or "," (an AS set)
        first = -1
        asn = 0
        digits = 0
        mark = count
        for j in range(f2 + 1, b + 1):
            c = data[j] if j < b else 95
            if 48 <= c <= 57 and digits < 10:
                asn = asn * 10 + (c - 48)
                digits += 1
            elif (c == 95 or c == 44) and digits > 0 and asn <= 4294967295:
                if first < 0:
                    first = asn
                else:
                    values[count] = asn
                    count += 1
                asn = 0
                digits = 0
            else:
                ok = False
                break
        if not ok:
            count = mark
            continue
        family, hi, lo = _canonical_address(data, a, f1, colon, groups, tail, scratch)
        mask_hi, mask_lo = _host_mask((128 if colon else 32) - bits)
        if family == 0 or (hi & mask_hi) or (lo & mask_lo):
            count = mark
            continue
        status[i] = _FAST
        asns[i] = first
        more_at[i + 1] = count - mark
        for j in range(a, f1):
            out[pos] = data[j]
            pos += 1
        out[pos] = _SLASH
        pos += 1
        for j in range(f1 + 1, f2):
            out[pos] = data[j]
            pos += 1
        out[pos] = _NEWLINE
        pos += 1
    more_at = np.cumsum(more_at)
    return starts, status, asns, more_at, values[:count], out[:pos]
