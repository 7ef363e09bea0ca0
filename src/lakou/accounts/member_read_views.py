"""A member's routes and traffic pages: ``/members/<asn>/routes/`` and ``.../traffic/``.

Tabs of the member page, for the member's users and staff only (anyone else: 404, like
the member page). Routes: the member's sessions on each route server with state and
uptime, then its filtered (every reason), accepted or received routes per server, paged.
Traffic: its row and column of each exchange's traffic matrix with their 95% errors, its
mean and 95th-percentile rates, and its port graphs (plotly served by the portal, drawn by
a static script: the Content-Security-Policy allows scripts from the portal only).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lakou.accounts import member_routes, member_traffic
from lakou.accounts.member_data import network_or_404
from lakou.accounts.roles import may_read_member
from lakou.portal import (
    ROUTES_MAX_OFFSET,
    TRAFFIC_PERIODS,
    parse_days,
    plotly_context,
    route_servers,
    visitor_language,
)


def _network(request: HttpRequest, asn: int) -> Any:
    if not may_read_member(request.user, asn):
        raise Http404
    return network_or_404(asn)


def _offset(request: HttpRequest) -> int:
    text = request.GET.get("offset", "0")
    return min(int(text), ROUTES_MAX_OFFSET) if text.isascii() and text.isdigit() else 0


@login_required
@require_GET
def member_routes_page(request: HttpRequest, asn: int) -> HttpResponse:
    network = _network(request, asn)
    try:
        status = member_routes.parse_status(request.GET.get("status"))
    except ValueError:
        status = member_routes.DEFAULT_STATUS
    sessions, session_errors = member_routes.live_sessions(asn)
    servers = member_routes.routes(
        asn, status, visitor_language(), member_routes.PAGE_SIZE, _offset(request)
    )
    tabs = [
        ("filtered", _("Filtered")),
        ("accepted", _("Accepted")),
        ("received", _("Received")),
    ]
    context = {
        "network": network,
        "status": status,
        "tabs": tabs,
        "sessions": sessions,
        "session_errors": session_errors,
        "servers": servers,
        "configured": bool(route_servers()),
    }
    return render(request, "accounts/member_routes.html", context)


@login_required
@require_GET
def member_traffic_page(request: HttpRequest, asn: int) -> HttpResponse:
    network = _network(request, asn)
    days = parse_days(request.GET.get("days"))
    found = member_traffic.traffic(asn, days)
    graphs = member_traffic.port_graphs(asn)
    chart = {
        "exchanges": [
            {
                "id": f"matrix-chart-{i}",
                "sent": _bars(e.sent, "dst_name"),
                "received": _bars(e.received, "src_name"),
            }
            for i, e in enumerate(found.exchanges)
            if e.sent or e.received
        ],
        "ports": [
            {
                "id": f"port-chart-{i}",
                "x": [b for b, _i, _o in g.series],
                "in": [round(v) for _b, v, _o in g.series],
                "out": [round(v) for _b, _i, v in g.series],
            }
            for i, g in enumerate(graphs)
            if g.series
        ],
        "labels": {
            "sent": _("Sent to"),
            "received": _("Received from"),
            "in": _("Sent into the exchange"),
            "out": _("Received from the exchange"),
        },
    }
    context = {
        "network": network,
        "found": found,
        "graphs": graphs,
        "periods": TRAFFIC_PERIODS,
        "chart": chart,
        **plotly_context(),
    }
    return render(request, "accounts/member_traffic.html", context)


def _bars(cells: list[dict[str, Any]], name: str) -> dict[str, list[Any]]:
    """A bar per peer: its rate, and the 95% error in bits per second."""
    return {
        "names": [c[name] for c in cells],
        "bps": [round(c["bps"]) for c in cells],
        "error": [round(c["bps"] * (c["error_pct"] or 0) / 100) for c in cells],
    }
