from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lakou.registry import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan() -> m.PeeringLan:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    return m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        vlan_id=100,
        ipv4_prefix="198.51.100.0/24",
        ipv6_prefix="2001:db8:100::/64",
    )


@pytest.fixture
def connection(lan: m.PeeringLan) -> m.Connection:
    net = m.Network.objects.create(asn=64500, name="Example")
    member = m.Member.objects.create(exchange=lan.exchange, network=net)
    return m.Connection.objects.create(member=member, name="port1")


def test_address_inside_prefix(lan: m.PeeringLan, connection: m.Connection) -> None:
    addr = m.PeeringLanAddress(connection=connection, lan=lan, ipv4="198.51.100.10")
    addr.full_clean()
    outside = m.PeeringLanAddress(connection=connection, lan=lan, ipv4="198.51.101.10")
    with pytest.raises(ValidationError, match="outside"):
        outside.full_clean()


@pytest.mark.parametrize(
    "ip,word",
    [("198.51.100.0", "network"), ("198.51.100.255", "broadcast"), ("2001:db8:100::", "network")],
)
def test_never_network_or_broadcast(lan, connection, ip: str, word: str) -> None:
    field = "ipv6" if ":" in ip else "ipv4"
    addr = m.PeeringLanAddress(connection=connection, lan=lan, **{field: ip})
    with pytest.raises(ValidationError, match=word):
        addr.full_clean()


def test_address_unique_per_lan(lan, connection) -> None:
    m.PeeringLanAddress.objects.create(connection=connection, lan=lan, ipv4="198.51.100.10")
    dup = m.PeeringLanAddress(connection=connection, lan=lan, ipv4="198.51.100.10")
    with pytest.raises(ValidationError):
        dup.full_clean()


def test_ipv6_derived_from_ipv4_host_part() -> None:
    derive = m.PeeringLanAddress.derive_ipv6
    assert derive("198.51.100.23", "198.51.100.0/24", "2001:db8::/64") == "2001:db8::23"
    assert derive("200.0.23.5", "200.0.22.0/23", "2001:db8::/64") == "2001:db8::261"
    with pytest.raises(ValueError):
        derive("10.0.0.1", "198.51.100.0/24", "2001:db8::/64")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("00-1B-21-3A-4F-5C", "00:1b:21:3a:4f:5c"),
        ("001b.213a.4f5c", "00:1b:21:3a:4f:5c"),
        ("001B213A4F5C", "00:1b:21:3a:4f:5c"),
    ],
)
def test_mac_normalised(raw: str, expected: str) -> None:
    assert m.normalise_mac(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "00:1b:21:3a:4f",
        "zz:1b:21:3a:4f:5c",
        "01:00:5e:00:00:01",
        "00:00:00:00:00:00",
        "00:1b:21:3a:4f:5c:77",
    ],
)
def test_mac_rejected(raw: str) -> None:
    with pytest.raises(ValidationError):
        m.normalise_mac(raw)


def test_mac_unique_per_lan(lan, connection) -> None:
    addr = m.PeeringLanAddress.objects.create(connection=connection, lan=lan, ipv4="198.51.100.10")
    mac = m.MacAddress(address=addr, mac="00-1B-21-3A-4F-5C")
    mac.full_clean()
    mac.save()
    assert mac.lan_id == lan.id and mac.mac == "00:1b:21:3a:4f:5c"
    dup = m.MacAddress(address=addr, mac="00:1b:21:3a:4f:5c")
    with pytest.raises(ValidationError):
        dup.full_clean()


def test_lan_prefix_validation(lan) -> None:
    bad = m.PeeringLan(exchange=lan.exchange, name="x", vlan_id=200, ipv4_prefix="198.51.100.1/24")
    with pytest.raises(ValidationError, match="valid IPv4 prefix"):
        bad.full_clean()
    wrong_family = m.PeeringLan(
        exchange=lan.exchange, name="y", vlan_id=201, ipv4_prefix="2001:db8::/64"
    )
    with pytest.raises(ValidationError):
        wrong_family.full_clean()


def test_as_set_validation() -> None:
    net = m.Network(asn=64501, name="n", as_set="AS-FOO RIPE::AS-BAR AS64501")
    net.full_clean()
    net.as_set = "AS-FOO not;a;set"
    with pytest.raises(ValidationError, match="not;a;set"):
        net.full_clean()


def test_rs_session_needs_address_family(lan, connection) -> None:
    addr = m.PeeringLanAddress.objects.create(connection=connection, lan=lan, ipv4="198.51.100.10")
    rs = m.RouteServer.objects.create(
        exchange=lan.exchange,
        lan=lan,
        name="rs1",
        asn=64511,
        router_id="198.51.100.253",
        ipv4="198.51.100.253",
    )
    m.RouteServerSession(route_server=rs, address=addr, afi=4).full_clean()
    with pytest.raises(ValidationError, match="IPv6"):
        m.RouteServerSession(route_server=rs, address=addr, afi=6).full_clean()


def test_engine_view(lan, connection) -> None:
    from lakou.registry.engines import exchange_view

    addr = m.PeeringLanAddress.objects.create(
        connection=connection, lan=lan, ipv4="198.51.100.10", ipv6="2001:db8:100::10"
    )
    m.MacAddress.objects.create(address=addr, mac="00:1b:21:3a:4f:5c")
    rs = m.RouteServer.objects.create(
        exchange=lan.exchange,
        lan=lan,
        name="rs1",
        asn=64511,
        router_id="198.51.100.253",
        ipv4="198.51.100.253",
    )
    m.RouteServerSession.objects.create(route_server=rs, address=addr, afi=4)
    view = exchange_view("smart-ix")
    member = view.member(64500)
    assert member is not None
    assert member.addresses[0].macs == ("00:1b:21:3a:4f:5c",)
    assert member.addresses[0].rs_ipv4 and not member.addresses[0].rs_ipv6
    assert view.route_servers[0].asn == 64511
