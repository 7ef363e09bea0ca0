"""A member's routes on every route server: received, accepted or filtered, with reasons.

The looking glass scoped to one network: the portal's looking-glass queries
(``lakou.portal.lg_queries``, over the route-server engine's door ``lakou.routeserver``)
asked for every session of one ASN on each configured route server at once, each
server answering with one page of routes (BIRD reads only up to the page) and its total.
A route server that does not answer is a message for that server only. The member page
and ``GET /api/members/{asn}/routes`` both read this module, so they cannot disagree.
Who may ask is decided by the caller (``lakou.accounts.roles.may_read_member``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lakou import routeserver  # the engine's door, asked at each call
from lakou.portal import (
    ROUTES_MAX_LIMIT,
    ROUTES_MAX_OFFSET,
    NeighbourRow,
    Page,
    RouteRow,
    ask_each,
    route_rows,
    route_server_neighbours,
    route_servers,
)
from lakou.routeserver import RoutePage, RouteServerEndpoint

# ?status= -> the looking glass's ``filtered`` argument (None: both)
STATUSES: dict[str, bool | None] = {"filtered": True, "accepted": False, "received": None}
DEFAULT_STATUS = "filtered"
PAGE_SIZE = 50


@dataclass
class ServerRoutes:
    """One route server's page of the member's routes, or why there is none."""

    route_server: RouteServerEndpoint
    page: Page[RouteRow] | None
    error: str = ""


@dataclass
class MemberSessionRow:
    """A route-server session of the member as the route server sees it now."""

    route_server: str
    row: NeighbourRow


def parse_status(text: str | None) -> str:
    """``filtered`` (the default), ``accepted`` or ``received``; anything else: ValueError."""
    status = (text or DEFAULT_STATUS).strip().lower()
    if status not in STATUSES:
        raise ValueError(status)
    return status


def routes(
    asn: int, status: str, lang: str, limit: int = PAGE_SIZE, offset: int = 0
) -> list[ServerRoutes]:
    """One page (``limit``/``offset``) of the member's routes on each route server."""
    filtered = STATUSES[status]
    limit = max(1, min(limit, ROUTES_MAX_LIMIT))
    offset = max(0, min(offset, ROUTES_MAX_OFFSET))

    def query(rs: RouteServerEndpoint) -> RoutePage:
        return routeserver.lg_routes_page(
            rs, str(asn), filtered, lang=lang, limit=limit, offset=offset
        )

    out = []
    for answer in ask_each(route_servers(), query):
        if answer.value is None:
            out.append(ServerRoutes(answer.route_server, None, answer.error))
            continue
        rows = route_rows(answer.value.routes)
        page = Page(rows, answer.value.total, limit, offset)
        out.append(ServerRoutes(answer.route_server, page))
    return out


def live_sessions(asn: int) -> tuple[list[MemberSessionRow], list[str]]:
    """The member's sessions on every route server with state and uptime, and the
    messages of route servers that did not answer."""
    found: list[MemberSessionRow] = []
    errors: list[str] = []
    for answer in route_server_neighbours():
        if answer.error:
            errors.append(answer.error)
        for row in answer.value or []:
            if row.neighbour.asn == asn:
                found.append(MemberSessionRow(answer.route_server.name, row))
    return found, errors
