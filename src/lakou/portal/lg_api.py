"""The looking glass in the JSON API (``/api/lg/...``): thin wrappers over the engine.

Each operation validates its inputs in ``lg_queries`` (a 422 names the parameter, in
django-ninja's usual ``detail`` list), bounds what it returns with ``limit``/``offset``,
and answers in the visitor's language (``?lang=``, else the request's). A route server
that does not answer is an ``errors`` entry in multi-server answers and a 503 when the
question was about that server alone.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from lakou.i18n import normalise
from lakou.portal import lg_queries as q
from lakou.routeserver import RouteServerEndpoint

router = Router(tags=["looking glass"])

LIMIT = Query(q.DEFAULT_LIMIT, ge=1, le=q.MAX_LIMIT, description="At most this many routes.")
OFFSET = Query(0, ge=0, le=q.MAX_OFFSET, description="Skip this many routes (pagination).")
LANG = Query(
    None,
    pattern="^(en|fr|es)$",
    description="Language of the reasons; default: the request's (Accept-Language, cookie).",
)


class MemberOut(Schema):
    asn: int
    name: str
    exchange: str
    exchange_name: str


class NeighbourOut(Schema):
    session: str
    asn: int | None
    address: str
    description: str
    member: MemberOut | None
    state: str
    since: str
    uptime_seconds: int | None
    received: int
    accepted: int
    filtered: int
    exported: int
    last_error: str


class RouteServerOut(Schema):
    name: str
    rs_asn: int
    ok: bool
    error: str | None
    neighbours: list[NeighbourOut]


class NeighboursOut(Schema):
    route_servers: list[RouteServerOut]


class ReasonOut(Schema):
    code: int
    slug: str
    text: str
    community: str


class RouteOut(Schema):
    route_server: str
    session: str
    asn: int | None
    name: str
    prefix: str
    as_path: str
    next_hop: str
    filtered: bool
    primary: bool
    local_pref: int | None
    communities: list[str]
    large_communities: list[str]
    reasons: list[ReasonOut]
    tags: list[ReasonOut]
    sent_to: str


class RoutesOut(Schema):
    route_server: str
    neighbour: str
    filtered: bool | None
    total: int
    limit: int
    offset: int
    routes: list[RouteOut]


class ServerErrorOut(Schema):
    route_server: str
    error: str


class FoundOut(Schema):
    prefix: str
    asn: int | None
    total: int
    limit: int
    offset: int
    routes: list[RouteOut]
    errors: list[ServerErrorOut]


class ErrorOut(Schema):
    detail: str


def _invalid(location: str, exc: q.InputError) -> ValidationError:
    return ValidationError(
        [{"loc": [location, exc.field], "msg": exc.message, "type": "value_error"}]
    )


def _lang(lang: str | None) -> str:
    return normalise(lang) if lang else q.visitor_language()


def _session(rs: str, neighbour: str) -> tuple[RouteServerEndpoint, str]:
    """The route server and neighbour a path names: 404 for an unknown server, 422 for a bad
    neighbour."""
    endpoint: RouteServerEndpoint | None = q.route_server(rs)
    if endpoint is None:
        raise HttpError(404, _("Unknown route server: %(rs)s") % {"rs": rs[:64]})
    try:
        return endpoint, q.parse_neighbour(neighbour)
    except q.InputError as exc:
        raise _invalid("path", exc) from None


def _routes_out(
    endpoint: RouteServerEndpoint,
    neighbour: str,
    filtered: bool | None,
    answer: q.ServerAnswer[q.Page[q.RouteRow]],
) -> RoutesOut:
    """One page of a neighbour's routes, or 503 when the route server did not answer."""
    if answer.value is None:
        raise HttpError(503, answer.error)
    rows = answer.value
    return RoutesOut(
        route_server=endpoint.name,
        neighbour=neighbour,
        filtered=filtered,
        total=rows.total,
        limit=rows.limit,
        offset=rows.offset,
        routes=[route_out(row) for row in rows.items],
    )


def route_out(row: q.RouteRow) -> RouteOut:
    """A looking-glass route row as the API gives it (the member API too)."""
    r = row.route
    return RouteOut(
        route_server=r.route_server,
        session=r.session,
        asn=row.asn,
        name=row.name,
        prefix=r.prefix,
        as_path=r.as_path,
        next_hop=r.next_hop,
        filtered=r.filtered,
        primary=r.primary,
        local_pref=r.local_pref,
        communities=r.communities,
        large_communities=r.large_communities,
        reasons=[ReasonOut(code=x.code, slug=x.slug, text=x.text, community=x.community)
                 for x in row.reasons],
        tags=[ReasonOut(code=x.code, slug=x.slug, text=x.text, community=x.community)
              for x in row.tags],
        sent_to=r.sent_to,
    )  # fmt: skip


def _neighbour(row: q.NeighbourRow) -> NeighbourOut:
    n = row.neighbour
    member = row.member
    return NeighbourOut(
        session=n.session,
        asn=n.asn,
        address=n.address,
        description=n.description,
        member=MemberOut(
            asn=member.asn,
            name=member.name,
            exchange=member.exchange,
            exchange_name=member.exchange_name,
        )
        if member
        else None,
        state=n.state,
        since=n.since,
        uptime_seconds=row.uptime_seconds,
        received=n.received,
        accepted=n.accepted,
        filtered=n.filtered,
        exported=n.exported,
        last_error=n.last_error,
    )


@router.get(
    "/neighbours",
    response=NeighboursOut,
    url_name="lg_neighbours",
    summary="Route servers and their neighbours",
    description=(
        "Every configured route server with its member sessions: ASN, registry name when "
        "the address is a member's, BGP state, routes received, accepted and filtered. A "
        "route server that does not answer has `ok: false` and an `error`; the others are "
        "still listed."
    ),
)
def neighbours(request: HttpRequest) -> NeighboursOut:
    return NeighboursOut(
        route_servers=[
            RouteServerOut(
                name=a.route_server.name,
                rs_asn=a.route_server.rs_asn,
                ok=a.ok,
                error=a.error or None,
                neighbours=[_neighbour(row) for row in a.value or []],
            )
            for a in q.neighbours()
        ]
    )


@router.get(
    "/search",
    response={200: FoundOut, 422: dict},
    url_name="lg_search",
    summary="Every route for a prefix on every route server",
    description=(
        "Routes for exactly this prefix, accepted and filtered, from every member, with all "
        "the reject reasons of filtered ones. For an address (no /length): the longest "
        "accepted prefix that covers it, and the filtered routes at least as specific."
    ),
)
def search(
    request: HttpRequest,
    prefix: str = Query(..., max_length=49, description="11.0.11.0/24, 2a0a::/32 or an address"),
    limit: int = LIMIT,
    offset: int = OFFSET,
    lang: str | None = LANG,
) -> FoundOut:
    return _found(prefix, None, limit, offset, lang)


@router.get(
    "/explain",
    response={200: FoundOut, 422: dict},
    url_name="lg_explain",
    summary="Why a member's route for a prefix is (not) accepted",
    description=(
        "The routes for this prefix (or, for an address, the longest match) received from "
        "one ASN, with every reject reason."
    ),
)
def explain(
    request: HttpRequest,
    prefix: str = Query(..., max_length=49, description="11.0.11.0/24, 2a0a::/32 or an address"),
    asn: str = Query(..., max_length=12, description="The member's ASN: 64500 or AS64500"),
    limit: int = LIMIT,
    offset: int = OFFSET,
    lang: str | None = LANG,
) -> FoundOut:
    try:
        number = q.parse_asn(asn)
    except q.InputError as exc:
        raise _invalid("query", exc) from None
    return _found(prefix, number, limit, offset, lang)


def _found(prefix: str, asn: int | None, limit: int, offset: int, lang: str | None) -> FoundOut:
    try:
        wanted = q.parse_prefix(prefix)
    except q.InputError as exc:
        raise _invalid("query", exc) from None
    language = _lang(lang)
    with translation.override(language):
        found = q.find(wanted, asn, language)
        rows = q.page(q.route_rows(found.routes), limit, offset)
        errors = [ServerErrorOut(route_server=a.route_server.name, error=a.error)
                  for a in found.errors]  # fmt: skip
    return FoundOut(
        prefix=wanted,
        asn=asn,
        total=rows.total,
        limit=rows.limit,
        offset=rows.offset,
        routes=[route_out(row) for row in rows.items],
        errors=errors,
    )


@router.get(
    "/{rs}/{neighbour}/routes",
    response={200: RoutesOut, 404: ErrorOut, 422: dict, 503: ErrorOut},
    url_name="lg_routes",
    summary="Routes received from one neighbour",
    description=(
        "`neighbour` is a session name (AS64500_4_1) or an ASN (64500, AS64500: every "
        "session of that network). `filtered=true`: only filtered routes, each with all its "
        "reasons; `false`: only accepted; absent: both. 503 when the route server does not "
        "answer."
    ),
)
def routes(
    request: HttpRequest,
    rs: str,
    neighbour: str,
    filtered: bool | None = Query(None, description="true: filtered only; false: accepted only"),
    limit: int = LIMIT,
    offset: int = OFFSET,
    lang: str | None = LANG,
) -> RoutesOut:
    endpoint, wanted = _session(rs, neighbour)
    language = _lang(lang)
    with translation.override(language):
        answer = q.neighbour_routes(endpoint, wanted, filtered, language, limit, offset)
    return _routes_out(endpoint, wanted, filtered, answer)


@router.get(
    "/{rs}/{neighbour}/exported",
    response={200: RoutesOut, 404: ErrorOut, 422: dict, 503: ErrorOut},
    url_name="lg_exported",
    summary="Routes sent to one neighbour",
    description=(
        "The routes the route server sends this neighbour (after its export filter: "
        "announcement control, path hiding). `sent_to` names the session; `session` the "
        "one the route came from (empty for OpenBGPD, which does not say). 503 when the "
        "route server does not answer."
    ),
)
def exported(
    request: HttpRequest,
    rs: str,
    neighbour: str,
    limit: int = LIMIT,
    offset: int = OFFSET,
    lang: str | None = LANG,
) -> RoutesOut:
    endpoint, wanted = _session(rs, neighbour)
    language = _lang(lang)
    with translation.override(language):
        answer = q.neighbour_exported(endpoint, wanted, language, limit, offset)
    return _routes_out(endpoint, wanted, None, answer)
