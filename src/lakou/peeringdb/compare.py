"""Where an exchange's registry and PeeringDB disagree, one typed row per difference.

The exchange (a :class:`lakou.exchange.Exchange`, so no database is needed here) is
matched with the PeeringDB ``ix`` named by its ``peeringdb_ix_id``: the members on one
side and not the other, and for members on both, their peering-LAN addresses (IPv4,
IPv6), AS-SETs, max-prefix values, route-server peering and never-via-route-servers
flag. Values are compared after the same normalisation the pre-fill uses (AS-SETs
upper-cased as a set, ``0`` max-prefix as "not given"), so a row is a real difference.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from lakou.exchange import Exchange, Member
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop
from lakou.peeringdb.cache import PeeringDBCache
from lakou.peeringdb.prefill import parse_irr_as_set

Kind = Literal[
    "missing_in_peeringdb",
    "missing_in_registry",
    "ipv4",
    "ipv6",
    "as_set",
    "max_prefix_v4",
    "max_prefix_v6",
    "rs_peer",
    "never_via_route_servers",
]
KINDS: dict[str, str] = {
    "missing_in_peeringdb": gettext_noop("member not on the exchange in PeeringDB"),
    "missing_in_registry": gettext_noop("in PeeringDB, not a member in the registry"),
    "ipv4": gettext_noop("IPv4 peering-LAN address"),
    "ipv6": gettext_noop("IPv6 peering-LAN address"),
    "as_set": gettext_noop("AS-SET"),
    "max_prefix_v4": gettext_noop("max-prefix IPv4"),
    "max_prefix_v6": gettext_noop("max-prefix IPv6"),
    "rs_peer": gettext_noop("route-server peer"),
    "never_via_route_servers": gettext_noop("never via route servers"),
}


class CompareError(Exception):
    """The comparison cannot be made (no PeeringDB ix id, ix not in the cache)."""


@dataclass(frozen=True)
class Disagreement:
    """One difference: ``registry`` and ``peeringdb`` are the values shown to people."""

    kind: Kind
    asn: int
    name: str
    registry: str
    peeringdb: str

    @property
    def label(self) -> str:
        return _(KINDS[self.kind])

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _addresses(values: Iterable[Any]) -> str:
    return " ".join(sorted({str(v) for v in values if v}, key=_sort_key))


def _sort_key(text: str) -> tuple[int, int]:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return (9, 0)
    return (addr.version, int(addr))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _limit(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def compare(exchange: Exchange, cache: PeeringDBCache) -> list[Disagreement]:
    """Every difference between ``exchange`` and its PeeringDB ix, sorted by ASN."""
    if exchange.peeringdb_ix_id is None:
        raise CompareError(
            _("exchange %(slug)s has no PeeringDB ix id: set it in the registry first")
            % {"slug": exchange.slug}
        )
    if cache.ix(exchange.peeringdb_ix_id) is None:
        raise CompareError(
            _(
                "PeeringDB ix %(id)s is not in the local cache: run `lakou peeringdb sync`, "
                "or `lakou peeringdb load DUMP.json` without the Internet"
            )
            % {"id": exchange.peeringdb_ix_id}
        )
    ports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ixlan in cache.ixlans_of(exchange.peeringdb_ix_id):
        for port in cache.netixlans_of(ixlan["id"]):
            ports[int(port["asn"])].append(port)
    rows: list[Disagreement] = []
    members = {m.asn: m for m in exchange.members}
    for asn in sorted(set(members) | set(ports)):
        member = members.get(asn)
        net = cache.net_by_asn(asn)
        if member is None:
            name = str(net["name"]) if net else ""
            found = _addresses(a for p in ports[asn] for a in (p.get("ipaddr4"), p.get("ipaddr6")))
            rows.append(Disagreement("missing_in_registry", asn, name, "", found))
            continue
        if asn not in ports:
            here = _addresses(a for x in member.addresses for a in (x.ipv4, x.ipv6))
            rows.append(Disagreement("missing_in_peeringdb", asn, member.name, here, ""))
            continue
        rows.extend(_member_rows(member, ports[asn], net))
    return rows


def _member_rows(
    member: Member, ports: list[dict[str, Any]], net: dict[str, Any] | None
) -> list[Disagreement]:
    rows: list[Disagreement] = []

    def differ(kind: Kind, registry: str, peeringdb: str) -> None:
        if registry != peeringdb:
            rows.append(Disagreement(kind, member.asn, member.name, registry, peeringdb))

    differ(
        "ipv4",
        _addresses(a.ipv4 for a in member.addresses),
        _addresses(p.get("ipaddr4") for p in ports),
    )
    differ(
        "ipv6",
        _addresses(a.ipv6 for a in member.addresses),
        _addresses(p.get("ipaddr6") for p in ports),
    )
    registry_rs = any(a.rs_ipv4 or a.rs_ipv6 for a in member.addresses)
    differ("rs_peer", _yes(registry_rs), _yes(any(bool(p.get("is_rs_peer")) for p in ports)))
    if net is None:
        return rows
    ours = sorted({s.upper() for s in member.as_sets})
    theirs = sorted(parse_irr_as_set(net.get("irr_as_set"))[0])
    differ("as_set", " ".join(ours), " ".join(theirs))
    for family in (4, 6):
        kind: Kind = "max_prefix_v4" if family == 4 else "max_prefix_v6"
        mine = _limit(getattr(member, f"max_prefix_v{family}"))
        pdb = _limit(net.get(f"info_prefixes{family}"))
        differ(kind, "" if mine is None else str(mine), "" if pdb is None else str(pdb))
    differ(
        "never_via_route_servers",
        _yes(member.never_via_route_servers),
        _yes(bool(net.get("info_never_via_route_servers"))),
    )
    return rows
