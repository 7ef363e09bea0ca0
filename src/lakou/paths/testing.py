"""A seeded generator of RIPE Atlas traceroute results through real exchanges, for the
differential test against traIXroute and for benchmarks.

Real measurements rarely cross the exchanges of a 2016 data set in the very shapes the
crossing rules tell apart, so this builds them: each result has the JSON shape of a
RIPE Atlas traceroute (``type``, ``af``, ``msm_id``, ``prb_id``, ``from``, ``src_addr``,
``dst_addr``, ``result`` with three replies or three ``{"x": "*"}`` per hop) and its hops
are real addresses taken from the data both tools read:

* exchange LAN addresses of real members (PeeringDB netixlan, PCH membership) inside the
  exchange's real peering-LAN prefix (PeeringDB ixpfx, PCH subnets);
* addresses of the LAN that no member list names (the owner is unknown);
* router addresses of real ASes, inside a /24 that the RouteViews pfx2as file says the AS
  originates alone: members of the exchange, and ASes that are members of no exchange.

Each result comes with the :class:`Case` that made it: the hop pattern, the roles of the
hops and the exchange, so a test can say what each rule should decide.
"""

from __future__ import annotations

import ipaddress
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.territory import IxpDirectory, open_text

# Hop roles in a pattern:
#   "a", "b", "c"  routers of three different members of the exchange (AS a, b, c)
#   "n", "m"       routers of two different ASes that are members of no exchange
#   "B", "C"       the exchange LAN address of member b (c); "U", "V": LAN addresses no
#                  member list names
#   "*"            no reply
# The pattern is put between two routers of the first AS and after a home router.
PATTERNS: dict[str, tuple[str, ...]] = {
    "member-to-member": ("a", "B", "b"),
    "member-to-member-to-third": ("a", "B", "c"),
    "member-to-member-to-nonmember": ("a", "B", "n"),
    "nonmember-to-member": ("n", "B", "b"),
    "nonmember-to-member-to-third": ("n", "B", "c"),
    "nonmember-to-member-to-nonmember": ("n", "B", "m"),
    "owner-before-member": ("b", "B", "c"),
    "owner-before-nonmember": ("b", "B", "n"),
    "unknown-member-to-nonmember": ("a", "U", "n"),
    "unknown-nonmember-to-member": ("n", "U", "c"),
    "unknown-member-to-member": ("a", "U", "c"),
    "unknown-nonmember-to-nonmember": ("n", "U", "m"),
    "unknown-alone-same-member": ("a", "U", "a"),
    "unknown-alone-same-nonmember": ("n", "U", "n"),
    "unknown-alone-no-replies": ("*", "U", "*"),
    "member-last-hop": ("a", "B"),
    "unknown-last-hop": ("a", "U"),
    "consecutive-members": ("a", "B", "C", "c"),
    "consecutive-unknown": ("a", "U", "V", "c"),
    "star-before-member": ("a", "*", "B", "b"),
    "star-after-member": ("a", "B", "*", "b"),
    "star-around-unknown": ("a", "*", "U", "*", "n"),
    "no-exchange": ("a", "n"),
}


@dataclass
class ExchangeSample:
    """An exchange with enough clean data to build every pattern."""

    key: str
    name: str
    lan: str
    members: dict[int, list[str]]  # member ASN -> its addresses on the LAN
    unknown: list[str]  # LAN addresses no member list names


@dataclass
class Case:
    pattern: str
    exchange: str  # IxpDirectory key
    roles: list[str]  # one per hop, "home" for the probe's router
    asns: dict[str, int] = field(default_factory=dict)  # role letter -> ASN


@dataclass
class CorpusData:
    exchanges: list[ExchangeSample]
    routers: dict[int, str]  # ASN -> a /24 it alone originates
    outsiders: list[int]  # ASNs members of no exchange


def single_origin_24s(pfx2as: Path) -> dict[int, str]:
    """ASN -> the first IPv4 /24 it alone originates in a RouteViews pfx2as file."""
    found: dict[int, str] = {}
    with open_text(pfx2as) as handle:
        for line in handle:
            fields = line.split()
            if len(fields) == 3 and fields[1] == "24" and fields[2].isdigit():
                found.setdefault(int(fields[2]), fields[0])
    return found


def corpus_data(ixps: IxpDirectory, pfx2as: Path, *, min_members: int = 3) -> CorpusData:
    """Exchanges whose LAN and member addresses are unambiguous in the data.

    A member address is kept when every record of it (PeeringDB, PCH) names the same AS
    and the same exchange and it lies in that exchange's IPv4 LAN; a LAN must be public
    (no RFC 1918 space: traIXroute drops reserved prefixes) and hold at least
    ``min_members`` members that also have a router /24.
    """
    routers = single_origin_24s(pfx2as)
    lan_index, lan_keys = ixps.lan_index()
    owners: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for member in ixps.members:
        owners[member.ip].add((member.ixp, member.asn))
    member_asns = {m.asn for m in ixps.members}
    by_lan: dict[tuple[str, str], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    v4 = sorted(ip for ip in owners if ":" not in ip)
    rows = lan_index.lookup(v4)
    for ip, (prefix, _asn, _cc) in zip(v4, rows, strict=True):
        if prefix is None or len(owners[ip]) != 1:
            continue
        key, asn = next(iter(owners[ip]))
        row = int(lan_index.lookup_rows([ip])[0])
        if lan_keys[row] != key or asn not in routers:
            continue
        by_lan[(key, prefix)][asn].append(ip)
    exchanges = []
    for (key, lan), members in sorted(by_lan.items()):
        network = ipaddress.ip_network(lan)
        if not network.is_global or len(members) < min_members or network.prefixlen > 24:
            continue
        taken = set(owners)
        unknown = [
            str(network.network_address + offset)
            for offset in range(network.num_addresses - 2, 0, -1)
            if str(network.network_address + offset) not in taken
        ][:8]
        if len(unknown) < 2:
            continue
        exchanges.append(
            ExchangeSample(
                key, ixps.name(key), lan, {a: sorted(v) for a, v in members.items()}, unknown
            )
        )
    # the routers must not sit in any exchange LAN themselves
    addresses = {asn: _router(prefix, 1) for asn, prefix in routers.items()}
    in_lan = dict(
        zip(addresses, lan_index.lookup_rows(list(addresses.values())).tolist(), strict=True)
    )
    routers = {asn: p for asn, p in routers.items() if in_lan[asn] < 0}
    outsiders = sorted(asn for asn in routers if asn not in member_asns)
    return CorpusData(exchanges, routers, outsiders)


def _router(prefix: str, host: int) -> str:
    return str(ipaddress.ip_address(prefix) + host)


def generate(
    data: CorpusData,
    count: int,
    *,
    seed: int = 6,
    patterns: dict[str, tuple[str, ...]] | None = None,
) -> Iterator[tuple[dict[str, Any], Case]]:
    """``count`` RIPE Atlas results, cycling through the patterns; same seed, same results."""
    rng = random.Random(seed)
    patterns = patterns or PATTERNS
    names = sorted(patterns)
    usable = [x for x in data.exchanges if sum(1 for a in x.members if a in data.routers) >= 3]
    if not usable or len(data.outsiders) < 2:
        raise ValueError("the data hold no exchange with three members and routers")
    for number in range(count):
        pattern = names[number % len(names)]
        exchange = rng.choice(usable)
        a, b, c = rng.sample(sorted(m for m in exchange.members if m in data.routers), 3)
        n, m = rng.sample(data.outsiders, 2)
        asns = {"a": a, "b": b, "c": c, "n": n, "m": m}
        unknown = rng.sample(exchange.unknown, 2)
        lan = {
            "B": rng.choice(exchange.members[b]),
            "C": rng.choice(exchange.members[c]),
            "U": unknown[0],
            "V": unknown[1],
        }
        roles = ["home", "a", "a", *patterns[pattern]]
        if roles[-1] not in ("B", "U"):  # end in the last AS, as a real path does
            roles.append(roles[-1])
        hops: list[str | None] = []
        hosts: dict[str, int] = defaultdict(lambda: rng.randrange(1, 120))
        for position, role in enumerate(roles):
            if role == "home":
                hops.append("192.168.1.1")
            elif role == "*":
                hops.append(None)
            elif role in lan:
                hops.append(lan[role])
            else:
                host = hosts[role] + position  # two routers of one AS: two addresses
                hops.append(_router(data.routers[asns[role]], host))
        yield _atlas(number, hops, rng), Case(pattern, exchange.key, roles, asns)


def _atlas(number: int, hops: list[str | None], rng: random.Random) -> dict[str, Any]:
    rtt = 0.5
    result: list[dict[str, Any]] = []
    for ttl, ip in enumerate(hops, start=1):
        rtt += rng.uniform(0.1, 2.0)
        if ip is None:
            replies: list[dict[str, Any]] = [{"x": "*"}] * 3
        else:
            replies = [
                {
                    "from": ip,
                    "rtt": round(rtt + rng.uniform(0, 0.3), 3),
                    "size": 28,
                    "ttl": 255 - ttl,
                }
                for _ in range(3)
            ]
        result.append({"hop": ttl, "result": replies})
    destination = next(ip for ip in reversed(hops) if ip is not None)
    return {
        "af": 4,
        "dst_addr": destination,
        "dst_name": destination,
        "endtime": 1476900000 + number + 1,
        "from": "203.0.113.10",
        "fw": 4740,
        "msm_id": 6000000,
        "paris_id": number % 16,
        "prb_id": 60000 + number,
        "proto": "ICMP",
        "result": result,
        "size": 48,
        "src_addr": "192.168.1.10",
        "timestamp": 1476900000 + number,
        "type": "traceroute",
    }
