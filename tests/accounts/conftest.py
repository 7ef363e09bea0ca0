"""Fixtures for the account tests: the demo install, and users of two members."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp.oath import totp

from lakou.accounts import manage
from lakou.accounts.testing import verified_login
from lakou.demo import load_demo
from lakou.registry import models as m

PASSWORD = "Correct-Horse-Battery-42"


@dataclass
class World:
    a: m.Network
    b: m.Network
    users: dict[str, Any]


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


def networks_with_contacts_and_macs() -> tuple[m.Network, m.Network]:
    found = [
        n
        for n in m.Network.objects.order_by("asn")
        if n.contacts.exists()
        and m.MacAddress.objects.filter(address__connection__member__network=n).exists()
        and m.RouteServerSession.objects.filter(address__connection__member__network=n).exists()
    ]
    return found[0], found[1]


@pytest.fixture
def world(db: None) -> World:
    load_demo()
    a, b = networks_with_contacts_and_macs()
    users = {}
    for name, role, asn in [
        ("user-a", "member-user", a.asn),
        ("admin-a", "member-admin", a.asn),
        ("admin-b", "member-admin", b.asn),
        ("regulator", "regulator", None),
        ("staff", "staff", None),
    ]:
        user, _ = manage.add_user(name, role, asn, f"{name}@example.org")
        manage.set_password(user, PASSWORD)
        users[name] = user
    # a BGP password on both, which no page may ever show
    for member in m.Member.objects.filter(network__in=[a, b]):
        member.bgp_password = f"Md5-Secret-{member.network.asn}"
        member.save()
    return World(a=a, b=b, users=users)


def code_for(device: Any, offset: int = 0) -> str:
    """The TOTP code the device accepts now (as an authenticator app computes it)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:0{device.digits}d}"


def sign_in(client: Client, username: str) -> Any:
    return client.post("/account/login/", {"username": username, "password": PASSWORD})


def verified_client(user: Any) -> Client:
    """A client signed in as ``user`` who has passed the second factor."""
    return verified_login(Client(), user)
