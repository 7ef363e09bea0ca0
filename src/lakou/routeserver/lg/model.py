"""What the looking glass answers with, whatever the daemon: plain pydantic models.

A route server is reached through its control socket (BIRD's ``bird.ctl`` or OpenBGPD's
``bgpd.sock``); a neighbour is one BGP session named ``AS<asn>_<family>_<n>`` by lakou's
renderers; a route is shown as the route server holds it, with every ``RS:1101:x`` reason
and ``RS:1000:x`` tag decoded by the renderers' own table, in the caller's language.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from lakou.routeserver.communities import describe_info, describe_reason, infos_in, reasons_in
from lakou.routeserver.lg.bird_parse import Route


class RouteServerEndpoint(BaseModel):
    name: str = Field(description="Name shown to users (rs1, rs2).")
    socket: Path = Field(description="BIRD control socket.")
    rs_asn: int = Field(description="The route server's ASN (for RS:x:y communities).")
    timeout: float = Field(default=30.0, gt=0, description="Seconds to wait for BIRD.")


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


class Reason(BaseModel):
    code: int
    slug: str
    text: str


class RouteView(BaseModel):
    route_server: str
    session: str
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


def view(rs: RouteServerEndpoint, route: Route, session: str) -> RouteView:
    """A decoded route as the API shows it (reasons and tags in the current language)."""
    reasons = reasons_in(route.large_communities, rs.rs_asn)
    infos = infos_in(route.large_communities, rs.rs_asn)
    return RouteView(
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
        reasons=[Reason.model_validate(describe_reason(r)) for r in reasons],
        tags=[Reason.model_validate(describe_info(i)) for i in infos],
    )
