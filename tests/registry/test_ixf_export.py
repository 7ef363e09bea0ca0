"""IX-F export: valid against the official schema with formats checked, and lossless."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.utils import translation

from lakou.ixf import schema as ixf_schema
from lakou.registry import models as m
from lakou.registry.ixf.export import export_exchange
from lakou.registry.ixf.import_ import import_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures" / "ixf"
NOW = datetime(2026, 11, 22, 14, 3, tzinfo=UTC)


def _load_builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sample_registry", FIXTURES / "sample_registry.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sample = _load_builder()


@pytest.fixture
def registry() -> dict[str, m.Exchange]:
    return sample.build()


@pytest.fixture
def schema_dir(shared_data: Path) -> Path:
    return shared_data / "ixf-schema"


def _wipe() -> None:
    for model in (m.Member, m.Network, m.RouteServer, m.Switch, m.Facility, m.PeeringLan):
        model.objects.all().delete()
    m.Exchange.objects.all().delete()


def test_format_checker_really_checks_formats() -> None:
    checker = ixf_schema.format_checker()
    for fmt in ("date-time", "ipv4", "ipv6", "email", "uri"):
        assert fmt in checker.checkers
    assert not checker.conforms("2026-11-22 14:03", "date-time")
    assert checker.conforms("2026-11-22T14:03:00Z", "date-time")
    assert not checker.conforms("198.51.100.300", "ipv4")
    assert not checker.conforms("2001:db8::g", "ipv6")
    assert not checker.conforms("not-an-address", "email")


@pytest.mark.parametrize("version", ["1.0", "0.7", "0.6"])
def test_export_validates_against_official_schema(registry, schema_dir, version) -> None:
    for slug in ("smart-ix", "ocix", None):
        for contacts in (False, True):
            doc = export_exchange(slug, version=version, include_contacts=contacts, now=NOW)
            assert ixf_schema.schema_errors(doc, schema_dir, version) == []
            # and with jsonschema directly, the way a consumer would
            schema = json.loads(ixf_schema.schema_path(schema_dir, version).read_text())
            jsonschema.Draft4Validator(
                schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
            ).validate(doc)


def test_a_bad_export_would_be_caught(registry, schema_dir) -> None:
    doc = export_exchange("smart-ix", now=NOW)
    doc["member_list"][0]["connection_list"][0]["vlan_list"][0]["ipv4"]["address"] = "1.2.3"
    doc["timestamp"] = "yesterday"
    errors = ixf_schema.schema_errors(doc, schema_dir, "1.0")
    paths = [e.path for e in errors]
    assert "timestamp" in paths
    assert "member_list[0].connection_list[0].vlan_list[0].ipv4.address" in paths


def test_export_content(registry) -> None:
    doc = export_exchange("smart-ix", include_contacts=True, now=NOW)
    assert doc["version"] == "1.0" and doc["timestamp"] == "2026-11-22T14:03:00Z"
    (ixp,) = doc["ixp_list"]
    assert ixp["ixf_id"] == 900 and ixp["ixp_id"] == 1 and ixp["shortname"] == "Smart-IX"
    assert ixp["peeringdb_id"] == 9001 and ixp["country"] == "MF"
    assert ixp["switch"][0] == {
        "id": 1,
        "name": "sw1",
        "colo": "Marigot DC",
        "pdb_facility_id": 555,
        "city": "Marigot",
        "country": "MF",
        "manufacturer": "Arista",
        "model": "7050SX",
        "software": "EOS 4.28",
    }
    assert ixp["vlan"] == [
        {
            "id": 100,
            "name": "peering",
            "ipv4": {"prefix": "198.51.100.0", "mask_length": 24},
            "ipv6": {"prefix": "2001:db8:100::", "mask_length": 64},
        },
        {"id": 4097, "name": "voice", "ipv4": {"prefix": "203.0.113.0", "mask_length": 25}},
    ]
    members = {(e["asnum"], e["member_type"]): e for e in doc["member_list"]}
    assert 64503 not in {e["asnum"] for e in doc["member_list"]}  # disconnected
    dauphin = members[(64500, "peering")]
    assert dauphin["member_since"] == "2022-10-01T00:00:00Z"
    assert dauphin["contact_email"] == ["noc@dauphin.example.net", "peering@dauphin.example.net"]
    (conn,) = dauphin["connection_list"]
    assert conn["if_list"] == [{"switch_id": 1, "if_speed": 10000}] * 2
    v4 = conn["vlan_list"][0]["ipv4"]
    assert v4 == {
        "address": "198.51.100.11",
        "as_macro": "AS-DAUPHIN",
        "max_prefix": 100,
        "routeserver": True,
        "mac_addresses": ["00:1b:21:3a:4f:5c"],
    }
    orange = members[(64501, "peering")]["connection_list"][0]
    assert orange["state"] == "provisioning"
    assert [v["vlan_id"] for v in orange["vlan_list"]] == [100, 4097]
    assert orange["vlan_list"][1]["ipv4"]["routeserver"] is False
    rs = members[(64496, "ixp")]
    assert rs["name"] == "Saint-Martin Internet Exchange"
    services = [c["vlan_list"][0]["ipv4"]["services"][0] for c in rs["connection_list"]]
    assert {(s["daemon"], s["daemon_version"]) for s in services} == {
        ("bird", "2.0.12"),
        ("openbgpd", "7.7"),
    }
    bridge = members[(64497, "ixp")]
    assert bridge["name"] == "Sint Maarten exchange"
    assert bridge["connection_list"] == [
        {"ixp_id": 1, "state": "active", "if_list": [], "vlan_list": []}
    ]


def test_public_export_has_no_contacts(registry) -> None:
    text = json.dumps(export_exchange(None, now=NOW))
    assert 'dauphin.example.net"' not in text.replace("https://dauphin.example.net/", "")
    assert "contact_email" not in text and "contact_phone" not in text
    assert "+590 590 11" not in text


def test_older_versions(registry) -> None:
    v07 = export_exchange("smart-ix", version="0.7", now=NOW)
    rs = next(e for e in v07["member_list"] if e["asnum"] == 64496)
    assert rs["connection_list"][0]["vlan_list"][0]["ipv4"]["service_type"] == ["ixrouteserver"]
    assert "software" not in v07["ixp_list"][0]["switch"][0]
    v06 = export_exchange("ocix", version="0.6", now=NOW)
    assert "ixf_id" not in v06["ixp_list"][0]  # none assigned, and 0.6 does not need it
    rs06 = export_exchange("smart-ix", version="0.6", now=NOW)
    assert {e["member_type"] for e in rs06["member_list"] if e["asnum"] == 64496} == {"routeserver"}
    with pytest.raises(ValueError):
        export_exchange("smart-ix", version="2.0")


@pytest.mark.parametrize("slug", ["smart-ix", "ocix", None])
@pytest.mark.parametrize("contacts", [False, True])
def test_round_trip_into_an_empty_database(registry, slug, contacts) -> None:
    first = export_exchange(slug, include_contacts=contacts, now=NOW)
    _wipe()
    assert m.Exchange.objects.count() == 0
    report = import_document(first)
    assert report.changed
    second = export_exchange(slug, include_contacts=contacts, now=NOW)
    assert second == first
    again = import_document(json.dumps(second))
    assert not again.changed, again.lines()
    assert not again.deleted


def test_round_trip_older_versions(registry) -> None:
    for version in ("0.7", "0.6"):
        first = export_exchange(None, version=version, now=NOW)
        _wipe()
        import_document(first)
        assert export_exchange(None, version=version, now=NOW) == first


def test_ixf_numbers_are_assigned_once_and_stay(registry) -> None:
    assert not m.Exchange.objects.exclude(ixp_id=None).exists()
    doc = export_exchange(None, now=NOW)
    # first export: numbers in name order, saved
    assert [(i["shortname"], i["ixp_id"]) for i in doc["ixp_list"]] == [
        ("OCIX", 1),
        ("Smart-IX", 2),
    ]
    assert m.Exchange.objects.get(slug="smart-ix").ixp_id == 2
    assert [s["id"] for s in doc["ixp_list"][1]["switch"]] == [1, 2]
    assert dict(
        m.Switch.objects.filter(exchange__slug="smart-ix").values_list("name", "ixf_switch_id")
    ) == {"sw1": 1, "sw2": 2}
    # a new switch sorting before the others and a new exchange do not renumber anything
    sxm = m.Exchange.objects.get(slug="smart-ix")
    m.Switch.objects.create(exchange=sxm, name="aaa-new")
    m.Exchange.objects.create(slug="aaa", name="AAA-IX", country="GP")
    again = export_exchange(None, now=NOW)
    assert [(i["shortname"], i["ixp_id"]) for i in again["ixp_list"]] == [
        ("OCIX", 1),
        ("Smart-IX", 2),
        ("AAA-IX", 3),
    ]
    sxm_switches = {s["name"]: s["id"] for s in again["ixp_list"][1]["switch"]}
    assert sxm_switches == {"sw1": 1, "sw2": 2, "aaa-new": 3}
    dauphin = next(e for e in again["member_list"] if e["asnum"] == 64500)
    assert {c["ixp_id"] for c in dauphin["connection_list"]} == {2}
    # a number set by the operator is published as is; one exchange alone keeps its number
    m.Exchange.objects.filter(slug="smart-ix").update(ixp_id=42)
    m.Switch.objects.filter(name="sw2").update(ixf_switch_id=7)
    alone = export_exchange("smart-ix", now=NOW)
    assert alone["ixp_list"][0]["ixp_id"] == 42
    assert [s["id"] for s in alone["ixp_list"][0]["switch"]] == [1, 3, 7]
    assert all(c["ixp_id"] == 42 for e in alone["member_list"] for c in e["connection_list"])
    # the numbers survive export -> import into an empty database -> export
    _wipe()
    import_document(alone)
    assert m.Exchange.objects.get(name="Smart-IX").ixp_id == 42
    assert dict(m.Switch.objects.values_list("name", "ixf_switch_id")) == {
        "sw1": 1,
        "aaa-new": 3,
        "sw2": 7,
    }
    assert export_exchange(None, now=NOW) == alone


def test_an_imported_number_already_in_use_is_not_taken(registry) -> None:
    export_exchange(None, now=NOW)  # OCIX 1, Smart-IX 2
    other = {
        "version": "1.0",
        "timestamp": "2026-11-22T00:00:00Z",
        "ixp_list": [
            {
                "ixp_id": 1,
                "ixf_id": 0,
                "shortname": "Carib-IX",
                "country": "GP",
                "switch": [{"id": 5, "name": "c1"}],
            }
        ],
        "member_list": [],
    }
    report = import_document(other)
    assert any(
        w.startswith("ixp_list[0].ixp_id: 1 is already the number of OCIX") for w in report.warnings
    )
    carib = m.Exchange.objects.get(name="Carib-IX")
    assert carib.ixp_id is None and carib.switches.get().ixf_switch_id == 5
    assert export_exchange("carib-ix", now=NOW)["ixp_list"][0]["ixp_id"] == 3
