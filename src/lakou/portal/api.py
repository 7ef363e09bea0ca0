"""The public, read-only JSON API (django-ninja): exchanges, peering LANs, members.

Served at ``/api/`` with its OpenAPI description at ``/api/openapi.json`` and docs at
``/api/docs`` (assets served locally, no CDN). It shows what the public pages show and
nothing more: no contacts, no MAC addresses. Writes go through the admin or the CLI.
The one exception, ``/api/members/{asn}/...``, needs an API key (``lakou.accounts``' routers).
The registry answers are kept whole in memory for anonymous callers until the registry
changes (:mod:`lakou.portal.pagecache`).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema

from lakou import __version__
from lakou.accounts import member_read_api_router as member_read_router
from lakou.accounts import members_api_router as members_router
from lakou.portal import queries
from lakou.portal.lg_api import router as lg_router
from lakou.portal.pagecache import mark_public
from lakou.portal.traffic_api import router as traffic_router
from lakou.registry import models as m

api = NinjaAPI(
    title="lakou API",
    version=__version__,
    description=(
        "Read-only registry of the exchanges run by this lakou install, and the looking "
        "glass over its route servers."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/lg", lg_router)
api.add_router("/traffic", traffic_router)
api.add_router("/members", members_router)
api.add_router("/members", member_read_router)  # routes and traffic


class LanOut(Schema):
    exchange: str
    name: str
    vlan_id: int | None
    ipv4_prefix: str | None
    ipv6_prefix: str | None
    mtu: int


class RouteServerOut(Schema):
    name: str
    asn: int
    ipv4: str | None
    ipv6: str | None
    daemon: str
    version: str


class ExchangeOut(Schema):
    slug: str
    name: str
    full_name: str
    country: str
    territory: str
    city: str
    asn: int | None
    demo: bool
    member_count: int
    bridged_to: list[str]
    lans: list[LanOut]
    route_servers: list[RouteServerOut]


class MemberOut(Schema):
    asn: int
    name: str
    organisation: str
    website: str
    peering_policy: str
    member_type: str
    status: str
    member_since: date | None
    speed_mbps: int
    ipv4: list[str]
    ipv6: list[str]
    route_server_ipv4: bool
    route_server_ipv6: bool


def _lan(lan: m.PeeringLan, slug: str) -> LanOut:
    return LanOut(
        exchange=slug,
        name=lan.name,
        vlan_id=lan.vlan_id,
        ipv4_prefix=lan.ipv4_prefix or None,
        ipv6_prefix=lan.ipv6_prefix or None,
        mtu=lan.mtu,
    )


def _exchange(ex: m.Exchange) -> ExchangeOut:
    return ExchangeOut(
        slug=ex.slug,
        name=ex.name,
        full_name=ex.full_name,
        country=ex.country,
        territory=queries.territory_name(ex.country),
        city=ex.city,
        asn=ex.asn,
        demo=ex.demo,
        member_count=getattr(ex, "n_members", 0),
        bridged_to=sorted(b.slug for b in ex.bridged_to.all()),
        lans=[_lan(lan, ex.slug) for lan in ex.lans.all()],
        route_servers=[
            RouteServerOut(
                name=rs.name,
                asn=rs.asn,
                ipv4=rs.ipv4,
                ipv6=rs.ipv6,
                daemon=rs.daemon,
                version=rs.version,
            )
            for rs in sorted(ex.route_servers.all(), key=lambda rs: rs.name)
        ],
    )


@api.get(
    "/exchanges", response=list[ExchangeOut], url_name="exchanges", summary="List the exchanges"
)
def list_exchanges(request: HttpRequest) -> list[ExchangeOut]:
    mark_public(request)
    return [_exchange(ex) for ex in queries.exchanges()]


@api.get(
    "/exchanges/{slug}",
    response=ExchangeOut,
    url_name="exchange",
    summary="One exchange with its peering LANs and route servers",
)
def get_exchange(request: HttpRequest, slug: str) -> ExchangeOut:
    mark_public(request)
    return _exchange(get_object_or_404(queries.exchanges(), slug=slug))


@api.get(
    "/exchanges/{slug}/members",
    response=list[MemberOut],
    url_name="exchange_members",
    summary="The members of one exchange",
)
def exchange_members(request: HttpRequest, slug: str) -> list[MemberOut]:
    ex = get_object_or_404(m.Exchange, slug=slug)
    mark_public(request)
    return [
        MemberOut(
            asn=row.asn,
            name=row.name,
            organisation=row.organisation,
            website=row.website,
            peering_policy=row.peering_policy,
            member_type=row.member_type,
            status=row.status,
            member_since=row.member_since,
            speed_mbps=row.speed_mbps,
            ipv4=row.ipv4,
            ipv6=row.ipv6,
            route_server_ipv4=row.rs_ipv4,
            route_server_ipv6=row.rs_ipv6,
        )
        for row in queries.members(ex)
    ]


@api.get("/lans", response=list[LanOut], url_name="lans", summary="Every peering LAN")
def list_lans(request: HttpRequest) -> list[LanOut]:
    mark_public(request)
    return [
        _lan(lan, lan.exchange.slug)
        for lan in m.PeeringLan.objects.select_related("exchange").order_by(
            "exchange__slug", "vlan_id", "name"
        )
    ]
