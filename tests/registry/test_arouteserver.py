"""arouteserver clients.yml: import, export, round trip, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lakou.registry import models as m
from lakou.registry.arouteserver import (
    ClientsError,
    export_clients,
    export_clients_data,
    import_clients,
    parse_clients,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "clients"
MODELS = (
    m.Exchange,
    m.PeeringLan,
    m.Network,
    m.Member,
    m.Connection,
    m.PeeringLanAddress,
    m.RouteServer,
    m.RouteServerSession,
)


@pytest.fixture
def exchange() -> m.Exchange:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    peering = m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        vlan_id=100,
        ipv4_prefix="198.51.100.0/24",
        ipv6_prefix="2001:db8:100::/64",
    )
    voice = m.PeeringLan.objects.create(exchange=ex, name="voice", ipv4_prefix="203.0.113.0/25")
    for name, lan, v4, v6 in (
        ("rs1", peering, "198.51.100.1", "2001:db8:100::1"),
        ("rs2", peering, "198.51.100.2", "2001:db8:100::2"),
        ("rs-voice", voice, "203.0.113.1", None),
    ):
        m.RouteServer.objects.create(
            exchange=ex, lan=lan, name=name, asn=64496, router_id=v4, ipv4=v4, ipv6=v6
        )
    return ex


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.values()) for model in MODELS}


def test_round_trip_exact(exchange) -> None:
    text = (FIXTURES / "exact.yml").read_text()
    report = import_clients(text, "smart-ix")
    assert report.created["network"] == 3 and not report.warnings
    assert export_clients("smart-ix") == text
    net = m.Network.objects.get(asn=64510)
    assert net.as_set == "RIPE::AS-EXAMPLE AS64510" and net.name == "Caribbean Cable Example"
    dauphin = m.PeeringLanAddress.objects.get(ipv4="198.51.100.11")
    assert dauphin.ipv6 == "2001:db8:100::11"
    assert dauphin.rs_sessions.count() == 4  # two route servers x two families
    again = import_clients(text, "smart-ix")
    assert not again.changed, again.lines()


def test_rich_file_round_trips_to_an_equivalent_one(exchange) -> None:
    text = (FIXTURES / "rich.yml").read_text()
    report = import_clients(text, "smart-ix")
    not_kept = [w.split(":")[0] for w in report.warnings if "not kept" in w]
    assert not_kept == [
        "clients[0].password",
        "clients[0].cfg.passive",
        "clients[0].cfg.gtsm",
        "clients[0].cfg.add_path",
        "clients[0].cfg.filtering.next_hop",
        "clients[0].cfg.filtering.irrdb.enforce_origin_in_as_set",
        "clients[0].cfg.filtering.irrdb.enforce_prefix_in_as_set",
        "clients[0].cfg.filtering.max_prefix.action",
        "clients[0].cfg.filtering.rpki",
        "clients[0].cfg.blackhole_filtering",
    ]
    exported = export_clients_data("smart-ix")
    original = yaml.safe_load(text)
    # what lakou keeps: every client's ASN and addresses, AS-SETs (client level wins over
    # the asns section, as in arouteserver) and max-prefix limits
    assert [(c["asn"], c["ip"]) for c in exported["clients"]] == [
        (64520, ["198.51.100.20", "2001:db8:100::20"]),
        (64521, "198.51.100.21"),
        (64521, "2001:db8:100::22"),
    ]
    assert exported["asns"] == {
        "AS64520": {"as_sets": ["AS-ISLAND"]},
        "AS64521": {"as_sets": ["AS-CLIENT-LEVEL"]},
    }
    assert exported["clients"][0]["cfg"] == {
        "filtering": {"max_prefix": {"limit_ipv4": 170, "limit_ipv6": 12}}
    }
    assert original["clients"][0]["cfg"]["filtering"]["max_prefix"]["limit_ipv4"] == 170
    # and the export is a fixed point
    first = export_clients("smart-ix")
    for model in (m.RouteServerSession, m.PeeringLanAddress, m.Connection, m.Member, m.Network):
        model.objects.all().delete()
    import_clients(first, "smart-ix")
    assert export_clients("smart-ix") == first


def test_existing_member_is_reused(exchange) -> None:
    net = m.Network.objects.create(asn=64500, name="Registry Name")
    member = m.Member.objects.create(exchange=exchange, network=net)
    conn = m.Connection.objects.create(member=member)
    m.PeeringLanAddress.objects.create(
        connection=conn, lan=exchange.lans.get(name="peering"), ipv4="198.51.100.11"
    )
    report = import_clients((FIXTURES / "exact.yml").read_text(), "smart-ix", dry_run=True)
    assert report.dry_run and not m.RouteServerSession.objects.exists()
    report = import_clients((FIXTURES / "exact.yml").read_text(), "smart-ix")
    assert m.PeeringLanAddress.objects.get(ipv4="198.51.100.11").ipv6 == "2001:db8:100::11"
    assert m.Network.objects.get(asn=64500).name == "Registry Name"
    assert any("Registry Name" in w for w in report.warnings)


def test_lan_option(exchange) -> None:
    text = "clients:\n- asn: 64530\n  ip: 203.0.113.30\n"
    with pytest.raises(ClientsError) as caught:
        import_clients(text, "smart-ix", lan="peering")
    assert caught.value.path == "clients[0].ip"
    import_clients(text, "smart-ix", lan="voice")
    assert export_clients_data("smart-ix", lan="voice")["clients"] == [
        {"asn": 64530, "ip": "203.0.113.30", "description": "AS64530"}
    ]
    assert export_clients_data("smart-ix", lan="peering")["clients"] == []


MALFORMED = [
    ("bad YAML", "clients:\n  - asn: 1\n   ip: [", "$", "not valid YAML (line"),
    ("not a mapping", "- asn: 64500\n", "$", "mapping"),
    ("unknown section", "clients: []\nrouters: []\n", "routers", "unknown section"),
    ("clients not a list", "clients: {asn: 1}\n", "clients", "not a list"),
    ("client not a mapping", "clients:\n- 64500\n", "clients[0]", "mapping"),
    ("ASN text", "clients:\n- asn: AS64500\n  ip: 198.51.100.5\n", "clients[0].asn", "not an ASN"),
    ("ASN zero", "clients:\n- asn: 0\n  ip: 198.51.100.5\n", "clients[0].asn", "not an ASN"),
    (
        "ASN too big",
        "clients:\n- asn: 4294967296\n  ip: 198.51.100.5\n",
        "clients[0].asn",
        "not an ASN",
    ),
    ("no ip", "clients:\n- asn: 64500\n", "clients[0].ip", "address"),
    (
        "bad ip",
        "clients:\n- asn: 64500\n  ip: [198.51.100.5, 198.51.100.500]\n",
        "clients[0].ip[1]",
        "not an IP address",
    ),
    (
        "ip outside LANs",
        "clients:\n- asn: 64500\n  ip: 192.0.2.5\n",
        "clients[0].ip",
        "not inside a peering LAN",
    ),
    (
        "duplicate ip",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n- asn: 64501\n"
        "  ip: [2001:db8:100::6, 198.51.100.5]\n",
        "clients[1].ip[1]",
        "already used by clients[0].ip",
    ),
    (
        "network address",
        "clients:\n- asn: 64500\n  ip: 198.51.100.0\n",
        "clients[0].ip",
        "network address",
    ),
    (
        "unknown client key",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  routerid: 1.2.3.4\n",
        "clients[0].routerid",
        "unknown client option",
    ),
    (
        "bad AS-SET",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        '      irrdb:\n        as_sets: ["AS-FOO BAR;"]\n',
        "clients[0].cfg.filtering.irrdb.as_sets[0]",
        "AS-SET",
    ),
    ("bad asns key", "asns:\n  ASFOO:\n    as_sets: [AS-FOO]\nclients: []\n", "asns.ASFOO", "ASN"),
    (
        "bad asns AS-SET",
        'asns:\n  AS64500:\n    as_sets: ["AS FOO"]\nclients: []\n',
        "asns.AS64500.as_sets[0]",
        "AS-SET",
    ),
    (
        "limit negative",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      max_prefix:\n        limit_ipv4: -5\n",
        "clients[0].cfg.filtering.max_prefix.limit_ipv4",
        ">= 0",
    ),
    (
        "passive word",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    passive: maybe\n",
        "clients[0].cfg.passive",
        "true or false",
    ),
    (
        "next-hop policy",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      next_hop:\n        policy: anything\n",
        "clients[0].cfg.filtering.next_hop.policy",
        "not one of",
    ),
    (
        "max-prefix action",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      max_prefix:\n        action: explode\n",
        "clients[0].cfg.filtering.max_prefix.action",
        "not one of",
    ),
    (
        "address of another member",
        "clients:\n- asn: 64599\n  ip: 198.51.100.11\n",
        "clients[0].ip",
        "assigned to AS64500",
    ),
    (
        "later failure undoes earlier clients",
        "clients:\n- asn: 64540\n  ip: 198.51.100.40\n- asn: 64541\n  ip: 203.0.113.200\n",
        "clients[1].ip",
        "not inside",
    ),
]


@pytest.mark.parametrize("name,text,path,words", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_clients_file(exchange, name, text, path, words) -> None:
    net = m.Network.objects.create(asn=64500, name="Taken")
    conn = m.Connection.objects.create(
        member=m.Member.objects.create(exchange=exchange, network=net)
    )
    m.PeeringLanAddress.objects.create(
        connection=conn, lan=exchange.lans.get(name="peering"), ipv4="198.51.100.11"
    )
    before = snapshot()
    with pytest.raises(ClientsError) as caught:
        import_clients(text, "smart-ix")
    assert caught.value.path == path, str(caught.value)
    assert words in caught.value.problem, str(caught.value)
    assert snapshot() == before


def test_no_route_server_on_the_lan(exchange) -> None:
    m.RouteServer.objects.filter(lan__name="voice").delete()
    with pytest.raises(ClientsError, match="no route server on voice"):
        import_clients("clients:\n- asn: 64500\n  ip: 203.0.113.9\n", "smart-ix")
    with pytest.raises(ClientsError, match="no exchange"):
        import_clients("clients: []\n", "nowhere")


def test_parse_without_database() -> None:
    parsed = parse_clients((FIXTURES / "rich.yml").read_text())
    assert [c.asn for c in parsed.clients] == [64520, 64521, 64521]
    assert parsed.asn_as_sets == {64520: ["AS-ISLAND"]}
