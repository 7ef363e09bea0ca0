"""What a member reads through the API with its key: its routes and its traffic.

``GET /api/members/{asn}/routes?status=filtered|accepted|received`` gives the member's
routes on each route server (one page per server, ``limit``/``offset``), every filtered
route with all its reasons in the asked language; ``GET /api/members/{asn}/traffic`` its
row and column of the traffic matrix with their 95% errors, and its 95th percentiles. The
same rule as ``lakou.accounts.api``: a Bearer key (read scope is enough) of the member's
users or of staff; another member's key or a regulator's gets a 404, no key or a dead
key a 401. Mounted beside ``lakou.accounts.api``'s router under ``/api/members``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from lakou.accounts import member_routes, member_traffic
from lakou.accounts.api import BearerKey
from lakou.accounts.member_data import network_or_404
from lakou.accounts.roles import may_read_member
from lakou.i18n import normalise
from lakou.portal import ROUTES_MAX_LIMIT, ROUTES_MAX_OFFSET, RouteOut, route_out, visitor_language

router = Router(tags=["members (authenticated)"], auth=BearerKey())

STATUS = Query(
    member_routes.DEFAULT_STATUS,
    pattern="^(filtered|accepted|received)$",
    description="filtered (the default, each with every reason), accepted, or received (both)",
)
LIMIT = Query(member_routes.PAGE_SIZE, ge=1, le=ROUTES_MAX_LIMIT, description="Routes per server.")
OFFSET = Query(0, ge=0, le=ROUTES_MAX_OFFSET, description="Skip this many routes on each server.")
LANG = Query(None, pattern="^(en|fr|es)$", description="Language of the reasons.")


def _readable(request: HttpRequest, asn: int) -> None:
    if not may_read_member(request.user, asn):
        raise HttpError(404, "Not Found")
    network_or_404(asn)


class ServerRoutesOut(Schema):
    route_server: str
    ok: bool
    error: str | None
    total: int
    limit: int
    offset: int
    next_offset: int | None
    routes: list[RouteOut]


class MemberRoutesOut(Schema):
    asn: int
    status: str
    route_servers: list[ServerRoutesOut]


@router.get(
    "/{int:asn}/routes",
    response=MemberRoutesOut,
    url_name="member_routes",
    summary="The member's routes on each route server, filtered ones with every reason",
)
def member_routes_view(
    request: HttpRequest,
    asn: int,
    status: str = STATUS,
    limit: int = LIMIT,
    offset: int = OFFSET,
    lang: str | None = LANG,
) -> MemberRoutesOut:
    _readable(request, asn)
    language = normalise(lang) if lang else visitor_language()
    with translation.override(language):
        answers = member_routes.routes(asn, status, language, limit, offset)
        servers = [
            ServerRoutesOut(
                route_server=a.route_server.name,
                ok=a.page is not None,
                error=a.error or None,
                total=a.page.total if a.page else 0,
                limit=a.page.limit if a.page else limit,
                offset=a.page.offset if a.page else offset,
                next_offset=a.page.next_offset if a.page else None,
                routes=[route_out(row) for row in a.page.items] if a.page else [],
            )
            for a in answers
        ]
    return MemberRoutesOut(asn=asn, status=status, route_servers=servers)


class CellOut(Schema):
    src: int
    src_name: str
    dst: int
    dst_name: str
    bps: float
    bytes: int
    samples: int
    error_pct: float | None


class ExchangeTrafficOut(Schema):
    exchange: str
    name: str
    in_bps: float
    out_bps: float
    in_p95_bps: float
    out_p95_bps: float
    sent: list[CellOut]
    received: list[CellOut]


class MemberTrafficOut(Schema):
    asn: int
    status: str
    days: int
    since: int
    until: int
    exchanges: list[ExchangeTrafficOut]


@router.get(
    "/{int:asn}/traffic",
    response=MemberTrafficOut,
    url_name="member_traffic",
    summary="The member's row and column of the traffic matrix, with errors, and its p95",
)
def member_traffic_view(
    request: HttpRequest,
    asn: int,
    days: int = Query(7, description="1, 7 or 30: the last days of data"),
) -> dict[str, Any]:
    _readable(request, asn)
    found = member_traffic.traffic(asn, days)
    return {
        "asn": asn,
        "status": found.status,
        "days": found.days,
        "since": found.since,
        "until": found.until,
        "exchanges": [vars(e) for e in found.exchanges],
    }
