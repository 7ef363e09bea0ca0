"""The authenticated part of the API: ``/api/members/{asn}/...`` with a Bearer key.

``Authorization: Bearer lakou_...`` names a user; its key's scope (read or write) and
the user's role decide: staff read every member, member admins and users read the
networks they belong to, anyone else gets a 404 (a key for one member does not learn
whether another member's page exists). No key, a wrong, expired or revoked key: 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from lakou.accounts import keys
from lakou.accounts.member_data import member_facts, sessions
from lakou.accounts.member_data import network_or_404 as _network
from lakou.accounts.roles import may_read_member


class BearerKey(HttpBearer):
    """An API key in ``Authorization: Bearer``; the request gets ``api_key`` and ``user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = keys.authenticate(token)
        if row is None:
            return None
        request.user = row.user
        request.api_key = row  # type: ignore[attr-defined]
        return row


router = Router(tags=["members (authenticated)"], auth=BearerKey())


class ContactOut(Schema):
    role: str
    name: str
    email: str
    phone: str


class SessionOut(Schema):
    exchange: str
    route_server: str
    route_server_asn: int
    afi: int
    address: str
    enabled: bool


def _readable(request: HttpRequest, asn: int) -> None:
    if not may_read_member(request.user, asn):
        raise HttpError(404, "Not Found")
    _network(asn)


@router.get(
    "/{int:asn}/contacts",
    response=list[ContactOut],
    url_name="member_contacts",
    summary="The member's contacts (its own users and staff only)",
)
def member_contacts(request: HttpRequest, asn: int) -> list[ContactOut]:
    _readable(request, asn)
    return [
        ContactOut(role=c.role, name=c.name, email=c.email, phone=c.phone)
        for c in member_facts(asn).contacts
    ]


@router.get(
    "/{int:asn}/sessions",
    response=list[SessionOut],
    url_name="member_sessions",
    summary="The member's route-server sessions, from the registry",
)
def member_sessions(request: HttpRequest, asn: int) -> list[SessionOut]:
    _readable(request, asn)
    return [SessionOut(**vars(s)) for s in sessions(_network(asn))]


# The write side (self-service, audit log) adds its operations to this router.
from lakou.accounts import selfservice_api as _selfservice_api  # noqa: E402,F401
