"""What the public pages and the API show, read from the registry in few queries.

One place builds the public view of an exchange, so the HTML pages and the JSON API
can never disagree. Nothing personal leaves here: no contacts, no MAC addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lakou.registry import models as m

# Territories of the region, named as their people name them (ISO 3166-1 alpha-2).
TERRITORY_NAMES: dict[str, Promise] = {
    "MF": _("Saint-Martin"),
    "BL": _("Saint-Barthélemy"),
    "SX": _("Sint Maarten"),
    "GP": _("Guadeloupe"),
    "MQ": _("Martinique"),
    "GF": _("French Guiana"),
    "AG": _("Antigua and Barbuda"),
    "AI": _("Anguilla"),
    "CW": _("Curaçao"),
    "DM": _("Dominica"),
    "KN": _("Saint Kitts and Nevis"),
    "LC": _("Saint Lucia"),
    "TT": _("Trinidad and Tobago"),
}


def territory_name(code: str) -> str:
    return str(TERRITORY_NAMES.get(code.upper(), code.upper()))


@dataclass
class MemberRow:
    asn: int
    name: str
    organisation: str
    website: str
    peering_policy: str
    peering_policy_label: str
    member_type: str
    status: str
    member_since: date | None
    speed_mbps: int
    ports: int
    ipv4: list[str] = field(default_factory=list)
    ipv6: list[str] = field(default_factory=list)
    rs_ipv4: bool = False
    rs_ipv6: bool = False

    @property
    def port_speed_mbps(self) -> int:
        return self.speed_mbps // self.ports if self.ports else 0

    @property
    def route_server(self) -> bool:
        return self.rs_ipv4 or self.rs_ipv6


def exchanges() -> QuerySet[m.Exchange]:
    """Every exchange with its LANs, bridges and member count, in name order."""
    return (
        m.Exchange.objects.annotate(n_members=Count("members", distinct=True))
        .prefetch_related("lans", "bridged_to", "route_servers")
        .order_by("name")
    )


def members(exchange: m.Exchange) -> list[MemberRow]:
    """The exchange's members in ASN order, with speeds, addresses and route-server use."""
    sessions = set(
        m.RouteServerSession.objects.filter(
            route_server__exchange=exchange, enabled=True
        ).values_list("address_id", "afi")
    )
    policies = dict(m.Network.POLICY_CHOICES)
    rows = []
    queryset = (
        exchange.members.select_related("network")
        .prefetch_related(
            Prefetch(
                "connections", queryset=m.Connection.objects.prefetch_related("ports", "addresses")
            )
        )
        .order_by("network__asn")
    )
    for member in queryset:
        net = member.network
        row = MemberRow(
            asn=net.asn,
            name=net.name,
            organisation=net.organisation,
            website=net.website,
            peering_policy=net.peering_policy,
            peering_policy_label=str(policies.get(net.peering_policy, net.peering_policy)),
            member_type=member.member_type,
            status=member.status,
            member_since=member.member_since,
            speed_mbps=0,
            ports=0,
        )
        for conn in member.connections.all():
            ports = list(conn.ports.all())
            row.ports += len(ports)
            row.speed_mbps += sum(p.speed_mbps for p in ports)
            for addr in conn.addresses.all():
                if addr.ipv4:
                    row.ipv4.append(str(addr.ipv4))
                if addr.ipv6:
                    row.ipv6.append(str(addr.ipv6))
                row.rs_ipv4 |= (addr.id, 4) in sessions
                row.rs_ipv6 |= (addr.id, 6) in sessions
        rows.append(row)
    return rows
