"""Longest-prefix match for IPv4 and IPv6, built once and queried in batches.

Flows (millions of addresses per minute) and paths (every hop of every traceroute) both
ask the same question: which announced prefix covers this address, which AS originates
it, which territory is it in. Prefixes form a laminar family (two prefixes are either
nested or disjoint), so the index flattens them once into sorted, disjoint ranges that
cover the whole address space, each pointing at its most specific prefix (or at -1 for
"no prefix"). A lookup is then "the last range starting at or before the address": a
binary search, narrowed by a 65,536-entry table on the top 16 bits so it touches a few
cache lines. IPv4 addresses are ``uint32``; IPv6 addresses are two ``uint64`` halves
(high, low) compared lexicographically. The batch kernels are numba, parallel over the
batch.

Rows keep the order they were given in; ``lookup_v4``/``lookup_v6`` return row indices
into ``prefix``, ``asn`` and ``territory`` (``-1`` = no match), which lets callers
aggregate on integers and translate only at the end.
"""

from __future__ import annotations

import csv
import os
import socket
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lakou.i18n import gettext as _
from lakou.territory.index_rows import (
    _MASK64,
    PrefixIndexError,
    _NoneType,
    _NotSimple,
    _parse_prefix,
    flatten_disjoint_v4,
    ipv4_prefix_texts,
)

__all__ = [
    "PrefixIndex",
    "PrefixIndexError",
    "ipv4_to_uint32",
    "ipv6_to_halves",
]

_TOP_BITS = 16  # the narrowing table has 2**16 + 1 entries per family
_V4_SHIFT = 32 - _TOP_BITS
_V6_SHIFT = 64 - _TOP_BITS
# Up to this many addresses a lookup is a numpy binary search: the numba kernels pay off
# on large batches, and loading them costs a process ~0.3 s the first time (paths asks a
# few thousand addresses; flows and territory reports ask millions)
_SMALL_BATCH = 4096
# From this many addresses the kernels share the batch between the cores; below, one core
# (GIL released): a collector's batch of a few tens of thousands gains nothing from a
# second thread, and OpenMP's worker spun on the other core after each call.
_PARALLEL_FROM = 1 << 18
_BULK_FROM = 4096  # tables this long are built by the numba kernels (equal results)


# (version, first address's high 64 bits, its low 64 bits, length) per row
RowPrefixes = tuple[
    npt.NDArray[np.int8], npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]
]


@dataclass(frozen=True)
class _Interval:
    start: int
    end: int
    row: int


# --------------------------------------------------------------------------- helpers
def ipv4_to_uint32(ips: Iterable[str]) -> npt.NDArray[np.uint32]:
    """Dotted-quad strings to ``uint32`` (ValueError naming the first bad address)."""
    values = []
    for ip in ips:
        try:
            values.append(int.from_bytes(socket.inet_pton(socket.AF_INET, ip), "big"))
        except OSError:
            raise ValueError(_("not an IPv4 address: {ip!r}").format(ip=ip)) from None
    return np.asarray(values, dtype=np.uint32)


def ipv6_to_halves(ips: Iterable[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """IPv6 strings to (high 64 bits, low 64 bits) ``uint64`` arrays."""
    his, los = [], []
    for ip in ips:
        try:
            value = int.from_bytes(socket.inet_pton(socket.AF_INET6, ip.split("%", 1)[0]), "big")
        except OSError:
            raise ValueError(_("not an IPv6 address: {ip!r}").format(ip=ip)) from None
        his.append(value >> 64)
        los.append(value & _MASK64)
    return np.asarray(his, dtype=np.uint64), np.asarray(los, dtype=np.uint64)


def _flatten(intervals: list[_Interval], space_end: int) -> tuple[list[int], list[int]]:
    """Nested-or-disjoint intervals -> starts of disjoint ranges covering [0, space_end].

    Sorted by (start, widest first), a stack holds the intervals that contain the
    cursor; each interval owns the addresses not claimed by a more specific one. Equal
    intervals: the one given last wins (like a dict update).
    """
    intervals.sort(key=lambda iv: (iv.start, -iv.end))
    starts: list[int] = []
    rows: list[int] = []

    def emit(start: int, row: int) -> None:
        if rows and rows[-1] == row:
            return  # merge with the previous range: same answer
        if starts and starts[-1] == start:
            rows[-1] = row
            if len(rows) > 1 and rows[-2] == row:
                starts.pop()
                rows.pop()
            return
        starts.append(start)
        rows.append(row)

    stack: list[_Interval] = []
    cursor = 0
    for iv in intervals:
        while stack and stack[-1].end < iv.start:
            top = stack.pop()
            if cursor <= top.end:
                emit(cursor, top.row)
                cursor = top.end + 1
        if stack and stack[-1].end < iv.end:
            outer = stack[-1]
            raise PrefixIndexError(
                _("overlapping ranges that are not nested: rows {a} and {b}").format(
                    a=outer.row + 1, b=iv.row + 1
                )
            )
        if cursor < iv.start:
            emit(cursor, stack[-1].row if stack else -1)
        cursor = iv.start
        stack.append(iv)
    while stack:
        top = stack.pop()
        if cursor <= top.end:
            emit(cursor, top.row)
            cursor = top.end + 1
    if cursor <= space_end:
        emit(cursor, -1)
    if not starts:
        emit(0, -1)
    return starts, rows


def _then_raise(
    rows: list[tuple[str, int | None, str | None]], error: Exception
) -> Iterator[tuple[str, int | None, str | None]]:
    yield from rows
    raise error


def _table(top_keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """table[k] = number of ranges whose start has top bits < k (k in 0..2**16)."""
    probes = np.arange(1 << _TOP_BITS, dtype=np.uint64)
    table = np.empty((1 << _TOP_BITS) + 1, dtype=np.int64)
    table[:-1] = np.searchsorted(top_keys, probes, side="left")
    table[-1] = len(top_keys)
    return table


# --------------------------------------------------------------------------- bulk build
# Building from text used to cost ~4 us a prefix in Python (parse, an object per
# interval, a sorted sweep). The bulk path below parses every prefix in one numba pass
# and flattens with a numba sweep; a text it does not recognise as *canonical* (the
# exact text ``_parse_prefix`` would give back) goes through ``_parse_prefix`` itself,
# and any row that is malformed sends the whole build down the reference path, so
# results and errors are those of the per-row code (``_from_rows_reference``); the
# kernels live in ``lakou.territory.index_build``.
class PrefixIndex:
    """Longest-prefix match over (prefix, origin ASN, territory) rows.

    ``prefix``, ``asn`` and ``territory`` are row-aligned arrays: ``prefix`` holds the
    prefixes as text, ``asn`` the origin ASNs as ``int64`` (``-1`` = unknown) and
    ``territory`` ISO 3166-1 codes or ``None`` (object array). ``territory_code`` gives
    each row a small integer (``-1`` = none) indexing ``territory_names``, for group-bys.
    """

    def __init__(
        self,
        prefixes: list[str],
        asns: list[int | None],
        territories: list[str | None],
        intervals_v4: list[_Interval],
        intervals_v6: list[_Interval],
    ) -> None:
        self.prefix: npt.NDArray[np.object_] = np.array(prefixes, dtype=object)
        self.asn: npt.NDArray[np.int64] = np.array(
            [-1 if a is None else a for a in asns], dtype=np.int64
        )
        self.territory: npt.NDArray[np.object_] = np.array(territories, dtype=object)
        names = sorted({t for t in territories if t is not None})
        self.territory_names: list[str] = names
        code_of = {t: i for i, t in enumerate(names)}
        self.territory_code: npt.NDArray[np.int16] = np.array(
            [-1 if t is None else code_of[t] for t in territories], dtype=np.int16
        )
        starts4, rows4 = _flatten(intervals_v4, (1 << 32) - 1)
        self._starts4 = np.asarray(starts4, dtype=np.uint32)
        self._rows4 = np.asarray(rows4, dtype=np.int64)
        self._table4 = _table((self._starts4 >> _V4_SHIFT).astype(np.uint64))
        starts6, rows6 = _flatten(intervals_v6, (1 << 128) - 1)
        self._starts6_hi = np.asarray([s >> 64 for s in starts6], dtype=np.uint64)
        self._starts6_lo = np.asarray([s & _MASK64 for s in starts6], dtype=np.uint64)
        self._rows6 = np.asarray(rows6, dtype=np.int64)
        self._table6 = _table(self._starts6_hi >> np.uint64(_V6_SHIFT))
        self.count_v4 = len(intervals_v4)
        self.count_v6 = len(intervals_v6)

    def __len__(self) -> int:
        return len(self.prefix)

    _row_prefixes: RowPrefixes | None = None  # from_prefix_arrays sets it, else parsed once

    def row_prefixes(self) -> RowPrefixes:
        """Each row's prefix as integers: (version 4 or 6, first address's high and low
        64 bits, length), what ``prefix`` says; parsed from the texts the first time
        when the index was not built from integers."""
        if self._row_prefixes is None:
            texts = self.prefix.tolist()
            if texts:
                from lakou.territory.index_build import _bulk_parse

                _texts, version, start_hi, start_lo, length = _bulk_parse(texts)
            else:
                version = np.zeros(0, dtype=np.int8)
                start_hi = start_lo = np.zeros(0, dtype=np.uint64)
                length = np.zeros(0, dtype=np.int64)
            self._row_prefixes = (version, start_hi, start_lo, length)
        return self._row_prefixes

    def __repr__(self) -> str:
        return f"<PrefixIndex {self.count_v4} IPv4 + {self.count_v6} IPv6 prefixes>"

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, int | None, str | None]],
        *,
        source: str = "rows",
        line_numbers: Sequence[int] | None = None,
    ) -> PrefixIndex:
        """Build from (prefix, origin ASN or None, territory code or None) rows.

        A malformed prefix raises :class:`PrefixIndexError` naming ``source`` and the row
        number (1-based). Host bits set in a prefix are an error, not silently masked.
        """
        taken: list[tuple[str, int | None, str | None]] = []
        if type(rows) is list:  # read as it is: a copy touches every row twice
            taken = rows
        else:
            try:
                taken.extend(rows)
            except Exception as exc:  # the reference raises it after the rows before it
                return cls._from_rows_reference(
                    _then_raise(taken, exc), source=source, line_numbers=line_numbers
                )
        if len(taken) < _BULK_FROM:  # a few rows: quicker than loading the numba kernels
            return cls._from_rows_reference(taken, source=source, line_numbers=line_numbers)
        try:
            return cls._from_rows_bulk(taken)
        except (_NotSimple, ValueError, TypeError, AttributeError, OverflowError):
            # a malformed row (or an unusual type): the per-row path names it
            return cls._from_rows_reference(taken, source=source, line_numbers=line_numbers)

    @classmethod
    def _from_rows_bulk(cls, rows: list[tuple[str, int | None, str | None]]) -> PrefixIndex:
        """:meth:`from_rows` for well-formed rows of plain types (else _NotSimple/ValueError)."""
        from lakou.territory.index_build import _bulk_parse

        n = len(rows)
        if n == 0 or set(map(type, rows)) != {tuple} or set(map(len, rows)) != {3}:
            raise _NotSimple
        texts, asns, raw_territories = (list(map(itemgetter(k), rows)) for k in range(3))
        asn_types = set(map(type, asns))
        if not asn_types <= {int, _NoneType}:  # texts: "".join refuses non-str
            raise _NotSimple
        canonical, version, start_hi, start_lo, length = _bulk_parse(texts)
        if _NoneType in asn_types:
            asn_objects = np.array(asns, dtype=object)
            unknown = np.equal(asn_objects, None)  # type: ignore[call-overload]
            asn_objects[unknown] = -1
            asn = asn_objects.astype(np.int64)
        else:  # every ASN known: numpy reads the ints in one call
            asn = np.fromiter(asns, dtype=np.int64, count=n)
            unknown = np.zeros(n, dtype=bool)
        if ((asn < 0) & ~unknown).any() or (asn > 4294967295).any():
            raise _NotSimple
        kinds = set(raw_territories)
        if not all(t is None or type(t) is str for t in kinds):
            raise _NotSimple
        return cls._from_parsed(
            canonical, version, start_hi, start_lo, length, asn, raw_territories
        )

    @classmethod
    def from_prefix_arrays(
        cls,
        texts: list[str],
        version: npt.NDArray[np.int8],
        start_hi: npt.NDArray[np.uint64],
        start_lo: npt.NDArray[np.uint64],
        length: npt.NDArray[np.int64],
        asn: npt.NDArray[np.int64] | None = None,
        territories: list[str | None] | None = None,
    ) -> PrefixIndex:
        """The index :meth:`from_rows` gives for rows ``(texts[i], asn[i] or None,
        territories[i])``, from prefixes already parsed (a bulk reader's): ``texts``
        canonical, no host bits set, lengths within the family, ASNs -1 (unknown) to
        4294967295. Nothing is parsed or checked here."""
        n = len(texts)
        origin = np.full(n, -1, dtype=np.int64) if asn is None else asn.astype(np.int64)
        places: list[str | None] = [None] * n if territories is None else territories
        index = cls._from_parsed(texts, version, start_hi, start_lo, length, origin, places)
        index._row_prefixes = (version, start_hi, start_lo, length)  # known: not parsed again
        return index

    @classmethod
    def _from_parsed(
        cls,
        canonical: list[str],
        version: npt.NDArray[np.int8],
        start_hi: npt.NDArray[np.uint64],
        start_lo: npt.NDArray[np.uint64],
        length: npt.NDArray[np.int64],
        asn: npt.NDArray[np.int64],
        raw_territories: list[str | None],
    ) -> PrefixIndex:
        """The index of parsed rows (the end of :meth:`_from_rows_bulk`)."""
        n = len(canonical)
        kinds = set(raw_territories)
        index = object.__new__(cls)
        index.prefix = np.fromiter(canonical, dtype=object, count=n)
        index.asn = asn
        normal = {t: t.strip().upper() if t else None for t in kinds}
        names = sorted({t for t in normal.values() if t is not None})
        if not names:  # no territory at all (an IP-to-ASN table): nothing to look up per row
            index.territory = np.full(n, None, dtype=object)
            index.territory_names = names
            index.territory_code = np.full(n, -1, dtype=np.int16)
        else:
            code_of: dict[str | None, int] = {t: i for i, t in enumerate(names)}
            code_of[None] = -1
            index.territory = np.array(list(map(normal.__getitem__, raw_territories)), dtype=object)
            index.territory_names = names
            code_of_raw = {t: code_of[normal[t]] for t in kinds}
            index.territory_code = np.fromiter(
                map(code_of_raw.__getitem__, raw_territories), dtype=np.int16, count=n
            )
        positions = np.arange(n, dtype=np.int64)
        v4 = version == 4
        count_v4 = int(v4.sum())
        if count_v4 == n:  # IPv4 only (a usual table): no selection to copy
            index._set_v4(start_lo.astype(np.uint32), length, positions)
            index._set_no_v6()
        else:
            from lakou.territory.index_build import _bulk_flatten

            v6 = ~v4
            index._set_v4(start_lo[v4].astype(np.uint32), length[v4], positions[v4])
            hi6, lo6, rows6 = _bulk_flatten(
                start_hi[v6], start_lo[v6], length[v6], positions[v6], 128
            )
            index._starts6_hi = hi6
            index._starts6_lo = lo6
            index._rows6 = rows6
            index._table6 = _table(index._starts6_hi >> np.uint64(_V6_SHIFT))
        index.count_v4 = count_v4
        index.count_v6 = n - count_v4
        return index

    @classmethod
    def from_ipv4_prefixes(
        cls,
        start: npt.ArrayLike,
        length: npt.ArrayLike,
        asn: npt.ArrayLike,
    ) -> PrefixIndex:
        """The index :meth:`from_rows` gives for IPv4 rows ``(prefix text, asn, None)``,
        from the prefixes as integers (first address, length; ASN ``-1``: unknown).

        The caller guarantees well-formed prefixes (no host bits set, lengths 0-32, ASNs
        up to 4294967295): a reader that parsed them already, so no text is parsed here.
        """
        first = np.ascontiguousarray(start, dtype=np.uint32).reshape(-1)
        bits = np.ascontiguousarray(length, dtype=np.int64).reshape(-1)
        origin = np.ascontiguousarray(asn, dtype=np.int64).reshape(-1)
        n = first.size
        index = object.__new__(cls)
        index.prefix = np.fromiter(ipv4_prefix_texts(first, bits), dtype=object, count=n)
        index.asn = origin
        index.territory = np.full(n, None, dtype=object)
        index.territory_names = []
        index.territory_code = np.full(n, -1, dtype=np.int16)
        index._set_v4(first, bits, np.arange(n, dtype=np.int64))
        index._set_no_v6()
        index.count_v4 = n
        index.count_v6 = 0
        return index

    def _set_v4(
        self,
        start: npt.NDArray[np.uint32],
        length: npt.NDArray[np.int64],
        rows: npt.NDArray[np.int64],
    ) -> None:
        """The IPv4 ranges of these prefixes (rows: their row numbers, increasing)."""
        flat = flatten_disjoint_v4(start, length, rows)
        if flat is None:  # nested (or unsorted) prefixes: the stack sweep
            from lakou.territory.index_build import _bulk_flatten

            zeros = np.zeros(start.size, dtype=np.uint64)
            _hi, lo, found = _bulk_flatten(zeros, start.astype(np.uint64), length, rows, 32)
            flat = lo.astype(np.uint32), found
        self._starts4, self._rows4 = flat
        self._table4 = _table((self._starts4 >> _V4_SHIFT).astype(np.uint64))

    def _set_no_v6(self) -> None:
        """No IPv6 prefix: one range without a prefix, as the sweep gives for none."""
        self._starts6_hi = np.zeros(1, dtype=np.uint64)
        self._starts6_lo = np.zeros(1, dtype=np.uint64)
        self._rows6 = np.full(1, -1, dtype=np.int64)
        self._table6 = _table(self._starts6_hi >> np.uint64(_V6_SHIFT))

    @classmethod
    def _from_rows_reference(
        cls,
        rows: Iterable[tuple[str, int | None, str | None]],
        *,
        source: str = "rows",
        line_numbers: Sequence[int] | None = None,
    ) -> PrefixIndex:
        """:meth:`from_rows`, row by row: the reference the bulk path must equal."""
        prefixes: list[str] = []
        asns: list[int | None] = []
        territories: list[str | None] = []
        v4: list[_Interval] = []
        v6: list[_Interval] = []
        for position, row in enumerate(rows):
            number = line_numbers[position] if line_numbers is not None else position + 1
            try:
                text, asn, territory = row
            except (TypeError, ValueError):
                raise PrefixIndexError(
                    _("{source}:{line}: expected (prefix, asn, territory), got {row!r}").format(
                        source=source, line=number, row=row
                    )
                ) from None
            try:
                version, start, length, canonical = _parse_prefix(str(text))
            except ValueError as exc:
                raise PrefixIndexError(
                    _("{source}:{line}: bad prefix {prefix!r}: {error}").format(
                        source=source, line=number, prefix=text, error=exc
                    )
                ) from None
            if asn is not None and not (0 <= int(asn) <= 4294967295):
                raise PrefixIndexError(
                    _("{source}:{line}: ASN out of range: {asn}").format(
                        source=source, line=number, asn=asn
                    )
                )
            index = len(prefixes)
            bits = 32 if version == 4 else 128
            interval = _Interval(start, start + (1 << (bits - length)) - 1, index)
            (v4 if version == 4 else v6).append(interval)
            prefixes.append(canonical)
            asns.append(None if asn is None else int(asn))
            territories.append(territory.strip().upper() if territory else None)
        return cls(prefixes, asns, territories, v4, v6)

    @classmethod
    def from_csv(cls, path: str | Path) -> PrefixIndex:
        """Read the prefix table ``lakou territory build --format csv`` writes.

        Header ``prefix,asn,territory``; extra columns are ignored; an empty ``asn`` or
        ``territory`` means unknown. Errors name ``file:line``.
        """
        path = Path(path)
        try:
            return cls._from_csv(path)
        except UnicodeDecodeError as exc:
            raise PrefixIndexError(
                _(
                    "{file}: not UTF-8 text (byte {n} of a block): a CSV prefix table is text"
                ).format(file=path, n=exc.start)
            ) from None
        except csv.Error as exc:
            raise PrefixIndexError(
                _("{file}: not a CSV prefix table: {error}").format(file=path, error=exc)
            ) from None

    @classmethod
    def _from_csv(cls, path: Path) -> PrefixIndex:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise PrefixIndexError(_("{file}: empty file").format(file=path))
            columns = [h.strip().lower() for h in header]
            try:
                ip, ia, it = (columns.index(c) for c in ("prefix", "asn", "territory"))
            except ValueError:
                raise PrefixIndexError(
                    _("{file}:1: header must name prefix,asn,territory, got {header}").format(
                        file=path, header=",".join(header)
                    )
                ) from None
            rows: list[tuple[str, int | None, str | None]] = []
            numbers: list[int] = []
            # line numbers: the header is line 1 (csv quoting of these fields never spans lines)
            for line, record in enumerate(reader, start=2):
                if not record or all(not f.strip() for f in record):
                    continue
                if len(record) <= max(ip, ia, it):
                    raise PrefixIndexError(
                        _("{file}:{line}: expected {n} fields, got {got}").format(
                            file=path, line=line, n=len(columns), got=len(record)
                        )
                    )
                asn_text = record[ia].strip().upper().removeprefix("AS")
                try:
                    asn = int(asn_text) if asn_text else None
                except ValueError:
                    raise PrefixIndexError(
                        _("{file}:{line}: bad ASN {asn!r}").format(
                            file=path, line=line, asn=record[ia]
                        )
                    ) from None
                rows.append((record[ip], asn, record[it].strip() or None))
                numbers.append(line)
        return cls.from_rows(rows, source=str(path), line_numbers=numbers)

    def to_csv(self, path: str | Path) -> None:
        """Write the prefix table (``prefix,asn,territory``) that :meth:`from_csv` reads."""
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["prefix", "asn", "territory"])
            for prefix, asn, territory in zip(self.prefix, self.asn, self.territory, strict=True):
                writer.writerow([prefix, "" if asn < 0 else int(asn), territory or ""])

    # ---------------------------------------------------------------- saving
    # The index as named numpy arrays (no pickle): what it is built of, so a cache loads
    # it with a few memory copies instead of parsing the prefix files again.
    _NUMBERS = (
        "asn",
        "territory_code",
        "_starts4",
        "_rows4",
        "_table4",
        "_starts6_hi",
        "_starts6_lo",
        "_rows6",
        "_table6",
    )
    _COUNTS = ("count_v4", "count_v6")
    _TEXTS = ("prefix", "territory", "territory_names")

    def to_arrays(self, key: str = "") -> dict[str, np.ndarray]:
        """The index as arrays named ``key + attribute`` (several indexes share one file
        by taking distinct keys); :meth:`from_arrays` reads them back."""
        out: dict[str, np.ndarray] = {key + n: getattr(self, n) for n in self._NUMBERS}
        out |= {key + n: np.asarray(getattr(self, n), dtype=np.int64) for n in self._COUNTS}
        for name in self._TEXTS:
            values = getattr(self, name)
            blob, mask = text_column(values.tolist() if isinstance(values, np.ndarray) else values)
            out[f"{key}{name}.blob"], out[f"{key}{name}.mask"] = blob, mask
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], key: str = "") -> PrefixIndex:
        """The index :meth:`to_arrays` gave. ``KeyError`` names a missing array,
        ``ValueError`` a text column that does not match its mask."""
        index = cls.__new__(cls)
        for name in cls._NUMBERS:
            setattr(index, name, np.asarray(arrays[key + name]))
        for name in cls._COUNTS:
            setattr(index, name, int(arrays[key + name]))
        for name in cls._TEXTS:
            texts = from_text_column(arrays[f"{key}{name}.blob"], arrays[f"{key}{name}.mask"])
            setattr(index, name, texts.tolist() if name == "territory_names" else texts)
        return index

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` (an uncompressed ``.npz``), atomically: a temporary
        file renamed into place, so a reader never sees half of it."""
        save_arrays(Path(path), self.to_arrays())

    @classmethod
    def load(cls, path: str | Path) -> PrefixIndex:
        """The index :meth:`save` wrote. ``ValueError`` (or ``OSError``) when the file is
        unreadable: cut short, not an npz, an array missing."""
        try:
            with Path(path).open("rb") as stream, np.load(stream, allow_pickle=False) as archive:
                return cls.from_arrays(archive)
        except (KeyError, zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
            raise ValueError(f"{type(exc).__name__}: {exc}") from None

    # ---------------------------------------------------------------- lookups
    def lookup_v4(self, ips: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Row index of the longest matching prefix for each ``uint32`` address (-1: none)."""
        values = np.ascontiguousarray(ips, dtype=np.uint32)
        if values.ndim != 1:
            values = values.reshape(-1)
        if values.size <= _SMALL_BATCH:  # numpy alone: no numba kernel to load for a few
            found: npt.NDArray[np.int64] = self._rows4[
                np.searchsorted(self._starts4, values, side="right") - 1
            ]
            return found
        from lakou.territory import index_kernels as k

        kernel = k._lookup_v4_kernel if values.size >= _PARALLEL_FROM else k._lookup_v4_serial
        result: npt.NDArray[np.int64] = kernel(values, self._starts4, self._rows4, self._table4)
        return result

    def lookup_v6(self, ips_hi: npt.ArrayLike, ips_lo: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Row index for IPv6 addresses given as high and low ``uint64`` halves (-1: none)."""
        hi = np.ascontiguousarray(ips_hi, dtype=np.uint64).reshape(-1)
        lo = np.ascontiguousarray(ips_lo, dtype=np.uint64).reshape(-1)
        if hi.shape != lo.shape:
            raise ValueError(_("the high and low halves must have the same length"))
        if hi.size <= _SMALL_BATCH:
            return self._lookup_v6_small(hi, lo)
        from lakou.territory import index_kernels as k

        kernel = k._lookup_v6_kernel if hi.size >= _PARALLEL_FROM else k._lookup_v6_serial
        result: npt.NDArray[np.int64] = kernel(
            hi, lo, self._starts6_hi, self._starts6_lo, self._rows6, self._table6
        )
        return result

    def _lookup_v6_small(
        self, hi: npt.NDArray[np.uint64], lo: npt.NDArray[np.uint64]
    ) -> npt.NDArray[np.int64]:
        """The last range starting at or before each (hi, lo), as the kernel finds it."""
        starts_hi, starts_lo = self._starts6_hi, self._starts6_lo
        at = np.searchsorted(starts_hi, hi, side="right") - 1  # the last start with hi <= hi
        first = np.searchsorted(starts_hi, hi, side="left")  # the first with the same hi
        for i in np.flatnonzero(first <= at).tolist():  # a start shares the high half
            low = int(first[i])
            within = np.searchsorted(starts_lo[low : at[i] + 1], lo[i], side="right")
            at[i] = low + int(within) - 1  # low - 1 when every such start is above
        found: npt.NDArray[np.int64] = self._rows6[at]
        return found

    def lookup_rows(self, ips: Sequence[str]) -> npt.NDArray[np.int64]:
        """Row index for addresses given as text, IPv4 and IPv6 mixed (-1: none)."""
        out = np.full(len(ips), -1, dtype=np.int64)
        v4_at = [i for i, ip in enumerate(ips) if ":" not in ip]
        v6_at = [i for i, ip in enumerate(ips) if ":" in ip]
        if v4_at:
            out[v4_at] = self.lookup_v4(ipv4_to_uint32(ips[i].strip() for i in v4_at))
        if v6_at:
            hi, lo = ipv6_to_halves(ips[i].strip() for i in v6_at)
            out[v6_at] = self.lookup_v6(hi, lo)
        return out

    def lookup(self, ips: Sequence[str]) -> list[tuple[str | None, int | None, str | None]]:
        """(matched prefix, origin ASN, territory) per address; ``(None, None, None)``: no match.

        A string that is not an IP address raises ``ValueError`` naming it.
        """
        result: list[tuple[str | None, int | None, str | None]] = []
        for row in self.lookup_rows(ips).tolist():
            if row < 0:
                result.append((None, None, None))
            else:
                asn = int(self.asn[row])
                result.append((self.prefix[row], None if asn < 0 else asn, self.territory[row]))
        return result


# --------------------------------------------------------------------------- files
def text_column(values: Iterable[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Strings (or None) as one UTF-8 blob + a None mask: 10x smaller than a "U" array."""
    items = list(values)
    blob = "\n".join("" if v is None else v for v in items).encode("utf-8", "surrogatepass")
    mask = np.fromiter((v is None for v in items), dtype=np.bool_, count=len(items))
    return np.frombuffer(blob, dtype=np.uint8), mask


def from_text_column(blob: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The object array :func:`text_column` stored."""
    texts: list[str | None] = (
        list(blob.tobytes().decode("utf-8", "surrogatepass").split("\n")) if len(mask) else []
    )
    if len(texts) != len(mask):
        raise ValueError(
            _("text column has {n} values, mask {m}").format(n=len(texts), m=len(mask))
        )
    for i in np.flatnonzero(mask).tolist():
        texts[i] = None
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


def save_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """``numpy.savez`` to a temporary file renamed into place (readers never see half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
