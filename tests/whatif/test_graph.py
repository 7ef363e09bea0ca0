"""The compiled graph is what its definition says, however it is computed.

:meth:`AsGraph.compile` numbers the nodes in (ASN, virtual part) order and lays the
provider-customer hierarchy in Kahn's order; both are computed on numbers and lists for
speed. These tests hold them to the plain definitions (a sort keyed by
``_node_key``, the dictionary of numbers, Kahn's algorithm with a FIFO queue) on random
graphs with split ASes and hubs.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.whatif.graph import AsGraph, _node_key

ASNS = st.integers(min_value=1, max_value=70)
PARTS = st.sampled_from(["", "", "", "GP", "MF", "BL", "SX"])
LABELS = st.builds(lambda a, p: f"{a}@{p}" if p else str(a), ASNS, PARTS)


def _kahn(n: int, providers: dict[int, set[int]], customers: dict[int, list[int]]) -> list[int]:
    remaining = [len(providers.get(v, ())) for v in range(n)]
    queue = deque(v for v in range(n) if remaining[v] == 0)
    out = []
    while queue:
        v = queue.popleft()
        out.append(v)
        for c in sorted(customers.get(v, ())):
            remaining[c] -= 1
            if remaining[c] == 0:
                queue.append(c)
    return out


@settings(max_examples=150, deadline=None)
@given(
    nodes=st.sets(LABELS, min_size=0, max_size=40),
    pc=st.lists(st.tuples(LABELS, LABELS), max_size=60),
    peers=st.lists(st.tuples(LABELS, LABELS), max_size=40),
    hub=st.sets(LABELS, max_size=8),
)
def test_compiled_numbers_and_order_follow_their_definitions(
    nodes: set[str],
    pc: list[tuple[str, str]],
    peers: list[tuple[str, str]],
    hub: set[str],
) -> None:
    graph = AsGraph(nodes=set(nodes))
    # An acyclic hierarchy: the provider is always the smaller label in node order.
    for a, b in pc:
        if a != b:
            p, c = sorted((a, b), key=_node_key)
            graph.nodes |= {p, c}
            graph.provider_customer.add((p, c))
    for a, b in peers:
        if a != b:
            graph.nodes |= {a, b}
            low, high = sorted((a, b), key=_node_key)
            graph.peers.add((low, high))
    if hub:
        graph.hubs["IX"] = set(hub)
    compact = graph.compile()

    labels = sorted(graph.nodes | hub, key=_node_key)
    assert compact.labels == labels
    assert compact.index == {label: i for i, label in enumerate(labels)}
    assert compact.asns.tolist() == [int(x.partition("@")[0]) for x in labels]
    assert compact.asns.dtype == np.int64

    index = compact.index
    providers: dict[int, set[int]] = {}
    customers: dict[int, list[int]] = {}
    for p, c in graph.provider_customer:
        providers.setdefault(index[c], set()).add(index[p])
        customers.setdefault(index[p], []).append(index[c])
    for v in range(len(labels)):
        got = compact.prov_idx[compact.prov_ptr[v] : compact.prov_ptr[v + 1]].tolist()
        assert got == sorted(providers.get(v, ()))
    assert compact.topo_down.tolist() == _kahn(len(labels), providers, customers)
    assert compact.topo_down.dtype == np.int32


def test_an_empty_graph_compiles() -> None:
    compact = AsGraph().compile()
    assert compact.labels == [] and len(compact.topo_down) == 0
    assert compact.prov_idx.shape == (0,) and compact.peer_idx.shape == (0,)
