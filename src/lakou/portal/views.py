"""The public pages: the exchanges of this install, and one page per exchange.

Their anonymous answers are kept whole in memory (:mod:`lakou.portal.pagecache`) until
the registry changes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lakou.portal import queries
from lakou.portal.pagecache import public_page


@public_page()
def home(request: HttpRequest) -> HttpResponse:
    """Every exchange: territory, city, peering LANs, members, bridges."""
    exchanges = list(queries.exchanges())
    return render(
        request,
        "portal/home.html",
        {
            "exchanges": exchanges,
            "any_demo": any(ex.demo for ex in exchanges),
            "member_total": sum(getattr(ex, "n_members", 0) for ex in exchanges),
        },
    )


@public_page()
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """One exchange: its peering LANs, route servers and members."""
    ex = get_object_or_404(queries.exchanges(), slug=slug)
    members = queries.members(ex)
    return render(
        request,
        "portal/exchange.html",
        {
            "exchange": ex,
            "lans": list(ex.lans.all()),
            "route_servers": sorted(ex.route_servers.all(), key=lambda rs: rs.name),
            "members": members,
            "rs_count": sum(1 for row in members if row.route_server),
            "capacity_mbps": sum(row.speed_mbps for row in members),
        },
    )
