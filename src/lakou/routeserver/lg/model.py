"""What the looking glass answers with, whatever the daemon: plain pydantic models.

A route server is reached through its control socket (BIRD's ``bird.ctl`` or OpenBGPD's
``bgpd.sock``); a neighbour is one BGP session named ``AS<asn>_<family>_<n>`` by lakou's
renderers; a route is shown as the route server holds it, with every ``RS:1101:x`` reason
and ``RS:1000:x`` tag decoded by the renderers' own table, in the caller's language.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, Field

from lakou.i18n import current_language
from lakou.routeserver.communities import Info, describe_info, describe_reason, infos_in, reasons_in
from lakou.routeserver.communities import Reason as CommunityReason
from lakou.routeserver.config import RouteServerEndpoint  # a setting: kept with the others
from lakou.routeserver.lg.bird_parse import Route


class Neighbour(BaseModel):
    route_server: str
    session: str
    asn: int | None
    address: str
    description: str
    state: str
    since: str
    info: str
    received: int
    accepted: int
    filtered: int
    exported: int
    last_error: str = ""
    uptime_seconds: int | None = Field(
        default=None,
        description="Seconds since the session came up, by the route server's own clock "
        "(None when it is not established or the daemon does not say).",
    )


class Reason(BaseModel):
    code: int
    slug: str
    text: str


class RouteView(BaseModel):
    route_server: str
    session: str  # the session the route was received from
    prefix: str
    as_path: str
    next_hop: str
    filtered: bool
    primary: bool
    local_pref: int | None
    communities: list[str]
    large_communities: list[str]
    reasons: list[Reason]
    tags: list[Reason]
    sent_to: str = ""  # for routes the route server sends: the session it sends them on


class RoutePage(BaseModel):
    """A window of a long list of routes, and how many there are in all."""

    total: int
    routes: list[RouteView]


@lru_cache(maxsize=4096)
def _reason(code: int, language: str) -> Reason:
    del language  # part of the cache key: the text is in the current language
    known: Reason | int
    try:
        known = CommunityReason(code)
    except ValueError:
        known = code
    return Reason.model_validate(describe_reason(known))


@lru_cache(maxsize=4096)
def _tag(code: int, language: str) -> Reason:
    del language
    known: Info | int
    try:
        known = Info(code)
    except ValueError:
        known = code
    return Reason.model_validate(describe_info(known))


def view(rs: RouteServerEndpoint, route: Route, session: str, sent_to: str = "") -> RouteView:
    """A decoded route as the API shows it (reasons and tags in the current language).

    Built without re-validation (every field is typed already) and with each reason's
    words looked up once per language: a page of a big table is thousands of these.
    """
    lang = current_language()
    reasons = reasons_in(route.large_communities, rs.rs_asn)
    infos = infos_in(route.large_communities, rs.rs_asn)
    return RouteView.model_construct(
        route_server=rs.name,
        session=session,
        prefix=route.prefix,
        as_path=route.as_path_text,
        next_hop=route.next_hop,
        filtered=route.filtered,
        primary=route.primary,
        local_pref=route.local_pref,
        communities=[f"{a}:{b}" for a, b in route.communities],
        large_communities=[f"{a}:{b}:{c}" for a, b, c in route.large_communities],
        reasons=[_reason(int(r), lang) for r in reasons],
        tags=[_tag(int(i), lang) for i in infos],
        sent_to=sent_to,
    )
