"""The admin: every model listed, searches by ASN/IP/MAC, the bulk actions work."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lakou.accounts.testing import verified_login
from lakou.demo import load_demo
from lakou.registry import models as m
from lakou.registry.testing import registry_models

pytestmark = pytest.mark.django_db

MODELS = registry_models()


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    """Requests with Accept-Language: fr leave French active in the thread: undo it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def staff(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1")
    verified_login(client, user)  # staff pass the second factor (lakou.accounts)
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


SECRET = "Md5-Adm1n-s3cret"


@pytest.fixture
def member() -> m.Member:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    net = m.Network.objects.create(asn=64500, name="Dauphin Example")
    return m.Member.objects.create(
        exchange=ex, network=net, bgp_password=SECRET, route_server_options={"gtsm": True}
    )


def _member_post(member: m.Member, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "exchange": member.exchange_id,
        "network": member.network_id,
        "member_type": member.member_type,
        "status": member.status,
        "member_since": "",
        "bgp_password": "",
        "route_server_options": json.dumps(member.route_server_options),
        "connections-TOTAL_FORMS": 0,
        "connections-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_bgp_password_is_write_only(staff: Client, member: m.Member) -> None:
    url = reverse("admin:registry_member_change", args=[member.pk])
    page = staff.get(url).content.decode()
    assert 'type="password" name="bgp_password"' in page and SECRET not in page
    assert SECRET not in staff.get(changelist(m.Member)).content.decode()
    assert SECRET not in staff.get(changelist(m.Network)).content.decode()
    # saving without typing it keeps it; typing one replaces it; the box removes it
    assert staff.post(url, _member_post(member)).status_code == 302
    member.refresh_from_db()
    assert member.bgp_password == SECRET
    staff.post(url, _member_post(member, bgp_password="New-key-1"))
    member.refresh_from_db()
    assert member.bgp_password == "New-key-1"
    response = staff.post(url, _member_post(member, bgp_password='bad"key'))
    assert response.status_code == 200 and "quote" in response.content.decode()
    staff.post(url, _member_post(member, clear_bgp_password="on"))
    member.refresh_from_db()
    assert member.bgp_password == ""


def test_route_server_options_are_pretty_and_checked(staff: Client, member: m.Member) -> None:
    url = reverse("admin:registry_member_change", args=[member.pk])
    assert "{\n  &quot;gtsm&quot;: true\n}" in staff.get(url).content.decode()
    before = m.Member.objects.values().get(pk=member.pk)
    for options, words in (
        ('{"gtsm": "sometimes"}', "route_server_options.gtsm: must be true or false"),
        ('{"pasive": true}', "route_server_options.pasive: unknown option"),
        ('{"filtering": {"max_prefix": {"action": "explode"}}}', "is not one of"),
        ('{"filtering": {"irrdb": {"as_sets": ["AS-X"]}}}', "kept in the network"),
        ('{"filtering": {"max_prefix": {"limit_ipv4": 5}}}', "kept in the network"),
        ("[1, 2]", "must be a mapping"),
        ("{not json", "Enter a valid JSON"),
    ):
        response = staff.post(url, _member_post(member, route_server_options=options))
        assert response.status_code == 200, options
        assert words in response.content.decode().replace("&#x27;", "'"), options
        assert m.Member.objects.values().get(pk=member.pk) == before
    good = '{"filtering": {"next_hop": {"policy": "same-as"}}, "passive": true}'
    assert staff.post(url, _member_post(member, route_server_options=good)).status_code == 302
    member.refresh_from_db()
    assert list(member.route_server_options) == ["passive", "filtering"]  # arouteserver order


def test_ixf_numbers_in_the_admin(staff: Client) -> None:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF", ixp_id=1)
    other = m.Exchange.objects.create(slug="ocix", name="OCIX", country="SX")
    url = reverse("admin:registry_exchange_change", args=[other.pk])
    page = staff.get(url).content.decode()
    assert 'name="ixp_id"' in page and 'name="switches-0-ixf_switch_id"' not in page
    data = {
        "name": "OCIX",
        "slug": "ocix",
        "country": "SX",
        "ixp_id": 1,
        **{
            f"{p}-{k}": 0
            for p in ("lans", "switches", "route_servers")
            for k in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    response = staff.post(url, data)
    assert (
        response.status_code == 200 and "already has this IX-F number" in response.content.decode()
    )
    data["ixp_id"] = 2
    assert staff.post(url, data).status_code == 302
    assert m.Exchange.objects.get(slug="ocix").ixp_id == 2
    sw = m.Switch.objects.create(exchange=ex, name="sw1", ixf_switch_id=1)
    m.Switch.objects.create(exchange=ex, name="sw2")
    second = m.Switch.objects.get(name="sw2")
    response = staff.post(
        reverse("admin:registry_switch_change", args=[second.pk]),
        {"exchange": ex.pk, "name": "sw2", "ixf_switch_id": 1},
    )
    assert response.status_code == 200 and "Switch sw1 already has" in response.content.decode()
    second.refresh_from_db()
    sw.refresh_from_db()
    assert second.ixf_switch_id is None and sw.ixf_switch_id == 1  # the refused change is not saved


def test_new_model_strings_in_french_and_spanish() -> None:
    for lang, words in (
        ("fr", ("Mot de passe BGP", "options du serveur de route", "numéro IX-F")),
        ("es", ("Contraseña BGP", "opciones del servidor de rutas", "número IX-F")),
    ):
        with translation.override(lang):
            names = [
                str(m.Member._meta.get_field("bgp_password").verbose_name),
                str(m.Member._meta.get_field("route_server_options").verbose_name),
                str(m.Switch._meta.get_field("ixf_switch_id").help_text),
                str(m.Exchange._meta.get_field("ixp_id").help_text),
            ]
        text = " ".join(names)
        assert all(word.lower() in text.lower() for word in words), (lang, names)
