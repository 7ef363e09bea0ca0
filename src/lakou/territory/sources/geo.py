"""IP → country: ``start,end,cc`` CSV tables and MaxMind DB (MMDB) files.

The CSV is the ip-location-db layout (built from RIR whois and geofeeds). MMDB files
are read through the official ``maxminddb`` reader, walking every network in the tree;
a record's ``country.iso_code`` is used, else ``registered_country.iso_code`` (what
MaxMind itself falls back to for anycast and satellite space). GeoLite2-ASN style
databases give origins instead, through :func:`read_mmdb_origins`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.territory.sources.common import Counters, SourceError, open_text, range_to_prefixes
from lakou.territory.sources.ipasn import PrefixOrigin


@dataclass(frozen=True, slots=True)
class PrefixCountry:
    """A prefix and the country (ISO 3166-1 alpha-2) a source places it in."""

    prefix: str
    country: str
    line: int = 0


def _is_country(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha()


def read_range_country_csv(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[PrefixCountry]:
    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_text(path) as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip():
                continue
            counters.read += 1
            try:
                if len(row) < 3:
                    raise ValueError(
                        _("expected start,end,country, got {n} fields").format(n=len(row))
                    )
                country = row[2].strip().upper()
                if not _is_country(country):
                    raise ValueError(_("not a country code: {cc!r}").format(cc=row[2]))
                prefixes = range_to_prefixes(row[0], row[1])
            except ValueError as exc:
                error = SourceError(f"{path}:{line}", str(exc))
                if strict:
                    raise error from None
                counters.drop("value", str(error))
                continue
            for prefix in prefixes:
                yield PrefixCountry(prefix, country, line)


def _open_mmdb(path: Path) -> Any:
    import maxminddb

    try:
        return maxminddb.open_database(str(path))
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
        raise SourceError(
            str(path), _("not a readable MaxMind DB: {error}").format(error=exc)
        ) from None


def _walk(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    import maxminddb

    reader = _open_mmdb(path)
    try:
        for network, record in reader:
            if isinstance(record, dict):
                yield str(network), record
    except maxminddb.InvalidDatabaseError as exc:
        raise SourceError(str(path), _("corrupt MaxMind DB: {error}").format(error=exc)) from None
    finally:
        reader.close()


def _ipv4_mapped(prefix: str) -> bool:
    # MMDB IPv6 trees alias IPv4 under ::ffff:0:0/96 and 2002::/16: skip the aliases
    return (
        prefix.startswith("::ffff:")
        or prefix.startswith("2002:")
        or (prefix.startswith("::") and not prefix.startswith("::/") and "." in prefix)
    )


def read_mmdb_countries(
    path: str | Path, counters: Counters | None = None
) -> Iterator[PrefixCountry]:
    path = Path(path)
    counters = counters if counters is not None else Counters()
    for prefix, record in _walk(path):
        if _ipv4_mapped(prefix):
            continue
        counters.read += 1
        code = (record.get("country") or {}).get("iso_code") or (
            record.get("registered_country") or {}
        ).get("iso_code")
        if not isinstance(code, str) or not _is_country(code):
            counters.drop("no-country")
            continue
        yield PrefixCountry(prefix, code.upper())


def read_mmdb_origins(path: str | Path, counters: Counters | None = None) -> Iterator[PrefixOrigin]:
    path = Path(path)
    counters = counters if counters is not None else Counters()
    for prefix, record in _walk(path):
        if _ipv4_mapped(prefix):
            continue
        counters.read += 1
        asn = record.get("autonomous_system_number")
        if not isinstance(asn, int) or asn <= 0:
            counters.drop("no-asn")
            continue
        name = str(record.get("autonomous_system_organization", ""))
        yield PrefixOrigin(prefix, asn, name, "", (asn,))
