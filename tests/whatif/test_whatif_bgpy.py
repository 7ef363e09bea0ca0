"""Differential test against BGPy, the reference simulator (``bgpy_pkg``, test-only).

Same graph, same destination: every AS's route type, path length and next hop must be
identical. Random graphs (with route servers given to BGPy as full meshes of peerings)
and a sample of destinations on the real CAIDA graph of 2018-01-01.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("bgpy", reason="BGPy (pip install bgpy_pkg) is the reference to compare with")

from lakou.whatif.asrel import read_asrel
from lakou.whatif.graph import AsGraph
from lakou.whatif.kernel import RouteWorkspace
from lakou.whatif.testing import BgpyReference, random_graph


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    diff = np.flatnonzero(
        (a.rtype != b.rtype) | (a.length != b.length) | (a.next_hop != b.next_hop)
    )
    labels = a.graph.labels
    assert diff.size == 0, [
        (labels[v], int(a.rtype[v]), int(b.rtype[v]), int(a.length[v]), int(b.length[v]))
        for v in diff[:10]
    ]


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_match_bgpy(seed: int) -> None:
    graph = random_graph(
        seed, n=40, p_transit=0.08, p_peer=0.08, hubs=2, hub_size=6, hub_links=False
    )
    compact = graph.compile()
    bgpy = BgpyReference(compact)
    ours = RouteWorkspace(compact)
    for dest in range(compact.n):
        _same(ours.run(dest), bgpy.run(dest))


@pytest.mark.data
@pytest.mark.slow
def test_caida_graph_matches_bgpy_on_a_sample_of_destinations(shared_data) -> None:  # type: ignore[no-untyped-def]
    rel = read_asrel(shared_data / "asrel" / "caida-20180101.as-rel.txt", strict=True)
    compact = AsGraph.from_asrel(rel).compile()
    bgpy = BgpyReference(compact)
    ours = RouteWorkspace(compact)
    rng = np.random.default_rng(20180101)
    sample = [compact.node(a) for a in (33392, 27781, 21351, 3356)]
    sample += rng.choice(compact.n, size=2, replace=False).tolist()
    for dest in sample:
        _same(ours.run(dest), bgpy.run(dest))
