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
opinion. Declarations override the vote (confidence 1). Where routing sources
disagree on a prefix's origin, the longest covering announcement wins, then the
freshest source (a 2002 RIB must not outvote a current table), then the number of
sources. The networks (origin ASes) are then classified local, regional or global from
their whole address space (:mod:`lakou.territory.classify`), and the networks to invite
are the non-members that are not global, ranked by their address space in the
territory. Every figure in the result names the source files it comes from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.territory.classify import (
    CLASSES,
    ELSEWHERE,
    GLOBAL,
    AsnRegistration,
    NetworkEvidence,
    classify,
    gather_evidence,
)
from lakou.territory.config import Config, Declaration
from lakou.territory.index import PrefixIndex, _parse_prefix
from lakou.territory.reason import Reason
from lakou.territory.sources.common import Counters, guarded
from lakou.vocabulary import country_says_nothing

if TYPE_CHECKING:
    from lakou.territory.sources.range_bulk import AsnTable, CountryTable

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
    data_date: str = ""  # ISO date of the data: from the file name, else its mtime
    registrations: list[AsnRegistration] = field(default_factory=list)


_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-?(\d{2})-?(\d{2})(?!\d)")


def data_date(path: Path) -> str:
    """The date of a public file's data: ``20020722`` or ``2019-09-10`` in its name (as
    the RIRs, RouteViews and RIPE RIS name them), else the file's modification time."""
    for match in _NAME_DATE.finditer(path.name):
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            continue
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    except OSError:
        return ""


def _location(
    name: str, kind: str, rows: Iterable[tuple[str, str]], countries: set[str], counters: Counters
) -> LocationSource:
    table = [(prefix, None, cc) for prefix, cc in rows]
    index = PrefixIndex.from_rows(table, source=name)
    inside = [prefix for prefix, _a, cc in table if cc in countries]
    return LocationSource(name, kind, index, counters, inside)


# A range table this large is read in bulk (numba kernels); a smaller one by record,
# sparing a short command (``territory lookup --data-dir``) loading numba: same result.
_BULK_FROM_BYTES = 1 << 16


def _bulk_worth(path: Path) -> bool:
    try:
        return path.stat().st_size >= _BULK_FROM_BYTES
    except OSError:
        return False  # the record reader says what is wrong


def _location_table(name: str, table: CountryTable, countries: set[str]) -> LocationSource:
    """:func:`_location` of the records of a range table read in bulk."""
    found = table.prefixes
    index = PrefixIndex.from_prefix_arrays(
        found.text,
        found.version,
        found.start_hi,
        found.start_lo,
        found.length,
        territories=list(table.country),
    )
    inside = [p for p, cc in zip(found.text, table.country, strict=True) if cc in countries]
    return LocationSource(name, "geo", index, Counters(read=found.lines), inside)


def _routing_table(path: Path, kind: str, table: AsnTable) -> RoutingSource:
    """The routing source of an IP→ASN range table read in bulk (as its records give it)."""
    found = table.prefixes
    counters = Counters(read=found.lines)
    if table.not_routed:
        counters.dropped["as0"] = table.not_routed
    index = PrefixIndex.from_prefix_arrays(
        found.text, found.version, found.start_hi, found.start_lo, found.length, table.asn
    )
    return RoutingSource(path.name, kind, index, counters, table.names, data_date(path), [])


def load_location_sources(
    files: DataFiles,
    countries: set[str],
    declarations: list[Declaration],
    progress: Progress,
    registrations: list[AsnRegistration] | None = None,
) -> list[LocationSource]:
    """The location sources; RIR ``asn`` records go to ``registrations`` when given."""
    from lakou.territory.sources.geo import read_mmdb_countries, read_range_country_csv
    from lakou.territory.sources.geofeed import read_geofeed
    from lakou.territory.sources.range_bulk import read_range_country_table

    out: list[LocationSource] = []
    if declarations:
        counters = Counters(read=len(declarations))
        rows = [(d.prefix, d.territory.upper()) for d in declarations]
        out.append(_location("config", "manual", rows, countries, counters))
    for path in files.geofeed:
        progress(_("geofeed {name}").format(name=path.name))
        counters = Counters()
        feed = guarded(path, read_geofeed(path, strict=False, counters=counters))
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
        table = read_range_country_table(path) if _bulk_worth(path) else None
        if table is not None:  # a plain table, read in bulk: what the records would give
            out.append(_location_table(path.name, table, countries))
            continue
        counters = Counters()
        records = guarded(path, read_range_country_csv(path, strict=False, counters=counters))
        out.append(
            _location(
                path.name, "geo", ((r.prefix, r.country) for r in records), countries, counters
            )
        )
    for path in files.rir:
        progress(_("RIR statistics {name}").format(name=path.name))
        counters = Counters()
        out.append(
            _location(
                path.name,
                "rir",
                guarded(path, _rir_rows(path, counters, registrations)),
                countries,
                counters,
            )
        )
    for path in files.mmdb:
        if "asn" in path.name.lower() or "isp" in path.name.lower():
            continue
        progress(_("MaxMind DB {name}").format(name=path.name))
        counters = Counters()
        records = guarded(path, read_mmdb_countries(path, counters))
        out.append(
            _location(
                path.name, "mmdb", ((r.prefix, r.country) for r in records), countries, counters
            )
        )
    return out


def _rir_rows(
    path: Path, counters: Counters, registrations: list[AsnRegistration] | None
) -> Iterator[tuple[str, str]]:
    from lakou.territory.sources.rir import read_delegated

    for record in read_delegated(path, strict=False, counters=counters):
        if not record.cc:
            continue
        if record.type == "asn":
            if registrations is not None and not country_says_nothing(record.cc):
                first = int(record.start)
                registrations.append(AsnRegistration(first, record.value, record.cc, path.name))
            continue
        for prefix in record.prefixes():
            yield prefix, record.cc


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
    from lakou.territory.sources.range_bulk import read_range_asn_table

    out: list[RoutingSource] = []
    readers: list[tuple[str, list[Path], Callable[..., Iterable[Any]]]] = [
        ("range-asn", files.range_asn, read_range_asn_csv),
        ("ip2asn", files.ip2asn, read_ip2asn_tsv),
        ("pfx2as", files.pfx2as, read_pfx2as),
    ]
    for kind, paths, reader in readers:
        for path in paths:
            progress(_("IP to AS table {name}").format(name=path.name))
            table = (
                read_range_asn_table(path) if kind == "range-asn" and _bulk_worth(path) else None
            )
            if table is not None:  # a plain table, read in bulk: what the records would give
                out.append(_routing_table(path, kind, table))
                continue
            counters = Counters()
            records = list(guarded(path, reader(path, strict=False, counters=counters)))
            names = {r.asn: r.name for r in records if r.name}
            index = PrefixIndex.from_rows(
                ((r.prefix, r.asn, None) for r in records), source=path.name
            )
            # ip2asn tables carry each AS's registration country
            registered = {r.asn: r.country for r in records if r.country}
            out.append(
                RoutingSource(
                    path.name,
                    kind,
                    index,
                    counters,
                    names,
                    data_date(path),
                    [AsnRegistration(a, 1, cc, path.name) for a, cc in sorted(registered.items())],
                )
            )
    for path in files.mrt:
        progress(_("MRT dump {name}").format(name=path.name))
        counters = Counters()
        rows = [(prefix, asn, None) for prefix, asn in guarded(path, _mrt_rows(path, counters))]
        out.append(
            RoutingSource(
                path.name,
                "mrt",
                PrefixIndex.from_rows(rows, source=path.name),
                counters,
                {},
                data_date(path),
            )
        )
    for path in files.mmdb:
        if "asn" not in path.name.lower():
            continue
        progress(_("MaxMind DB {name}").format(name=path.name))
        counters = Counters()
        records = list(guarded(path, read_mmdb_origins(path, counters)))
        index = PrefixIndex.from_rows(((r.prefix, r.asn, None) for r in records), source=path.name)
        out.append(
            RoutingSource(
                path.name,
                "mmdb-asn",
                index,
                counters,
                {r.asn: r.name for r in records},
                data_date(path),
            )
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
    addresses_v4: int  # IPv4 addresses of its prefixes in the inventory (nested counted once)
    member_of: dict[str, bool]
    name_source: str = ""
    network_class: str = "local"  # local | regional | global | elsewhere (territory.classify)
    class_reason: str = ""
    reason: Reason | None = None  # class_reason to translate (the portal's visitors)
    evidence: NetworkEvidence | None = None
    to_invite: bool = False  # a member of no exchange, and not global (unless asked)
    invite_rank: int | None = None  # 1 = the most address space in the territory

    def as_dict(self) -> dict[str, Any]:
        return {
            "asn": self.asn,
            "name": self.name,
            "name_source": self.name_source,
            "territories": self.territories,
            "prefixes": self.prefixes,
            "addresses_v4": self.addresses_v4,
            "member_of": self.member_of,
            "class": self.network_class,
            "class_reason": self.class_reason,
            "class_reason_i18n": self.reason.as_dict() if self.reason else None,
            "to_invite": self.to_invite,
            "invite_rank": self.invite_rank,
            "evidence": self.evidence.as_dict() if self.evidence else None,
        }


@dataclass
class Inventory:
    countries: list[str]
    prefixes: list[PrefixEntry]
    networks: list[Network]
    exchanges: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    generated_at: str
    classification: dict[str, Any] = field(default_factory=dict)

    def invitations(self) -> list[Network]:
        """The networks to invite, best evidence first."""
        ranked = [n for n in self.networks if n.to_invite and n.invite_rank is not None]
        return sorted(ranked, key=lambda n: n.invite_rank or 0)

    def as_dict(self) -> dict[str, Any]:
        classes = Counter(n.network_class for n in self.networks)
        return {
            "generated_at": self.generated_at,
            "countries": self.countries,
            "sources": self.sources,
            "exchanges": self.exchanges,
            "summary": {
                "prefixes": len(self.prefixes),
                "networks": len(self.networks),
                "classes": {c: classes.get(c, 0) for c in CLASSES},
                "to_invite": [n.asn for n in self.invitations()],
                "how": _(
                    "prefixes: blocks a location source places in the countries, plus the "
                    "announced prefixes inside them; networks: their origin ASes, classified "
                    "from their whole address space; to_invite: the non-members that are not "
                    "global, most address space in the territory first"
                ),
            },
            "classification": self.classification,
            "prefixes": [p.as_dict() for p in self.prefixes],
            "networks": [n.as_dict() for n in self.networks],
        }

    def prefix_rows(self) -> list[tuple[str, int | None, str | None]]:
        return [(p.prefix, p.asn, p.territory) for p in self.prefixes]


def _first_address(prefix: str) -> str:
    return prefix.split("/", 1)[0]


def _length(prefix: str) -> int:
    return int(prefix.rsplit("/", 1)[1])


def _v4_union_size(prefixes: Iterable[str]) -> int:
    """Addresses covered by IPv4 prefixes, nested or repeated ones counted once."""
    ranges = sorted(
        (start, start + (1 << (32 - length)))
        for version, start, length, _text in (_parse_prefix(p) for p in prefixes)
        if version == 4
    )
    total, reach = 0, 0
    for start, end in ranges:
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def build_inventory(
    files: DataFiles,
    config: Config,
    exchanges: Iterable[Exchange] = (),
    progress: Progress | None = None,
    countries: Iterable[str] | None = None,
    include_global: bool | None = None,
) -> Inventory:
    """The inventory; ``include_global`` (default ``config.invite_global``) also lists
    global/anycast networks among the networks to invite."""
    step = progress or (lambda _message: None)
    wanted = [c.strip().upper() for c in (countries or config.countries) if c.strip()]
    wanted_set = set(wanted)
    weights = config.source_weights
    registrations: list[AsnRegistration] = []
    locations = load_location_sources(files, wanted_set, config.declarations, step, registrations)
    routings = load_routing_sources(files, step)
    dates = {r.name: r.data_date for r in routings} | {"config": "9999-12-31"}
    step(_("matching prefixes"))

    # candidates: the territory's blocks, and announced prefixes inside them
    kinds: dict[str, str] = {}
    for source in locations:
        for prefix in source.in_territory:
            kinds.setdefault(
                _parse_prefix(prefix)[3], "declared" if source.kind == "manual" else "registered"
            )
    blocks = PrefixIndex.from_rows(((p, None, None) for p in kinds), source="territory-blocks")
    block_lengths = blocks.row_prefixes()[3]
    for routing in routings:
        # each announced prefix's first address looked up as integers (no text per row)
        version, start_hi, start_lo, lengths = routing.index.row_prefixes()
        rows = np.full(version.size, -1, dtype=np.int64)
        v4 = version == 4
        if v4.any():
            rows[v4] = blocks.lookup_v4(start_lo[v4].astype(np.uint32))
        if not v4.all():
            rows[~v4] = blocks.lookup_v6(start_hi[~v4], start_lo[~v4])
        hit = np.flatnonzero(rows >= 0)
        within = hit[block_lengths[rows[hit]] <= lengths[hit]]
        for prefix in routing.index.prefix[within].tolist():
            kinds.setdefault(str(prefix), "routed")

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
                country = str(source.index.territory[row])
                # IANA's "ZZ" (reserved, unassigned, held by an RIR) says nothing about
                # where a block is used: no opinion, neither agreeing nor disagreeing
                if not country_says_nothing(country):
                    opinions[source.name] = (source.kind, country)
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
        asn = (
            max(
                origins,
                key=lambda a: (max(dates.get(n, "") for n in origins[a]), len(origins[a]), -a),
            )
            if origins
            else None
        )
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
        networks.append(
            Network(
                asn_key,
                name,
                sorted({e.territory for e in owned if e.territory}),
                len(owned),
                _v4_union_size(e.prefix for e in owned),
                member_of,
                name_source,
            )
        )
    classification = _classify_networks(
        networks,
        locations,
        routings,
        registrations,
        wanted_set,
        config,
        config.invite_global if include_global is None else include_global,
        step,
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
        classification,
    )


# the order location sources are trusted in when measuring a network's space
_LAYER_ORDER = {"manual": 0, "geofeed": 1, "geo": 2, "mmdb": 3}


def _classify_networks(
    networks: list[Network],
    locations: list[LocationSource],
    routings: list[RoutingSource],
    registrations: list[AsnRegistration],
    countries: set[str],
    config: Config,
    include_global: bool,
    step: Progress,
) -> dict[str, Any]:
    """Set each network's class, evidence, ``to_invite`` and rank; return the settings."""
    if not networks:
        return {}
    step(_("classifying networks"))
    layers = sorted(
        (s for s in locations if s.kind in _LAYER_ORDER), key=lambda s: _LAYER_ORDER[s.kind]
    )
    rirs = [s for s in locations if s.kind == "rir"]
    if not layers:  # no IP→country table: the RIR statistics are all there is
        layers = rirs
    # current tables first (freshest first), MRT dumps only for ASes no table knows
    tables = sorted(routings, key=lambda r: r.data_date, reverse=True)
    tables.sort(key=lambda r: r.kind == "mrt")  # stable: dates stay in order
    evidence = gather_evidence(
        (n.asn for n in networks),
        countries,
        [(r.name, r.index, r.kind == "mrt") for r in tables],
        [(s.name, s.index) for s in layers],
        [(s.name, s.index) for s in rirs],
        registrations + [x for r in tables for x in r.registrations],
        step,
    )
    for network in networks:
        found = evidence[network.asn]
        if found.inventory_only:
            # nothing beyond the inventory: its own prefixes are all of its known space
            found.v4.total = found.v4.in_territory = network.addresses_v4
        network.evidence = found
        network.network_class, network.reason = classify(found, countries, config, network.asn)
        network.class_reason = network.reason.render()
        network.to_invite = (
            not any(network.member_of.values())
            and network.network_class != ELSEWHERE
            and (network.network_class != GLOBAL or include_global)
        )
    invited = sorted(
        (n for n in networks if n.to_invite),
        key=lambda n: (
            -(n.evidence.v4.in_territory if n.evidence else 0),
            -(n.evidence.v6.in_territory if n.evidence else 0),
            -(n.evidence.share if n.evidence else 0.0),
            n.asn,
        ),
    )
    for rank, network in enumerate(invited, start=1):
        network.invite_rank = rank
    return {
        "local_min_share": config.local_min_share,
        "global_max_share": config.global_max_share,
        "global_min_countries": config.global_min_countries,
        "region_countries": config.region_countries,
        "include_global": include_global,
        "overrides": {str(k): v for k, v in config.network_classes.items()},
        "how": _(
            "each network's whole address space from the IP→ASN tables, located by the "
            "declarations, geofeeds and IP→country tables; registration from the RIR "
            "statistics; ranked by IPv4 then IPv6 space in the territory"
        ),
    }
