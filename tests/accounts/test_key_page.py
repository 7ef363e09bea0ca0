"""``/account/keys/``: a user makes its own API key (shown once), lists and revokes it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.accounts.conftest import World, sign_in, verified_client

from lakou.accounts import keys
from lakou.accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def test_a_member_admin_makes_a_write_key_and_uses_it(world: World) -> None:
    client = verified_client(world.users["admin-a"])
    answer = client.post("/account/keys/", {"scope": "write", "days": "30"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    key = re.search(r'<code id="new-key">(lakou_\w+_[\w-]+)</code>', answer.content.decode())[1]
    row = ApiKey.objects.get(user=world.users["admin-a"])
    assert row.scope == "write" and row.digest == keys.digest(key)
    # shown once: the list shows the prefix only
    listing = client.get("/account/keys/").content.decode()
    assert row.prefix in listing and key not in listing
    api = Client(headers={"authorization": f"Bearer {key}"})
    assert api.get(f"/api/members/{world.a.asn}/contacts").status_code == 200
    client.post(f"/account/keys/{row.prefix}/revoke/")
    assert api.get(f"/api/members/{world.a.asn}/contacts").status_code == 401


def test_the_key_page_refuses_a_bad_expiry_and_needs_the_second_factor(world: World) -> None:
    client = verified_client(world.users["user-a"])
    answer = client.post("/account/keys/", {"scope": "read", "days": "400"})
    assert answer.status_code == 400 and "365" in answer.content.decode()
    assert not ApiKey.objects.exists()
    half = Client()
    sign_in(half, "admin-a")  # a password only
    gated = half.get("/account/keys/")
    assert gated.status_code == 302 and gated["Location"].startswith("/account/two-factor/")
    assert Client().get("/account/keys/").status_code == 302  # anonymous: sign in first


def test_nobody_revokes_or_sees_another_users_keys(world: World) -> None:
    row, key = keys.create_key(world.users["admin-b"], days=5)
    client = verified_client(world.users["admin-a"])
    assert row.prefix not in client.get("/account/keys/").content.decode()
    client.post(f"/account/keys/{row.prefix}/revoke/")
    assert keys.authenticate(key) is not None
