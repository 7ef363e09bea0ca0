"""A lookup index straight from a data directory, for ``lakou territory lookup``.

Origins come from the routing tables (IP→ASN CSV/TSV, pfx2as: the longest match of
any of them), territories from geofeeds, IP→country tables and RIR statistics (the
first that knows the address), each asked about the address itself; MRT
dumps are left to ``territory build`` (a full RIB takes long to read for one lookup).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.territory.index import PrefixIndex
from lakou.territory.inventory import (
    DataFiles,
    discover,
    load_location_sources,
    load_routing_sources,
)


class DataDirLookup:
    """Origin from the routing tables, territory from the location sources, per address."""

    def __init__(self, routings: list[PrefixIndex], locations: list[PrefixIndex]) -> None:
        self.routings = routings
        self.locations = locations

    def lookup(self, ips: Sequence[str]) -> list[tuple[str | None, int | None, str | None]]:
        best: list[tuple[str | None, int | None]] = [(None, None)] * len(ips)
        for index in self.routings:
            for i, (prefix, asn, _t) in enumerate(index.lookup(ips)):
                current = best[i][0]
                if prefix is not None and (
                    current is None or int(prefix.split("/")[1]) > int(current.split("/")[1])
                ):
                    best[i] = (prefix, asn)
        territory: list[str | None] = [None] * len(ips)
        for index in self.locations:
            for i, (_p, _a, country) in enumerate(index.lookup(ips)):
                territory[i] = territory[i] or country
        return [(p, a, t) for (p, a), t in zip(best, territory, strict=True)]


def index_from_data_dir(directory: Path, countries: Iterable[str]) -> tuple[DataDirLookup, str]:
    files = discover(directory)
    routing_only = DataFiles(range_asn=files.range_asn, ip2asn=files.ip2asn, pfx2as=files.pfx2as)
    # the operator's geofeeds first, then the IP->country tables, then RIR statistics
    location_only = DataFiles(
        geofeed=files.geofeed, range_country=files.range_country, rir=files.rir
    )
    routings = load_routing_sources(routing_only, lambda _m: None)
    locations = load_location_sources(location_only, set(countries), [], lambda _m: None)
    if not routings and not locations:
        raise ValueError(_("no IP→ASN or IP→country file in {path}").format(path=directory))
    names = [r.name for r in routings] + [loc.name for loc in locations]
    lookup = DataDirLookup([r.index for r in routings], [loc.index for loc in locations])
    return lookup, f"{directory} ({', '.join(names)})"
