"""Self-service through the API: what a member admin's ``write`` key may change.

``GET /api/members/{asn}/addresses`` (the ids the changes name), ``POST
/api/members/{asn}/macs``, ``PATCH /api/members/{asn}/routing`` (AS-SET,
max-prefix IPv4 and IPv6; ``POST .../routing/preview`` shows the route servers' diff
first), ``PATCH /api/members/{asn}/sessions/{id}``, ``POST/PATCH/DELETE
/api/members/{asn}/contacts[/{id}]``, and ``GET /api/members/{asn}/changes`` (the audit
log). A key of someone who may not read the network gets 404 (as for reading); one that
may read it but not write (a ``read`` key, a member user's, a regulator's) gets 403;
invalid input gets 400 naming the field. A change answers 201 (applied) or 202 (waiting
for staff approval) with the logged change. The operations join the router of
``lakou.accounts.api`` (one path, several methods), which imports this module last.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema
from ninja.errors import HttpError

from lakou.accounts import selfservice as ss
from lakou.accounts.api import router
from lakou.accounts.changes import PENDING, Change
from lakou.accounts.member_data import network_or_404
from lakou.accounts.preview import route_server_preview
from lakou.accounts.roles import may_read_member
from lakou.registry import models as m


class ChangeOut(Schema):
    id: int
    created: datetime
    user: str
    via: str
    api_key: str
    kind: str
    target: str
    before: dict[str, Any]
    after: dict[str, Any]
    status: str
    message: str


class MacIn(Schema):
    address: int
    mac: str
    replace: str = ""


class RoutingIn(Schema):
    as_set: str | None = None
    max_prefix_v4: int | None = None
    max_prefix_v6: int | None = None


class SessionIn(Schema):
    enabled: bool


class ContactIn(Schema):
    role: str
    name: str = ""
    email: str = ""
    phone: str = ""


class MacOut(Schema):
    mac: str
    quarantine: bool


class AddressSessionOut(Schema):
    id: int
    route_server: str
    afi: int
    enabled: bool


class AddressOut(Schema):
    id: int
    exchange: str
    lan: str
    ipv4: str | None
    ipv6: str | None
    macs: list[MacOut]
    sessions: list[AddressSessionOut]


class Problem(Schema):
    detail: str
    field: str = ""


def change_out(change: Change) -> ChangeOut:
    return ChangeOut(
        id=change.pk,
        created=change.created,
        user=change.username,
        via=change.via,
        api_key=f"lakou_{change.api_prefix}" if change.api_prefix else "",
        kind=change.kind,
        target=change.target,
        before=change.before,
        after=change.after,
        status=change.status,
        message=change.message,
    )


def _writable(request: HttpRequest, asn: int) -> m.Network:
    if not may_read_member(request.user, asn):
        raise HttpError(404, "Not Found")
    network = network_or_404(asn)
    key = getattr(request, "api_key", None)
    if key is None or key.scope != "write":
        raise HttpError(403, "This API key has the read scope: changes need a write key.")
    if not ss.may_write(request.user, asn):
        raise HttpError(403, "Only the network's member admins and staff change it.")
    return network


def _answer(status: int, body: Schema | list[Any]) -> JsonResponse:
    """The answer with its status (the same with every django-ninja version; the
    operation's ``response`` declares the schema per status for the OpenAPI)."""
    data = body.model_dump(mode="json") if isinstance(body, Schema) else body
    return JsonResponse(data, status=status, safe=False)


def _problem(exc: ss.SelfServiceError) -> JsonResponse:
    return _answer(400, Problem(detail=str(exc), field=exc.field))


def _submit(request: HttpRequest, asn: int, call: Any, *args: Any) -> JsonResponse:
    network = _writable(request, asn)
    try:
        change = call(ss.Actor.from_request(request), network, *args)
    except ss.NotAllowed as exc:
        raise HttpError(403, str(exc)) from None
    except ss.SelfServiceError as exc:
        return _problem(exc)
    return _answer(202 if change.status == PENDING else 201, change_out(change))


ANSWERS = {201: ChangeOut, 202: ChangeOut, 400: Problem}


@router.get(
    "/{int:asn}/addresses",
    response=list[AddressOut],
    url_name="member_addresses",
    summary="The member's peering-LAN addresses with their MACs and route-server sessions "
    "(the ids the changes name)",
)
def addresses(request: HttpRequest, asn: int) -> list[AddressOut]:
    if not may_read_member(request.user, asn):
        raise HttpError(404, "Not Found")
    network = network_or_404(asn)
    sessions: dict[int, list[AddressSessionOut]] = {}
    for s in ss.sessions_of(network):
        sessions.setdefault(s.address_id, []).append(
            AddressSessionOut(
                id=s.pk, route_server=s.route_server.name, afi=s.afi, enabled=s.enabled
            )
        )
    return [
        AddressOut(
            id=a.pk,
            exchange=a.lan.exchange.slug,
            lan=a.lan.name,
            ipv4=a.ipv4,
            ipv6=a.ipv6,
            macs=[MacOut(mac=x.mac, quarantine=x.quarantine) for x in a.macs.all()],
            sessions=sessions.get(a.pk, []),
        )
        for a in ss.addresses_of(network)
    ]


@router.post(
    "/{int:asn}/macs",
    response=ANSWERS,
    url_name="member_add_mac",
    summary="Add a MAC on one of the member's peering-LAN addresses (or replace one)",
)
def add_mac(request: HttpRequest, asn: int, body: MacIn) -> JsonResponse:
    return _submit(request, asn, ss.add_mac, body.address, body.mac, body.replace)


@router.patch(
    "/{int:asn}/routing",
    response=ANSWERS,
    url_name="member_routing",
    summary="Change the member's AS-SET and max-prefix limits (IPv4, IPv6)",
)
def set_routing(request: HttpRequest, asn: int, body: RoutingIn) -> JsonResponse:
    values = body.model_dump(exclude_unset=True)
    return _submit(request, asn, ss.set_routing, values)


@router.post(
    "/{int:asn}/routing/preview",
    response={200: list[dict[str, Any]], 400: Problem},
    url_name="member_routing_preview",
    summary="What the route servers would accept with this AS-SET and these limits",
)
def preview_routing(request: HttpRequest, asn: int, body: RoutingIn) -> JsonResponse:
    network = _writable(request, asn)
    try:
        routing = ss.routing_operation(network, body.model_dump(exclude_unset=True))
    except ss.SelfServiceError as exc:
        return _problem(exc)
    return _answer(200, [p.as_dict() for p in route_server_preview(network, routing=routing)])


@router.patch(
    "/{int:asn}/sessions/{int:session_id}",
    response=ANSWERS,
    url_name="member_session",
    summary="Enable or disable one of the member's route-server sessions",
)
def set_session(request: HttpRequest, asn: int, session_id: int, body: SessionIn) -> JsonResponse:
    return _submit(request, asn, ss.set_session, session_id, body.enabled)


@router.post(
    "/{int:asn}/contacts",
    response=ANSWERS,
    url_name="member_add_contact",
    summary="Add a contact (noc, technical, policy, abuse, billing)",
)
def add_contact(request: HttpRequest, asn: int, body: ContactIn) -> JsonResponse:
    return _submit(request, asn, ss.save_contact, body.model_dump())


@router.patch(
    "/{int:asn}/contacts/{int:contact_id}",
    response=ANSWERS,
    url_name="member_contact",
    summary="Change one of the member's contacts",
)
def edit_contact(request: HttpRequest, asn: int, contact_id: int, body: ContactIn) -> JsonResponse:
    return _submit(request, asn, ss.save_contact, body.model_dump(), contact_id)


@router.delete(
    "/{int:asn}/contacts/{int:contact_id}",
    response=ANSWERS,
    url_name="member_remove_contact",
    summary="Remove one of the member's contacts",
)
def remove_contact(request: HttpRequest, asn: int, contact_id: int) -> JsonResponse:
    return _submit(request, asn, ss.remove_contact, contact_id)


@router.get(
    "/{int:asn}/changes",
    response=list[ChangeOut],
    url_name="member_changes",
    summary="The member's audit log of self-service changes (newest first)",
)
def changes(request: HttpRequest, asn: int) -> list[ChangeOut]:
    if not may_read_member(request.user, asn):
        raise HttpError(404, "Not Found")
    network = network_or_404(asn)
    rows = Change.objects.filter(network=network)[:200]
    return [change_out(c) for c in rows]
