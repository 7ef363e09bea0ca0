"""Self-service through the API: write-scope keys change, read keys get 403."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.accounts.conftest import World

from lakou.accounts import keys
from lakou.accounts import selfservice as ss
from lakou.accounts.changes import APPLIED, PENDING, VIA_API, Change
from lakou.registry import models as m

pytestmark = pytest.mark.django_db

NEW_MAC = "02:5a:11:22:33:55"


def key_of(world: World, username: str, scope: str = "write") -> str:
    return keys.create_key(world.users[username], scope=scope, days=10)[1]


def call(method: str, path: str, key: str | None, body: Any = None) -> tuple[int, Any]:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    client = Client(headers=headers)
    data = json.dumps(body) if body is not None else None
    answer = getattr(client, method)(path, data=data, content_type="application/json")
    return answer.status_code, answer.json() if answer.content else None


def address_of(network: m.Network) -> m.PeeringLanAddress:
    return (
        m.PeeringLanAddress.objects.filter(connection__member__network=network)
        .order_by("pk")
        .first()
    )


def test_a_write_key_adds_a_mac_and_the_log_names_the_key(world: World) -> None:
    key = key_of(world, "admin-a")
    address = address_of(world.a)
    code, body = call(
        "post", f"/api/members/{world.a.asn}/macs", key, {"address": address.pk, "mac": NEW_MAC}
    )
    assert code == 201, body
    assert body["status"] == APPLIED and body["user"] == "admin-a"
    assert body["api_key"] == "lakou_" + key.split("_")[1]
    assert m.MacAddress.objects.filter(address=address, mac=NEW_MAC).exists()
    change = Change.objects.get()
    assert change.via == VIA_API and change.api_prefix == key.split("_")[1]
    code, log = call("get", f"/api/members/{world.a.asn}/changes", key_of(world, "user-a", "read"))
    assert code == 200 and log[0]["id"] == change.pk and log[0]["user"] == "admin-a"


def test_read_keys_member_users_and_regulators_cannot_write(world: World) -> None:
    address = address_of(world.a)
    body = {"address": address.pk, "mac": NEW_MAC}
    path = f"/api/members/{world.a.asn}/macs"
    assert call("post", path, key_of(world, "admin-a", "read"), body)[0] == 403
    assert call("post", path, key_of(world, "user-a", "write"), body)[0] == 403
    assert call("post", path, key_of(world, "regulator", "write"), body)[0] == 404
    assert call("post", path, key_of(world, "admin-b", "write"), body)[0] == 404
    assert call("post", path, None, body)[0] == 401
    assert not Change.objects.exists()
    assert not m.MacAddress.objects.filter(mac=NEW_MAC).exists()


def test_routing_preview_and_patch(world: World) -> None:
    key = key_of(world, "admin-a")
    world.a.max_prefix_v4 = 10
    world.a.save()
    path = f"/api/members/{world.a.asn}/routing"
    code, previews = call("post", path + "/preview", key, {"max_prefix_v4": 8})
    assert code == 200 and previews
    assert any(
        limit["before"] == 10 and limit["after"] == 8
        for p in previews
        for limit in p.get("limits", [])
    ), previews
    code, body = call("patch", path, key, {"max_prefix_v6": 20})
    assert code == 201 and body["after"] == {"max_prefix_v6": 20}, body
    world.a.refresh_from_db()
    assert (world.a.max_prefix_v4, world.a.max_prefix_v6) == (10, 20)
    code, body = call("patch", path, key, {"as_set": "NOT A SET!"})
    assert code == 400 and body["field"] == "as_set"
    code, body = call("patch", path, key, {"max_prefix_v4": 0})
    assert code == 400 and body["field"] == "max_prefix_v4"


def test_sessions_and_contacts_and_approval(world: World) -> None:
    key = key_of(world, "admin-a")
    session = ss.sessions_of(world.a)[0]
    base = f"/api/members/{world.a.asn}"
    code, body = call("patch", f"{base}/sessions/{session.pk}", key, {"enabled": False})
    assert code == 201, body
    session.refresh_from_db()
    assert not session.enabled
    other = ss.sessions_of(world.b)[0]
    code, body = call("patch", f"{base}/sessions/{other.pk}", key, {"enabled": False})
    assert code == 400
    m.Exchange.objects.filter(members__network=world.a).update(selfservice_approval=True)
    contact = {"role": "noc", "name": "NOC", "email": "noc@a.example"}
    code, body = call("post", f"{base}/contacts", key, contact)
    assert code == 202 and body["status"] == PENDING
    assert not world.a.contacts.filter(email="noc@a.example").exists()
    ss.approve(Change.objects.get(pk=body["id"]), world.users["staff"])
    row = world.a.contacts.get(email="noc@a.example")
    code, _ = call("patch", f"{base}/contacts/{row.pk}", key, {**contact, "role": "billing"})
    assert code == 202
    code, _ = call("delete", f"{base}/contacts/{row.pk}", key)
    assert code == 202
    assert world.a.contacts.filter(pk=row.pk, role="noc").exists()
    code, body = call("post", f"{base}/contacts", key, {"role": "sales", "email": "x@a.example"})
    assert code == 400 and body["field"] == "role"


def test_nobody_reads_another_members_log(world: World) -> None:
    ss.add_mac(ss.Actor(world.users["admin-a"]), world.a, address_of(world.a).pk, NEW_MAC)
    path = f"/api/members/{world.a.asn}/changes"
    for who in ("admin-b", "regulator"):
        code, body = call("get", path, key_of(world, who, "read"))
        assert code == 404 and NEW_MAC not in json.dumps(body)
    assert call("get", path, None)[0] == 401
    code, body = call("get", path, key_of(world, "staff", "read"))
    assert code == 200 and body[0]["after"]["macs"]


def test_addresses_name_the_ids_the_changes_use(world: World) -> None:
    key = key_of(world, "user-a", "read")
    code, body = call("get", f"/api/members/{world.a.asn}/addresses", key)
    assert code == 200 and body
    address = address_of(world.a)
    row = next(a for a in body if a["id"] == address.pk)
    assert {x["mac"] for x in row["macs"]} == set(address.macs.values_list("mac", flat=True))
    ids = {s["id"] for a in body for s in a["sessions"]}
    assert ids == {s.pk for s in ss.sessions_of(world.a)}
    assert call("get", f"/api/members/{world.a.asn}/addresses", key_of(world, "admin-b"))[0] == 404
