from __future__ import annotations

import contextlib
from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.clients import (
    ClientsError,
    check_addresses,
    parse_clients,
    read_clients,
    session_client,
)

AROUTESERVER = """
asns:
  AS3333:
    as_sets:
      - "RIPE::AS-RIPENCC"
clients:
  - asn: 3333
    ip:
    - "192.0.2.11"
    - "2001:db8:1:1::11"
    description: "RIPE NCC"
  - asn: 10745
    ip: "192.0.2.22"
    cfg:
      filtering:
        irrdb:
          as_sets:
            - "AS-ARIN"
          enforce_origin_in_as_set: false
        max_prefix:
          limit_ipv4: 100
          action: shutdown
        next_hop:
          policy: strict
      blackhole_filtering:
        announce_to_client: false
"""


def test_reads_arouteserver_format(tmp_path: Path) -> None:
    path = tmp_path / "clients.yml"
    path.write_text(AROUTESERVER)
    ripe, arin = read_clients(path)
    assert ripe.asn == 3333 and ripe.as_sets == ("RIPE::AS-RIPENCC",)
    assert ripe.ips == (ip_address("192.0.2.11"), ip_address("2001:db8:1:1::11"))
    assert ripe.session_name(ip_address("2001:db8:1:1::11")) == "AS3333_6_1"
    assert session_client("AS3333_6_1") == (3333, 6, 1)
    assert arin.as_sets == ("AS-ARIN",) and arin.max_prefix_v4 == 100
    assert arin.overrides["max_prefix"]["action"] == "disable"
    assert arin.overrides["irr"] == {"enforce_origin": False}
    assert arin.overrides["next_hop"] == {"mode": "strict"}
    assert not arin.blackhole_to_client


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"clients": [{"ip": "192.0.2.1"}]}, r"clients\[0\]: 'asn' is missing"),
        ({"clients": [{"asn": "x", "ip": "192.0.2.1"}]}, r"clients\[0\]\.asn: expected a number"),
        ({"clients": [{"asn": 1, "ip": "300.0.0.1"}]}, r"clients\[0\] \(AS1\)\.ip\[0\]"),
        ({"clients": [{"asn": 1}]}, r"\(AS1\): no 'ip' given"),
        (
            {"clients": [{"asn": 1, "ip": "192.0.2.1"}, {"asn": 2, "ip": "192.0.2.1"}]},
            r"clients\[1\] \(AS2\)\.ip\[0\]: 192\.0\.2\.1 is already used by clients\[0\] \(AS1\)",
        ),
        (
            {
                "clients": [
                    {
                        "asn": 1,
                        "ip": "192.0.2.1",
                        "cfg": {"filtering": {"max_prefix": {"action": "explode"}}},
                    }
                ]
            },
            r"max_prefix\.action: 'explode'",
        ),
        ({"nothing": 1}, "expected a mapping with a 'clients' list"),
    ],
)
def test_errors_name_the_entry(doc: object, message: str) -> None:
    with pytest.raises(ClientsError, match=message):
        parse_clients(doc, "clients.yml")


def test_foreign_address_refused() -> None:
    clients = parse_clients({"clients": [{"asn": 5, "ip": "198.51.100.1"}]})
    with pytest.raises(ClientsError, match=r"AS5: address 198\.51\.100\.1 is not on a peering LAN"):
        check_addresses(clients, [ip_network("192.0.2.0/24")])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**33) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["clients", "asns", "x"]), json_values, max_size=3))
def test_hostile_documents_give_clients_error_only(doc: dict) -> None:
    with contextlib.suppress(ClientsError):
        parse_clients(doc)


def test_yaml_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "clients.yml"
    path.write_text("clients:\n  - asn: [\n")
    with pytest.raises(ClientsError, match=r"clients.yml:\d+: not valid YAML"):
        read_clients(path)
    assert yaml  # the reader uses PyYAML's safe loader


def test_add_path_and_bfd_from_cfg() -> None:
    doc = {
        "clients": [
            {"asn": 1, "ip": "192.0.2.1", "cfg": {"add_path": True, "bfd": True}},
            {"asn": 2, "ip": "192.0.2.2", "cfg": {"add_path": False}},
            {"asn": 3, "ip": "192.0.2.3", "cfg": {"lakou": {"add_path": "both"}}},
        ]
    }
    one, two, three = parse_clients(doc)
    assert one.overrides["add_path"] == "tx" and one.overrides["bfd"] is True
    assert two.overrides["add_path"] == "off"
    assert three.overrides["add_path"] == "both"
    (yes,) = parse_clients({"clients": [{"asn": 1, "ip": "192.0.2.1", "cfg": {"bfd": "yes"}}]})
    assert yes.overrides["bfd"] is True  # arouteserver's spelling, read as true
    with pytest.raises(ClientsError, match=r"clients\[0\] \(AS1\)\.cfg\.bfd: must be true"):
        parse_clients({"clients": [{"asn": 1, "ip": "192.0.2.1", "cfg": {"bfd": "maybe"}}]})


def test_registry_route_server_options_are_an_arouteserver_cfg() -> None:
    from lakou.exchange import Exchange, Member, PeeringLanAddress
    from lakou.routeserver.clients import clients_from_exchange
    from lakou.routeserver.enrich.model import Enriched
    from lakou.routeserver.plan import make_plan
    from lakou.routeserver.policy import Policy

    address = PeeringLanAddress(lan="lan", ipv4=ip_address("192.0.2.7"), rs_ipv4=True)
    options = {
        "add_path": True,
        "filtering": {"max_prefix": {"action": "block"}, "next_hop": {"policy": "strict"}},
        "blackhole_filtering": {"announce_to_client": False},
    }
    member = Member(
        asn=64500, name="M", addresses=(address,), max_prefix_v4=50, route_server_options=options
    )
    (client,) = clients_from_exchange(Exchange(slug="x", name="X", members=(member,)))
    assert client.overrides["max_prefix"] == {"action": "block", "ipv4": 50}
    assert client.blackhole_to_client is False
    plan = make_plan(Policy(), [client], Enriched())
    (cp,) = plan.clients
    assert cp.policy.add_path == "tx" and cp.policy.next_hop.mode == "strict"
    assert cp.limit_v4 == 50 and cp.policy.max_prefix.action == "block"
    bad = member.model_copy(update={"route_server_options": {"add_path": 3}})
    with pytest.raises(ClientsError, match=r"AS64500\.route_server_options\.add_path"):
        clients_from_exchange(Exchange(slug="x", name="X", members=(bad,)))
