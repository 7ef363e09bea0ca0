"""A member's traffic: its row and column of the traffic matrix, its 95th percentile, its
port graphs.

The matrix comes from the flow engine's report as the public traffic pages read it
(``lakou.portal.traffic_view``: the same store, period and cache): for each
exchange the member is in, the cells it sends (its row) and receives (its column), each
with the report's 95% error from the number of samples behind it, and the member's mean
and 95th-percentile rates in and out. Port graphs come from the port engine's store
(``<data_dir>/ports/<exchange>``, ``lakou ports collect``): the member's ports are those
the registry gives it (switch and port name), summed per half hour over the last week,
with their mean, peak and 95th percentile. Only the member's own figures leave here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from lakou.portal import parse_days, traffic_view
from lakou.registry import models as m

PORT_DAYS = 7
PORT_BUCKET = 1800  # seconds: the half-hour points of the week graph


@dataclass
class ExchangeTraffic:
    exchange: str
    name: str
    in_bps: float
    out_bps: float
    in_p95_bps: float
    out_p95_bps: float
    sent: list[dict[str, Any]]  # its row: cells it sends, busiest first
    received: list[dict[str, Any]]  # its column: cells it receives


@dataclass
class MemberTraffic:
    status: str
    days: int
    since: int = 0
    until: int = 0
    error: str = ""
    exchanges: list[ExchangeTraffic] = field(default_factory=list)


def traffic(asn: int, days: int) -> MemberTraffic:
    """The member's row and column of each of its exchanges' matrix, and its rates."""
    days = parse_days(str(days))
    slugs = set(m.Member.objects.filter(network__asn=asn).values_list("exchange__slug", flat=True))
    view = traffic_view(days)
    out = MemberTraffic(view.status, days, view.since, view.until, view.error)
    for figures in view.exchanges:
        if figures.slug not in slugs:
            continue
        report = figures.report.as_dict()  # the figures as the API and `flows report` give them
        row = next((r for r in report["members"] if r["asn"] == asn), None)
        cells = report["matrix"]
        out.exchanges.append(
            ExchangeTraffic(
                exchange=figures.slug,
                name=figures.name,
                in_bps=float(row["in_bps"]) if row else 0.0,
                out_bps=float(row["out_bps"]) if row else 0.0,
                in_p95_bps=float(row["in_p95_bps"]) if row else 0.0,
                out_p95_bps=float(row["out_p95_bps"]) if row else 0.0,
                sent=sorted((c for c in cells if c["src"] == asn), key=lambda c: -c["bytes"]),
                received=sorted((c for c in cells if c["dst"] == asn), key=lambda c: -c["bytes"]),
            )
        )
    return out


@dataclass
class PortGraph:
    exchange: str
    ports: list[str]
    series: list[tuple[float, float, float]]  # (bucket start, in b/s, out b/s)
    mean_bps: float
    peak_bps: float
    p95_bps: float
    error: str = ""


def port_graphs(asn: int, now: float | None = None) -> list[PortGraph]:
    """The member's ports on each exchange with a port store: a week's series and figures."""
    from lakou.portal import port_store_directory
    from lakou.ports import PortStore, PortStoreError, ports_week

    now = time.time() if now is None else now
    since = now - PORT_DAYS * 86400
    by_exchange: dict[str, list[tuple[str, str]]] = {}
    for slug, switch, port in m.Port.objects.filter(
        connection__member__network__asn=asn
    ).values_list("connection__member__exchange__slug", "switch__name", "name"):
        by_exchange.setdefault(slug, []).append((switch, port))
    graphs = []
    for slug, ports in sorted(by_exchange.items()):
        directory = port_store_directory(slug)
        if not directory.is_dir():
            continue
        names = [f"{s}:{p}" for s, p in ports]
        try:
            week = ports_week(PortStore(directory), ports, since, now, PORT_BUCKET)
        except PortStoreError as exc:
            graphs.append(PortGraph(slug, names, [], 0.0, 0.0, 0.0, str(exc)))
            continue
        graphs.append(
            PortGraph(
                exchange=slug,
                ports=names,
                series=week["series"],
                mean_bps=week["mean_bps"],
                peak_bps=week["peak_bps"],
                p95_bps=week["p95_bps"],
            )
        )
    return graphs
