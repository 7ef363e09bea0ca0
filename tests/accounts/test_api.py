"""``/api/members/{asn}/...`` with ``Authorization: Bearer KEY``."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from tests.accounts.conftest import World

from lakou.accounts import keys
from lakou.accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def get(path: str, key: str | None = None) -> tuple[int, object]:
    headers = {"authorization": f"Bearer {key}"} if key is not None else {}
    answer = Client(headers=headers).get(path)
    return answer.status_code, answer.json() if answer.content else None


def key_of(world: World, username: str) -> str:
    return keys.create_key(world.users[username], days=10)[1]


def test_a_member_key_reads_its_own_contacts_and_sessions(world: World) -> None:
    for username in ("user-a", "admin-a", "staff"):
        key = key_of(world, username)
        code, contacts = get(f"/api/members/{world.a.asn}/contacts", key)
        assert code == 200
        assert {c["email"] for c in contacts} == {  # type: ignore[attr-defined]
            c.email for c in world.a.contacts.all()
        }
        code, sessions = get(f"/api/members/{world.a.asn}/sessions", key)
        assert code == 200 and sessions and all(s["afi"] in (4, 6) for s in sessions)  # type: ignore[attr-defined]


def test_another_members_key_and_the_regulator_get_404(world: World) -> None:
    for username in ("admin-b", "regulator"):
        key = key_of(world, username)
        for what in ("contacts", "sessions"):
            code, body = get(f"/api/members/{world.a.asn}/{what}", key)
            assert code == 404, (username, what)
            assert world.a.contacts.first().email not in str(body)


def test_anonymous_wrong_expired_and_revoked_keys_get_401(world: World) -> None:
    path = f"/api/members/{world.a.asn}/contacts"
    live = key_of(world, "user-a")
    expired = key_of(world, "user-a")
    revoked = key_of(world, "user-a")
    ApiKey.objects.filter(digest=keys.digest(expired)).update(expires=timezone.now())
    keys.revoke(world.users["user-a"], revoked.split("_")[1])
    assert get(path)[0] == 401
    assert get(path, "lakou_00000000_" + "x" * 43)[0] == 401
    assert get(path, live[:-2])[0] == 401
    assert get(path, expired)[0] == 401
    assert get(path, revoked)[0] == 401
    assert get(path, live)[0] == 200
    world.users["user-a"].is_active = False
    world.users["user-a"].save()
    assert get(path, live)[0] == 401


def test_an_unknown_asn_is_404_for_staff(world: World) -> None:
    assert get("/api/members/64511/contacts", key_of(world, "staff"))[0] == 404


def test_the_public_api_stays_public_and_the_schema_names_the_bearer(world: World) -> None:
    assert get("/api/exchanges")[0] == 200
    code, schema = get("/api/openapi.json")
    assert code == 200
    assert "BearerKey" in schema["components"]["securitySchemes"]  # type: ignore[index]
