"""The demo loader: idempotent, valid rows, real networks, invented infrastructure."""

from __future__ import annotations

import ipaddress

import pytest

from lakou.registry import demo
from lakou.registry import models as m
from lakou.registry.testing import row_counts

pytestmark = pytest.mark.django_db


def test_load_is_idempotent() -> None:
    first = demo.load_demo()
    after_first = row_counts()
    assert first.created["exchanges"] == 3 and first.created["members"] == after_first["Member"]
    second = demo.load_demo()
    assert row_counts() == after_first
    assert sum(second.created.values()) == 0
    assert second.totals == first.totals


def test_load_repairs_an_edited_row() -> None:
    demo.load_demo()
    m.Network.objects.filter(asn=33392).update(name="renamed")
    m.Member.objects.filter(network__asn=988).delete()
    summary = demo.load_demo()
    assert m.Network.objects.get(asn=33392).name == "Dauphin Telecom"
    assert summary.created["members"] == 1


def test_shape_of_the_demo() -> None:
    demo.load_demo()
    exchanges = {ex.slug: ex for ex in m.Exchange.objects.all()}
    assert set(exchanges) == {"demo-saint-martin", "demo-saint-barth", "demo-sint-maarten"}
    assert all(ex.demo for ex in exchanges.values())
    sxm = exchanges["demo-sint-maarten"]
    assert {b.slug for b in sxm.bridged_to.all()} == {"demo-saint-martin", "demo-saint-barth"}
    assert {b.slug for b in exchanges["demo-saint-martin"].bridged_to.all()} == {sxm.slug}
    # OCIX's real peering LAN (PeeringDB ixpfx 484/485)
    lan = sxm.lans.get()
    assert (lan.ipv4_prefix, lan.ipv6_prefix) == ("200.0.22.0/23", "2001:13c7:6002::/48")
    for ex in exchanges.values():
        rs = list(ex.route_servers.all())
        assert len(rs) == 2 and {r.daemon for r in rs} == {"bird2"}
        assert ex.switches.count() >= 1 and ex.members.count() >= 4
    # the territories' real operators
    assert m.Member.objects.filter(exchange__slug="demo-saint-martin", network__asn=33392).exists()
    assert m.Member.objects.filter(exchange__slug="demo-sint-maarten", network__asn=27781).exists()
    assert m.Member.objects.filter(exchange__slug="demo-saint-barth", network__asn=215931).exists()


def test_every_row_is_valid_and_addresses_fit_their_lan() -> None:
    demo.load_demo()
    for model in (
        m.Exchange,
        m.PeeringLan,
        m.Network,
        m.Member,
        m.Port,
        m.PeeringLanAddress,
        m.MacAddress,
        m.RouteServer,
        m.RouteServerSession,
    ):
        for obj in model.objects.all():
            obj.full_clean()
    for addr in m.PeeringLanAddress.objects.select_related("lan"):
        assert ipaddress.ip_address(addr.ipv4) in ipaddress.ip_network(addr.lan.ipv4_prefix)
        assert addr.ipv6 == m.PeeringLanAddress.derive_ipv6(
            addr.ipv4, addr.lan.ipv4_prefix, addr.lan.ipv6_prefix
        )
    for mac in m.MacAddress.objects.all():
        first = int(mac.mac[:2], 16)
        assert first & 0b10 and not first & 0b01  # locally administered, unicast
    for rs in m.RouteServer.objects.all():
        assert 64496 <= rs.asn <= 64511  # documentation ASNs (RFC 5398): invented
    # every member on the route servers has a session per family with both route servers
    for addr in m.PeeringLanAddress.objects.filter(rs_sessions__isnull=False).distinct():
        assert addr.rs_sessions.count() == 4


def test_fact_tables_are_small_and_labelled() -> None:
    total = 0
    for name in ("networks.csv", "prefixes.csv", "members.csv"):
        text = demo._read_text(name)
        assert text.startswith("# DEMO DATA")
        rows = demo.read_table(name)
        total += len(rows)
    assert total <= 300
    prefixes = demo.demo_prefixes()
    assert "200.0.22.0/23" in prefixes[27974]
    for asn, items in prefixes.items():
        for prefix in items:
            net = ipaddress.ip_network(prefix)
            assert net.is_global, (asn, prefix)


def test_malformed_table_names_file_and_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_read_text", lambda name: "# c\na,b\n1,2\n3\n")
    with pytest.raises(demo.DemoDataError, match=r"networks.csv:4: 1 columns, expected 2"):
        demo.read_table("networks.csv")
    monkeypatch.setattr(demo, "_read_text", lambda name: "exchanges: [")
    with pytest.raises(demo.DemoDataError, match=r"exchanges\.yml: not valid YAML"):
        demo.read_exchanges()


def test_demo_user_is_staff() -> None:
    from django.contrib.auth import authenticate

    user, password = demo.ensure_demo_user()
    demo.ensure_demo_user()
    account = authenticate(username=user, password=password)
    assert account is not None and account.is_staff
