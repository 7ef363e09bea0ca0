"""The peering-LAN address rule: one rule, applied by the models, the admin and importers.

A member's address is never a route server's (or the route server would plan a session
with itself), never the LAN's network or broadcast address, never another member's; a route
server's address is never a member's. Each way in (model, admin form, ``lakou clients
import``, ``lakou ixf import``, with and without ``--dry-run``) refuses with a message
naming the field or the place in the file, and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lakou.accounts.testing import verified_login
from lakou.cli import main
from lakou.registry import models as m
from lakou.registry.testing import table_snapshot

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def lan() -> m.PeeringLan:
    """rs1 (203.0.113.1, 2001:db8:113::1) and rs2 (.2, ::2); AS64500 at .10 and ::10."""
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    lan = m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        vlan_id=100,
        ipv4_prefix="203.0.113.0/24",
        ipv6_prefix="2001:db8:113::/64",
    )
    for n in (1, 2):
        m.RouteServer.objects.create(
            exchange=ex,
            lan=lan,
            name=f"rs{n}",
            asn=64496,
            router_id=f"203.0.113.{n}",
            ipv4=f"203.0.113.{n}",
            ipv6=f"2001:db8:113::{n}",
        )
    net = m.Network.objects.create(asn=64500, name="Dauphin Example")
    member = m.Member.objects.create(exchange=ex, network=net)
    conn = m.Connection.objects.create(member=member)
    m.PeeringLanAddress.objects.create(
        connection=conn, lan=lan, ipv4="203.0.113.10", ipv6="2001:db8:113::10"
    )
    return lan


def new_connection(lan: m.PeeringLan, asn: int = 64501) -> m.Connection:
    net = m.Network.objects.create(asn=asn, name=f"Network {asn}")
    member = m.Member.objects.create(exchange=lan.exchange, network=net)
    return m.Connection.objects.create(member=member)


@pytest.mark.parametrize(
    "value,problem",
    [
        ("203.0.113.20", None),
        ("2001:db8:113::20", None),
        ("203.0.113.1", "203.0.113.1 is the address of route server rs1."),
        ("2001:db8:113:0:0::2", "2001:db8:113::2 is the address of route server rs2."),
        ("203.0.113.10", "203.0.113.10 is already the address of AS64500 on peering."),
        ("2001:db8:113::10", "2001:db8:113::10 is already the address of AS64500 on peering."),
        ("203.0.113.0", "203.0.113.0 is the network address of 203.0.113.0/24."),
        ("203.0.113.255", "203.0.113.255 is the broadcast address of 203.0.113.0/24."),
        ("2001:db8:113::", "2001:db8:113:: is the network address of 2001:db8:113::/64."),
        ("198.51.100.7", "198.51.100.7 is outside the peering LAN 203.0.113.0/24."),
    ],
)
def test_the_one_rule(lan: m.PeeringLan, value: str, problem: str | None) -> None:
    assert m.lan_address_problem(lan, value) == problem


def test_member_address_never_a_route_servers(lan: m.PeeringLan) -> None:
    addr = m.PeeringLanAddress(
        connection=new_connection(lan), lan=lan, ipv4="203.0.113.1", ipv6="2001:db8:113::2"
    )
    with pytest.raises(ValidationError) as caught:
        addr.full_clean()
    assert caught.value.message_dict["ipv4"] == ["203.0.113.1 is the address of route server rs1."]
    assert caught.value.message_dict["ipv6"] == [
        "2001:db8:113::2 is the address of route server rs2."
    ]


def test_member_address_never_another_members(lan: m.PeeringLan) -> None:
    other_lan = m.PeeringLan.objects.create(
        exchange=lan.exchange, name="voice", vlan_id=200, ipv4_prefix="203.0.113.0/25"
    )
    addr = m.PeeringLanAddress(connection=new_connection(lan), lan=other_lan, ipv4="203.0.113.10")
    with pytest.raises(ValidationError) as caught:
        addr.full_clean()
    assert caught.value.message_dict["ipv4"] == [
        "203.0.113.10 is already the address of AS64500 on peering."
    ]


def test_no_address_at_all_is_the_fields_error(lan: m.PeeringLan) -> None:
    addr = m.PeeringLanAddress(connection=new_connection(lan), lan=lan, ipv4="203.0.113.x")
    rs = m.RouteServer(
        exchange=lan.exchange, lan=lan, name="rs3", asn=64496, router_id="203.0.113.3", ipv6="x"
    )
    for row, field in ((addr, "ipv4"), (rs, "ipv6")):
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        assert list(caught.value.message_dict) == [field]
        assert "valid" in caught.value.message_dict[field][0]


def test_rows_never_conflict_with_themselves(lan: m.PeeringLan) -> None:
    for row in (*m.PeeringLanAddress.objects.all(), *m.RouteServer.objects.all()):
        row.full_clean()


def test_route_server_never_a_members_or_another_route_servers_address(
    lan: m.PeeringLan,
) -> None:
    rs = m.RouteServer(
        exchange=lan.exchange,
        lan=lan,
        name="rs3",
        asn=64496,
        router_id="203.0.113.3",
        ipv4="203.0.113.10",
        ipv6="2001:db8:113::1",
    )
    with pytest.raises(ValidationError) as caught:
        rs.full_clean()
    assert caught.value.message_dict["ipv4"] == [
        "203.0.113.10 is already the address of AS64500 on peering."
    ]
    assert caught.value.message_dict["ipv6"] == [
        "2001:db8:113::1 is the address of route server rs1."
    ]
    rs.ipv4, rs.ipv6 = "203.0.113.255", None
    with pytest.raises(ValidationError) as caught:
        rs.full_clean()
    assert caught.value.message_dict == {
        "ipv4": ["203.0.113.255 is the broadcast address of 203.0.113.0/24."]
    }
    rs.ipv4, rs.ipv6 = "203.0.113.3", "2001:db8:113::3"
    rs.full_clean()


def test_no_session_from_a_route_server_to_itself(lan: m.PeeringLan) -> None:
    # a row saved around the rules (an older lakou, a raw SQL fix) still gets no session
    legacy = m.PeeringLanAddress.objects.create(
        connection=new_connection(lan), lan=lan, ipv4="203.0.113.2"
    )
    rs1, rs2 = m.RouteServer.objects.order_by("name")
    m.RouteServerSession(route_server=rs1, address=legacy, afi=4).full_clean()
    with pytest.raises(ValidationError) as caught:
        m.RouteServerSession(route_server=rs2, address=legacy, afi=4).full_clean()
    assert caught.value.message_dict["address"] == [
        "203.0.113.2 is the route server's own address: a route server never has a session "
        "with itself."
    ]


# -- the admin --------------------------------------------------------------------------------
@pytest.fixture
def staff(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1")
    verified_login(client, user)  # staff pass the second factor (lakou.accounts)
    return client


def test_admin_refuses_a_route_servers_address_for_a_member(
    staff: Client, lan: m.PeeringLan
) -> None:
    conn = new_connection(lan)
    before = table_snapshot()
    response = staff.post(
        reverse("admin:registry_peeringlanaddress_add"),
        {
            "connection": conn.pk,
            "lan": lan.pk,
            "ipv4": "203.0.113.1",
            "ipv6": "2001:db8:113::21",
            "macs-TOTAL_FORMS": 0,
            "macs-INITIAL_FORMS": 0,
            "rs_sessions-TOTAL_FORMS": 0,
            "rs_sessions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"ipv4": ["203.0.113.1 is the address of route server rs1."]}
    assert "203.0.113.1 is the address of route server rs1." in response.content.decode()
    assert table_snapshot() == before


def test_admin_refuses_a_members_address_for_a_route_server(
    staff: Client, lan: m.PeeringLan
) -> None:
    before = table_snapshot()
    response = staff.post(
        reverse("admin:registry_routeserver_add"),
        {
            "exchange": lan.exchange_id,
            "lan": lan.pk,
            "name": "rs3",
            "asn": 64496,
            "router_id": "203.0.113.3",
            "ipv4": "203.0.113.3",
            "ipv6": "2001:db8:113::10",
            "daemon": "bird2",
            "version": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"ipv6": ["2001:db8:113::10 is already the address of AS64500 on peering."]}
    assert table_snapshot() == before


def test_admin_action_skips_a_session_to_itself(staff: Client, lan: m.PeeringLan) -> None:
    legacy = m.PeeringLanAddress.objects.create(
        connection=new_connection(lan), lan=lan, ipv4="203.0.113.2"
    )
    response = staff.post(
        reverse("admin:registry_peeringlanaddress_changelist"),
        {"action": "create_route_server_sessions", "_selected_action": [legacy.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 route-server session created" in page
    assert "never has a session with itself" in page
    assert [s.route_server.name for s in legacy.rs_sessions.all()] == ["rs1"]


def test_admin_message_in_french(staff: Client, lan: m.PeeringLan) -> None:
    response = staff.post(
        reverse("admin:registry_peeringlanaddress_add"),
        {
            "connection": new_connection(lan).pk,
            "lan": lan.pk,
            "ipv4": "203.0.113.1",
            "macs-TOTAL_FORMS": 0,
            "macs-INITIAL_FORMS": 0,
            "rs_sessions-TOTAL_FORMS": 0,
            "rs_sessions-INITIAL_FORMS": 0,
        },
        headers={"accept-language": "fr"},
    )
    assert response.context["adminform"].form.errors["ipv4"] == [
        "203.0.113.1 est l’adresse du serveur de route rs1."
    ]


# -- lakou clients import ---------------------------------------------------------------------
CLIENTS = """\
clients:
  - asn: 64501
    ip: ["203.0.113.21", "2001:db8:113::21"]
  - asn: 64502
    ip: {ip}
"""


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
@pytest.mark.parametrize(
    "ip,where,problem",
    [
        ("203.0.113.1", "clients[1].ip", "203.0.113.1 is the address of route server rs1"),
        (
            '["203.0.113.22", "2001:db8:113::2"]',
            "clients[1].ip[1]",
            "2001:db8:113::2 is the address of route server rs2",
        ),
        ("203.0.113.255", "clients[1].ip", "203.0.113.255 is the broadcast address"),
    ],
)
def test_clients_import_refuses_a_route_servers_address(
    lan: m.PeeringLan, tmp_path: Path, dry_run: bool, ip: str, where: str, problem: str
) -> None:
    path = tmp_path / "clients.yml"
    path.write_text(CLIENTS.format(ip=ip))
    before = table_snapshot()
    args = ["clients", "import", str(path), "--exchange", "smart-ix"]
    result = CliRunner().invoke(main, args + (["--dry-run"] if dry_run else []))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"{path}: {where}: {problem}" in lines[0]
    assert lines[0].endswith("nothing was changed")
    assert table_snapshot() == before


def test_clients_import_never_keeps_a_session_to_itself(lan: m.PeeringLan, tmp_path: Path) -> None:
    """An address row already equal to rs2's (saved around the rules) is not reused."""
    m.PeeringLanAddress.objects.create(
        connection=new_connection(lan, 64502), lan=lan, ipv4="203.0.113.2"
    )
    path = tmp_path / "clients.yml"
    path.write_text(CLIENTS.format(ip="203.0.113.2"))
    before = table_snapshot()
    result = CliRunner().invoke(main, ["clients", "import", str(path), "--exchange", "smart-ix"])
    assert result.exit_code == 1
    assert f"{path}: clients[1].ip: 203.0.113.2 is the address of route server rs2" in (
        result.output
    )
    assert table_snapshot() == before
    assert not m.RouteServerSession.objects.exists()


def test_clients_import_of_good_addresses_still_works(lan: m.PeeringLan, tmp_path: Path) -> None:
    path = tmp_path / "clients.yml"
    path.write_text(CLIENTS.format(ip="203.0.113.22"))
    result = CliRunner().invoke(main, ["clients", "import", str(path), "--exchange", "smart-ix"])
    assert result.exit_code == 0, result.output
    assert m.RouteServerSession.objects.count() == 6  # 2 servers x (2 + 1 families)


def test_clients_import_message_in_french(lan: m.PeeringLan, tmp_path: Path) -> None:
    path = tmp_path / "clients.yml"
    path.write_text(CLIENTS.format(ip="203.0.113.1"))
    args = ["-L", "fr", "clients", "import", str(path), "--exchange", "smart-ix"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "203.0.113.1 est l’adresse du serveur de route rs1" in result.output


# -- lakou ixf import -------------------------------------------------------------------------
MEMBER_V4 = "member_list[0].connection_list[0].vlan_list[0].ipv4.address"
RS_V4 = "member_list[2].connection_list[0].vlan_list[0].ipv4.address"  # AS64535, rs1


def _two_exchanges() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / "ixf" / "two-exchanges-0.7.json").read_text())
    return doc


def _set_v4(doc: dict[str, Any], index: int, value: str) -> None:
    doc["member_list"][index]["connection_list"][0]["vlan_list"][0]["ipv4"]["address"] = value


def _ixf_import(path: Path, doc: dict[str, Any], dry_run: bool) -> list[str]:
    """Import ``doc`` from ``path``; it must be refused, in one line, with nothing written."""
    path.write_text(json.dumps(doc))
    before = table_snapshot()
    result = CliRunner().invoke(
        main, ["ixf", "import", str(path)] + (["--dry-run"] if dry_run else [])
    )
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("nothing was changed"), result.output
    assert table_snapshot() == before
    return lines


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
def test_ixf_import_refuses_a_member_at_the_documents_route_server(
    tmp_path: Path, dry_run: bool
) -> None:
    doc = _two_exchanges()
    _set_v4(doc, 0, "198.51.100.126")  # rs1's address, also in the document
    path = tmp_path / "doc.json"
    [line] = _ixf_import(path, doc, dry_run)
    assert f"{path}: {MEMBER_V4}: 198.51.100.126 is the address of the route server at {RS_V4}" in (
        line
    )
    assert not m.Exchange.objects.exists()


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
def test_ixf_import_refuses_a_member_at_the_registrys_route_server(
    tmp_path: Path, dry_run: bool
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(_two_exchanges()))
    assert CliRunner().invoke(main, ["ixf", "import", str(path)]).exit_code == 0
    doc = _two_exchanges()
    del doc["member_list"][2]  # the route server is only in the registry now
    _set_v4(doc, 0, "198.51.100.126")
    [line] = _ixf_import(path, doc, dry_run)
    assert f"{path}: {MEMBER_V4}: 198.51.100.126 is the address of route server rs1." in line


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
def test_ixf_import_refuses_a_route_server_at_a_members_address(
    tmp_path: Path, dry_run: bool
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(_two_exchanges()))
    assert CliRunner().invoke(main, ["ixf", "import", str(path)]).exit_code == 0
    doc = _two_exchanges()
    _set_v4(doc, 2, "198.51.100.30")  # the route server moves onto AS64530's address...
    del doc["member_list"][0]  # ...which only the registry now shows
    rs_v4 = RS_V4.replace("member_list[2]", "member_list[1]")
    [line] = _ixf_import(path, doc, dry_run)
    assert f"{path}: {rs_v4}: 198.51.100.30 is already the address of AS64530 on main." in line


def test_ixf_message_in_french(tmp_path: Path) -> None:
    doc = _two_exchanges()
    vlan = doc["member_list"][1]["connection_list"][0]["vlan_list"][0]
    vlan["ipv6"]["address"] = "2001:db8:300::30"  # AS64531 at AS64530's address
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    result = CliRunner().invoke(main, ["-L", "fr", "ixf", "import", str(path)])
    assert result.exit_code == 1
    first = MEMBER_V4.replace("ipv4", "ipv6")
    assert f"2001:db8:300::30 est déjà attribuée à l'interface en {first}" in result.output
