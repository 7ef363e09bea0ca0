"""arouteserver clients.yml: import, export, round trip, and malformed files."""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from lakou.registry import models as m
from lakou.registry.arouteserver import (
    ClientsError,
    export_clients,
    export_clients_data,
    import_clients,
    parse_clients,
)
from lakou.registry.engines import exchange_view
from lakou.registry.testing import table_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures" / "clients"


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


def effective(data: dict[str, Any]) -> dict[tuple[int, str], dict[str, Any]]:
    """What arouteserver would apply to each (ASN, address): the file's meaning.

    Nulls and empty mappings mean "inherit" to arouteserver; client-level AS-SETs win
    over the ``asns`` section; a client with a list of addresses is one client per address.
    """

    def prune(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: prune(v) for k, v in node.items() if v is not None}
            return {k: v for k, v in out.items() if v != {}}
        return node

    as_sets = {int(k[2:]): (v or {}).get("as_sets") for k, v in (data.get("asns") or {}).items()}
    result = {}
    for client in data["clients"]:
        cfg = prune(copy.deepcopy(client.get("cfg") or {}))
        irrdb = cfg.setdefault("filtering", {}).setdefault("irrdb", {})
        if not irrdb.get("as_sets") and as_sets.get(client["asn"]):
            irrdb["as_sets"] = as_sets[client["asn"]]
        cfg = prune(cfg)
        ips = client["ip"] if isinstance(client["ip"], list) else [client["ip"]]
        for ip in ips:
            result[(client["asn"], str(ipaddress.ip_address(ip)))] = {
                "description": client.get("description"),
                "password": client.get("password"),
                "cfg": cfg,
            }
    return result


def test_realistic_file_round_trips_losslessly(exchange) -> None:
    text = (FIXTURES / "realistic.yml").read_text()
    report = import_clients(text, "smart-ix")
    assert report.warnings == []
    dauphin = m.Member.objects.get(network__asn=64500)
    assert dauphin.bgp_password == "Dauph1n-md5-key"
    options = dauphin.route_server_options
    assert options["passive"] is True and options["gtsm"] is True and options["add_path"] is False
    assert options["filtering"]["max_prefix"] == {"action": "shutdown", "restart_after": 15}
    assert "irrdb" in options["filtering"] and "as_sets" not in options["filtering"]["irrdb"]
    assert dauphin.network.max_prefix_v4 == 100 and dauphin.network.max_prefix_v6 == 20
    cdn = m.Member.objects.get(network__asn=64502)
    assert cdn.network.as_set == "AS64502:AS-CUSTOMERS" and cdn.bgp_password == ""
    assert "black_list_pref" not in cdn.route_server_options["filtering"]  # null = inherit
    # the engines get the same options
    view = next(x for x in exchange_view("smart-ix").members if x.asn == 64500)
    assert view.bgp_password == "Dauph1n-md5-key" and view.route_server_options == options

    exported = export_clients("smart-ix")
    assert effective(yaml.safe_load(exported)) == effective(yaml.safe_load(text))
    # the export is in the canonical shape, which round-trips byte for byte
    assert exported == (FIXTURES / "realistic-exported.yml").read_text()
    assert not import_clients(exported, "smart-ix").changed
    for model in (m.RouteServerSession, m.PeeringLanAddress, m.Connection, m.Member, m.Network):
        model.objects.all().delete()
    import_clients(exported, "smart-ix")
    assert export_clients("smart-ix") == exported


def test_options_are_written_in_arouteserver_order_whatever_the_database(exchange) -> None:
    import_clients((FIXTURES / "realistic.yml").read_text(), "smart-ix")
    first = export_clients("smart-ix")
    for member in m.Member.objects.all():  # what PostgreSQL's jsonb does to key order
        member.route_server_options = _reversed(member.route_server_options)
        member.save()
    assert export_clients("smart-ix") == first


def _reversed(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _reversed(node[k]) for k in reversed(list(node))}
    return node


def test_an_import_sets_and_clears_password_and_options(exchange) -> None:
    import_clients((FIXTURES / "realistic.yml").read_text(), "smart-ix")
    plain = "clients:\n- asn: 64500\n  ip: [198.51.100.11, 2001:db8:100::11]\n"
    report = import_clients(plain, "smart-ix")
    assert "~ member smart-ix AS64500: bgp_password, route_server_options" in report.changes
    assert "Dauph1n" not in "\n".join(report.lines())  # a report never shows a password
    member = m.Member.objects.get(network__asn=64500)
    assert member.bgp_password == "" and member.route_server_options == {}


def test_spellings_arouteserver_tolerates_are_normalised_with_a_warning(exchange) -> None:
    text = (
        "clients:\n- asn: 64500\n  ip: 198.51.100.11\n  cfg:\n    passive: 'yes'\n"
        "    multihop: '3'\n    filtering:\n      max_prefix:\n        limit_ipv4: '100'\n"
    )
    report = import_clients(text, "smart-ix")
    assert any(w.startswith("clients[0].cfg.passive: 'yes' read as True") for w in report.warnings)
    member = m.Member.objects.get(network__asn=64500)
    assert member.route_server_options == {"passive": True, "multihop": 3}
    assert member.network.max_prefix_v4 == 100


def test_rich_file_keeps_every_option(exchange) -> None:
    text = (FIXTURES / "rich.yml").read_text()
    report = import_clients(text, "smart-ix")
    assert report.warnings == []
    exported = export_clients_data("smart-ix")
    assert [(c["asn"], c["ip"]) for c in exported["clients"]] == [
        (64520, ["198.51.100.20", "2001:db8:100::20"]),
        (64521, "198.51.100.21"),
        (64521, "2001:db8:100::22"),
    ]
    # AS-SETs are per network in lakou: the client-level one now covers both clients of
    # AS64521 (arouteserver would have used AS64521 alone for the second one)
    assert exported["asns"] == {
        "AS64520": {"as_sets": ["AS-ISLAND"]},
        "AS64521": {"as_sets": ["AS-CLIENT-LEVEL"]},
    }
    island = exported["clients"][0]
    assert island["password"] == "s3cret"
    assert island["cfg"] == {
        "passive": True,
        "gtsm": True,
        "add_path": False,
        "filtering": {
            "next_hop": {"policy": "same-as"},
            "irrdb": {"enforce_origin_in_as_set": True, "enforce_prefix_in_as_set": True},
            "rpki": {"reject_invalid": True},
            "max_prefix": {"action": "shutdown", "limit_ipv4": 170, "limit_ipv6": 12},
        },
        "blackhole_filtering": {"announce_to_client": True},
    }
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
    ("bad YAML", "clients:\n  - asn: 1\n   ip: [", "$", "line 3, column 4: not valid YAML"),
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
        "max-prefix action of another tool",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      max_prefix:\n        action: log\n",
        "clients[0].cfg.filtering.max_prefix.action",
        "'log' is not one of shutdown, restart, block, warning",
    ),
    (
        "gtsm word",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    gtsm: sometimes\n",
        "clients[0].cfg.gtsm",
        "true or false",
    ),
    (
        "unknown cfg option",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    pasive: true\n",
        "clients[0].cfg.pasive",
        "unknown option",
    ),
    (
        "unknown filtering option",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      rpki_validation: {enabled: true}\n",
        "clients[0].cfg.filtering.rpki_validation",
        "unknown option",
    ),
    (
        "cfg not a mapping",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg: [passive]\n",
        "clients[0].cfg",
        "must be a mapping",
    ),
    (
        "authorized_addresses without a list",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      next_hop: {policy: authorized_addresses}\n",
        "clients[0].cfg.filtering.next_hop.authorized_addresses_list",
        "non-empty",
    ),
    (
        "authorized list with another policy",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      next_hop: {policy: strict, authorized_addresses_list: [198.51.100.6]}\n",
        "clients[0].cfg.filtering.next_hop.authorized_addresses_list",
        "only used with the policy authorized_addresses",
    ),
    (
        "authorized address not an address",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      next_hop:\n        policy: authorized_addresses\n"
        "        authorized_addresses_list: [198.51.100.6, 198.51.100.256]\n",
        "clients[0].cfg.filtering.next_hop.authorized_addresses_list[1]",
        "not an IP address",
    ),
    (
        "prefix length bounds reversed",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      ipv4_pref_len: {min: 24, max: 8}\n",
        "clients[0].cfg.filtering.ipv4_pref_len.min",
        "less than or equal to max",
    ),
    (
        "IPv6 prefix length too long",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      ipv6_pref_len: {min: 12, max: 129}\n",
        "clients[0].cfg.filtering.ipv6_pref_len.max",
        "out of range [0, 128]",
    ),
    (
        "AS_PATH length",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      max_as_path_len: 65\n",
        "clients[0].cfg.filtering.max_as_path_len",
        "out of range [1, 64]",
    ),
    (
        "reject policy",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      reject_policy: {policy: drop}\n",
        "clients[0].cfg.filtering.reject_policy.policy",
        "not one of reject, tag, tag_and_reject",
    ),
    (
        "old and new RPKI spelling together",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      rpki: {enabled: true}\n      rpki_bgp_origin_validation: {enabled: true}\n",
        "clients[0].cfg.filtering.rpki",
        "old spelling of rpki_bgp_origin_validation",
    ),
    (
        "black list entry without length",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      black_list_pref:\n      - {prefix: 10.0.0.0}\n",
        "clients[0].cfg.filtering.black_list_pref[0].length",
        "missing",
    ),
    (
        "white list route ge shorter than the prefix",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      irrdb:\n        white_list_route:\n"
        "        - {prefix: 192.0.2.0, length: 24, ge: 16}\n",
        "clients[0].cfg.filtering.irrdb.white_list_route[0].ge",
        "shorter than the prefix length 24",
    ),
    (
        "white list ASN",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      irrdb:\n        white_list_asn: [64512, 0]\n",
        "clients[0].cfg.filtering.irrdb.white_list_asn[1]",
        "whole number >= 1",
    ),
    (
        "peering_db increment",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      max_prefix:\n        peering_db: {enabled: true, increment: {relative: ten}}\n",
        "clients[0].cfg.filtering.max_prefix.peering_db.increment.relative",
        "whole number",
    ),
    (
        "BGP role",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    filtering:\n"
        "      roles: {enabled: true, local_role: server}\n",
        "clients[0].cfg.filtering.roles.local_role",
        "not one of",
    ),
    (
        "custom options for another daemon",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    custom_options:\n"
        "      frr: {ipv4: {}}\n",
        "clients[0].cfg.custom_options.frr",
        "unknown option",
    ),
    (
        "communities not a list",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n"
        "    attach_custom_communities: from_me\n",
        "clients[0].cfg.attach_custom_communities",
        "must be a list",
    ),
    (
        "multihop negative",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg:\n    multihop: -1\n",
        "clients[0].cfg.multihop",
        "whole number >= 0",
    ),
    (
        "password a list",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  password: [a, b]\n",
        "clients[0].password",
        "must be text",
    ),
    (
        "password too long for TCP MD5",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  password: " + "k" * 81 + "\n",
        "clients[0].password",
        "longer than 80 bytes",
    ),
    (
        "password with a quote",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  password: 'se\"cret'\n",
        "clients[0].password",
        "quote",
    ),
    (
        "two routers, two passwords",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  password: one\n"
        "- asn: 64500\n  ip: 198.51.100.6\n  password: two\n",
        "clients[1].password",
        "differs from clients[0].password (AS64500)",
    ),
    (
        "two routers, two option sets",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n  cfg: {passive: true, gtsm: true}\n"
        "- asn: 64500\n  ip: 198.51.100.6\n  cfg: {passive: true, gtsm: false}\n",
        "clients[1].cfg.gtsm",
        "differs from clients[0].cfg (AS64500)",
    ),
    (
        "two routers, two limits",
        "clients:\n- asn: 64500\n  ip: 198.51.100.5\n"
        "  cfg: {filtering: {max_prefix: {limit_ipv4: 10}}}\n"
        "- asn: 64500\n  ip: 198.51.100.6\n  cfg: {filtering: {max_prefix: {limit_ipv4: 20}}}\n",
        "clients[1].cfg.filtering.max_prefix.limit_ipv4",
        "per network",
    ),
    (
        "16-bit mapped ASN",
        "clients:\n- asn: 4200000001\n  ip: 198.51.100.5\n  16bit_mapped_asn: 64999\n",
        "clients[0].16bit_mapped_asn",
        "not supported by lakou yet",
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
    before = table_snapshot()
    with pytest.raises(ClientsError) as caught:
        import_clients(text, "smart-ix")
    assert caught.value.path == path, str(caught.value)
    assert words in caught.value.problem, str(caught.value)
    assert 'se"cret' not in str(caught.value) and "kkkkk" not in str(caught.value)
    assert table_snapshot() == before


def test_no_route_server_on_the_lan(exchange) -> None:
    m.RouteServer.objects.filter(lan__name="voice").delete()
    with pytest.raises(ClientsError, match="no route server on voice"):
        import_clients("clients:\n- asn: 64500\n  ip: 203.0.113.9\n", "smart-ix")
    with pytest.raises(ClientsError, match="no exchange with slug 'nowhere'; the registry has: "):
        import_clients("clients: []\n", "nowhere")


def test_parse_without_database() -> None:
    parsed = parse_clients((FIXTURES / "rich.yml").read_text())
    assert [c.asn for c in parsed.clients] == [64520, 64521, 64521]
    assert parsed.asn_as_sets == {64520: ["AS-ISLAND"]}


def test_bfd_is_kept_for_the_route_server_build(exchange) -> None:
    """``bfd`` is a lakou extension of the per-client cfg: kept and exported back."""
    text = "clients:\n  - asn: 64500\n    ip: 198.51.100.10\n    cfg:\n      bfd: true\n"
    import_clients(text, "smart-ix")
    member = m.Member.objects.get(network__asn=64500)
    assert member.route_server_options["bfd"] is True
    assert "bfd: true" in export_clients("smart-ix")
    view = exchange_view("smart-ix").member(64500)
    assert view is not None and view.route_server_options["bfd"] is True
