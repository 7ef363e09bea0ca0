"""RFC 8805 geofeeds: ``prefix,country,region,city,postal_code`` published by operators.

Comments start with ``#``; empty trailing fields may be omitted; the region is an
ISO 3166-2 code (``FR-GP``...). A geofeed is the operator's own word about where its
addresses are used, so the inventory weighs it above registry and database guesses.
"""

from __future__ import annotations

import csv
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.territory.sources.common import Counters, SourceError, open_text

_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


@dataclass(frozen=True, slots=True)
class GeofeedEntry:
    prefix: str
    country: str
    region: str
    city: str
    postal_code: str
    line: int


def read_geofeed(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[GeofeedEntry]:
    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_text(path) as handle:
        lines = (
            (number, text)
            for number, text in enumerate(handle, start=1)
            if text.strip() and not text.lstrip().startswith("#")
        )
        for number, text in lines:
            counters.read += 1
            row = next(csv.reader([text]))
            try:
                row += [""] * (5 - len(row))
                network = ipaddress.ip_network(row[0].strip(), strict=True)
                country = row[1].strip().upper()
                if country and not (len(country) == 2 and country.isalpha()):
                    raise ValueError(_("not a country code: {cc!r}").format(cc=row[1]))
                region = row[2].strip().upper()
                # ISO 3166-2: "FR-GP" (Guadeloupe as a French region) is as valid as a
                # subdivision of the country's own code, so check the shape, not the parent
                if region and not _REGION.match(region):
                    raise ValueError(
                        _("region {region!r} is not an ISO 3166-2 code").format(region=row[2])
                    )
            except ValueError as exc:
                error = SourceError(f"{path}:{number}", str(exc))
                if strict:
                    raise error from None
                counters.drop("value", str(error))
                continue
            yield GeofeedEntry(
                str(network), country, region, row[3].strip(), row[4].strip(), number
            )
