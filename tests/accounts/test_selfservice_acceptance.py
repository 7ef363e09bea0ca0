"""Issue 15's acceptance line: "A MAC added by a member shows in the registry, in the IX-F
export, and (after approval if configured) in the flow enrichment; the audit log records
who did it."

The flow enrichment is the one ``lakou flows ... --registry`` builds (its member table
from ``lakou.registry.engines.all_exchanges``); the IX-F export is the public
``/participants.json``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.test import Client
from tests.accounts.conftest import World, sign_in, verified_client

from lakou.accounts import keys
from lakou.flows.enrich import MemberTable
from lakou.flows.records import mac_to_int
from lakou.registry import models as m
from lakou.registry.engines import all_exchanges

pytestmark = pytest.mark.django_db

NEW_MAC = "02:5a:c0:ff:ee:01"


def in_ixf_export(mac: str) -> bool:
    document = json.loads(Client().get("/participants.json").content)
    return any(
        mac in family.get("mac_addresses", [])
        for member in document["member_list"]
        for conn in member["connection_list"]
        for vlan in conn["vlan_list"]
        for family in (vlan.get("ipv4", {}), vlan.get("ipv6", {}))
    )


def enriched_owner(mac: str, vlan: int) -> int:
    """The member the flow enrichment attributes a frame from ``mac`` on ``vlan`` to."""
    table = MemberTable.from_exchanges(all_exchanges())
    found = table.lookup(np.array([vlan]), np.array([mac_to_int(mac)], dtype=np.uint64))
    return int(found[0])


def where(world: World) -> m.PeeringLanAddress:
    return (
        m.PeeringLanAddress.objects.filter(connection__member__network=world.a)
        .select_related("lan")
        .order_by("pk")
        .first()
    )


def audit_log_text(world: World) -> str:
    client = Client()
    sign_in(client, "user-a")
    return client.get(f"/members/{world.a.asn}/changes/").content.decode()


def test_a_mac_added_in_the_portal_with_approval(world: World) -> None:
    address = where(world)
    vlan = address.lan.vlan_id
    m.Exchange.objects.filter(pk=address.lan.exchange_id).update(selfservice_approval=True)
    admin = verified_client(world.users["admin-a"])
    answer = admin.post(
        f"/members/{world.a.asn}/self-service/",
        {"action": "mac", "address": address.pk, "mac": NEW_MAC},
    )
    assert answer.status_code == 302
    # waiting: nowhere yet, but in the log as admin-a's
    assert not m.MacAddress.objects.filter(mac=NEW_MAC).exists()
    assert not in_ixf_export(NEW_MAC)
    assert enriched_owner(NEW_MAC, vlan) == 0
    log = audit_log_text(world)
    assert "admin-a" in log and NEW_MAC in log

    staff = verified_client(world.users["staff"])
    change_id = world.a.selfservice_changes.get().pk
    staff.post(f"/members/changes/{change_id}/decide/", {"decision": "approve"})

    assert m.MacAddress.objects.get(mac=NEW_MAC).address == address
    assert in_ixf_export(NEW_MAC)
    assert enriched_owner(NEW_MAC, vlan) == world.a.asn
    change = world.a.selfservice_changes.get()
    assert (change.username, change.status, change.decided_by) == (
        "admin-a",
        "applied",
        world.users["staff"],
    )
    assert "staff" in audit_log_text(world)


def test_a_mac_added_with_a_write_key_without_approval(world: World) -> None:
    address = where(world)
    key = keys.create_key(world.users["admin-a"], scope="write", days=5)[1]
    client = Client(headers={"authorization": f"Bearer {key}"})
    answer = client.post(
        f"/api/members/{world.a.asn}/macs",
        data=json.dumps({"address": address.pk, "mac": NEW_MAC.upper()}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert m.MacAddress.objects.filter(mac=NEW_MAC, address=address).exists()
    assert in_ixf_export(NEW_MAC)
    assert enriched_owner(NEW_MAC, address.lan.vlan_id) == world.a.asn
    log = audit_log_text(world)
    assert "admin-a" in log and f"lakou_{key.split('_')[1]}" in log


def test_a_quarantined_mac_is_the_members_in_the_export_and_the_enrichment(world: World) -> None:
    """In quarantine the MAC is in the registry, marked so: the member's new router's
    traffic is the member's, and the export lists it like the others."""
    address = where(world)
    m.Exchange.objects.filter(pk=address.lan.exchange_id).update(mac_quarantine=True)
    admin = verified_client(world.users["admin-a"])
    admin.post(
        f"/members/{world.a.asn}/self-service/",
        {"action": "mac", "address": address.pk, "mac": NEW_MAC},
    )
    assert m.MacAddress.objects.get(mac=NEW_MAC).quarantine
    assert in_ixf_export(NEW_MAC)
    assert enriched_owner(NEW_MAC, address.lan.vlan_id) == world.a.asn
