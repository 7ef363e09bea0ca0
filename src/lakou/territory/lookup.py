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
from lakou.territory.sources.range_table import read_range_asn_v4


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


def _quiet(_message: str) -> None:
    """No progress lines: a lookup prints only its answers."""


def index_from_data_dir(directory: Path, countries: Iterable[str]) -> tuple[DataDirLookup, str]:
    files = discover(directory)
    routing_only = DataFiles(range_asn=files.range_asn, ip2asn=files.ip2asn, pfx2as=files.pfx2as)
    # the operator's geofeeds first, then the IP->country tables, then RIR statistics
    location_only = DataFiles(
        geofeed=files.geofeed, range_country=files.range_country, rir=files.rir
    )
    routings: list[tuple[str, PrefixIndex]] = []
    for path in files.range_asn:  # the plain IPv4 range tables in bulk, the others by record
        table = read_range_asn_v4(path)
        if table is not None:
            index = PrefixIndex.from_ipv4_prefixes(table.start, table.length, table.asn)
            routings.append((path.name, index))
        else:
            one = DataFiles(range_asn=[path])
            routings += [(r.name, r.index) for r in load_routing_sources(one, _quiet)]
    routing_only.range_asn = []
    if routing_only.count():  # (the readers of the other formats load numba)
        routings += [(r.name, r.index) for r in load_routing_sources(routing_only, _quiet)]
    locations = (
        load_location_sources(location_only, set(countries), [], _quiet)
        if location_only.count()
        else []
    )
    if not routings and not locations:
        raise ValueError(_("no IP→ASN or IP→country file in {path}").format(path=directory))
    names = [name for name, _i in routings] + [loc.name for loc in locations]
    lookup = DataDirLookup([index for _n, index in routings], [loc.index for loc in locations])
    return lookup, f"{directory} ({', '.join(names)})"
