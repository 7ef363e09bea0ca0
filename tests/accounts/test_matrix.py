"""The authorisation matrix: every URL of the project, as every role.

Every URL pattern (the portal, the looking glass, the admin, operations, the API with
its authenticated part, the IX-F export) is walked with django.urls' resolvers; each
pattern gets a concrete address (a pattern no filler knows fails the test, so a new URL
cannot slip by untested). Each is opened as anonymous, member user of A, member admin of
A, regulator and staff (API addresses also with each role's API key), and:

* no answer is a server error;
* nobody but staff and A's own users sees A's contacts; nobody but staff sees B's;
* no MAC address of A or B appears, beyond those the public IX-F export shows, except
  to staff and (A's MACs) to A's users;
* no BGP password appears to anyone, staff included;
* the admin and operations open for staff only; member pages for their members and staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from tests.accounts.conftest import World, sign_in, verified_client

from lakou.accounts import keys
from lakou.accounts import selfservice as ss
from lakou.accounts.changes import Change
from lakou.registry import models as m

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "user-a", "admin-a", "regulator", "staff")


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            yield from walk(item.url_patterns, prefix + str(item.pattern))
        else:
            assert isinstance(item, URLPattern)
            yield prefix + str(item.pattern), item


def admin_model(prefix: str) -> Any:
    """The model whose admin pages live under ``admin/<app>/<model>/``."""
    found = re.match(r"\^?admin/(\w+)/(\w+)/", prefix)
    if found is None:
        return None
    try:
        return apps.get_model(found[1], found[2])
    except LookupError:
        return None


def fill(route: str, world: World) -> str:
    """A concrete address for a pattern; raise if a parameter is unknown."""
    model = admin_model(route)
    exchange = m.Exchange.objects.order_by("slug").first()
    assert exchange is not None

    def value(name: str) -> str:
        if name == "user_id":
            return str(world.users["user-a"].pk)
        if name == "asn":
            return str(world.a.asn)
        if name == "peer":
            return str(world.b.asn)
        if name == "slug":
            return exchange.slug
        if name in ("object_id", "id", "pk"):
            row = model.objects.order_by("pk").first() if model is not None else None
            return str(row.pk) if row is not None else "1"
        if name == "app_label":
            return "registry"
        if name in ("rs", "neighbour"):
            return "nowhere"
        if name == "version":
            return "0.0.0"
        if name in ("uidb64", "token"):
            return "x"
        if name == "content_type_id":
            return "1"
        if name == "url":
            return "no-such-page/"
        if name == "change_id":
            row = Change.objects.filter(network=world.b).first()
            return str(row.pk) if row is not None else "1"
        if name == "mac_id":
            mac = m.MacAddress.objects.filter(address__connection__member__network=world.b)
            return str(mac.order_by("pk").first().pk)
        if name == "session_id":
            return str(ss.sessions_of(world.a)[0].pk)
        if name == "prefix":
            return "0d6a8f24"
        if name == "contact_id":
            return str(world.a.contacts.order_by("pk").first().pk)
        raise AssertionError(f"the matrix test does not know how to fill <{name}> in {route}")

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda g: value(g[1]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda g: value(g[1]), path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    assert "(" not in path and "<" not in path, f"unfilled pattern {route} -> {path}"
    return "/" + path


def seen(items: set[str], text: str) -> list[str]:
    return sorted(x for x in items if x in text)


def clients(world: World) -> dict[str, Client]:
    out = {"anonymous": Client()}
    for name in ("user-a", "regulator"):
        out[name] = Client()
        sign_in(out[name], name)
    out["admin-a"] = verified_client(world.users["admin-a"])
    out["staff"] = verified_client(world.users["staff"])
    return out


def secrets_of(network: m.Network) -> dict[str, set[str]]:
    contacts = {c.email for c in network.contacts.all() if c.email} | {
        c.phone for c in network.contacts.all() if c.phone
    }
    macs = set(
        m.MacAddress.objects.filter(address__connection__member__network=network).values_list(
            "mac", flat=True
        )
    )
    passwords = {
        mem.bgp_password for mem in m.Member.objects.filter(network=network) if mem.bgp_password
    }
    return {"contacts": contacts, "macs": macs, "passwords": passwords}


PENDING_A, PENDING_B = "02:aa:aa:aa:aa:01", "02:bb:bb:bb:bb:01"


def pending_macs(world: World) -> None:
    """A change waiting for staff on each of A and B (their audit logs and the queue)."""
    m.Exchange.objects.update(selfservice_approval=True)
    for network, admin_name, mac in (
        (world.a, "admin-a", PENDING_A),
        (world.b, "admin-b", PENDING_B),
    ):
        address = ss.addresses_of(network)[0]
        ss.add_mac(ss.Actor(world.users[admin_name]), network, address.pk, mac)


def peering_history_of(world: World) -> set[str]:
    """A peering request B sent a third network: only staff may see who sent it."""
    from django.contrib.auth import get_user_model

    from lakou.peering.models import PeeringRequest

    third = m.Network.objects.exclude(pk__in=[world.a.pk, world.b.pk]).first()
    sender = get_user_model().objects.create(username="b-peering-requester-7f3")
    PeeringRequest.objects.create(
        network=world.b, peer=third, sent_by=sender, recipients="x@example.org", language="en"
    )
    return {sender.username}


def member_read_addresses(asn: int) -> list[str]:
    """A member's routes, traffic and peering, as pages and API endpoints."""
    return [
        f"/members/{asn}/peering/",
        f"/members/{asn}/routes/",
        f"/members/{asn}/traffic/",
        f"/api/members/{asn}/routes",
        f"/api/members/{asn}/routes?status=received",
        f"/api/members/{asn}/traffic",
    ]


def test_every_url_as_every_role(world: World) -> None:
    pending_macs(world)
    routes = list(walk(get_resolver().url_patterns))
    assert any(r.startswith("admin/") for r, _ in routes)
    assert any("members/<int:asn>/contacts" in r for r, _ in routes)
    addresses = sorted({fill(route, world) for route, _ in routes})
    # admin pages of B's private rows too (the change page of one of B's contacts)
    contact_b = world.b.contacts.first()
    addresses.append(f"/admin/registry/contact/{contact_b.pk}/change/")
    addresses.append(f"/members/{world.b.asn}/")
    addresses.append(f"/api/members/{world.b.asn}/contacts")
    addresses.append(f"/api/members/{world.b.asn}/sessions")
    addresses.append(f"/api/members/{world.b.asn}/changes")
    addresses.append(f"/members/{world.b.asn}/changes/")
    addresses.append(f"/members/{world.b.asn}/self-service/")

    a, b = secrets_of(world.a), secrets_of(world.b)
    # a change waiting for staff is as private as the MACs on record
    a["macs"].add(PENDING_A)
    b["macs"].add(PENDING_B)
    for asn in (world.a.asn, world.b.asn):
        addresses += [x for x in member_read_addresses(asn) if x not in addresses]

    b["contacts"] |= peering_history_of(world)
    public_export = Client().get("/participants.json").content.decode()
    public_macs = {mac for mac in a["macs"] | b["macs"] if mac in public_export}
    api_keys = {
        role: keys.create_key(world.users[role], days=5)[1] for role in ROLES if role != "anonymous"
    }
    by_role = clients(world)
    answers: dict[tuple[str, str], int] = {}
    for role in ROLES:
        for address in addresses:
            client = by_role[role]
            if address.startswith("/api/") and role != "anonymous":
                client = Client(headers={"authorization": f"Bearer {api_keys[role]}"})
            response = client.get(address)
            code = response.status_code
            answers[(role, address)] = code
            assert code < 500, (role, address, code)
            body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
            text = body.decode("utf-8", "replace")
            where = (role, address)
            assert not seen(a["passwords"] | b["passwords"], text), where
            if role != "staff":
                assert not seen(b["contacts"], text), where
                assert not seen(b["macs"] - public_macs, text), where
            if role in ("anonymous", "regulator"):
                assert not seen(a["contacts"], text), where
                assert not seen(a["macs"] - public_macs, text), where

    member_a, member_b = f"/members/{world.a.asn}/", f"/members/{world.b.asn}/"
    assert answers[("anonymous", member_a)] == 302
    for role in ("user-a", "admin-a", "staff"):
        assert answers[(role, member_a)] == 200, role
    for role in ("user-a", "admin-a", "regulator"):
        assert answers[(role, member_b)] == 404, role
        assert answers[(role, f"/api/members/{world.b.asn}/contacts")] == 404, role
    assert answers[("regulator", member_a)] == 404
    users_a = f"/members/{world.a.asn}/users/"
    for role, code in (("user-a", 404), ("regulator", 404), ("admin-a", 200), ("staff", 200)):
        assert answers[(role, users_a)] == code, role
    assert answers[("staff", member_b)] == 200
    assert answers[("anonymous", f"/api/members/{world.a.asn}/contacts")] == 401
    for role in ("user-a", "admin-a", "staff"):
        assert answers[(role, f"/api/members/{world.a.asn}/contacts")] == 200, role

    # a member's routes and traffic (pages and API): its own users and staff only
    for address in member_read_addresses(world.a.asn):
        for role in ("user-a", "admin-a", "staff"):
            assert answers[(role, address)] == 200, (role, address)
        assert answers[("regulator", address)] == 404, address
        assert answers[("anonymous", address)] in (302, 401), address
    for address in member_read_addresses(world.b.asn):
        for role in ("user-a", "admin-a", "regulator"):
            assert answers[(role, address)] == 404, (role, address)
        assert answers[("staff", address)] == 200, address

    # the regulator's aggregates: regulators and staff
    for role, code in (("anonymous", 302), ("user-a", 404), ("admin-a", 404)):
        assert answers[(role, "/regulator/")] == code, role
    for role in ("regulator", "staff"):
        assert answers[(role, "/regulator/")] == 200, role

    admin_pages = [x for x in addresses if x.startswith("/admin/") and "/login/" not in x]
    # a member's routes and traffic (pages and API): its own users and staff only
    for address in member_read_addresses(world.a.asn):
        for role in ("user-a", "admin-a", "staff"):
            assert answers[(role, address)] == 200, (role, address)
        assert answers[("regulator", address)] == 404, address
        assert answers[("anonymous", address)] in (302, 401), address
    for address in member_read_addresses(world.b.asn):
        for role in ("user-a", "admin-a", "regulator"):
            assert answers[(role, address)] == 404, (role, address)
        assert answers[("staff", address)] == 200, address

    admin_pages = [x for x in admin_pages if "/logout/" not in x]
    for role in ("anonymous", "user-a", "admin-a", "regulator"):
        for address in [*admin_pages, "/operations/jobs/"]:
            assert answers[(role, address)] in (302, 404), (role, address)
    assert answers[("staff", "/admin/")] == 200
    assert answers[("staff", "/operations/jobs/")] == 200
    assert answers[("staff", f"/admin/registry/contact/{contact_b.pk}/change/")] == 200
    for model in admin.site._registry:
        page = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert answers[("staff", page)] == 200, page
    # self-service: the changes page for A's admins and staff, the log for A's users too,
    # staff's queue for staff only
    own, log_a, log_b = (
        f"/members/{world.a.asn}/self-service/",
        f"/members/{world.a.asn}/changes/",
        f"/members/{world.b.asn}/changes/",
    )
    for role, codes in {
        "user-a": (404, 200, 404, 404),
        "admin-a": (200, 200, 404, 404),
        "regulator": (404, 404, 404, 404),
        "staff": (200, 200, 200, 200),
    }.items():
        got = tuple(answers[(role, x)] for x in (own, log_a, log_b, "/members/changes/"))
        assert got == codes, role
    for role in ("user-a", "admin-a", "regulator"):
        assert answers[(role, f"/api/members/{world.b.asn}/changes")] == 404, role
    assert answers[("user-a", f"/api/members/{world.a.asn}/changes")] == 200


# --- who may change what ------------------------------------------------------------------

WRITERS_OF_A = {"admin-a", "staff"}


def writes(world: World, n: int) -> list[tuple[str, str, dict[str, object]]]:
    """(method, address, body) of every API change on A (the ``n``-th time: a new MAC)."""
    asn = world.a.asn
    session = ss.sessions_of(world.a)[0]
    contact = world.a.contacts.order_by("pk").first()
    address = ss.addresses_of(world.a)[0]
    return [
        (
            "post",
            f"/api/members/{asn}/macs",
            {"address": address.pk, "mac": f"02:cc:00:00:00:{n:02x}"},
        ),
        ("patch", f"/api/members/{asn}/routing", {"max_prefix_v4": 4200 + n}),
        ("post", f"/api/members/{asn}/routing/preview", {"max_prefix_v4": 4300 + n}),
        ("patch", f"/api/members/{asn}/sessions/{session.pk}", {"enabled": not session.enabled}),
        ("post", f"/api/members/{asn}/contacts", {"role": "abuse", "email": "abuse@a.example"}),
        (
            "patch",
            f"/api/members/{asn}/contacts/{contact.pk}",
            {"role": "billing", "email": "billing@a.example"},
        ),
        ("delete", f"/api/members/{asn}/contacts/{contact.pk}", {}),
    ]


def registry_state(world: World) -> tuple[object, ...]:
    network = m.Network.objects.get(pk=world.a.pk)
    return (
        sorted(m.MacAddress.objects.values_list("mac", flat=True)),
        (network.as_set, network.max_prefix_v4, network.max_prefix_v6),
        sorted(m.RouteServerSession.objects.values_list("pk", "enabled")),
        sorted(m.Contact.objects.values_list("pk", "role", "email")),
        Change.objects.count(),
    )


@pytest.mark.parametrize("scope", ["read", "write"])
def test_only_member_admins_and_staff_write_with_a_write_key(world: World, scope: str) -> None:
    import json

    for n, role in enumerate(ROLES):
        key = None if role == "anonymous" else keys.create_key(world.users[role], scope=scope)[1]
        for method, address, body in writes(world, n):
            before = registry_state(world)
            headers = {"authorization": f"Bearer {key}"} if key else {}
            answer = getattr(Client(headers=headers), method)(
                address, data=json.dumps(body), content_type="application/json"
            )
            code, where = answer.status_code, (role, scope, method, address)
            if role == "anonymous":
                assert code == 401, where
            elif role in ("regulator",):
                assert code == 404, where  # a regulator's key learns nothing of a member
            elif role == "user-a" or scope == "read":
                assert code == 403, where
            else:
                assert code in (200, 201), (where, answer.content)
            if code >= 400 or address.endswith("/preview"):
                assert registry_state(world) == before, where


def test_only_member_admins_and_staff_write_in_the_portal(world: World) -> None:
    pending_macs(world)
    change_b = Change.objects.get(network=world.b)
    mac_b = m.MacAddress.objects.filter(address__connection__member__network=world.b).first()
    mac_b.quarantine = True
    mac_b.save()
    by_role = clients(world)
    by_role["admin-b"] = verified_client(world.users["admin-b"])
    for role, client in by_role.items():
        for network, writers in ((world.a, WRITERS_OF_A), (world.b, {"admin-b", "staff"})):
            before = registry_state(world)
            answer = client.post(
                f"/members/{network.asn}/self-service/",
                {"action": "contact", "role": "noc", "email": f"{role}@noc.example"},
            )
            if role in writers:
                assert answer.status_code == 302, role
                assert answer["Location"] == f"/members/{network.asn}/self-service/"
            else:
                assert answer.status_code in (302, 404), role
                if answer.status_code == 302:
                    assert answer["Location"].startswith("/account/login/"), role
                assert registry_state(world) == before, (role, network.asn)
        if role != "staff":
            decide = client.post(f"/members/changes/{change_b.pk}/decide/", {"decision": "approve"})
            promote = client.post(f"/members/macs/{mac_b.pk}/production/")
            assert decide.status_code in (302, 404) and promote.status_code in (302, 404), role
            change_b.refresh_from_db()
            mac_b.refresh_from_db()
            assert change_b.status == "pending" and mac_b.quarantine, role
    staff = by_role["staff"]
    staff.post(f"/members/changes/{change_b.pk}/decide/", {"decision": "approve"})
    change_b.refresh_from_db()
    assert change_b.status == "applied"
