"""The registry's PeeringDB side: pre-fill a member, compare an exchange."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lakou.peeringdb.cache import PeeringDBCache
from lakou.peeringdb.client import PeeringDBClient
from lakou.peeringdb.prefill import Prefill
from lakou.peeringdb.testing import FakeClock, PeeringDBData, PeeringDBStandIn
from lakou.registry import models as m
from lakou.registry.peeringdb import (
    PeeringDBRegistryError,
    apply_prefill,
    compare,
    plan_prefill,
    prefill,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are matched in English, whatever an earlier test left active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def pdb(shared_data: Path, tmp_path: Path) -> Iterator[tuple[PeeringDBCache, PeeringDBData]]:
    """A cache synced from the stand-in (real 2016 exchanges, generated networks)."""
    data = PeeringDBData.from_public_data(shared_data, networks=40)
    clock = FakeClock()
    with (
        PeeringDBStandIn(data, clock=clock) as api,
        PeeringDBClient(api.url, clock=clock, sleep=clock.sleep) as client,
        PeeringDBCache(tmp_path / "peeringdb.sqlite3") as cache,
    ):
        cache.sync(client)
        yield cache, data


@pytest.fixture
def ocix() -> m.Exchange:
    ex = m.Exchange.objects.create(slug="ocix", name="OCIX", country="SX", peeringdb_ix_id=260)
    m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        vlan_id=1,
        ipv4_prefix="200.0.22.0/23",
        ipv6_prefix="2001:13c7:6002::/48",
    )
    return ex


def _add_member(ex: m.Exchange, cache: PeeringDBCache, asn: int) -> m.Member:
    """A member recorded exactly as PeeringDB has it (addresses, RS sessions included)."""
    data = prefill(asn, cache)
    apply_prefill(data, ex.slug)
    member = m.Member.objects.get(exchange=ex, network__asn=asn)
    lan = ex.lans.get()
    rs = ex.route_servers.first() or m.RouteServer.objects.create(
        exchange=ex, lan=lan, name="rs1", asn=64600, router_id="200.0.22.1", ipv4="200.0.22.1"
    )
    for port in cache.netixlans_of(260):
        if port["asn"] != asn:
            continue
        conn = m.Connection.objects.create(member=member, name=f"port{port['id']}")
        address = m.PeeringLanAddress.objects.create(
            connection=conn, lan=lan, ipv4=port["ipaddr4"], ipv6=port["ipaddr6"]
        )
        if port["is_rs_peer"]:
            m.RouteServerSession.objects.create(route_server=rs, address=address, afi=4)
    return member


def test_prefill_plan_then_apply_creates_network_and_member(pdb, ocix) -> None:
    cache, data = pdb
    net = data.objects["net"][10003]  # flagged never-via-route-servers, Restrictive
    values = prefill(net["asn"], cache)
    plan = plan_prefill(values, "ocix")
    fields = {(c.target, c.field): c.new for c in plan}
    assert fields[("network", "asn")] == net["asn"]
    assert fields[("network", "name")] == net["name"]
    assert fields[("network", "never_via_route_servers")] is True
    assert fields[("network", "peering_policy")] == "case-by-case"
    assert fields[("member", "exchange")] == "ocix"
    assert not m.Network.objects.filter(asn=net["asn"]).exists()  # a plan writes nothing

    changes = apply_prefill(values, "ocix")
    assert changes == plan
    network = m.Network.objects.get(asn=net["asn"])
    assert network.name == net["name"]
    assert network.as_set == values.as_set
    assert network.max_prefix_v4 == (net["info_prefixes4"] or None)
    assert network.max_prefix_v6 == (net["info_prefixes6"] or None)
    assert network.never_via_route_servers is True
    assert network.peeringdb_net_id == 10003
    assert m.Member.objects.filter(exchange=ocix, network=network).exists()
    assert plan_prefill(values, "ocix") == []  # idempotent


def test_prefill_keeps_registry_values_peeringdb_does_not_have(pdb, ocix) -> None:
    cache, data = pdb
    net = data.objects["net"][10000]  # no website in PeeringDB (generated: every 5th)
    assert net["website"] == ""
    m.Network.objects.create(
        asn=net["asn"], name="Old name", website="https://kept.example", max_prefix_v4=7
    )
    changes = apply_prefill(prefill(net["asn"], cache), "ocix")
    network = m.Network.objects.get(asn=net["asn"])
    assert network.website == "https://kept.example"
    assert network.name == net["name"]
    assert ("network", "name", "Old name", net["name"]) in [
        (c.target, c.field, c.old, c.new) for c in changes
    ]


def test_prefill_refused_by_the_registry_changes_nothing(ocix) -> None:
    bad = Prefill(
        asn=64777,
        peeringdb_net_id=1,
        name="Bad",
        website="",
        as_set="NOT AN AS-SET!",
        max_prefix_v4=None,
        max_prefix_v6=None,
        never_via_route_servers=False,
        peering_policy="open",
    )
    with pytest.raises(PeeringDBRegistryError, match="as_set"):
        apply_prefill(bad, "ocix")
    assert not m.Network.objects.filter(asn=64777).exists()
    assert not m.Member.objects.filter(exchange=ocix).exists()


def test_prefill_errors(pdb, ocix) -> None:
    cache, data = pdb
    with pytest.raises(PeeringDBRegistryError, match="AS1 is not in the local PeeringDB cache"):
        prefill(1, cache)
    unknown = "no exchange with slug 'nowhere'; the registry has: ocix"
    with pytest.raises(PeeringDBRegistryError, match=unknown):
        plan_prefill(prefill(data.objects["net"][10000]["asn"], cache), "nowhere")


def test_compare_finds_the_differences(pdb, ocix) -> None:
    cache, _data = pdb
    asns = sorted({p["asn"] for p in cache.netixlans_of(260)})
    for asn in asns[1:]:
        _add_member(ocix, cache, asn)
    assert compare(ocix, cache) == [
        row for row in compare("ocix", cache) if row.kind == "missing_in_registry"
    ]
    assert [(r.asn, r.kind) for r in compare(ocix, cache)] == [(asns[0], "missing_in_registry")]

    changed = m.Network.objects.get(asn=asns[1])
    changed.as_set = "AS-DIFFERENT"
    changed.max_prefix_v6 = 12345
    changed.save()
    address = m.PeeringLanAddress.objects.filter(connection__member__network=changed).first()
    assert address is not None
    address.ipv4 = "200.0.23.200"
    address.save()
    m.RouteServerSession.objects.filter(address__connection__member__network=changed).delete()
    outsider = m.Network.objects.create(asn=64998, name="Registry only")
    m.Member.objects.create(exchange=ocix, network=outsider)

    rows = {(r.asn, r.kind): r for r in compare(ocix, cache)}
    assert (asns[1], "as_set") in rows and rows[(asns[1], "as_set")].registry == "AS-DIFFERENT"
    assert rows[(asns[1], "max_prefix_v6")].registry == "12345"
    assert rows[(asns[1], "ipv4")].registry == "200.0.23.200"
    assert (64998, "missing_in_peeringdb") in rows
    port = next(p for p in cache.netixlans_of(260) if p["asn"] == asns[1])
    assert ((asns[1], "rs_peer") in rows) == bool(port["is_rs_peer"])


def test_compare_needs_a_known_exchange(pdb) -> None:
    cache, _data = pdb
    unknown = "no exchange with slug 'ghost'; the registry has"
    with pytest.raises(PeeringDBRegistryError, match=unknown):
        compare("ghost", cache)
