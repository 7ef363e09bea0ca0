"""Which of the territory's networks are local, which are outsiders with a local
presence, and which are global or anycast networks that only look local.

Geolocation tables put a few addresses of Cloudflare, Akamai, Google or a large transit
carrier on every island (anycast, VPN exits, geofeed pinpoints), so "an AS originates a
prefix located in the territory" is not enough to call it a territory network. Here
each network's whole address space is measured: the IP→ASN table gives every range it
originates (the longest match, so a customer's more-specific is the customer's), the
IP→country table (under the operator's declarations and geofeeds) gives the country of
each piece, and the RIR statistics give where the AS and its blocks are registered.
The join is exact and vectorised: the boundaries of every range of both tables cut the
address space into segments on which both answers are constant; one batch lookup per
table names each segment's origin and country, and a group-by sums the sizes.

A network is then ``global`` when less than ``global_max_share`` of its space is in the
territory and that space is spread over at least ``global_min_countries`` countries
outside the territory and its region; ``local`` when at least ``local_min_share`` is in
the territory and it is not registered elsewhere; ``regional`` otherwise (an operator of
elsewhere with a real presence here: networks to invite). A network the tables know
but none of whose space they locate in the territory is ``elsewhere``: it entered the
inventory through another source (an RIR block, a test MMDB, a years-old RIB) and is
not invited; so is one with none of the deciding family's space here (an IPv4 network
with only an IPv6 /48 geolocated here), and one from far away with a sliver here
(under ``regional_min_share`` of its space, none elsewhere in the region, not
registered in it): a /24 of a Bulgarian ISP or a /48 of an Argentine cooperative that
a geofeed puts on an island is a geolocation artefact, not an operator to invite. IPv4
decides when the network has IPv4 space (counted in addresses), IPv6 otherwise (counted
in /64s). A registration country is only asserted when the ASN's
RIR record gives it, or when RIR blocks of one country cover most of its space.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_
from lakou.territory.config import Config
from lakou.territory.index import PrefixIndex, RowPrefixes
from lakou.territory.reason import Reason
from lakou.vocabulary import country_says_nothing

LOCAL, REGIONAL, GLOBAL, ELSEWHERE = "local", "regional", "global", "elsewhere"
CLASSES = (LOCAL, REGIONAL, GLOBAL, ELSEWHERE)
UNKNOWN_COUNTRY = ""  # address space no location source knows

# (asn, country) -> size; IPv4 sizes are addresses, IPv6 sizes are /64s
Space = dict[tuple[int, str], int]


# ------------------------------------------------------------------ the exact join
def _v4_ranges(rows: RowPrefixes) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The IPv4 prefixes of an index's rows as (starts, ends exclusive), in row order."""
    version, _hi, lo, length = rows
    v4 = version == 4
    starts = lo[v4].astype(np.int64)
    return starts, starts + (np.int64(1) << (32 - length[v4]))


def _v6_ranges(
    rows: RowPrefixes, selected: npt.NDArray[np.bool_] | None = None
) -> list[tuple[int, int]]:
    """The IPv6 prefixes of an index's rows (the ``selected`` ones, when given) as
    sorted (start, end exclusive) integer pairs."""
    version, hi, lo, length = rows
    v6 = version == 6
    if selected is not None:
        v6 &= selected
    out = []
    for high, low, bits in zip(hi[v6].tolist(), lo[v6].tolist(), length[v6].tolist(), strict=True):
        start = (high << 64) | low
        out.append((start, start + (1 << (128 - bits))))
    out.sort()
    return out


def _unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``np.unique(values)`` by a sort (numpy's hash-based unique is slower here, and a
    stable sort of a few sorted runs is nearly linear)."""
    ordered = np.sort(values, kind="stable")
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class _RoutingBounds:
    """What :meth:`SpaceMeter.measure` needs of a routing table whatever the ASes asked:
    computed once per table (gather_evidence measures each against two meters)."""

    def __init__(self, routing: PrefixIndex) -> None:
        self._rows = routing.row_prefixes()  # not the index: the cache holds it weakly
        starts4, ends4 = _v4_ranges(self._rows)
        self.bounds4 = _unique(np.concatenate([starts4, ends4]))

    @cached_property
    def bounds6(self) -> list[int]:
        return sorted({x for pair in _v6_ranges(self._rows) for x in pair})


_BOUNDS: weakref.WeakKeyDictionary[PrefixIndex, _RoutingBounds] = weakref.WeakKeyDictionary()


def _routing_bounds(routing: PrefixIndex) -> _RoutingBounds:
    found = _BOUNDS.get(routing)
    if found is None:
        found = _BOUNDS[routing] = _RoutingBounds(routing)
    return found


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(bounds: list[int], ranges: list[tuple[int, int]]) -> Iterable[int]:
    """The sorted ``bounds`` that fall inside the merged ``ranges``."""
    for start, end in ranges:
        yield from bounds[bisect_left(bounds, start) : bisect_left(bounds, end)]


class _CountryCodes:
    """One small integer per country across all layers (-1: none), for the group-by."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._code: dict[str, int] = {}

    def of_rows(self, layer: PrefixIndex, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        mapping = np.array(
            [
                -1 if country_says_nothing(n) else self._code.setdefault(n, len(self._code))
                for n in layer.territory_names
            ]
            + [-1],
            dtype=np.int64,
        )
        self.names = sorted(self._code, key=self._code.__getitem__)
        codes = layer.territory_code.astype(np.int64)
        found = rows >= 0
        out = np.full(len(rows), -1, dtype=np.int64)
        # territory_code -1 (a row without a country) indexes the trailing -1 of mapping
        out[found] = mapping[codes[rows[found]]]
        return out


def _group(
    asns: npt.NDArray[np.int64],
    countries: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    codes: _CountryCodes,
) -> Space:
    if not len(asns):
        return {}
    keys = asns * 4096 + (countries + 1)
    unique, inverse = np.unique(keys, return_inverse=True)
    totals = np.bincount(inverse, weights=sizes.astype(np.float64))
    out: Space = {}
    for key, total in zip(unique.tolist(), totals.tolist(), strict=True):
        asn, code = divmod(int(key), 4096)
        country = codes.names[code - 1] if code > 0 else UNKNOWN_COUNTRY
        out[(asn, country)] = round(total)
    return out


def _origins(routing: PrefixIndex, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    out = np.full(len(rows), -1, dtype=np.int64)
    found = rows >= 0
    out[found] = routing.asn[rows[found]]
    return out


class SpaceMeter:
    """Measures ASes' address space by country against fixed location layers.

    The layers' boundaries are parsed once, so several routing tables (IPv4, IPv6, MRT
    dumps) can be measured against them in turn. The first layer with an answer for a
    piece of space wins: give declarations, then geofeeds, then tables. ``ZZ`` (what
    IANA and the RIRs write for "no country", and the like) counts as no answer.
    """

    def __init__(self, layers: Sequence[PrefixIndex]) -> None:
        self.layers = list(layers)
        self.codes = _CountryCodes()
        parts = [_v4_ranges(layer.row_prefixes()) for layer in self.layers]
        self._bounds4 = _unique(
            np.concatenate([a for pair in parts for a in pair] + [np.zeros(1, np.int64)])
        )
        bounds6: set[int] = set()
        for layer in self.layers:
            for start, end in _v6_ranges(layer.row_prefixes()):
                bounds6.update((start, end))
        self._bounds6 = sorted(bounds6)

    def measure(self, routing: PrefixIndex, asns: Iterable[int]) -> Space:
        """The size of each listed AS's space by country (IPv6 keys start with ``v6:``).

        ``routing`` answers "which AS originates this address" (longest match). IPv4
        sizes are addresses, IPv6 sizes /64s (a piece smaller than a /64 counts for the
        /64 boundaries it crosses, so a lone /128 counts 0).
        """
        codes = self.codes
        wanted = np.asarray(sorted(set(asns)), dtype=np.int64)
        space: Space = {}
        # IPv4: boundaries as int64 (2**32 fits), segments [bound_i, bound_i+1)
        routed = _routing_bounds(routing)
        bounds = _unique(np.concatenate([self._bounds4, routed.bounds4]))
        if len(bounds) > 1:
            starts = bounds[:-1].astype(np.uint32)
            sizes = np.diff(bounds)
            origins = _origins(routing, routing.lookup_v4(starts))
            keep = np.isin(origins, wanted)
            country = np.full(int(keep.sum()), -1, dtype=np.int64)
            for layer in self.layers:
                rows = layer.lookup_v4(starts[keep])
                country = np.where(country < 0, codes.of_rows(layer, rows), country)
            space.update(_group(origins[keep], country, sizes[keep], codes))
        # IPv6: 128-bit boundaries as Python integers, looked up as (high, low) halves;
        # only the space of the listed ASes is cut (sorting every boundary of a full
        # IPv6 table in Python for each routing table would cost seconds)
        mine = _merge(_v6_ranges(routing.row_prefixes(), np.isin(routing.asn, wanted)))
        if mine:
            cuts = {x for pair in mine for x in pair}
            cuts.update(_inside(self._bounds6, mine))
            cuts.update(_inside(routed.bounds6, mine))
            ordered = sorted(cuts)
            hi = np.asarray([s >> 64 for s in ordered[:-1]], dtype=np.uint64)
            lo = np.asarray([s & ((1 << 64) - 1) for s in ordered[:-1]], dtype=np.uint64)
            sizes6 = np.asarray(
                # a gap between two of the listed ASes' ranges can be huge; it is dropped
                # below (another origin), the cap only keeps it in an int64
                [min((b >> 64) - (a >> 64), 1 << 62) for a, b in pairwise(ordered)],
                dtype=np.int64,
            )
            origins6 = _origins(routing, routing.lookup_v6(hi, lo))
            keep6 = np.isin(origins6, wanted)
            country6 = np.full(int(keep6.sum()), -1, dtype=np.int64)
            for layer in self.layers:
                rows6 = layer.lookup_v6(hi[keep6], lo[keep6])
                country6 = np.where(country6 < 0, codes.of_rows(layer, rows6), country6)
            grouped = _group(origins6[keep6], country6, sizes6[keep6], codes)
            for (asn, country_name), size in grouped.items():
                space[(asn, "v6:" + country_name)] = size
        return space


def split_families(space: Space) -> dict[int, tuple[dict[str, int], dict[str, int]]]:
    """(IPv4 by country, IPv6 by country) per AS, from :func:`address_space`."""
    out: dict[int, tuple[dict[str, int], dict[str, int]]] = defaultdict(lambda: ({}, {}))
    for (asn, country), size in space.items():
        v4, v6 = out[asn]
        if country.startswith("v6:"):
            v6[country[3:]] = v6.get(country[3:], 0) + size
        else:
            v4[country] = v4.get(country, 0) + size
    return dict(out)


# ------------------------------------------------------------------ registration
@dataclass(frozen=True)
class AsnRegistration:
    """An ASN block of an RIR statistics file (or one ASN of an ip2asn table)."""

    first: int
    count: int
    country: str
    source: str


def registration_of(asn: int, registrations: Sequence[AsnRegistration]) -> AsnRegistration | None:
    for record in registrations:
        if record.first <= asn < record.first + record.count and record.country:
            return record
    return None


# ------------------------------------------------------------------ the evidence and the class
@dataclass
class FamilySpace:
    total: int
    in_territory: int
    by_country: dict[str, int]

    @property
    def share(self) -> float:
        return self.in_territory / self.total if self.total else 0.0


def family_space(by_country: Mapping[str, int], countries: set[str]) -> FamilySpace:
    total = sum(by_country.values())
    inside = sum(size for cc, size in by_country.items() if cc in countries)
    return FamilySpace(total, inside, dict(by_country))


@dataclass
class NetworkEvidence:
    """Why a network is in its class: every figure names the files it comes from."""

    v4: FamilySpace
    v6: FamilySpace
    origin_source: str  # the IP→ASN table (or MRT dump) that gave the AS's space
    location_sources: list[str]
    asn_registration: AsnRegistration | None = None
    prefix_registration: dict[str, int] = field(default_factory=dict)  # RIR country -> size
    prefix_registration_sources: list[str] = field(default_factory=list)
    inventory_only: bool = False  # no table knows the AS: only the inventory's prefixes

    @property
    def basis(self) -> str:
        return "ipv4" if self.v4.total else "ipv6"

    @property
    def decisive(self) -> FamilySpace:
        return self.v4 if self.v4.total else self.v6

    @property
    def share(self) -> float:
        return 1.0 if self.inventory_only else self.decisive.share

    def countries(self) -> list[str]:
        seen = {cc for f in (self.v4, self.v6) for cc, size in f.by_country.items() if size}
        return sorted(seen - {UNKNOWN_COUNTRY})

    def registered_in(self) -> tuple[str | None, str]:
        """The registration country (ASN first, then the most of its RIR blocks) and why."""
        if self.asn_registration is not None:
            return self.asn_registration.country, self.asn_registration.source
        if self.prefix_registration:
            country = max(self.prefix_registration, key=lambda c: self.prefix_registration[c])
            # the RIR files at hand may cover a sliver of the space (no ARIN, no RIPE NCC):
            # a country is only asserted when its blocks are most of the network's space
            if 2 * self.prefix_registration[country] > self.decisive.total:
                return country, ", ".join(self.prefix_registration_sources)
        return None, ""

    def as_dict(self) -> dict[str, Any]:
        def family(f: FamilySpace, unit: str) -> dict[str, Any]:
            top = sorted(f.by_country.items(), key=lambda kv: -kv[1])[:8]
            return {
                unit: f.total,
                "in_territory": f.in_territory,
                "share": round(f.share, 4),
                "top_countries": {cc or "unknown": round(s / f.total, 4) for cc, s in top if s},
            }

        country, source = self.registered_in()
        return {
            "basis": "inventory" if self.inventory_only else self.basis,
            "territory_share": round(self.share, 4),
            "ipv4": family(self.v4, "addresses"),
            "ipv6": family(self.v6, "slash64s"),
            "countries": self.countries(),
            "registration": {
                "country": country,
                "source": source,
                "asn": self.asn_registration.country if self.asn_registration else None,
                "prefixes": dict(Counter(self.prefix_registration).most_common(5)),
                "prefixes_unit": "addresses" if self.basis == "ipv4" else "slash64s",
            },
            "sources": {"origins": self.origin_source, "locations": self.location_sources},
        }


def gather_evidence(
    asns: Iterable[int],
    countries: set[str],
    origin_tables: Sequence[tuple[str, PrefixIndex, bool]],
    location_layers: Sequence[tuple[str, PrefixIndex]],
    rir_layers: Sequence[tuple[str, PrefixIndex]] = (),
    registrations: Sequence[AsnRegistration] = (),
    progress: Callable[[str], None] | None = None,
) -> dict[int, NetworkEvidence]:
    """The evidence for each AS: its space by country, and where it is registered.

    ``origin_tables`` are (name, index, fallback_only) in order of trust: per AS and per
    family the first table that gives it any space is used; a ``fallback_only`` table
    (an MRT dump, possibly years old) is asked only about ASes no other table knows.
    """
    step = progress or (lambda _message: None)
    wanted = sorted(set(asns))
    meter = SpaceMeter([index for _name, index in location_layers])
    rir_meter = SpaceMeter([index for _name, index in rir_layers]) if rir_layers else None
    found: dict[int, list[tuple[dict[str, int], str] | None]] = {a: [None, None] for a in wanted}
    registered: dict[int, list[dict[str, int] | None]] = {a: [None, None] for a in wanted}
    for name, routing, fallback_only in origin_tables:
        ask = [a for a in wanted if (found[a] == [None, None]) or not fallback_only]
        ask = [a for a in ask if None in found[a]]
        if not ask:
            continue
        step(_("address space of {n} networks in {name}").format(n=len(ask), name=name))
        measured = split_families(meter.measure(routing, ask))
        rir = split_families(rir_meter.measure(routing, ask)) if rir_meter else {}
        for asn in ask:
            for family in (0, 1):
                by_country: dict[str, int] = measured[asn][family] if asn in measured else {}
                if found[asn][family] is None and any(v > 0 for v in by_country.values()):
                    found[asn][family] = (by_country, name)
                    registered[asn][family] = {
                        cc: size for cc, size in rir.get(asn, ({}, {}))[family].items() if cc
                    }
    names = [name for name, _index in location_layers]
    rir_names = [name for name, _index in rir_layers]
    out: dict[int, NetworkEvidence] = {}
    for asn in wanted:
        v4, v6 = found[asn]
        family = 0 if v4 is not None else 1
        sources = sorted({f[1] for f in (v4, v6) if f is not None})
        out[asn] = NetworkEvidence(
            v4=family_space(v4[0] if v4 else {}, countries),
            v6=family_space(v6[0] if v6 else {}, countries),
            origin_source=", ".join(sources),
            location_sources=names,
            asn_registration=registration_of(asn, registrations),
            prefix_registration=registered[asn][family] or {},
            prefix_registration_sources=rir_names if registered[asn][family] else [],
            inventory_only=v4 is None and v6 is None,
        )
    return out


# Why a network has its class: English templates, translated where they are shown
# (lakou.territory.reason); a file's reason is rendered again only if it is one of these.
BY_OPERATOR = N_("set by territory.network_classes")
ONLY_INVENTORY_REGISTERED = N_(
    "no IP→ASN table knows its space beyond the territory's prefixes; registered in {country}"
)
ONLY_INVENTORY = N_("no IP→ASN table knows its space beyond the territory's prefixes")
NOT_LOCATED = N_(
    "none of its space in {sources} is located in the territory (its prefixes here "
    "come from another source)"
)
GLOBAL_SPREAD = N_(
    "{percent} of its {family} space is in the territory, the rest spread over {n} "
    "countries outside the region (global: under {max}% and at least {min})"
)
OTHER_FAMILY_ONLY = N_(
    "none of its {family} space is located in the territory (only its other family's is)"
)
LOCAL_SHARE = N_("{percent} of its {family} space is in the territory; {where}")
REGISTERED_IN = N_("registered in {country}")
REGISTRATION_UNKNOWN = N_("registration country unknown")
REGISTERED_ELSEWHERE = N_(
    "{percent} of its {family} space is in the territory, but it is registered in {country}"
)
SLIVER = N_(
    "only {percent} of its {family} space is in the territory, none elsewhere in the "
    "region, the rest in {where}: a sliver (under {min}%), taken for a geolocation "
    "artefact, not an operator to invite"
)
REGIONAL_PRESENCE = N_(
    "{percent} of its {family} space is in the territory, the rest in {n} other "
    "countries: an operator of elsewhere with a local presence"
)
REASONS = frozenset(
    {
        BY_OPERATOR,
        ONLY_INVENTORY_REGISTERED,
        ONLY_INVENTORY,
        NOT_LOCATED,
        GLOBAL_SPREAD,
        OTHER_FAMILY_ONLY,
        LOCAL_SHARE,
        REGISTERED_IN,
        REGISTRATION_UNKNOWN,
        REGISTERED_ELSEWHERE,
        SLIVER,
        REGIONAL_PRESENCE,
    }
)


def classify(
    evidence: NetworkEvidence, countries: set[str], config: Config, asn: int | None = None
) -> tuple[str, Reason]:
    """(class, why) for one network; the rules are in the module docstring."""
    if asn is not None and asn in config.network_classes:
        return config.network_classes[asn], Reason(BY_OPERATOR)
    share = evidence.share
    percent = f"{100 * share:.1f}%"
    family = "IPv4" if evidence.basis == "ipv4" else "IPv6"
    near = countries | {c.upper() for c in config.region_countries}
    elsewhere = [c for c in evidence.countries() if c not in near]
    registered, _source = evidence.registered_in()
    if evidence.inventory_only:
        if registered and registered not in countries:
            return REGIONAL, Reason(
                ONLY_INVENTORY_REGISTERED,
                dict(country=registered),
            )
        return LOCAL, Reason(ONLY_INVENTORY)
    if not (evidence.v4.in_territory or evidence.v6.in_territory):
        return ELSEWHERE, Reason(
            NOT_LOCATED,
            dict(sources=evidence.origin_source),
        )
    if share < config.global_max_share and len(elsewhere) >= config.global_min_countries:
        return GLOBAL, Reason(
            GLOBAL_SPREAD,
            dict(
                percent=percent,
                family=family,
                n=str(len(elsewhere)),
                max=f"{100 * config.global_max_share:g}",
                min=str(config.global_min_countries),
            ),
        )
    if not evidence.decisive.in_territory:
        return ELSEWHERE, Reason(
            OTHER_FAMILY_ONLY,
            dict(family=family),
        )
    if share >= config.local_min_share and (registered is None or registered in countries):
        return LOCAL, Reason(
            LOCAL_SHARE,
            dict(
                percent=percent,
                family=family,
                where=(
                    Reason(REGISTERED_IN, {"country": registered})
                    if registered
                    else Reason(REGISTRATION_UNKNOWN)
                ),
            ),
        )
    if share >= config.local_min_share:
        return REGIONAL, Reason(
            REGISTERED_ELSEWHERE,
            dict(percent=percent, family=family, country=str(registered)),
        )
    region = {c.upper() for c in config.region_countries} - countries
    in_region = [c for c in evidence.countries() if c in region]
    if share < config.regional_min_share and not in_region and registered not in near:
        return ELSEWHERE, Reason(
            SLIVER,
            dict(
                percent=f"{100 * share:.2g}%",
                family=family,
                where=", ".join(elsewhere[:5]) + ("…" if len(elsewhere) > 5 else ""),
                min=f"{100 * config.regional_min_share:g}",
            ),
        )
    return REGIONAL, Reason(
        REGIONAL_PRESENCE,
        dict(
            percent=percent,
            family=family,
            n=str(len([c for c in evidence.countries() if c not in countries])),
        ),
    )
