"""Malformed IX-F documents: each gets an error naming the JSON path; nothing is written."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from lakou.ixf import IxfError
from lakou.registry.ixf.import_ import import_document
from lakou.registry.testing import table_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures" / "ixf"
C0 = "member_list[0].connection_list[0]"
V0 = f"{C0}.vlan_list[0]"


def _sample() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sample_registry", FIXTURES / "sample_registry.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base() -> dict[str, Any]:
    """A valid document: a new exchange, and an update of the sample's Smart-IX."""
    return {
        "version": "1.0",
        "timestamp": "2026-11-22T00:00:00Z",
        "ixp_list": [
            {
                "ixp_id": 1,
                "ixf_id": 901,
                "shortname": "Test-IX",
                "country": "GP",
                "switch": [{"id": 1, "name": "t-sw1", "colo": "Test DC"}],
                "vlan": [
                    {
                        "id": 10,
                        "name": "lan",
                        "ipv4": {"prefix": "192.0.2.0", "mask_length": 24},
                        "ipv6": {"prefix": "2001:db8:10::", "mask_length": 64},
                    }
                ],
            },
            {
                "ixp_id": 2,
                "ixf_id": 900,
                "shortname": "Smart-IX",
                "country": "MF",
                "vlan": [
                    {
                        "id": 100,
                        "name": "peering",
                        "ipv4": {"prefix": "198.51.100.0", "mask_length": 24},
                    }
                ],
            },
        ],
        "member_list": [
            {
                "asnum": 64510,
                "name": "First",
                "member_type": "peering",
                "peering_policy": "open",
                "url": "https://first.example/",
                "contact_email": ["noc@first.example"],
                "connection_list": [
                    {
                        "ixp_id": 1,
                        "state": "active",
                        "if_list": [{"switch_id": 1, "if_speed": 1000}],
                        "vlan_list": [
                            {
                                "vlan_id": 10,
                                "ipv4": {
                                    "address": "192.0.2.10",
                                    "as_macro": "AS-FIRST",
                                    "max_prefix": 10,
                                    "routeserver": False,
                                    "mac_addresses": ["00:1b:21:00:00:10"],
                                },
                                "ipv6": {"address": "2001:db8:10::10"},
                            }
                        ],
                    }
                ],
            },
            {
                "asnum": 64511,
                "name": "Second",
                "connection_list": [
                    {
                        "ixp_id": 1,
                        "if_list": [{"switch_id": 1, "if_speed": 1000}],
                        "vlan_list": [
                            {
                                "vlan_id": 10,
                                "ipv4": {
                                    "address": "192.0.2.11",
                                    "mac_addresses": ["00:1b:21:00:00:11"],
                                },
                            }
                        ],
                    },
                    {
                        "ixp_id": 2,
                        "vlan_list": [{"vlan_id": 100, "ipv4": {"address": "198.51.100.99"}}],
                    },
                ],
            },
        ],
    }


def at(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def drop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


V4 = ["member_list", 0, "connection_list", 0, "vlan_list", 0, "ipv4"]
IF0 = ["member_list", 0, "connection_list", 0, "if_list", 0]
LONG = "x" * 300

CASES: list[tuple[str, Any, str, str]] = [
    ("not JSON", b'{"version": "1.0",', "line 1, column 19", "not valid JSON"),
    ("not UTF-8", b'{"version": "1.0\xff"}', "byte 16", "UTF-8"),
    ("a list", "[]", "$", "JSON object"),
    ("no member_list", drop(["member_list"]), "member_list", "missing"),
    ("unknown version", at(["version"], "2.0"), "version", "unsupported"),
    ("bad timestamp", at(["timestamp"], "yesterday"), "timestamp", "date-time"),
    ("no shortname", drop(["ixp_list", 0, "shortname"]), "ixp_list[0].shortname", "missing"),
    ("ixp_id text", at(["ixp_list", 0, "ixp_id"], "abc"), "ixp_list[0].ixp_id", "integer"),
    ("ixp_id twice", at(["ixp_list", 1, "ixp_id"], 1), "ixp_list[1].ixp_id", "already used"),
    ("no ixf_id in 1.0", drop(["ixp_list", 0, "ixf_id"]), "ixp_list[0].ixf_id", "missing"),
    (
        "bad prefix",
        at(["ixp_list", 0, "vlan", 0, "ipv4", "prefix"], "192.0.2.300"),
        "ixp_list[0].vlan[0].ipv4.prefix",
        "IPv4",
    ),
    (
        "mask too long",
        at(["ixp_list", 0, "vlan", 0, "ipv4", "mask_length"], 33),
        "ixp_list[0].vlan[0].ipv4.mask_length",
        "out of range",
    ),
    (
        "country name",
        at(["ixp_list", 0, "country"], "Guadeloupe"),
        "ixp_list[0].country",
        "alpha-2",
    ),
    (
        "new exchange without country",
        drop(["ixp_list", 0, "country"]),
        "ixp_list[0].country",
        "blank",
    ),
    (
        "peeringdb id of another exchange",
        at(["ixp_list", 0, "peeringdb_id"], 9001),
        "ixp_list[0].peeringdb_id",
        "already exists",
    ),
    ("asnum zero", at(["member_list", 1, "asnum"], 0), "member_list[1].asnum", "out of range"),
    ("asnum word", at(["member_list", 1, "asnum"], "AS-FOO"), "member_list[1].asnum", "integer"),
    (
        "asnum too big",
        at(["member_list", 1, "asnum"], 2**32),
        "member_list[1].asnum",
        "out of range",
    ),
    (
        "member type",
        at(["member_list", 0, "member_type"], "customer"),
        "member_list[0].member_type",
        "not a member type",
    ),
    (
        "routeserver type in 1.0",
        at(["member_list", 0, "member_type"], "routeserver"),
        "member_list[0].member_type",
        "not a member type",
    ),
    (
        "policy",
        at(["member_list", 0, "peering_policy"], "sometimes"),
        "member_list[0].peering_policy",
        "policy",
    ),
    ("url", at(["member_list", 0, "url"], "not a url"), "member_list[0].url", "URL"),
    (
        "e-mail",
        at(["member_list", 0, "contact_email"], ["nobody"]),
        "member_list[0].contact_email[0]",
        "e-mail",
    ),
    (
        "member since",
        at(["member_list", 0, "member_since"], "last year"),
        "member_list[0].member_since",
        "date-time",
    ),
    ("name too long", at(["member_list", 0, "name"], LONG), "member_list[0].name", "255"),
    (
        "connection_list",
        at(["member_list", 0, "connection_list"], {}),
        "member_list[0].connection_list",
        "list",
    ),
    (
        "ixp reference",
        at(["member_list", 0, "connection_list", 0, "ixp_id"], 99),
        f"{C0}.ixp_id",
        "no ixp_list entry",
    ),
    (
        "state",
        at(["member_list", 0, "connection_list", 0, "state"], "exploded"),
        f"{C0}.state",
        "state",
    ),
    ("switch reference", at([*IF0, "switch_id"], 7), f"{C0}.if_list[0].switch_id", "no switch"),
    ("negative speed", at([*IF0, "if_speed"], -10), f"{C0}.if_list[0].if_speed", "range"),
    ("speed word", at([*IF0, "if_speed"], "fast"), f"{C0}.if_list[0].if_speed", "integer"),
    (
        "VLAN reference",
        at(["member_list", 0, "connection_list", 0, "vlan_list", 0, "vlan_id"], 11),
        f"{V0}.vlan_id",
        "no VLAN",
    ),
    ("family not an object", at(V4, "192.0.2.10"), f"{V0}.ipv4", "object"),
    ("bad address", at([*V4, "address"], "192.0.2.999"), f"{V0}.ipv4.address", "IPv4"),
    ("IPv6 in ipv4", at([*V4, "address"], "2001:db8:10::5"), f"{V0}.ipv4.address", "IPv4"),
    ("outside the LAN", at([*V4, "address"], "198.51.100.5"), f"{V0}.ipv4.address", "outside"),
    ("network address", at([*V4, "address"], "192.0.2.0"), f"{V0}.ipv4.address", "network"),
    ("broadcast address", at([*V4, "address"], "192.0.2.255"), f"{V0}.ipv4.address", "broadcast"),
    ("AS-SET", at([*V4, "as_macro"], "AS-FOO;DROP"), f"{V0}.ipv4.as_macro", "AS-SET"),
    (
        "MAC",
        at([*V4, "mac_addresses"], ["zz:1b:21:00:00:10"]),
        f"{V0}.ipv4.mac_addresses[0]",
        "MAC",
    ),
    (
        "multicast MAC",
        at([*V4, "mac_addresses"], ["01:00:5e:00:00:01"]),
        f"{V0}.ipv4.mac_addresses[0]",
        "multicast",
    ),
    ("routeserver word", at([*V4, "routeserver"], "yes"), f"{V0}.ipv4.routeserver", "true or"),
    ("max_prefix", at([*V4, "max_prefix"], -1), f"{V0}.ipv4.max_prefix", "range"),
    (
        "address twice in the document",
        at(
            ["member_list", 1, "connection_list", 0, "vlan_list", 0, "ipv4", "address"],
            "192.0.2.10",
        ),
        "member_list[1].connection_list[0].vlan_list[0].ipv4.address",
        "already assigned",
    ),
    (
        "MAC twice on the LAN",
        at(
            ["member_list", 1, "connection_list", 0, "vlan_list", 0, "ipv4", "mac_addresses"],
            ["00:1b:21:00:00:10"],
        ),
        "member_list[1].connection_list[0].vlan_list[0].ipv4.mac_addresses[0]",
        "already used",
    ),
    (
        "address of a member already in the registry",
        at(
            ["member_list", 1, "connection_list", 1, "vlan_list", 0, "ipv4", "address"],
            "198.51.100.11",
        ),
        "member_list[1].connection_list[1].vlan_list[0].ipv4.address",
        "AS64500",
    ),
]


@pytest.fixture
def registry() -> None:
    _sample().build()


def test_the_base_document_imports(registry) -> None:
    report = import_document(base())
    assert report.created["network"] == 2


def test_enough_distinct_malformed_documents() -> None:
    assert len({name for name, *_ in CASES}) >= 20


@pytest.mark.parametrize("name,change,path,words", CASES, ids=[c[0] for c in CASES])
def test_malformed_document(registry, name, change, path, words) -> None:
    if callable(change):
        doc: Any = copy.deepcopy(base())
        change(doc)
    else:
        doc = change
    before = table_snapshot()
    with pytest.raises(IxfError) as caught:
        import_document(doc)
    assert caught.value.path == path, str(caught.value)
    assert words.lower() in caught.value.problem.lower(), str(caught.value)
    after = table_snapshot()
    assert after == before  # not one row added, changed or removed


@pytest.mark.parametrize(
    "change,path",
    [
        (at(["timestamp"], "yesterday"), "timestamp"),
        (at([*V4, "address"], "192.0.2.999"), f"{V0}.ipv4.address"),
        (at(["member_list", 0, "contact_email"], ["nobody"]), "member_list[0].contact_email[0]"),
        (at(["member_list", 0, "member_type"], "customer"), "member_list[0].member_type"),
    ],
)
def test_schema_errors_name_the_path_too(registry, shared_data, change, path) -> None:
    doc = copy.deepcopy(base())
    change(doc)
    with pytest.raises(IxfError) as caught:
        import_document(doc, schema_dir=shared_data / "ixf-schema")
    assert caught.value.path == path and "(schema)" in caught.value.problem


def test_an_error_in_french() -> None:
    doc = base()
    doc["member_list"][0]["connection_list"][0]["vlan_list"][0]["ipv4"]["address"] = "192.0.3.7"
    before = table_snapshot()
    with translation.override("fr"), pytest.raises(IxfError) as caught:
        import_document(doc)
    assert caught.value.path == f"{V0}.ipv4.address"
    assert caught.value.problem == "192.0.3.7 est hors de 192.0.2.0/24 (ixp_list[0].vlan[0])"
    assert table_snapshot() == before
