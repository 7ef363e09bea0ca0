"""Verdicts on traceroutes: exchange crossings, whether the path left the territory,
which countries it crossed, how long a detour it took; and the Country-Jedi-style
matrix over a mesh of probes.

Each hop is mapped to an origin AS (routing tables), a country (the territory's own
prefix table first, then IP→country tables) and an exchange (peering-LAN prefixes).
Exchange crossings follow traIXroute's idea that an address in an exchange LAN is not
proof on its own: the rules look at the hop before and after it, and at which member
owns the address (PeeringDB netixlan, PCH membership, the registry):

* ``member-differs-from-previous``: hop i is in an exchange LAN and belongs to member
  M; hop i-1 is in another AS: the path crossed from that AS to M (traIXroute 1, 3, 4,
  6-8).
* ``member-same-as-previous``: hop i belongs to M, hop i-1 is in M too, hop i+1 is in
  another AS: M handed the packet over at the exchange (traIXroute 2, 5).
* ``neighbours-differ``: hop i is in an exchange LAN, its owner is unknown, and the hops
  around it are in two different ASes (traIXroute 5, 6).
* ``consecutive-lan-hops``: hops i and i+1 are both in the same exchange LAN (9-11).

Where lakou and traIXroute differ, and why: docs/61-paths.md (differential test).

A hop location is dropped when it breaks the speed-of-light bound: it cannot be farther
from the probe than ``km_per_ms_rtt`` × RTT. Every verdict carries its evidence.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol

from lakou.i18n import gettext as _
from lakou.paths.addresses import canonical, is_public
from lakou.paths.config import Config
from lakou.paths.geography import distance_km
from lakou.paths.model import Traceroute
from lakou.territory import IxpDirectory, PrefixIndex


class Lookup(Protocol):
    def lookup(self, ips: Sequence[str]) -> list[tuple[str | None, int | None, str | None]]: ...


@dataclass
class Annotator:
    """What the engine knows about addresses; every part is optional."""

    countries: set[str]
    routing: Lookup | None = None  # IP -> origin AS (and maybe country)
    location: Lookup | None = None  # IP -> country
    territory: PrefixIndex | None = None  # the territory's own prefix table
    ixps: IxpDirectory | None = None
    config: Config = field(default_factory=Config)

    def __post_init__(self) -> None:
        self._lan_index: PrefixIndex | None = None
        self._lan_keys: list[str] = []
        self._members: dict[str, tuple[str, int]] = {}
        if self.ixps is not None:
            self._lan_index, self._lan_keys = self.ixps.lan_index()
            self._members = self.ixps.member_map()

    def describe(self, ips: list[str]) -> list[dict[str, Any]]:
        """For each address: asn, country (+ its source), exchange, member ASN."""
        out: list[dict[str, Any]] = [
            {"asn": None, "country": None, "country_source": None, "ixp": None, "member_asn": None}
            for _ip in ips
        ]
        public = [i for i, ip in enumerate(ips) if _is_public(ip)]
        query = [ips[i] for i in public]
        if not query:
            return out
        if self.routing is not None:
            for i, (_p, asn, country) in zip(public, self.routing.lookup(query), strict=True):
                out[i]["asn"] = asn
                if country:
                    out[i]["country"], out[i]["country_source"] = country, "ip-data"
        if self.location is not None:
            for i, (_p, _a, country) in zip(public, self.location.lookup(query), strict=True):
                if country:
                    out[i]["country"], out[i]["country_source"] = country, "ip-country"
        if self.territory is not None:
            for i, (_p, asn, country) in zip(public, self.territory.lookup(query), strict=True):
                if country:
                    out[i]["country"], out[i]["country_source"] = country, "territory"
                if asn is not None and out[i]["asn"] is None:
                    out[i]["asn"] = asn
        if self._lan_index is not None:
            rows = self._lan_index.lookup_rows(query).tolist()
            for i, row in zip(public, rows, strict=True):
                if row >= 0:
                    out[i]["ixp"] = self._lan_keys[row]
        for i in public:
            member = self._members.get(_canonical(ips[i]))
            if member is not None:
                out[i]["ixp"] = out[i]["ixp"] or member[0]
                out[i]["member_asn"] = member[1]
        return out

    def ixp_name(self, key: str) -> str:
        return self.ixps.name(key) if self.ixps is not None else key


_canonical = canonical
_is_public = is_public


def _crossings(hops: list[dict[str, Any]], annotator: Annotator) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    responding = [h for h in hops if h["ip"] is not None]
    skip_next = False
    for i, hop in enumerate(responding):
        if skip_next:
            skip_next = False
            continue
        if hop["ixp"] is None:
            continue
        previous = responding[i - 1] if i > 0 else None
        following = responding[i + 1] if i + 1 < len(responding) else None
        prev_asn = previous["asn"] if previous else None
        next_asn = following["asn"] if following else None
        member = hop["member_asn"]
        rule = None
        from_asn = to_asn = None
        if following is not None and following["ixp"] == hop["ixp"]:
            rule, from_asn, to_asn = (
                "consecutive-lan-hops",
                member or prev_asn,
                following["member_asn"] or next_asn,
            )
            skip_next = True
        elif member is not None and prev_asn is not None and prev_asn != member:
            rule, from_asn, to_asn = "member-differs-from-previous", prev_asn, member
        elif (
            member is not None
            and prev_asn == member
            and next_asn is not None
            and next_asn != member
        ):
            rule, from_asn, to_asn = "member-same-as-previous", member, next_asn
        elif (
            member is None
            and prev_asn is not None
            and next_asn is not None
            and prev_asn != next_asn
        ):
            rule, from_asn, to_asn = "neighbours-differ", prev_asn, next_asn
        if rule is None:
            continue
        found.append(
            {
                "ixp": annotator.ixp_name(hop["ixp"]),
                "ixp_key": hop["ixp"],
                "hop": hop["ttl"],
                "ip": hop["ip"],
                "rule": rule,
                "from_asn": from_asn,
                "to_asn": to_asn,
                "member_asn": member,
            }
        )
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (back on after, if it was on).

    Reading and analysing traceroutes makes hundreds of thousands of dicts and lists
    that live on (the results) and no reference cycle; every 700 of them the collector
    walks the young ones, and every few passes every object of the process (the loaded
    exchange directory and indexes too): half the time of an analysis, for nothing to
    collect. Memory is still freed as usual (reference counting).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def analyze(traceroutes: Iterable[Traceroute], annotator: Annotator) -> list[dict[str, Any]]:
    """One result dict per traceroute (see the module docstring for the rules).

    ``traceroutes`` may be a generator (a reader's): it is read with the collector paused
    too (see :func:`collector_paused`)."""
    with collector_paused():
        return _analyze(traceroutes, annotator)


def _analyze(traceroutes: Iterable[Traceroute], annotator: Annotator) -> list[dict[str, Any]]:
    traces = list(traceroutes)
    # one batch lookup for every address of every traceroute
    addresses = sorted(
        {h.ip for t in traces for h in t.hops if h.ip}
        | {
            a
            for t in traces
            for a in (t.destination, t.probe_public_address, t.source_address)
            if a
        }
    )
    facts = dict(zip(addresses, annotator.describe(addresses), strict=True))
    batch = _Batch(facts, annotator)
    return [_analyze_one(t, batch) for t in traces]


# What an address without facts gets: the keys of Annotator.describe's dicts, in order.
_NO_FACTS: dict[str, Any] = {
    "asn": None,
    "country": None,
    "country_source": None,
    "ixp": None,
    "member_asn": None,
}


_NO_REPLY = {"ttl": None, "ip": None, "rtt_ms": None, **_NO_FACTS, "location_dropped": False}


class _Batch:
    """What every traceroute of one :func:`analyze` call shares: the addresses' facts,
    the translated verdict templates (the language does not change within a call), and
    what was worked out once (whether a probe address is public, country distances)."""

    def __init__(self, facts: dict[str, dict[str, Any]], annotator: Annotator) -> None:
        self.facts = facts
        self.annotator = annotator
        self.config = annotator.config
        self.countries = annotator.countries
        # each address's hop entry but for its TTL and RTT: copying a ready dict is
        # twice as quick as building one per hop
        self.entries = {
            ip: {"ttl": None, "ip": ip, "rtt_ms": None, **fact, "location_dropped": False}
            for ip, fact in facts.items()
        }
        self.public: dict[str, bool] = {}
        self.from_country: dict[str, _DistancesFrom] = {}
        self.left_in = _("left the territory: hop(s) located in {countries}")
        self.all_inside = _("every located hop is in the territory")
        self.unlocated = _("no hop could be located: cannot tell")
        self.left_rtt = _(
            "left the territory: {rtt} ms between two local hosts is more than {limit} ms"
        )
        self.crossed = _("crossed {ixps}")

    def is_public(self, address: str) -> bool:
        known = self.public.get(address)
        if known is None:
            known = self.public[address] = _is_public(address)
        return known

    def distance(self, a: str, b: str) -> float | None:
        return self.distances_from(a)[b]

    def distances_from(self, country: str) -> dict[str, float | None]:
        """Country -> distance from ``country``, each worked out on first use."""
        known = self.from_country.get(country)
        if known is None:
            known = self.from_country[country] = _DistancesFrom(country)
        return known


class _DistancesFrom(dict[str, float | None]):
    def __init__(self, origin: str) -> None:
        super().__init__()
        self.origin = origin

    def __missing__(self, country: str) -> float | None:
        distance = self[country] = distance_km(self.origin, country)
        return distance


def _analyze_one(trace: Traceroute, batch: _Batch) -> dict[str, Any]:
    config = batch.config
    countries = batch.countries
    facts = batch.facts
    empty = _NO_FACTS
    probe_addr = ""
    for address in (trace.probe_public_address, trace.source_address):
        if address and batch.is_public(address):
            probe_addr = address
            break
    probe_country = facts.get(probe_addr, empty)["country"] if probe_addr else None
    target = trace.destination
    destination = facts.get(target, empty)
    hops: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    located: list[dict[str, Any]] = []
    reached = False
    final_rtt: float | None = None
    final_seen = False
    any_ixp = False
    km_per_ms = config.km_per_ms_rtt
    entries = batch.entries
    from_probe = batch.distances_from(probe_country) if probe_country else {}
    for hop in trace.hops:
        ip, rtt_ms = hop.ip, hop.rtt_ms
        known = entries.get(ip) if ip else _NO_REPLY if ip is None else None
        if known is None:
            entry = {"ttl": hop.ttl, "ip": ip, "rtt_ms": rtt_ms, **empty, "location_dropped": False}
        else:
            entry = known.copy()
            entry["ttl"], entry["rtt_ms"] = hop.ttl, rtt_ms
        country = entry["country"]
        if country:
            if probe_country and rtt_ms is not None:
                distance = from_probe[country]
                bound = rtt_ms * km_per_ms
                if distance is not None and distance > bound:
                    entry["location_dropped"] = True
                    dropped.append(
                        {
                            "hop": hop.ttl,
                            "ip": ip,
                            "country": country,
                            "rtt_ms": rtt_ms,
                            "distance_km": round(distance),
                            "bound_km": round(bound),
                        }
                    )
            if not entry["location_dropped"]:
                located.append(entry)
        if entry["ixp"]:
            any_ixp = True
        if ip == target:
            reached = reached or bool(ip)
            if not final_seen:
                final_rtt, final_seen = rtt_ms, True
        hops.append(entry)
    outside = [h for h in located if h["country"] not in countries]
    crossings = _crossings(hops, batch.annotator) if any_ixp else []
    verdicts: list[str] = []
    left: bool | None
    rtt_evidence = None
    if outside:
        left = True
        verdicts.append(
            batch.left_in.format(countries=", ".join(sorted({h["country"] for h in outside})))
        )
    elif located:
        left = False
        verdicts.append(batch.all_inside)
    else:
        left = None
        verdicts.append(batch.unlocated)
    both_local = probe_country in countries and destination["country"] in countries
    if (
        both_local
        and final_rtt is not None
        and final_rtt > config.local_rtt_ms
        and left is not True
    ):
        left = True
        rtt_evidence = {"rtt_ms": final_rtt, "threshold_ms": config.local_rtt_ms}
        verdicts.append(batch.left_rtt.format(rtt=final_rtt, limit=config.local_rtt_ms))
    if crossings:
        verdicts.append(batch.crossed.format(ixps=", ".join(sorted({c["ixp"] for c in crossings}))))
    countries_crossed: list[str] = []
    for h in located:
        if not countries_crossed or countries_crossed[-1] != h["country"]:
            countries_crossed.append(h["country"])
    detour = _detour(
        probe_country, destination["country"], countries_crossed, config, batch.distance
    )
    return {
        "id": trace.id,
        "msm_id": trace.msm_id,
        "probe": trace.probe,
        "source": trace.source,
        "source_address": trace.source_address,
        "destination": target,
        "af": trace.af,
        "timestamp": trace.timestamp,
        "probe_country": probe_country,
        "probe_in_territory": probe_country in countries,
        "destination_country": destination["country"],
        "destination_asn": destination["asn"],
        "reached": reached,
        "ixp_crossings": crossings,
        "via_ixp": bool(crossings),
        "left_territory": left,
        "in_territory": left is False,
        "countries_crossed": countries_crossed,
        "detour_index": detour,
        "verdicts": verdicts,
        "evidence": {
            "located_hops": len(located),
            "hops_outside": [
                {
                    "hop": h["ttl"],
                    "ip": h["ip"],
                    "country": h["country"],
                    "source": h["country_source"],
                }
                for h in outside
            ],
            "dropped_locations": dropped,
            "rtt": rtt_evidence,
            "ixp_addresses_seen": [
                {"hop": h["ttl"], "ip": h["ip"], "ixp": batch.annotator.ixp_name(h["ixp"])}
                for h in hops
                if h["ixp"]
            ]
            if any_ixp
            else [],
        },
        "hops": hops,
    }


def _detour(
    probe: str | None,
    destination: str | None,
    crossed: list[str],
    config: Config,
    distance: Callable[[str, str], float | None] = distance_km,
) -> dict[str, Any] | None:
    """Path length through the countries crossed over the direct distance."""
    if not probe or not destination:
        return None
    points = [probe, *crossed, destination]
    legs = [distance(a, b) for a, b in pairwise(points)]
    direct = distance(probe, destination)
    if direct is None or any(leg is None for leg in legs):
        return None
    path_km = sum(leg for leg in legs if leg is not None)
    return {
        "index": round(path_km / max(direct, config.min_direct_km), 2),
        "path_km": round(path_km),
        "direct_km": round(direct),
        "how": _("country points along the located hops / direct distance (floor {km} km)").format(
            km=config.min_direct_km
        ),
    }


def mesh(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The Country Jedi matrix: probe × destination with in-territory and via-exchange marks."""
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    crossed: Counter[str] = Counter()
    for r in results:
        key = (r["probe"], r["destination"])
        cell = cells.setdefault(
            key,
            {
                "probe": r["probe"],
                "destination": r["destination"],
                "traceroutes": 0,
                "in_territory": 0,
                "left_territory": 0,
                "unknown": 0,
                "via_ixp": 0,
                "ids": [],
            },
        )
        cell["traceroutes"] += 1
        cell["ids"].append(r["id"])
        if r["left_territory"] is True:
            cell["left_territory"] += 1
        elif r["left_territory"] is False:
            cell["in_territory"] += 1
        else:
            cell["unknown"] += 1
        cell["via_ixp"] += bool(r["via_ixp"])
        crossed.update(set(r["countries_crossed"]))
    # Whether a path "leaves the territory" only means something for a path that starts
    # in it: traceroutes from probes abroad are shown, never counted in the share.
    local = [r for r in results if r.get("probe_in_territory")]
    decided = [r for r in local if r["left_territory"] is not None]
    leaving = sum(1 for r in decided if r["left_territory"])
    if not local:
        how = _(
            "no probe is in the territory, so nothing to measure: the share counts only "
            "traceroutes from probes in the territory; {n} from elsewhere are shown, not counted"
        ).format(n=len(results))
    else:
        how = _(
            "{leaving} of {decided} traceroutes from probes in the territory with a verdict; "
            "{other} from probes elsewhere not counted"
        ).format(leaving=leaving, decided=len(decided), other=len(results) - len(local))
    return {
        "probes": sorted({r["probe"] for r in results}),
        "destinations": sorted({r["destination"] for r in results}),
        "cells": list(cells.values()),
        "traceroutes_from_territory": len(local),
        "share_leaving": round(leaving / len(decided), 3) if decided else None,
        "share_leaving_how": how,
        "via_ixp": sum(1 for r in results if r["via_ixp"]),
        "countries_crossed": dict(crossed.most_common()),
        "traceroutes": len(results),
    }
