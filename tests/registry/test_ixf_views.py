"""/participants.json: public without contacts, staff with them, one or all exchanges."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from lakou.accounts.testing import verified_login
from lakou.ixf import schema as ixf_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures" / "ixf"


def _sample() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sample_registry", FIXTURES / "sample_registry.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def registry() -> None:
    _sample().build()


def test_public_document(registry, shared_data) -> None:
    response = Client().get("/participants.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content.decode()
    doc = json.loads(body)
    assert [i["shortname"] for i in doc["ixp_list"]] == ["OCIX", "Smart-IX"]
    assert "contact_email" not in body and "contact_phone" not in body
    assert "noc@dauphin.example.net" not in body and "+590 590 11 11 11" not in body
    assert ixf_schema.schema_errors(doc, shared_data / "ixf-schema", "1.0") == []


def test_staff_get_contacts(registry) -> None:
    client = Client()
    User.objects.create_user("member", password="pw-member-123")
    client.login(username="member", password="pw-member-123")
    assert "contact_email" not in client.get("/participants.json").content.decode()
    staff = User.objects.create_user("staff", password="pw-staff-123", is_staff=True)
    client.login(username="staff", password="pw-staff-123")
    # a password alone is not enough: staff pass the second factor first (lakou.accounts)
    assert "contact_email" not in client.get("/participants.json").content.decode()
    verified_login(client, staff)
    response = client.get("/participants.json?exchange=smart-ix")
    doc = json.loads(response.content)
    dauphin = next(e for e in doc["member_list"] if e["asnum"] == 64500)
    assert dauphin["contact_email"] == ["noc@dauphin.example.net", "peering@dauphin.example.net"]
    assert dauphin["contact_phone"] == ["+590 590 11 11 11"]
    assert "no-store" in response["Cache-Control"]


def test_one_exchange_and_versions(registry) -> None:
    client = Client()
    doc = json.loads(client.get("/participants.json?exchange=ocix&version=0.6").content)
    assert doc["version"] == "0.6" and [i["shortname"] for i in doc["ixp_list"]] == ["OCIX"]
    assert client.get("/participants.json?exchange=nowhere").status_code == 404
    assert client.get("/participants.json?version=9").status_code == 400
    assert client.post("/participants.json").status_code == 405


def test_bgp_passwords_and_route_server_options_are_never_published(registry) -> None:
    from lakou.registry import models as m

    secret = "Md5-Secret-4-Dauphin"
    m.Member.objects.filter(network__asn=64500).update(
        bgp_password=secret, route_server_options={"passive": True, "gtsm": True}
    )
    client = Client()
    pages = ["/participants.json", "/api/exchanges/smart-ix/members"]
    bodies = [client.get(page).content.decode() for page in pages]
    staff = User.objects.create_user("staff", password="pw-staff-123", is_staff=True)
    verified_login(client, staff)  # staff pass the second factor (lakou.accounts)
    bodies += [client.get(page).content.decode() for page in pages]
    assert all(bodies)
    for body in bodies:
        assert secret not in body and "bgp_password" not in body
        assert "route_server_options" not in body and "gtsm" not in body
