"""A member's routes: ``GET /api/members/{asn}/routes`` and the page ``/members/<asn>/routes/``.

Route server ``rs1`` is answered by the looking-glass tests' stand-in for the engine
(``tests.portal.test_lg.FakeEngine``: its routes are decoded by the engine's own reason
table, in the asked language); ``gone`` is a socket where nothing listens, reached through
the real engine. The live test (``test_member_routes_live.py``) asks a real BIRD.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.accounts.conftest import World, verified_client
from tests.portal.test_lg_pages import DAUPHIN, RS_ASN, FakeEngine

from lakou.accounts import keys, manage
from lakou.accounts.models import ApiKey
from lakou.registry import models as m
from lakou.routeserver.lg import api as lg

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, world: World
) -> FakeEngine:
    fake = FakeEngine()
    for name in fake.real:
        monkeypatch.setattr(lg, name, getattr(fake, name))
    config = settings.LAKOU_CONFIG
    servers = [
        lg.RouteServerEndpoint(name="rs1", socket=tmp_path / "rs1.ctl", rs_asn=RS_ASN),
        lg.RouteServerEndpoint(name="gone", socket=tmp_path / "nothing.ctl", rs_asn=RS_ASN),
    ]
    settings.LAKOU_CONFIG = config.model_copy(
        update={"routeserver": config.routeserver.model_copy(update={"route_servers": servers})}
    )
    settings.LAKOU_LG_TIMEOUT = 5.0
    return fake


@pytest.fixture
def dauphin_user(world: World) -> Any:
    assert m.Network.objects.filter(asn=DAUPHIN).exists()
    user, _ = manage.add_user("dauphin-user", "member-user", DAUPHIN, "noc@dauphin.example")
    return user


def get(path: str, key: str | None = None) -> Any:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    return Client(headers=headers).get(path)


def test_a_key_reads_its_filtered_routes_with_every_reason(
    engine: FakeEngine, dauphin_user: Any
) -> None:
    key = keys.create_key(dauphin_user, days=5)[1]
    answer = get(f"/api/members/{DAUPHIN}/routes?lang=en", key)
    assert answer.status_code == 200
    body = answer.json()
    assert body["asn"] == DAUPHIN and body["status"] == "filtered"
    rs1, gone = body["route_servers"]
    assert rs1["ok"] and rs1["total"] == 2 and rs1["next_offset"] is None
    by_prefix = {r["prefix"]: r for r in rs1["routes"]}
    assert set(by_prefix) == {"11.0.11.0/24", "10.0.0.0/24"}
    assert all(r["filtered"] for r in rs1["routes"])
    assert {x["code"] for x in by_prefix["11.0.11.0/24"]["reasons"]} == {4, 8, 10}
    assert {x["community"] for x in by_prefix["10.0.0.0/24"]["reasons"]} == {
        f"{RS_ASN}:1101:3",
        f"{RS_ASN}:1101:9",
    }
    assert not gone["ok"] and "gone" in gone["error"] and gone["routes"] == []
    fr = get(f"/api/members/{DAUPHIN}/routes?lang=fr", key).json()
    texts_fr = {x["text"] for r in fr["route_servers"][0]["routes"] for x in r["reasons"]}
    texts_en = {x["text"] for r in rs1["routes"] for x in r["reasons"]}
    assert texts_fr and texts_fr.isdisjoint(texts_en)


def test_accepted_received_and_pages(engine: FakeEngine, dauphin_user: Any) -> None:
    key = keys.create_key(dauphin_user, days=5)[1]
    base = f"/api/members/{DAUPHIN}/routes"
    accepted = get(f"{base}?status=accepted", key).json()["route_servers"][0]
    assert {r["prefix"] for r in accepted["routes"]} == {"11.0.0.0/24", "2a0a::/32"}
    assert not any(r["filtered"] for r in accepted["routes"])
    received = get(f"{base}?status=received&limit=3", key).json()["route_servers"][0]
    assert received["total"] == 4 and len(received["routes"]) == 3
    assert received["next_offset"] == 3
    rest = get(f"{base}?status=received&limit=3&offset=3", key).json()["route_servers"][0]
    assert len(rest["routes"]) == 1 and rest["next_offset"] is None
    seen = {r["prefix"] for r in received["routes"]} | {r["prefix"] for r in rest["routes"]}
    assert len(seen) == 4
    assert get(f"{base}?status=everything", key).status_code == 422
    assert get(f"{base}?limit=0", key).status_code == 422


def test_another_member_regulator_and_dead_keys_are_refused(
    engine: FakeEngine, dauphin_user: Any, world: World
) -> None:
    path = f"/api/members/{DAUPHIN}/routes"
    others = [u for u in ("admin-b", "regulator") if DAUPHIN not in _asns(world, u)]
    assert others
    for username in others:
        assert get(path, keys.create_key(world.users[username], days=5)[1]).status_code == 404
    staff = keys.create_key(world.users["staff"], days=5)[1]
    assert get(path, staff).status_code == 200
    expired = keys.create_key(dauphin_user, days=5)[1]
    ApiKey.objects.filter(digest=keys.digest(expired)).update(expires=timezone.now())
    revoked = keys.create_key(dauphin_user, days=5)[1]
    keys.revoke(dauphin_user, revoked.split("_")[1])
    for key in (expired, revoked, None, "lakou_0000_nothing"):
        assert get(path, key).status_code == 401, key
    assert ("routes", str(DAUPHIN)) in engine.calls  # the live key did ask the route server


def _asns(world: World, username: str) -> set[int]:
    return set(world.users[username].memberships.values_list("network__asn", flat=True))


def test_the_routes_page_shows_sessions_and_reasons_in_french(
    engine: FakeEngine, dauphin_user: Any, world: World
) -> None:
    client = Client()
    client.force_login(dauphin_user)
    html = client.get(f"/members/{DAUPHIN}/routes/", headers={"accept-language": "fr"})
    assert html.status_code == 200
    text = html.content.decode()
    live = text[text.index('id="live-sessions"') : text.index("</section>")]
    assert "AS33392_4_1" in live and "AS33392_6_1" in live and "bgp-up" in live
    assert "AS10002" not in live  # another network's session
    rs1 = text[text.index('id="routes-rs1"') :]
    assert "11.0.11.0/24" in rs1 and "10.0.0.0/24" in rs1 and "11.0.0.0/24" not in rs1
    assert f"{RS_ASN}:1101:9" in rs1
    gone = text[text.index('id="routes-gone"') :]
    assert "Le serveur de routes gone ne répond pas" in gone
    accepted = client.get(f"/members/{DAUPHIN}/routes/?status=accepted").content.decode()
    assert "11.0.0.0/24" in accepted[accepted.index('id="routes-rs1"') :]
    for other in ("admin-b", "regulator"):
        if DAUPHIN in _asns(world, other):
            continue
        answer = verified_client(world.users[other]).get(f"/members/{DAUPHIN}/routes/")
        assert answer.status_code == 404, other
