"""A member's own page: connections, ports, addresses, MACs, sessions and contacts."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.accounts.conftest import World, sign_in

from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def test_the_page_shows_what_is_the_members_and_never_the_bgp_password(world: World) -> None:
    client = Client()
    sign_in(client, "user-a")
    page = client.get(f"/members/{world.a.asn}/").content.decode()
    macs = m.MacAddress.objects.filter(address__connection__member__network=world.a)
    addresses = m.PeeringLanAddress.objects.filter(connection__member__network=world.a)
    ports = m.Port.objects.filter(connection__member__network=world.a)
    assert macs and addresses and ports
    for mac in macs:
        assert mac.mac in page
    for address in addresses:
        assert str(address.ipv4 or address.ipv6) in page
    for port in ports:
        assert port.name in page and port.switch.name in page
    for contact in world.a.contacts.all():
        assert contact.email in page
    sessions = m.RouteServerSession.objects.filter(address__connection__member__network=world.a)
    for session in sessions:
        assert session.route_server.name in page
    assert "Md5-Secret" not in page and "BGP password" in page
    for other in world.b.contacts.all():
        assert other.email not in page


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    answer = Client().get(f"/members/{world.a.asn}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/account/login/?next=/members/{world.a.asn}/"


def test_the_page_in_french(world: World) -> None:
    client = Client(headers={"accept-language": "fr"})
    sign_in(client, "user-a")
    page = client.get(f"/members/{world.a.asn}/").content.decode()
    assert "Sessions avec les serveurs de routes" in page and "Contacts" in page
