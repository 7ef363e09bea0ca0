"""A member network's private facts, as the member page and the API show them.

Connections with their ports, peering-LAN addresses with their MACs, route-server
sessions and contacts; whether a BGP password is set, never the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from lakou.registry import models as m


@dataclass
class SessionRow:
    exchange: str
    route_server: str
    route_server_asn: int
    afi: int
    address: str
    enabled: bool


@dataclass
class MemberFacts:
    network: m.Network
    memberships: list[Any] = field(default_factory=list)
    contacts: list[m.Contact] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)


def network_or_404(asn: int) -> m.Network:
    network = m.Network.objects.filter(asn=asn).first()
    if network is None:
        raise Http404
    return network


def sessions(network: m.Network) -> list[SessionRow]:
    rows = (
        m.RouteServerSession.objects.filter(address__connection__member__network=network)
        .select_related("route_server__exchange", "address")
        .order_by("route_server__exchange__slug", "route_server__name", "afi")
    )
    return [
        SessionRow(
            exchange=s.route_server.exchange.slug,
            route_server=s.route_server.name,
            route_server_asn=s.route_server.asn,
            afi=s.afi,
            address=str(getattr(s.address, f"ipv{s.afi}") or ""),
            enabled=s.enabled,
        )
        for s in rows
    ]


def member_facts(asn: int) -> MemberFacts:
    network = network_or_404(asn)
    memberships = list(
        m.Member.objects.filter(network=network)
        .select_related("exchange")
        .prefetch_related(
            "connections__ports__switch",
            "connections__addresses__lan",
            "connections__addresses__macs",
        )
    )
    return MemberFacts(
        network=network,
        memberships=memberships,
        contacts=list(network.contacts.all()),
        sessions=sessions(network),
    )
