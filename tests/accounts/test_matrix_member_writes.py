"""The member writes of the peering manager, as every role, on A and on B.

POST to each write address (request, not interested, language) of member A and of member
B as anonymous, member user of A, member admin of A, regulator and staff: only A's admin
and staff may act on A, only staff on B; everyone else is sent to sign in (anonymous),
refused (A's member user: 403) or told nothing exists (404). No mail server is set, so an
accepted request fails with a message (400), never a server error.
"""

from __future__ import annotations

import pytest
from django.test import Client
from tests.accounts.conftest import World
from tests.accounts.test_matrix import ROLES, clients

from lakou.peering.models import NotInterested, PeeringProfile
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def shared_peer(network: m.Network) -> m.Network:
    member = (
        m.Member.objects.filter(exchange__members__network=network)
        .exclude(network=network)
        .select_related("network")
        .first()
    )
    assert member is not None
    return member.network


def writes(network: m.Network) -> list[str]:
    peer = shared_peer(network).asn
    base = f"/members/{network.asn}/peering"
    return [f"{base}/{peer}/request/", f"{base}/{peer}/not-interested/", f"{base}/language/"]


def test_only_the_members_admins_and_staff_write(world: World) -> None:
    by_role = clients(world)
    allowed = {"admin-a", "staff"}
    for role in ROLES:
        client: Client = by_role[role]
        for address in writes(world.a):
            code = client.post(address, {"language": "fr"}).status_code
            if role in allowed:
                assert code in (200, 302, 400), (role, address, code)
            elif role == "anonymous":
                assert code == 302, (role, address, code)
            elif role == "user-a":
                assert code == 403, (role, address, code)
            else:
                assert code == 404, (role, address, code)
        for address in writes(world.b):
            code = client.post(address, {"language": "fr"}).status_code
            if role == "staff":
                assert code in (200, 302, 400), (role, address, code)
            else:
                assert code in (302, 404), (role, address, code)
    # what A's admin and staff did is there; nothing on B but staff's
    assert NotInterested.objects.filter(network=world.a).exists()
    assert PeeringProfile.objects.get(network=world.a).language == "fr"
    assert set(NotInterested.objects.values_list("marked_by__username", flat=True)) <= allowed
