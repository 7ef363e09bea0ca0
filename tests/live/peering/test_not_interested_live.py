"""A "not interested" mark honoured by a real BIRD route server (live).

Member A (registry) marks B not interested through the peering manager's ``announce.mark``;
A's route-server client is then made from its registry row's route-server options exactly
as ``clients_from_exchange`` does (``read_options``), the configuration rendered by
lakou's BIRD renderer and run in a network namespace with three members, real BIRDs
(``tests/live``). A's route is accepted, sent to E, and never sent to B.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.live.helpers import lab
from tests.live.helpers import rsworld as w

from lakou.peering import announce
from lakou.registry import models as m
from lakou.routeserver.clients import read_options
from lakou.routeserver.lg import api as lg
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = [pytest.mark.live, pytest.mark.django_db]


if lab.missing_tools("bird", "ip"):
    pytestmark = [*pytestmark, pytest.mark.skip(reason="needs bird and ip")]

FROM_A = "11.0.0.0/24"


@pytest.fixture
def marked_options() -> dict:
    """A's route-server options after A marks B "not interested" in the registry."""
    ex = m.Exchange.objects.create(slug="lab-ix", name="Lab IX", country="GP")
    lan = m.PeeringLan.objects.create(exchange=ex, name="peering", ipv4_prefix="192.0.2.0/24")
    m.RouteServer.objects.create(
        exchange=ex, lan=lan, name="rs1", asn=w.RS_ASN, router_id="192.0.2.1", ipv4="192.0.2.1"
    )
    nets = {}
    for asn in (w.A, w.B, w.E):
        nets[asn] = m.Network.objects.create(asn=asn, name=f"Member AS{asn}")
        m.Member.objects.create(exchange=ex, network=nets[asn])
    announce.mark(nets[w.A], nets[w.B], None)
    options: dict = m.Member.objects.get(network=nets[w.A]).route_server_options
    assert options == {"attach_custom_communities": [f"{w.RS_ASN}:0:{w.B}"]}
    return options


@pytest.fixture
def route_server(marked_options: dict, tmp_path: Path) -> Iterator[lg.RouteServerEndpoint]:
    if not lab.can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    clients = []
    for client in w.clients():
        if client.asn not in (w.A, w.B, w.E):
            continue
        if client.asn == w.A:  # as clients_from_exchange reads the registry row
            options, _overrides = read_options(marked_options, f"AS{w.A}.route_server_options")
            client = dataclasses.replace(client, options=options)
        clients.append(client)
    plan = make_plan(w.policy(rpki=False), clients, w.enriched())
    text = render_bird(plan, (2, 0, 12))
    assert f"bgp_large_community.add(({w.RS_ASN}, 0, {w.B}));" in text
    with lab.Lab(tmp_path) as net:
        rs_node = net.node("rs", 1)
        sock, config = tmp_path / "rs.ctl", tmp_path / "rs.conf"
        config.write_text(text)
        rs_node.popen(["bird", "-f", "-c", str(config), "-s", str(sock)], tmp_path / "rs.log")
        lab.wait_for(sock.exists, 20, "the route server's control socket")
        for name, asn, host, statics in (
            ("a", w.A, 11, f"route {FROM_A} blackhole"),
            ("b", w.B, 12, ""),
            ("e", w.E, 15, ""),
        ):
            node = net.node(name, host)
            lab.start_bird(
                node, lab.member_bird_config(node, asn, rs_node, w.RS_ASN, statics), tmp_path, name
            )
        endpoint = lg.RouteServerEndpoint(name="rs1", socket=sock, rs_asn=w.RS_ASN)

        def ready() -> bool:
            by = {n.session: n for n in lg.neighbours(endpoint)}
            up = [by.get(f"AS{asn}_4_1") for asn in (w.A, w.B, w.E)]
            return all(n is not None and n.state == "Established" for n in up) and bool(
                by[f"AS{w.A}_4_1"].accepted
            )

        lab.wait_for(ready, 60, "three members up, A's route in")
        yield endpoint


def test_the_marked_peer_is_not_sent_the_members_routes(
    route_server: lg.RouteServerEndpoint,
) -> None:
    (accepted,) = [r for r in lg.routes(route_server, f"AS{w.A}_4_1") if r.prefix == FROM_A]
    assert not accepted.filtered
    assert f"{w.RS_ASN}:0:{w.B}" in accepted.large_communities
    to_e = {r.prefix for r in lg.exported(route_server, f"AS{w.E}_4_1")}
    to_b = {r.prefix for r in lg.exported(route_server, f"AS{w.B}_4_1")}
    assert FROM_A in to_e
    assert FROM_A not in to_b
