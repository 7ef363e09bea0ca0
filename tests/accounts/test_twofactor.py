"""Sign-in with two-factor authentication: staff and member admins cannot skip it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.accounts.conftest import PASSWORD, World, code_for, sign_in

from lakou.demo import ensure_demo_user
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def enrol(client: Client, world: World, username: str) -> list[str]:
    """Go through enrolment as a person would; the recovery codes shown."""
    page = client.get("/account/two-factor/?next=/")
    assert page.status_code == 200 and b"totp-secret" in page.content
    device = TOTPDevice.objects.get(user=world.users[username], confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")
    shown = client.post("/account/two-factor/", {"token": code_for(device), "next": "/"})
    assert shown.status_code == 200
    codes = [c.decode() for c in re.findall(rb"<li><code>(\w+)</code>", shown.content)]
    assert len(codes) == 10
    return codes


def test_member_admin_must_enrol_before_its_page_opens(world: World) -> None:
    client = Client()
    answer = sign_in(client, "admin-a")
    assert answer.status_code == 302 and answer["Location"] == f"/members/{world.a.asn}/"
    gated = client.get(f"/members/{world.a.asn}/")
    assert gated.status_code == 302
    assert gated["Location"].startswith("/account/two-factor/?next=/members/")
    enrol(client, world, "admin-a")
    page = client.get(f"/members/{world.a.asn}/")
    assert page.status_code == 200
    assert world.a.contacts.first().email.encode() in page.content


def test_the_second_sign_in_asks_a_code_and_a_recovery_code_works_once(world: World) -> None:
    client = Client()
    sign_in(client, "admin-a")
    codes = enrol(client, world, "admin-a")
    client.post("/account/logout/")
    for attempt in range(2):
        client = Client()
        sign_in(client, "admin-a")
        assert client.get(f"/members/{world.a.asn}/").status_code == 302
        answer = client.post("/account/two-factor/", {"token": codes[0], "next": "/"})
        if attempt == 0:
            assert answer.status_code == 302 and answer["Location"] == "/"
            assert client.get(f"/members/{world.a.asn}/").status_code == 200
        else:
            assert answer.status_code == 200 and b"errornote" in answer.content
            assert client.get(f"/members/{world.a.asn}/").status_code == 302


def test_a_wrong_code_is_refused_and_the_page_stays_closed(world: World) -> None:
    client = Client()
    sign_in(client, "admin-a")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=world.users["admin-a"], confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    answer = client.post("/account/two-factor/", {"token": wrong, "next": "/"})
    assert answer.status_code == 200 and b"errornote" in answer.content
    assert client.get(f"/members/{world.a.asn}/").status_code == 302


def test_a_member_user_needs_no_second_factor_but_sees_only_its_network(world: World) -> None:
    client = Client()
    sign_in(client, "user-a")
    assert client.get(f"/members/{world.a.asn}/").status_code == 200
    assert client.get(f"/members/{world.b.asn}/").status_code == 404


def test_staff_are_sent_to_two_factor_from_the_admin(world: World) -> None:
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": "staff", "password": PASSWORD})
    answer = client.get("/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith("/account/two-factor/")
    enrol(client, world, "staff")
    assert client.get("/admin/").status_code == 200


def test_the_demo_user_is_exempt_only_while_every_exchange_is_a_demo(world: World) -> None:
    username, password = ensure_demo_user()
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert client.get("/admin/").status_code == 200
    m.Exchange.objects.create(slug="real-ix", name="Real IX", country="GP")
    assert client.get("/admin/").status_code == 302


def test_sign_in_pages_speak_french_and_spanish(world: World) -> None:
    fr = Client(headers={"accept-language": "fr"}).get("/account/login/")
    es = Client(headers={"accept-language": "es"}).get("/account/login/")
    assert "Se connecter" in fr.content.decode()
    assert "Iniciar sesión" in es.content.decode()
