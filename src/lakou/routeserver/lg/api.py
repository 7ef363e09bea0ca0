"""The looking glass as plain functions returning pydantic models (the portal serves them).

Each function takes route servers (``RouteServerEndpoint``: a name, a control socket, the
route server's ASN and its daemon) and answers the same way for BIRD 2 (``lg.bird``, the
control socket spoken directly) and OpenBGPD (``lg.bgpctl``, ``bgpctl -j``): a neighbour's
received, accepted and filtered routes, the routes it is sent, a prefix (exact) or an
address (longest match) on every route server, with every reason decoded in the caller's
language. No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from lakou.routeserver.lg import bgpctl, bird
from lakou.routeserver.lg.birdsock import BirdError
from lakou.routeserver.lg.lookup import wanted as _wanted
from lakou.routeserver.lg.model import (
    Neighbour,
    Reason,
    RoutePage,
    RouteServerEndpoint,
    RouteView,
)

__all__ = [
    "BirdError",
    "Neighbour",
    "Reason",
    "RoutePage",
    "RouteServerEndpoint",
    "RouteView",
    "explain",
    "exported",
    "exported_page",
    "neighbours",
    "routes",
    "routes_page",
    "search",
]


def _daemon(rs: RouteServerEndpoint) -> ModuleType:
    return bgpctl if rs.daemon == "openbgpd" else bird


def _canonical(prefix: str) -> str:
    """The canonical prefix of a search (an address: its host route); BirdError if not one."""
    return _wanted(prefix).prefix


def neighbours(rs: RouteServerEndpoint) -> list[Neighbour]:
    """Member sessions with state, uptime and received, accepted, filtered, sent counts."""
    result: list[Neighbour] = _daemon(rs).neighbours(rs)
    return result


def routes(
    rs: RouteServerEndpoint, neighbour: str, filtered: bool | None = None, lang: str = "en"
) -> list[RouteView]:
    """Routes received from a neighbour: accepted, filtered (with reasons), or both (None)."""
    result: list[RouteView] = _daemon(rs).routes(rs, neighbour, filtered=filtered, lang=lang)
    return result


def exported(rs: RouteServerEndpoint, neighbour: str, lang: str = "en") -> list[RouteView]:
    """Routes the route server sends a neighbour (``sent_to`` names the session)."""
    result: list[RouteView] = _daemon(rs).exported(rs, neighbour, lang=lang)
    return result


def routes_page(
    rs: RouteServerEndpoint,
    neighbour: str,
    filtered: bool | None = None,
    lang: str = "en",
    limit: int = 100,
    offset: int = 0,
) -> RoutePage:
    """One page of ``routes`` and their total. BIRD reads only up to the page (totals from
    its ``count``); OpenBGPD has no paging, so its whole answer is read and sliced."""
    if rs.daemon == "bird2":
        return bird.routes_page(rs, neighbour, filtered, lang=lang, limit=limit, offset=offset)
    found = bgpctl.routes(rs, neighbour, filtered=filtered, lang=lang)
    return RoutePage(total=len(found), routes=found[offset : offset + limit])


def exported_page(
    rs: RouteServerEndpoint, neighbour: str, lang: str = "en", limit: int = 100, offset: int = 0
) -> RoutePage:
    """One page of ``exported`` and its total (paged by BIRD, sliced for OpenBGPD)."""
    if rs.daemon == "bird2":
        return bird.exported_page(rs, neighbour, lang=lang, limit=limit, offset=offset)
    found = bgpctl.exported(rs, neighbour, lang=lang)
    return RoutePage(total=len(found), routes=found[offset : offset + limit])


def search(
    servers: Sequence[RouteServerEndpoint], prefix: str, lang: str = "en"
) -> list[RouteView]:
    """Every route for ``prefix`` (exact) or an address (longest match) on every route
    server, accepted and filtered."""
    wanted = _wanted(prefix)
    out: list[RouteView] = []
    for rs in servers:
        out.extend(_daemon(rs).find(rs, wanted, lang=lang))
    return out


def explain(
    servers: Sequence[RouteServerEndpoint], prefix: str, asn: int, lang: str = "en"
) -> list[RouteView]:
    """Why ``prefix`` (or an address) from AS``asn`` is (not) accepted: its routes with all
    their reasons."""
    wanted = _wanted(prefix)
    out: list[RouteView] = []
    for rs in servers:
        out.extend(_daemon(rs).find(rs, wanted, asn=asn, lang=lang))
    return out
