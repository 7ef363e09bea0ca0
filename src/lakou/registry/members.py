"""The members of an exchange as plain data: ``lakou member list`` and ``member show``.

:func:`member_roll` is an exchange's roll call (each membership with its addresses,
route-server families and speed); :func:`member_details` is everything about one
network's memberships (MACs, ports, connection states, route-server options too). Both
return :data:`MemberRow` dictionaries, the JSON the command prints, and refuse with one
message: :class:`~lakou.registry.slugs.UnknownExchange` for a slug the registry does not
have, :class:`NotAMember` for a network with no membership there. A BGP password is never
in a row, only whether one is set.
"""

from __future__ import annotations

from typing import Any

from lakou.i18n import gettext as _
from lakou.registry import models as m
from lakou.registry.slugs import unknown_exchange

# One membership as the command prints it (its JSON output).
MemberRow = dict[str, Any]


class NotAMember(LookupError):
    """The network has no membership at the exchange asked (or at any); the message says so."""


def member_roll(slug: str) -> list[MemberRow]:
    """The members of exchange ``slug`` by ASN, or :class:`UnknownExchange`."""
    _known(slug)
    return [member_row(member) for member in _members(exchange__slug=slug)]


def member_details(asn: int, slug: str | None = None) -> list[MemberRow]:
    """Every membership of AS ``asn`` (only at ``slug`` when given), with the details."""
    filters: dict[str, Any] = {"network__asn": asn}
    if slug:
        _known(slug)
        filters["exchange__slug"] = slug
    rows = [member_row(member, details=True) for member in _members(**filters)]
    if not rows:
        raise NotAMember(
            _("AS%(asn)d is not a member of %(where)s")
            % {"asn": asn, "where": slug or _("any exchange")}
        )
    return rows


def _known(slug: str) -> None:
    if not m.Exchange.objects.filter(slug=slug).exists():
        raise unknown_exchange(slug)


def member_row(member: m.Member, *, details: bool = False) -> MemberRow:
    """A membership as plain data (the JSON output); never the BGP password itself."""
    net = member.network
    addresses = []
    speed = 0
    for conn in member.connections.all():
        ports = list(conn.ports.all())
        speed += sum(p.speed_mbps for p in ports)
        for addr in conn.addresses.all():
            item: dict[str, Any] = {
                "lan": addr.lan.name,
                "ipv4": addr.ipv4,
                "ipv6": addr.ipv6,
                "route_server": sorted({s.afi for s in addr.rs_sessions.all() if s.enabled}),
            }
            if details:
                item["macs"] = sorted(mac.mac for mac in addr.macs.all())
                item["connection"] = conn.name or str(conn.pk)
                item["state"] = conn.state
                item["ports"] = [f"{p.switch.name}:{p.name} {p.speed_mbps}" for p in ports]
            addresses.append(item)
    row: MemberRow = {
        "exchange": member.exchange.slug,
        "asn": net.asn,
        "name": net.name,
        "organisation": net.organisation,
        "member_type": member.member_type,
        "status": member.status,
        "member_since": member.member_since.isoformat() if member.member_since else None,
        "peering_policy": net.peering_policy,
        "as_set": net.as_set,
        "max_prefix_v4": net.max_prefix_v4,
        "max_prefix_v6": net.max_prefix_v6,
        "speed_mbps": speed,
        "addresses": addresses,
        "bgp_password_set": bool(member.bgp_password),
    }
    if details:
        row["website"] = net.website
        row["never_via_route_servers"] = net.never_via_route_servers
        row["route_server_options"] = member.route_server_options or {}
    return row


def _members(**filters: Any) -> Any:
    return (
        m.Member.objects.filter(**filters)
        .select_related("network", "exchange")
        .prefetch_related(
            "connections__ports__switch",
            "connections__addresses__lan",
            "connections__addresses__macs",
            "connections__addresses__rs_sessions",
        )
        .order_by("exchange__slug", "network__asn")
    )
