"""Self-service in the portal: MACs, AS-SET and max-prefix with the route-server preview,
sessions, contacts; approval by staff; quarantine then production; the audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from tests.accounts.conftest import World, sign_in, verified_client

from lakou.accounts import selfservice as ss
from lakou.accounts.changes import APPLIED, FAILED, PENDING, REFUSED, VIA_PORTAL, Change
from lakou.operations.models import JobRun
from lakou.registry import models as m

pytestmark = pytest.mark.django_db

NEW_MAC = "02:5a:11:22:33:44"


def address_of(network: m.Network) -> m.PeeringLanAddress:
    return (
        m.PeeringLanAddress.objects.filter(connection__member__network=network)
        .order_by("pk")
        .first()
    )


def page(world: World, who: str = "admin-a") -> str:
    client = verified_client(world.users[who])
    return client.get(f"/members/{world.a.asn}/self-service/").content.decode()


def post(world: World, data: dict[str, object], who: str = "admin-a", asn: int | None = None):
    client = verified_client(world.users[who])
    return client.post(f"/members/{asn or world.a.asn}/self-service/", data)


def test_a_member_admin_adds_a_mac_and_the_log_says_who(world: World) -> None:
    address = address_of(world.a)
    answer = post(world, {"action": "mac", "address": address.pk, "mac": "02-5A-11-22-33-44"})
    assert answer.status_code == 302
    row = m.MacAddress.objects.get(lan=address.lan, mac=NEW_MAC)
    assert row.address == address and not row.quarantine
    change = Change.objects.get()
    assert (change.username, change.status, change.via) == ("admin-a", APPLIED, VIA_PORTAL)
    assert NEW_MAC in change.after["macs"] and NEW_MAC not in change.before["macs"]
    log = Client()
    sign_in(log, "user-a")
    text = log.get(f"/members/{world.a.asn}/changes/").content.decode()
    assert "admin-a" in text and NEW_MAC in text


def test_a_mac_is_validated_and_unique_on_the_lan(world: World) -> None:
    address = address_of(world.a)
    taken = m.MacAddress.objects.filter(lan=address.lan).exclude(address=address).first()
    for mac, words in [
        ("zz:00:00:00:00:01", "is not a MAC address"),
        ("01:00:5e:00:00:01", "multicast"),
        (taken.mac, "already in use"),
    ]:
        answer = post(world, {"action": "mac", "address": address.pk, "mac": mac})
        assert answer.status_code == 400 and words in answer.content.decode(), mac
    other = address_of(world.b)
    answer = post(world, {"action": "mac", "address": other.pk, "mac": NEW_MAC})
    assert answer.status_code == 400 and "no such peering-LAN address" in answer.content.decode()
    assert not m.MacAddress.objects.filter(mac=NEW_MAC).exists()
    assert not Change.objects.exists()


def test_replacing_a_mac_removes_the_old_one(world: World) -> None:
    address = address_of(world.a)
    old = address.macs.first().mac
    post(world, {"action": "mac", "address": address.pk, "mac": NEW_MAC, "replace": old})
    assert set(address.macs.values_list("mac", flat=True)) >= {NEW_MAC}
    assert not address.macs.filter(mac=old).exists()


def test_quarantine_keeps_the_old_mac_until_production(world: World) -> None:
    address = address_of(world.a)
    m.Exchange.objects.filter(pk=address.lan.exchange_id).update(mac_quarantine=True)
    old = address.macs.first().mac
    post(world, {"action": "mac", "address": address.pk, "mac": NEW_MAC, "replace": old})
    new = address.macs.get(mac=NEW_MAC)
    assert new.quarantine and address.macs.filter(mac=old, quarantine=False).exists()
    assert "quarantine" in page(world)
    staff = verified_client(world.users["staff"])
    assert NEW_MAC in staff.get("/members/changes/").content.decode()
    answer = staff.post(f"/members/macs/{new.pk}/production/")
    assert answer.status_code == 302
    new.refresh_from_db()
    assert not new.quarantine and not address.macs.filter(mac=old).exists()


def test_the_lan_quarantine_check_moves_ready_macs(world: World) -> None:
    from lakou.lan.quarantine import READY, WATCHING, QuarantineStatus

    address = address_of(world.a)
    m.Exchange.objects.filter(pk=address.lan.exchange_id).update(mac_quarantine=True)
    post(world, {"action": "mac", "address": address.pk, "mac": NEW_MAC})
    watching = QuarantineStatus(world.a.asn, world.a.name, NEW_MAC, WATCHING, 24.0)
    assert ss.promote_ready([watching]) == []
    assert m.MacAddress.objects.get(mac=NEW_MAC).quarantine
    ready = QuarantineStatus(world.a.asn, world.a.name, NEW_MAC, READY, 24.0)
    assert ss.promote_ready([ready]) == [NEW_MAC]
    assert not m.MacAddress.objects.get(mac=NEW_MAC).quarantine


def test_routing_preview_shows_the_route_servers_diff_and_save_applies(world: World) -> None:
    world.a.max_prefix_v4 = world.a.max_prefix_v6 = 10
    world.a.save()
    values = {"as_set": world.a.as_set, "max_prefix_v4": "7", "max_prefix_v6": "12"}
    answer = post(world, {"action": "preview", **values})
    text = answer.content.decode()
    assert answer.status_code == 200 and 'id="rs-preview"' in text
    assert "max-prefix 10 → 7" in text
    world.a.refresh_from_db()
    assert world.a.max_prefix_v4 == 10 and not Change.objects.exists()  # a preview only
    assert post(world, {"action": "routing", **values}).status_code == 302
    world.a.refresh_from_db()
    assert (world.a.max_prefix_v4, world.a.max_prefix_v6) == (7, 12)
    change = Change.objects.get()
    assert change.before == {"max_prefix_v4": 10, "max_prefix_v6": 10}
    assert change.after == {"max_prefix_v4": 7, "max_prefix_v6": 12}
    exchange = m.Exchange.objects.get(members__network=world.a)
    assert exchange.routeserver_changed is not None and ss.rebuild_waiting(exchange)
    staff_page = verified_client(world.users["staff"]).get("/members/changes/").content.decode()
    assert "rs-changes" in staff_page and exchange.name in staff_page
    # a successful rs-refresh run after the change: nothing waits any more
    JobRun.objects.create(job="rs-refresh", started_at=timezone.now(), outcome="succeeded")
    assert not ss.rebuild_waiting(exchange)
    assert "rebuild-note" not in page(world)


def test_routing_refuses_a_bad_as_set_or_limit_by_name(world: World) -> None:
    for values, words in [
        ({"as_set": "NOT A SET!", "max_prefix_v4": "", "max_prefix_v6": ""}, "Not an AS-SET"),
        ({"as_set": "AS-FOO", "max_prefix_v4": "0", "max_prefix_v6": ""}, "max-prefix"),
        ({"as_set": "AS-FOO", "max_prefix_v4": "x", "max_prefix_v6": ""}, "max-prefix"),
    ]:
        answer = post(world, {"action": "routing", **values})
        assert answer.status_code == 400 and words in answer.content.decode(), values
    assert not Change.objects.exists()


def test_sessions_and_contacts(world: World) -> None:
    session = ss.sessions_of(world.a)[0]
    assert (
        post(world, {"action": "session", "session": session.pk, "enabled": "0"}).status_code == 302
    )
    session.refresh_from_db()
    assert not session.enabled
    data = {"action": "contact", "role": "abuse", "name": "Abuse desk", "email": "abuse@a.example"}
    assert post(world, data).status_code == 302
    contact = world.a.contacts.get(email="abuse@a.example")
    bad = post(world, {**data, "email": "not-an-address"})
    assert bad.status_code == 400 and "not an e-mail address" in bad.content.decode()
    edit = {**data, "contact": contact.pk, "role": "billing"}
    assert post(world, edit).status_code == 302
    contact.refresh_from_db()
    assert contact.role == "billing"
    assert post(world, {"action": "remove-contact", "contact": contact.pk}).status_code == 302
    assert not world.a.contacts.filter(pk=contact.pk).exists()
    kinds = list(Change.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["session", "contact", "contact", "contact"]
    other = world.b.contacts.first()
    answer = post(world, {"action": "remove-contact", "contact": other.pk})
    assert answer.status_code == 400 and world.b.contacts.filter(pk=other.pk).exists()


def test_with_approval_changes_wait_and_staff_decide(world: World) -> None:
    m.Exchange.objects.filter(members__network=world.a).update(selfservice_approval=True)
    address = address_of(world.a)
    post(world, {"action": "mac", "address": address.pk, "mac": NEW_MAC})
    values = {"as_set": world.a.as_set, "max_prefix_v4": "3", "max_prefix_v6": ""}
    post(world, {"action": "routing", **values})
    mac_change, routing_change = Change.objects.order_by("id")
    assert mac_change.status == routing_change.status == PENDING
    assert not m.MacAddress.objects.filter(mac=NEW_MAC).exists()
    world.a.refresh_from_db()
    assert world.a.max_prefix_v4 != 3
    assert "Waiting for staff approval" in page(world)
    staff = verified_client(world.users["staff"])
    text = staff.get("/members/changes/").content.decode()
    assert NEW_MAC in text and f"AS{world.a.asn}" in text
    staff.post(f"/members/changes/{mac_change.pk}/decide/", {"decision": "approve"})
    staff.post(
        f"/members/changes/{routing_change.pk}/decide/", {"decision": "refuse", "reason": "ask"}
    )
    mac_change.refresh_from_db()
    routing_change.refresh_from_db()
    assert mac_change.status == APPLIED and mac_change.decided_by == world.users["staff"]
    assert routing_change.status == REFUSED and routing_change.message == "ask"
    assert m.MacAddress.objects.filter(mac=NEW_MAC, address=address).exists()
    world.a.refresh_from_db()
    assert world.a.max_prefix_v4 != 3


def test_approval_validates_again(world: World) -> None:
    m.Exchange.objects.filter(members__network=world.a).update(selfservice_approval=True)
    address = address_of(world.a)
    post(world, {"action": "mac", "address": address.pk, "mac": NEW_MAC})
    change = Change.objects.get()
    # meanwhile the operator gave that MAC to another member on the same LAN
    other = m.PeeringLanAddress.objects.filter(lan=address.lan).exclude(pk=address.pk).first()
    m.MacAddress.objects.create(address=other, mac=NEW_MAC)
    ss.approve(change, world.users["staff"])
    assert change.status == FAILED and "already in use" in change.message


def test_staff_changes_never_wait(world: World) -> None:
    m.Exchange.objects.filter(members__network=world.a).update(selfservice_approval=True)
    address = address_of(world.a)
    post(world, {"action": "mac", "address": address.pk, "mac": NEW_MAC}, who="staff")
    assert Change.objects.get().status == APPLIED


def test_who_may_open_and_post(world: World) -> None:
    address = address_of(world.a)
    data = {"action": "mac", "address": address.pk, "mac": NEW_MAC}
    user = Client()
    sign_in(user, "user-a")
    assert user.get(f"/members/{world.a.asn}/self-service/").status_code == 404
    assert user.post(f"/members/{world.a.asn}/self-service/", data).status_code == 404
    regulator = Client()
    sign_in(regulator, "regulator")
    assert regulator.post(f"/members/{world.a.asn}/self-service/", data).status_code == 404
    assert post(world, data, who="admin-b").status_code == 404
    assert not Change.objects.exists()
    for who in ("admin-b", "regulator"):
        client = verified_client(world.users[who])
        assert client.get(f"/members/{world.a.asn}/changes/").status_code == 404
        assert client.get("/members/changes/").status_code == 404
    assert verified_client(world.users["admin-a"]).get("/members/changes/").status_code == 404


def test_the_pages_in_french_and_spanish(world: World) -> None:
    client = verified_client(world.users["admin-a"])
    fr = client.get(f"/members/{world.a.asn}/self-service/", headers={"accept-language": "fr"})
    assert "Ajouter l’adresse MAC" in fr.content.decode()
    es = client.get(f"/members/{world.a.asn}/changes/", headers={"accept-language": "es"})
    assert "Registro de cambios" in es.content.decode()
