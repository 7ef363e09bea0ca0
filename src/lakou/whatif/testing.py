"""Test seams for the what-if engine: random AS graphs and the BGPy yardstick.

:func:`random_graph` draws a valley-free-meaningful graph (provider-customer links only
from a higher to a lower tier-order, so there is never a cycle) with peerings and
route-server hubs; tests and benchmarks use it. :class:`BgpyReference` runs BGPy, the
reference simulator (``pip install bgpy_pkg``, a test-only dependency), through its
public API on the same graph and returns its routes in lakou's :class:`RoutingTree`
shape, so the two can be compared route for route. BGPy knows nothing of route-server
hubs: a hub is handed to it as the full mesh of peerings it stands for.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np

from lakou.whatif.graph import AsGraph, CompactGraph
from lakou.whatif.kernel import RoutingTree


def random_graph(
    seed: int,
    n: int = 30,
    p_transit: float = 0.12,
    p_peer: float = 0.06,
    hubs: int = 1,
    hub_size: int = 6,
    asn_pool: int = 1000,
    hub_links: bool = True,
) -> AsGraph:
    """A random acyclic AS graph: ASNs drawn at random so ASN order is not tier order.

    With ``hub_links=False`` two members of one hub are never also directly linked, so
    the hub is exactly a full mesh of peerings (what BGPy can be given).
    """
    rng = random.Random(seed)
    asns = rng.sample(range(1, asn_pool + 1), n)
    graph = AsGraph()
    for a in asns:
        graph.add_as(a)
    for i, j in itertools.combinations(range(n), 2):
        # i < j: i is "higher" in the hierarchy, so provider links only point down.
        draw = rng.random()
        if draw < p_transit:
            graph.add_link(asns[i], asns[j], "provider-customer")
        elif draw < p_transit + p_peer:
            graph.add_link(asns[i], asns[j], "peer")
    for h in range(hubs):
        members = rng.sample(asns, min(hub_size, n))
        if not hub_links:
            for a, b in itertools.combinations(members, 2):
                graph.remove_link(a, b)
        graph.add_hub(f"ix{h}", members)
    return graph


def hubs_as_full_mesh(graph: AsGraph) -> AsGraph:
    """The same graph with every hub replaced by peerings between all its members.

    Two members already linked directly cannot also be peers in a plain AS graph, so
    this refuses them: in lakou a route-server session runs beside such a link.
    """
    out = graph.copy()
    out.hubs = {}
    for members in graph.hubs.values():
        for a, b in itertools.combinations(sorted(members), 2):
            found = out.link(a, b)
            if found is not None and found[0] != "peer":
                raise ValueError(f"hub members AS{a} and AS{b} are also linked directly")
            out.add_link(a, b, "peer")
    return out


class BgpyReference:
    """BGPy's routes on a lakou graph, one destination at a time (slow: seconds each)."""

    def __init__(self, graph: CompactGraph) -> None:
        from bgpy.as_graphs import ASGraph, ASGraphInfo, PeerLink
        from bgpy.as_graphs import CustomerProviderLink as CPLink
        from bgpy.simulation_engine import SimulationEngine

        if any(not label.isdigit() for label in graph.labels):
            raise ValueError("BGPy needs plain ASNs (no split ASes)")
        self.graph = graph
        asn = [int(x) for x in graph.labels]
        cp = set()
        for v in range(graph.n):
            for p in graph.providers(v).tolist():
                cp.add(CPLink(customer_asn=asn[v], provider_asn=asn[p]))
        linked = {
            frozenset((asn[a], asn[b]))
            for a in range(graph.n)
            for b in [*graph.providers(a).tolist(), *graph.customers(a).tolist()]
        }
        peers = set()
        for v in range(graph.n):
            for q in graph.peers(v).tolist():
                if v < q:
                    peers.add(PeerLink(asn[v], asn[q]))
        for h in range(len(graph.hub_names)):
            members = sorted(graph.hub_members(h).tolist())
            for a, b in itertools.combinations(members, 2):
                if frozenset((asn[a], asn[b])) in linked:
                    raise ValueError("BGPy cannot model a route server beside a transit link")
                peers.add(PeerLink(asn[a], asn[b]))
        unlinked = frozenset(
            asn[v]
            for v in range(graph.n)
            if not (len(graph.providers(v)) or len(graph.customers(v)) or len(graph.peers(v)))
        )
        info = ASGraphInfo(
            customer_provider_links=frozenset(cp),
            peer_links=frozenset(peers),
            unlinked_asns=unlinked,
        )
        self.engine = SimulationEngine(ASGraph(info, store_customer_cone_size=False))

    def run(self, dest: int) -> RoutingTree:
        from bgpy.simulation_engine import BGP
        from bgpy.simulation_framework import ScenarioConfig, ValidPrefix

        g = self.graph
        config = ScenarioConfig(
            ScenarioCls=ValidPrefix,
            BasePolicyCls=BGP,
            override_victim_asns=frozenset({int(g.labels[dest])}),
            override_attacker_asns=frozenset(),
            override_adopting_asns=frozenset(),
        )
        scenario: Any = config.ScenarioCls(scenario_config=config, engine=self.engine)
        scenario.setup_engine(self.engine)
        self.engine.run(propagation_round=0, scenario=scenario)
        rtype = np.zeros(g.n, dtype=np.int8)
        length = np.full(g.n, -1, dtype=np.int32)
        next_hop = np.full(g.n, -1, dtype=np.int32)
        for as_obj in self.engine.as_graph:
            anns = list(as_obj.policy.local_rib.values())
            if not anns:
                continue
            ann = anns[0]
            v = g.index[str(as_obj.asn)]
            rtype[v] = int(ann.recv_relationship.value)
            length[v] = len(ann.as_path) - 1
            next_hop[v] = g.index[str(ann.as_path[1])] if len(ann.as_path) > 1 else -1
        return RoutingTree(g, dest, rtype, length, next_hop)
