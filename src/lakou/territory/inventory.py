"""The territory's inventory: every prefix, its origin AS, where the sources place it,
how much they agree, and the territory's networks marked member or not of each exchange.

Location sources (RIR delegations, IP→country tables, MMDB, geofeeds, the operator's
declarations) each become a prefix index whose "territory" column is the country they
give. Routing sources (IP→ASN tables, MRT RIBs and updates, pfx2as) become indexes
whose "asn" column is the origin. Candidates are the blocks a location source places in
the territory (kind ``registered``) and the announced prefixes inside them (kind
``routed``). Each candidate is then asked of every source at its first address: the
sources that agree, those that disagree (and what they say instead), a weighted vote
for the territory and a confidence = agreeing weight / weight of every source with an
opinion. Declarations override the vote (confidence 1). Every figure in the result
names the source files it comes from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.territory.config import Config, Declaration
from lakou.territory.index import PrefixIndex, _parse_prefix
from lakou.territory.sources.common import Counters

Progress = Callable[[str], None]


# ------------------------------------------------------------------ discovery
@dataclass
class DataFiles:
    """The public files found under a data directory, by format."""

    rir: list[Path] = field(default_factory=list)
    range_asn: list[Path] = field(default_factory=list)
    ip2asn: list[Path] = field(default_factory=list)
    pfx2as: list[Path] = field(default_factory=list)
    mrt: list[Path] = field(default_factory=list)
    range_country: list[Path] = field(default_factory=list)
    mmdb: list[Path] = field(default_factory=list)
    geofeed: list[Path] = field(default_factory=list)
    peeringdb: dict[str, Path] = field(default_factory=dict)
    pch: dict[str, Path] = field(default_factory=dict)

    def count(self) -> int:
        lists = (self.rir, self.range_asn, self.ip2asn, self.pfx2as, self.mrt)
        more = (self.range_country, self.mmdb, self.geofeed)
        return sum(len(x) for x in lists + more) + len(self.peeringdb) + len(self.pch)


_MRT_NAME = re.compile(r"^(bview|rib|updates|latest-|.*mrtdump|.*_bgp$|.*_rib|.*rib_table)")


def discover(data_dir: str | Path) -> DataFiles:
    """Find source files by their names (the names the publishers give them)."""
    files = DataFiles()
    root = Path(data_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.name.lower()
        skip = name.startswith(("readme", "license", "copying", "modifications"))
        skip = skip or name.endswith(("_license", ".md", ".py", ".pcap"))
        if skip or (name.endswith(".txt") and "pfx2as" not in name):
            continue
        if name.startswith("delegated-"):
            files.rir.append(path)
        elif name.endswith(".mmdb"):
            files.mmdb.append(path)
        elif "geofeed" in name:
            files.geofeed.append(path)
        elif "pfx2as" in name or name == "routeviews":
            files.pfx2as.append(path)
        elif name.startswith("ip2asn"):
            files.ip2asn.append(path)
        elif re.match(r"^(asn|ip2asn|dbip-asn|iptoasn)[-_].*\.csv(\.gz)?$", name):
            files.range_asn.append(path)
        elif "country" in name and name.endswith((".csv", ".csv.gz")):
            files.range_country.append(path)
        elif name.endswith("json") and (m := re.search(r"(netixlan|ixlan|ixpfx|ix)\.json$", name)):
            files.peeringdb[m.group(1)] = path
        elif m := re.search(r"ixp_(exchange|subnets|membership)\.csv$", name):
            files.pch[m.group(1)] = path
        elif path.parent.name == "mrt" or _MRT_NAME.match(name):
            files.mrt.append(path)
    return files


# ------------------------------------------------------------------ sources as indexes
@dataclass
class LocationSource:
    name: str  # the file name, or "config" for declarations
    kind: str  # manual | geofeed | rir | geo | mmdb
    index: PrefixIndex
    counters: Counters
    in_territory: list[str]  # prefixes it places in one of the countries


@dataclass
class RoutingSource:
    name: str
    kind: str  # range-asn | ip2asn | pfx2as | mrt | mmdb-asn
    index: PrefixIndex
    counters: Counters
    names: dict[int, str]


def _location(
    name: str, kind: str, rows: Iterable[tuple[str, str]], countries: set[str], counters: Counters
) -> LocationSource:
    table = [(prefix, None, cc) for prefix, cc in rows]
    index = PrefixIndex.from_rows(table, source=name)
    inside = [prefix for prefix, _a, cc in table if cc in countries]
    return LocationSource(name, kind, index, counters, inside)


def load_location_sources(
    files: DataFiles, countries: set[str], declarations: list[Declaration], progress: Progress
) -> list[LocationSource]:
    from lakou.territory.sources.geo import read_mmdb_countries, read_range_country_csv
    from lakou.territory.sources.geofeed import read_geofeed
    from lakou.territory.sources.rir import read_delegated

    out: list[LocationSource] = []
    if declarations:
        counters = Counters(read=len(declarations))
        rows = [(d.prefix, d.territory.upper()) for d in declarations]
        out.append(_location("config", "manual", rows, countries, counters))
    for path in files.geofeed:
        progress(_("geofeed {name}").format(name=path.name))
        counters = Counters()
        feed = read_geofeed(path, strict=False, counters=counters)
        out.append(
            _location(
                path.name,
                "geofeed",
                ((g.prefix, g.country) for g in feed if g.country),
                countries,
                counters,
            )
        )
    for path in files.range_country:
        progress(_("IP to country table {name}").format(name=path.name))
        counters = Counters()
        records = read_range_country_csv(path, strict=False, counters=counters)
        out.append(
            _location(
                path.name, "geo", ((r.prefix, r.country) for r in records), countries, counters
            )
        )
    for path in files.rir:
        progress(_("RIR statistics {name}").format(name=path.name))
        counters = Counters()
        rir_rows = (
            (prefix, d.cc)
            for d in read_delegated(path, strict=False, counters=counters)
            if d.cc and d.type != "asn"
            for prefix in d.prefixes()
        )
        out.append(_location(path.name, "rir", rir_rows, countries, counters))
    for path in files.mmdb:
        if "asn" in path.name.lower() or "isp" in path.name.lower():
            continue
        progress(_("MaxMind DB {name}").format(name=path.name))
        counters = Counters()
        records = read_mmdb_countries(path, counters)
        out.append(
            _location(
                path.name, "mmdb", ((r.prefix, r.country) for r in records), countries, counters
            )
        )
    return out


def _mrt_rows(path: Path, counters: Counters) -> Iterator[tuple[str, int]]:
    from lakou.territory.sources.mrt import read_mrt

    # the origin a prefix has at most peers (RIB) or in most announcements (updates)
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    for route in read_mrt(path, counters=counters):
        if not route.withdrawn and route.origin_asn is not None:
            votes[route.prefix][route.origin_asn] += 1
    for prefix, counter in votes.items():
        yield prefix, counter.most_common(1)[0][0]


def load_routing_sources(files: DataFiles, progress: Progress) -> list[RoutingSource]:
    from lakou.territory.sources.geo import read_mmdb_origins
    from lakou.territory.sources.ipasn import read_ip2asn_tsv, read_pfx2as, read_range_asn_csv

    out: list[RoutingSource] = []
    readers: list[tuple[str, list[Path], Callable[..., Iterable[Any]]]] = [
        ("range-asn", files.range_asn, read_range_asn_csv),
        ("ip2asn", files.ip2asn, read_ip2asn_tsv),
        ("pfx2as", files.pfx2as, read_pfx2as),
    ]
    for kind, paths, reader in readers:
        for path in paths:
            progress(_("IP to AS table {name}").format(name=path.name))
            counters = Counters()
            records = list(reader(path, strict=False, counters=counters))
            names = {r.asn: r.name for r in records if r.name}
            index = PrefixIndex.from_rows(
                ((r.prefix, r.asn, None) for r in records), source=path.name
            )
            out.append(RoutingSource(path.name, kind, index, counters, names))
    for path in files.mrt:
        progress(_("MRT dump {name}").format(name=path.name))
        counters = Counters()
        rows = [(prefix, asn, None) for prefix, asn in _mrt_rows(path, counters)]
        out.append(
            RoutingSource(
                path.name, "mrt", PrefixIndex.from_rows(rows, source=path.name), counters, {}
            )
        )
    for path in files.mmdb:
        if "asn" not in path.name.lower():
            continue
        progress(_("MaxMind DB {name}").format(name=path.name))
        counters = Counters()
        records = list(read_mmdb_origins(path, counters))
        index = PrefixIndex.from_rows(((r.prefix, r.asn, None) for r in records), source=path.name)
        out.append(
            RoutingSource(path.name, "mmdb-asn", index, counters, {r.asn: r.name for r in records})
        )
    return out


# ------------------------------------------------------------------ the inventory
@dataclass
class PrefixEntry:
    prefix: str
    kind: str  # registered | routed | declared
    territory: str | None
    asn: int | None
    agree: list[str]
    disagree: list[dict[str, str]]
    origin_sources: dict[int, list[str]]
    confidence: float
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "prefix": self.prefix,
            "kind": self.kind,
            "territory": self.territory,
            "asn": self.asn,
            "agree": self.agree,
            "disagree": self.disagree,
            "origins": {str(k): v for k, v in self.origin_sources.items()},
            "confidence": self.confidence,
            "note": self.note,
        }


@dataclass
class Network:
    asn: int
    name: str
    territories: list[str]
    prefixes: int
    addresses_v4: int
    member_of: dict[str, bool]
    name_source: str = ""

    @property
    def to_invite(self) -> bool:
        return not any(self.member_of.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "asn": self.asn,
            "name": self.name,
            "name_source": self.name_source,
            "territories": self.territories,
            "prefixes": self.prefixes,
            "addresses_v4": self.addresses_v4,
            "member_of": self.member_of,
            "to_invite": self.to_invite,
        }


@dataclass
class Inventory:
    countries: list[str]
    prefixes: list[PrefixEntry]
    networks: list[Network]
    exchanges: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    generated_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "countries": self.countries,
            "sources": self.sources,
            "exchanges": self.exchanges,
            "summary": {
                "prefixes": len(self.prefixes),
                "networks": len(self.networks),
                "to_invite": [n.asn for n in self.networks if n.to_invite],
                "how": _(
                    "prefixes: blocks a location source places in the countries, plus the "
                    "announced prefixes inside them; networks: their origin ASes"
                ),
            },
            "prefixes": [p.as_dict() for p in self.prefixes],
            "networks": [n.as_dict() for n in self.networks],
        }

    def prefix_rows(self) -> list[tuple[str, int | None, str | None]]:
        return [(p.prefix, p.asn, p.territory) for p in self.prefixes]


def _first_address(prefix: str) -> str:
    return prefix.split("/", 1)[0]


def _length(prefix: str) -> int:
    return int(prefix.rsplit("/", 1)[1])


def build_inventory(
    files: DataFiles,
    config: Config,
    exchanges: Iterable[Exchange] = (),
    progress: Progress | None = None,
    countries: Iterable[str] | None = None,
) -> Inventory:
    step = progress or (lambda _message: None)
    wanted = [c.strip().upper() for c in (countries or config.countries) if c.strip()]
    wanted_set = set(wanted)
    weights = config.source_weights
    locations = load_location_sources(files, wanted_set, config.declarations, step)
    routings = load_routing_sources(files, step)
    step(_("matching prefixes"))

    # candidates: the territory's blocks, and announced prefixes inside them
    kinds: dict[str, str] = {}
    for source in locations:
        for prefix in source.in_territory:
            kinds.setdefault(
                _parse_prefix(prefix)[3], "declared" if source.kind == "manual" else "registered"
            )
    blocks = PrefixIndex.from_rows(((p, None, None) for p in kinds), source="territory-blocks")
    for routing in routings:
        routed = [str(p) for p in routing.index.prefix]
        if not routed:
            continue
        rows = blocks.lookup_rows([_first_address(p) for p in routed])
        for prefix, row in zip(routed, rows.tolist(), strict=True):
            if row >= 0 and _length(blocks.prefix[row]) <= _length(prefix):
                kinds.setdefault(prefix, "routed")

    candidates = sorted(kinds, key=lambda p: (":" in p, _parse_prefix(p)[1], _length(p)))
    firsts = [_first_address(p) for p in candidates]
    location_rows = [s.index.lookup_rows(firsts).tolist() if candidates else [] for s in locations]
    routing_rows = [s.index.lookup_rows(firsts).tolist() if candidates else [] for s in routings]

    entries: list[PrefixEntry] = []
    for i, prefix in enumerate(candidates):
        opinions: dict[str, tuple[str, str]] = {}  # source -> (kind, country)
        for source, rows in zip(locations, location_rows, strict=True):
            row = rows[i]
            if row >= 0 and _length(source.index.prefix[row]) <= _length(prefix):
                opinions[source.name] = (source.kind, str(source.index.territory[row]))
        votes: dict[str, float] = defaultdict(float)
        for kind, country in opinions.values():
            votes[country] += weights.get(kind, 0.5)
        declared = [c for name, (k, c) in opinions.items() if k == "manual"]
        inside = {c: w for c, w in votes.items() if c in wanted_set}
        territory = (
            declared[0] if declared else (max(inside, key=lambda c: inside[c]) if inside else None)
        )
        total = sum(votes.values())
        confidence = (
            1.0
            if declared
            else (round(votes[territory] / total, 2) if territory and total else 0.0)
        )
        agree = sorted(n for n, (_k, c) in opinions.items() if c == territory)
        disagree = [
            {"source": n, "country": c} for n, (_k, c) in sorted(opinions.items()) if c != territory
        ]
        # routing semantics: the longest covering announcement wins, then the number
        # of sources that agree on its origin (an old /8 must not outvote a current /24)
        matches: list[tuple[int, int, str]] = []  # (length, asn, source)
        more_specific = False
        for routing, rows in zip(routings, routing_rows, strict=True):
            row = rows[i]
            if row < 0:
                continue
            matched = str(routing.index.prefix[row])
            if _length(matched) <= _length(prefix):
                matches.append((_length(matched), int(routing.index.asn[row]), routing.name))
            else:
                more_specific = True
        longest = max((m[0] for m in matches), default=-1)
        origins: dict[int, list[str]] = defaultdict(list)
        for length, origin, name in matches:
            if length == longest:
                origins[origin].append(name)
        declared_asn = next(
            (d.asn for d in config.declarations if d.asn and _parse_prefix(d.prefix)[3] == prefix),
            None,
        )
        if declared_asn:
            origins[declared_asn].append("config")
        asn = max(origins, key=lambda a: (len(origins[a]), -a)) if origins else None
        note = ""
        if asn is None and more_specific:
            note = _("not announced as a whole; more-specific prefixes are (listed separately)")
        elif len(origins) > 1:
            note = _("sources disagree on the origin AS")
        entries.append(
            PrefixEntry(
                prefix,
                kinds[prefix],
                territory,
                asn,
                agree,
                disagree,
                dict(origins),
                confidence,
                note,
            )
        )
    entries = [e for e in entries if e.territory is not None]

    step(_("networks and exchanges"))
    exchange_list = list(exchanges)
    names: dict[int, tuple[str, str]] = {}
    for routing in routings:
        for asn_key, name in routing.names.items():
            names.setdefault(asn_key, (name, routing.name))
    by_asn: dict[int, list[PrefixEntry]] = defaultdict(list)
    for entry in entries:
        if entry.asn is not None:
            by_asn[entry.asn].append(entry)
    networks = []
    for asn_key, owned in sorted(by_asn.items()):
        name, name_source = names.get(asn_key, ("", ""))
        member_of = {x.slug: x.member(asn_key) is not None for x in exchange_list}
        addresses = sum(
            1 << (32 - _length(e.prefix))
            for e in owned
            if ":" not in e.prefix and e.kind == "routed"
        )
        networks.append(
            Network(
                asn_key,
                name,
                sorted({e.territory for e in owned if e.territory}),
                len(owned),
                addresses,
                member_of,
                name_source,
            )
        )
    sources = [
        {
            "name": s.name,
            "kind": s.kind,
            "role": "location",
            "weight": weights.get(s.kind, 0.5),
            **s.counters.as_dict(),
        }
        for s in locations
    ] + [
        {"name": s.name, "kind": s.kind, "role": "origin", **s.counters.as_dict()} for s in routings
    ]
    exchange_rows = [
        {"slug": x.slug, "name": x.name, "country": x.country, "members": len(x.members)}
        for x in exchange_list
    ]
    return Inventory(
        wanted,
        entries,
        networks,
        exchange_rows,
        sources,
        datetime.now(UTC).replace(microsecond=0).isoformat(),
    )
