"""IP range → origin AS tables: ``start,end,asn,org`` CSV, iptoasn.com TSV, CAIDA pfx2as.

All three say "this address space is announced by this AS". Ranges become prefixes
(see :func:`~lakou.territory.sources.common.range_to_prefixes`). AS 0 means "not
routed" in ip2asn: such rows are counted as dropped, not indexed. pfx2as marks
multi-origin prefixes with ``_`` and AS sets with ``,``: the first origin is kept as
``asn`` and all of them in ``origins``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop
from lakou.territory.sources.common import (
    Counters,
    SourceError,
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


def read_pfx2as(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[PrefixOrigin]:
    """CAIDA RouteViews prefix-to-AS: ``network<TAB>length<TAB>asn[_asn|,asn]``."""
    import ipaddress

    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_text(path) as handle:
        for line, text in enumerate(handle, start=1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            counters.read += 1
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
                continue
            try:
                network = ipaddress.ip_network(f"{fields[0]}/{fields[1]}", strict=True)
                origins = tuple(parse_asn(a) for a in fields[2].replace(",", "_").split("_") if a)
                if not origins:
                    raise ValueError(_("no origin AS"))
            except ValueError as exc:
                _fail(path, line, str(exc), strict, counters, "value")
                continue
            yield PrefixOrigin(str(network), origins[0], "", "", origins, line)
