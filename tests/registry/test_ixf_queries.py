"""The IX-F export costs a fixed handful of queries, and /participants.json is cached.

The export walks prefetched relations only: adding members (with connections, ports,
addresses, MACs and route-server sessions) or exchanges must not add a query. The public
document is served from memory until the registry changes (any save shows at once).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lakou.registry import models as m
from lakou.registry.ixf.export import export_document

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "ixf"
HANDFUL = 12


def _sample() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sample_registry", FIXTURES / "sample_registry.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _add_members(exchange: m.Exchange, first_asn: int, count: int) -> None:
    lan = exchange.lans.order_by("pk").first()
    switch = exchange.switches.order_by("pk").first()
    route_server = exchange.route_servers.order_by("pk").first()
    assert lan is not None and switch is not None
    for i in range(count):
        net = m.Network.objects.create(asn=first_asn + i, name=f"Added {i}", as_set="AS-ADDED")
        m.Contact.objects.create(network=net, role="noc", email=f"noc{i}@added.example.net")
        member = m.Member.objects.create(exchange=exchange, network=net)
        conn = m.Connection.objects.create(member=member)
        m.Port.objects.create(
            connection=conn, switch=switch, name=f"added-{first_asn}-{i}", speed_mbps=10000
        )
        addr = m.PeeringLanAddress.objects.create(
            connection=conn, lan=lan, ipv4=str(ipaddress.ip_network(lan.ipv4_prefix)[100 + i])
        )
        m.MacAddress.objects.create(address=addr, mac=f"02:00:00:{first_asn % 256:02x}:00:{i:02x}")
        if route_server is not None:
            m.RouteServerSession.objects.create(route_server=route_server, address=addr, afi=4)


def _count(include_contacts: bool) -> int:
    with CaptureQueriesContext(connection) as ctx:
        export_document(m.Exchange.objects.all(), include_contacts=include_contacts)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("include_contacts", [False, True])
def test_queries_do_not_grow_with_members(include_contacts: bool) -> None:
    exchanges = _sample().build()
    export_document(m.Exchange.objects.all())  # numbers the switches and exchanges (writes)
    before = _count(include_contacts)
    _add_members(exchanges["smart-ix"], 64510, 8)
    _add_members(exchanges["ocix"], 64530, 5)
    after = _count(include_contacts)
    assert after == before, f"{before} queries with 4 members, {after} with 17"
    assert after <= HANDFUL


def test_public_document_cached_until_the_registry_changes() -> None:
    _sample().build()
    client = Client()
    first = client.get("/participants.json").content
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/participants.json").content
    assert again == first
    assert len(ctx.captured_queries) == 1  # the registry's fingerprint, nothing else
    net = m.Network.objects.get(asn=64501)
    net.name = "Orange Renamed"
    net.save()
    doc = json.loads(client.get("/participants.json").content)
    assert "Orange Renamed" in [e["name"] for e in doc["member_list"]]
    m.Member.objects.filter(network__asn=64502).delete()
    doc = json.loads(client.get("/participants.json").content)
    assert 64502 not in [e["asnum"] for e in doc["member_list"]]
