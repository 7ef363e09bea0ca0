"""What a regulator reads: each exchange's aggregates, never a member's private data.

Per exchange: how many members, ports and how much capacity; its traffic (the flow
engine's report: traffic between members, mean and peak, the local share with its 95 %
error, the transit cost avoided) and its ports' week (mean, 95th percentile, peak,
utilisation, from the port engine's store); and its resilience in counts: route servers
and how many sessions each has up now, members reachable on two route servers or more,
members connected by two ports or more. Numbers only: no member's name, address, MAC,
contact, or its own traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from lakou import routeserver  # the engine's door, asked at each call
from lakou.portal import ask_each, route_servers, traffic_view
from lakou.registry import models as m


@dataclass
class RouteServerState:
    name: str
    established: int = 0
    sessions: int = 0  # -1: not in the looking glass (routeserver.route_servers)
    error: str = ""


@dataclass
class ExchangeAggregates:
    slug: str
    name: str
    members: int
    ports: int
    capacity_mbps: int
    members_on_two_route_servers: int
    members_with_two_ports: int
    traffic: Any = None  # the traffic pages' ExchangeFigures, or None without flows
    port_week: dict[str, Any] | None = None
    route_servers: list[RouteServerState] = field(default_factory=list)


@dataclass
class RegulatorView:
    days: int
    status: str
    since: int
    until: int
    exchanges: list[ExchangeAggregates]


def _port_week(slug: str) -> dict[str, Any] | None:
    from lakou.portal import port_store_directory
    from lakou.ports import PortStore, PortStoreError, exchange_page

    directory = port_store_directory(slug)
    if not directory.is_dir():
        return None
    try:
        week = exchange_page(PortStore(directory)).get("week") or {}
    except PortStoreError:
        return None
    stats: dict[str, Any] | None = week.get("statistics")
    if not stats or not stats.get("points"):
        return None
    share = stats.get("utilisation")
    return {**stats, "utilisation_pct": None if share is None else share * 100}


def _route_servers() -> dict[str, RouteServerState]:
    """Sessions up per configured route server (counts only)."""
    out = {}
    for answer in ask_each(route_servers(), routeserver.lg_neighbours):
        state = RouteServerState(answer.route_server.name, error=answer.error)
        for n in answer.value or []:
            state.sessions += 1
            state.established += n.state == "Established"
        out[state.name] = state
    return out


def regulator_view(days: int) -> RegulatorView:
    traffic = traffic_view(days)
    figures = {f.slug: f for f in traffic.exchanges}
    live = _route_servers()
    exchanges = []
    for ex in m.Exchange.objects.order_by("name"):
        ports = m.Port.objects.filter(connection__member__exchange=ex)
        two_ports = (
            m.Member.objects.filter(exchange=ex)
            .annotate(n=Count("connections__ports", distinct=True))
            .filter(n__gte=2)
            .count()
        )
        two_rs = (
            m.Member.objects.filter(exchange=ex)
            .annotate(n=Count("connections__addresses__rs_sessions__route_server", distinct=True))
            .filter(n__gte=2)
            .count()
        )
        names = list(ex.route_servers.order_by("name").values_list("name", flat=True))
        exchanges.append(
            ExchangeAggregates(
                slug=ex.slug,
                name=ex.name,
                members=m.Member.objects.filter(exchange=ex).count(),
                ports=ports.count(),
                capacity_mbps=sum(ports.values_list("speed_mbps", flat=True)),
                members_on_two_route_servers=two_rs,
                members_with_two_ports=two_ports,
                traffic=figures.get(ex.slug),
                port_week=_port_week(ex.slug),
                route_servers=[live.get(n, RouteServerState(n, sessions=-1)) for n in names],
            )
        )
    return RegulatorView(days, traffic.status, traffic.since, traffic.until, exchanges)
