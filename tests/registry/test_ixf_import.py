"""IX-F import of real-world-shaped documents (0.6, 0.7, 1.0): what lands, idempotence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from lakou.ixf import ImportReport, detect_version, parse_json, tolerate
from lakou.ixf import schema as ixf_schema
from lakou.registry import models as m
from lakou.registry.ixf.import_ import import_document
from lakou.registry.testing import row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures" / "ixf"


@pytest.mark.parametrize(
    "name", ["ams-like-1.0.json", "ixpmanager-like-0.6.json", "two-exchanges-0.7.json"]
)
def test_fixtures_are_valid_for_their_version_once_repaired(shared_data, name) -> None:
    raw = parse_json((FIXTURES / name).read_bytes())
    version = detect_version(raw)
    doc = tolerate(raw, version, ImportReport())
    assert ixf_schema.schema_errors(doc, shared_data / "ixf-schema", version) == []


def test_import_1_0(shared_data) -> None:
    report = import_document(
        (FIXTURES / "ams-like-1.0.json").read_bytes(), schema_dir=shared_data / "ixf-schema"
    )
    assert report.version == "1.0"
    ex = m.Exchange.objects.get(ixf_id=2)
    assert (ex.name, ex.full_name, ex.country, ex.peeringdb_ix_id) == (
        "EX-IX",
        "Example Internet Exchange",
        "NL",
        26,
    )
    assert ex.support_email == "noc@ex-ix.example"
    lans = {lan.name: lan for lan in ex.lans.all()}
    assert lans["ISP"].vlan_id is None  # id 0 is not an 802.1Q tag
    # the schema's own example has host bits set in this prefix: read as the network
    assert lans["GRX"].vlan_id == 1 and lans["GRX"].ipv4_prefix == "193.105.100.0/23"
    assert any("has host bits set" in w for w in report.warnings)
    sw = m.Switch.objects.get(exchange=ex, name="PXC-TC5-144")
    assert (sw.facility.name, sw.facility.peeringdb_fac_id, sw.manufacturer, sw.software) == (
        "Telecity 5",
        1236,
        "Acme Switch Co.",
        "SwitchOS",
    )
    net = m.Network.objects.get(asn=65505)
    assert net.as_set == "AS-STREAM-V4 AS-STREAM-V6" and net.max_prefix_v4 == 42
    assert sorted(c.email for c in net.contacts.all()) == [
        "mrpeering@streaming.example",
        "peering@streaming.example",
    ]
    member = m.Member.objects.get(exchange=ex, network=net)
    assert str(member.member_since) == "2009-02-04"
    assert member.connections.count() == 2
    rs = m.RouteServer.objects.get(exchange=ex)
    assert (rs.asn, rs.ipv4, rs.ipv6, rs.daemon, rs.version) == (
        65500,
        "80.249.208.254",
        "2001:7f8:1::a506:5500:1",
        "bird2",
        "1.6.2",
    )
    # the streaming member's route-server flag became sessions with that route server
    assert m.RouteServerSession.objects.filter(address__connection__member=member).count() == 4
    mobile = m.Member.objects.get(network__asn=64512)
    assert sum(p.speed_mbps for p in m.Port.objects.filter(connection__member=mobile)) == 2000
    assert any("route collector" in w for w in report.warnings)
    assert "ixp_list[0].stats_api: stats_api is not stored by lakou" in report.warnings
    assert any(
        w.startswith("member_list[0].connection_list[0].connected_since") and "and 1 more" in w
        for w in report.warnings
    )
    second = import_document((FIXTURES / "ams-like-1.0.json").read_bytes())
    assert not second.changed and not second.deleted, second.lines()


def test_import_0_6_with_real_world_variations() -> None:
    report = import_document((FIXTURES / "ixpmanager-like-0.6.json").read_text())
    assert report.version == "0.6"
    warnings = "\n".join(report.warnings)
    for text in (
        "member_list[0].asnum: string '64520'",
        "if_speed: string '10G'",
        "member_since: date '2014-01-01'",
        "routeserver: 1 read as True",
        "member_list[0].url: '' read as absent",
        "switch[0].id: string '3'",
    ):
        assert text in warnings
    ex = m.Exchange.objects.get(ixf_id=850)
    assert ex.country == "GP" and ex.slug == "carib-ix"
    cable = m.Network.objects.get(asn=64520)
    assert (cable.peering_policy, cable.max_prefix_v4, cable.max_prefix_v6) == ("open", 250, 50)
    uni = m.Member.objects.get(network__asn=64521)
    assert uni.member_type == "other" and uni.network.peering_policy == "closed"
    assert uni.connections.get().state == "active"
    port = m.Port.objects.get(connection__member__network=cable)
    assert (port.switch.name, port.speed_mbps) == ("swi1-jarry", 10000)
    mac = m.MacAddress.objects.get()
    assert mac.mac == "00:1b:21:3a:4f:20"  # both spellings are the same MAC
    assert m.RouteServer.objects.filter(exchange=ex).count() == 2
    assert not m.Network.objects.filter(asn=64525).exists()  # route servers, not a member
    assert (
        m.RouteServerSession.objects.filter(address__connection__member__network=cable).count() == 4
    )
    again = import_document((FIXTURES / "ixpmanager-like-0.6.json").read_text())
    assert not again.changed and not again.deleted, again.lines()


def test_import_0_7_two_exchanges_and_dry_run() -> None:
    data = (FIXTURES / "two-exchanges-0.7.json").read_text()
    dry = import_document(data, dry_run=True)
    assert dry.dry_run and dry.created["exchange"] == 2
    assert row_counts() == {name: 0 for name in row_counts()}
    import_document(data)
    dual = m.Network.objects.get(asn=64530)
    assert sorted(dual.memberships.values_list("exchange__slug", flat=True)) == [
        "north-ix",
        "south-ix",
    ]
    assert dual.as_set == "AS-DUAL" and (dual.max_prefix_v4, dual.max_prefix_v6) == (20, 5)
    rs = m.RouteServer.objects.get()
    assert rs.exchange.slug == "north-ix" and rs.name == "rs1"
    assert (
        m.RouteServerSession.objects.filter(address__connection__member__network=dual).count() == 2
    )
    cache = m.Member.objects.get(network__asn=64531)
    assert cache.connections.get().state == "provisioning"
    assert not import_document(data).changed


def test_update_changes_only_what_changed() -> None:
    data = json.loads((FIXTURES / "two-exchanges-0.7.json").read_text())
    import_document(data)
    data["member_list"][0]["name"] = "Dual Island ISP (renamed)"
    data["member_list"][1]["connection_list"][0]["state"] = "active"
    report = import_document(data)
    assert report.updated["network"] == 1
    assert any(line.startswith("~ network AS64530: name") for line in report.lines())
    assert report.deleted["connection"] == 1 and report.created["connection"] == 1
    assert m.Member.objects.get(network__asn=64531).connections.get().state == "active"
    assert m.Network.objects.get(asn=64530).name == "Dual Island ISP (renamed)"


def test_old_shapes_0_3_and_0_4() -> None:
    doc = {
        "version": "0.3",
        "timestamp": "2016-01-01T00:00:00Z",
        "ixp_info": {
            "shortname": "OLD-IX",
            "country": "GF",
            "ixp_id": "7",
            "vlan": [{"id": 5, "ipv4": {"prefix": "192.0.2.0", "mask_length": 24}}],
        },
        "member_list": [
            {
                "asnum": 64540,
                "connection_list": [
                    {"vlan_list": [{"vlan_id": 5, "ipv4": {"address": "192.0.2.40"}}]}
                ],
            }
        ],
    }
    report = import_document(doc)
    assert report.version == "0.3"
    assert m.PeeringLanAddress.objects.get().ipv4 == "192.0.2.40"
    doc04 = {
        "version": "0.4",
        "timestamp": "2016-01-01T00:00:00Z",
        "ixp_list": [
            {
                "ixp_id": 1,
                "shortname": "OLD-IX",
                "country": "GF",
                "vlan": [{"id": 5, "ipv4": {"prefix": "192.0.2.0", "mask_length": 24}}],
            }
        ],
        "member_list": [
            {
                "asnum": 64540,
                "connection_list": [
                    {
                        "ixp_id": 1,
                        "vlan_list": [
                            {
                                "vlan_id": 5,
                                "mac_address": "00:1b:21:3a:4f:40",
                                "ipv4": {"address": "192.0.2.40"},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    import_document(doc04)
    assert m.MacAddress.objects.get().mac == "00:1b:21:3a:4f:40"
