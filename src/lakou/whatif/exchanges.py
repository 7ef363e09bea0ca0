"""The registry's exchanges on the AS graph: route-server clients become hubs.

Takes :class:`lakou.exchange.Exchange` objects (the registry's view for engines, or one
built from IX-F or arouteserver files) and never Django. A member is a route-server
client when one of its peering-LAN addresses has a route-server session (in the chosen
address family) and it has not asked to stay off route servers. Exchanges joined by a
layer-2 bridge share one hub: their route servers see each other's clients.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from lakou.exchange import Exchange, Member
from lakou.whatif.graph import AsGraph
from lakou.whatif.scenario_file import ExchangeSpec, bridged_groups

Family = Literal["any", "ipv4", "ipv6"]


def route_server_clients(exchange: Exchange, family: Family = "any") -> list[int]:
    """ASNs of the members that have a route-server session in ``family``."""
    return sorted({m.asn for m in exchange.members if _is_client(m, family)})


def _is_client(member: Member, family: Family) -> bool:
    if member.never_via_route_servers:
        return False
    for address in member.addresses:
        if family in ("any", "ipv4") and address.rs_ipv4:
            return True
        if family in ("any", "ipv6") and address.rs_ipv6:
            return True
    return False


def exchange_specs(exchanges: Iterable[Exchange], family: Family = "any") -> list[ExchangeSpec]:
    """Scenario exchange entries for registry exchanges (bridges kept)."""
    return [
        ExchangeSpec(
            slug=ex.slug,
            name=ex.name,
            members=[str(a) for a in route_server_clients(ex, family)],
            bridged_to=list(ex.bridged_to),
        )
        for ex in exchanges
    ]


def add_exchanges(
    graph: AsGraph, exchanges: Iterable[Exchange], family: Family = "any"
) -> dict[str, set[str]]:
    """Add each exchange (or bridged group of exchanges) to ``graph`` as a hub."""
    added: dict[str, set[str]] = {}
    for name, members in bridged_groups(exchange_specs(exchanges, family)).items():
        added[name] = set(graph.add_hub(name, members))
    return added
