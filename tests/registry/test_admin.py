"""The admin: every model listed, searches by ASN/IP/MAC, the bulk actions work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lakou.registry import models as m
from lakou.registry.demo import load_demo

pytestmark = pytest.mark.django_db

MODELS = [
    m.Exchange,
    m.Facility,
    m.Switch,
    m.PeeringLan,
    m.Network,
    m.Contact,
    m.Member,
    m.Connection,
    m.Port,
    m.PeeringLanAddress,
    m.MacAddress,
    m.RouteServer,
    m.RouteServerSession,
]


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    """Requests with Accept-Language: fr leave French active in the thread: undo it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def staff(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1")
    client.force_login(user)
    return client


def changelist(model: type) -> str:
    return reverse(f"admin:registry_{model._meta.model_name}_changelist")


def test_every_model_is_registered() -> None:
    assert all(admin.site.is_registered(model) for model in MODELS)
    assert admin.site.site_header == "lakou"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelists_and_change_pages_render(staff: Client, model: type) -> None:
    load_demo()
    response = staff.get(changelist(model))
    assert response.status_code == 200
    obj = model.objects.first()
    url = reverse(f"admin:registry_{model._meta.model_name}_change", args=[obj.pk])
    assert staff.get(url).status_code == 200
    assert staff.get(changelist(model), {"q": "33392"}).status_code == 200


@pytest.mark.parametrize(
    "term",
    [
        "AS33392",
        "as33392",
        "33392",
        "Dauphin",
        "192.0.2.14",
        "2001:db8:100::14",
        "02:00:00:82:70:64",
        "0200.0082.7064",
    ],
)
def test_find_a_member_by_asn_name_ip_or_mac(staff: Client, term: str) -> None:
    load_demo()
    page = staff.get(changelist(m.Member), {"q": term}).content.decode()
    assert "Dauphin Telecom" in page and "AS33392" in page
    assert "THDTEL" not in page


def test_find_an_address_by_any_spelling_of_the_ip(staff: Client) -> None:
    load_demo()
    page = staff.get(changelist(m.PeeringLanAddress), {"q": "2001:DB8:100:0::14"}).content.decode()
    assert "192.0.2.14" in page and "192.0.2.15" not in page


def test_filter_by_exchange(staff: Client) -> None:
    load_demo()
    ex = m.Exchange.objects.get(slug="demo-saint-barth")
    page = staff.get(changelist(m.Member), {"exchange__id__exact": ex.pk}).content.decode()
    assert "BARNA CONSULTING" in page and "THDTEL" not in page


def test_action_creates_route_server_sessions(staff: Client) -> None:
    load_demo()
    member = m.Member.objects.get(exchange__slug="demo-saint-martin", network__asn=48252)
    assert not m.RouteServerSession.objects.filter(address__connection__member=member).exists()
    response = staff.post(
        changelist(m.Member),
        {"action": "create_route_server_sessions", "_selected_action": [member.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "4 route-server sessions created" in response.content.decode()
    assert m.RouteServerSession.objects.filter(address__connection__member=member).count() == 4
    # a second run creates nothing more
    staff.post(
        changelist(m.Member),
        {"action": "create_route_server_sessions", "_selected_action": [member.pk]},
    )
    assert m.RouteServerSession.objects.filter(address__connection__member=member).count() == 4


def test_action_derives_ipv6(staff: Client) -> None:
    load_demo()
    addr = m.PeeringLanAddress.objects.get(ipv4="192.0.2.14")
    m.PeeringLanAddress.objects.filter(pk=addr.pk).update(ipv6=None)
    staff.post(
        changelist(m.PeeringLanAddress), {"action": "derive_ipv6", "_selected_action": [addr.pk]}
    )
    addr.refresh_from_db()
    assert addr.ipv6 == "2001:db8:100::14"


def test_admin_rejects_an_address_outside_the_lan(staff: Client) -> None:
    load_demo()
    conn = m.Connection.objects.filter(member__exchange__slug="demo-saint-martin").first()
    lan = m.PeeringLan.objects.get(exchange__slug="demo-saint-martin")
    url = reverse("admin:registry_peeringlanaddress_add")
    response = staff.post(
        url,
        {
            "connection": conn.pk,
            "lan": lan.pk,
            "ipv4": "198.51.100.77",
            "ipv6": "",
            "macs-TOTAL_FORMS": 0,
            "macs-INITIAL_FORMS": 0,
            "rs_sessions-TOTAL_FORMS": 0,
            "rs_sessions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "outside the peering LAN" in response.content.decode()


def test_admin_in_french(staff: Client) -> None:
    page = staff.get(reverse("admin:index"), headers={"accept-language": "fr"}).content.decode()
    assert "Registre des points d’échange" in page
    assert "Points d’échange" in page and "Serveurs de route" in page
