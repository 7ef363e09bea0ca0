"""Properties of the routing kernel on random graphs (hypothesis).

Paths are valley-free and loop-free; a route exists exactly when a valley-free path
exists; a route-server hub routes like the full mesh of peerings it stands for; the
numba kernel equals the plain reference; all-destinations aggregates equal a brute
force over every tree.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.whatif.alldest import all_destinations
from lakou.whatif.graph import CompactGraph
from lakou.whatif.kernel import NONE, route_tree, route_tree_reference
from lakou.whatif.reach import reachable_from, valley_free_path
from lakou.whatif.testing import hubs_as_full_mesh, random_graph

graphs = st.builds(
    random_graph,
    seed=st.integers(0, 10**6),
    n=st.integers(2, 24),
    p_transit=st.floats(0.0, 0.3),
    p_peer=st.floats(0.0, 0.3),
    hubs=st.integers(0, 2),
    hub_size=st.integers(2, 8),
)
SETTINGS = settings(max_examples=60, deadline=None)


def _step_kind(g: CompactGraph, a: int, b: int) -> str:
    if b in g.providers(a):
        return "up"
    if b in g.customers(a):
        return "down"
    if b in g.peers(a):
        return "peer"
    if any(b in g.hub_members(h) for h in g.hubs_of(a)):
        return "peer"
    raise AssertionError(f"no link {g.labels[a]}-{g.labels[b]}")


def _valley_free(g: CompactGraph, path: list[int]) -> bool:
    phase = 0  # 0 climbing, 1 after the peer hop or the first descent
    for a, b in itertools.pairwise(path):
        kind = _step_kind(g, a, b)
        if kind == "up" and phase != 0:
            return False
        if kind == "peer":
            if phase != 0:
                return False
            phase = 1
        if kind == "down":
            phase = 1
    return True


@SETTINGS
@given(graphs)
def test_fast_kernel_equals_reference(graph) -> None:  # type: ignore[no-untyped-def]
    compact = graph.compile()
    for dest in range(compact.n):
        fast, ref = route_tree(compact, dest), route_tree_reference(compact, dest)
        assert np.array_equal(fast.rtype, ref.rtype)
        assert np.array_equal(fast.length, ref.length)
        assert np.array_equal(fast.next_hop, ref.next_hop)


@SETTINGS
@given(graphs)
def test_paths_are_valley_free_loop_free_and_exist_iff_a_valley_free_path_does(graph) -> None:  # type: ignore[no-untyped-def]
    compact = graph.compile()
    for dest in range(compact.n):
        tree = route_tree(compact, dest)
        for src in range(compact.n):
            path = tree.path(src)
            exists = valley_free_path(compact, src, dest) is not None
            assert (tree.rtype[src] != NONE) == exists
            if path:
                assert len(set(path)) == len(path)
                assert len(path) - 1 == tree.length[src]
                assert _valley_free(compact, path)
    for src in range(compact.n):
        reach = reachable_from(compact, src)
        for dest in range(compact.n):
            assert reach[dest] == (route_tree(compact, dest).rtype[src] != NONE)


@SETTINGS
@given(st.integers(0, 10**6), st.integers(3, 22), st.integers(1, 3), st.integers(2, 9))
def test_hub_routes_like_full_mesh_of_peerings(seed: int, n: int, hubs: int, size: int) -> None:
    graph = random_graph(seed, n=n, hubs=hubs, hub_size=size, hub_links=False)
    with_hub = graph.compile()
    mesh = hubs_as_full_mesh(graph).compile()
    assert with_hub.labels == mesh.labels
    for dest in range(with_hub.n):
        a, b = route_tree(with_hub, dest), route_tree(mesh, dest)
        assert np.array_equal(a.rtype, b.rtype)
        assert np.array_equal(a.length, b.length)
        assert np.array_equal(a.next_hop, b.next_hop)


@settings(max_examples=25, deadline=None)
@given(graphs, st.integers(1, 2), st.integers(1, 7))
def test_all_destinations_matches_brute_force(graph, workers: int, chunk: int) -> None:  # type: ignore[no-untyped-def]
    compact = graph.compile()
    rows: list[dict[str, object]] = []
    total = all_destinations(
        compact, workers=workers, chunk=chunk, on_chunk=lambda r: rows.extend(r.rows(compact))
    )
    by_type = np.zeros(5, np.int64)
    transit = np.zeros(compact.n, np.int64)
    for dest in range(compact.n):
        tree = route_tree(compact, dest)
        by_type += np.bincount(tree.rtype, minlength=5)
        for src in range(compact.n):
            for v in tree.path(src)[1:-1]:
                transit[v] += 1
        row = rows[dest]
        assert row["dest"] == compact.labels[dest]
        assert row["reached_from"] == int((tree.rtype != NONE).sum()) - 1
    by_type[4] = 0
    assert total.destinations == compact.n
    assert np.array_equal(total.pairs_by_type, by_type)
    assert np.array_equal(total.transit, transit)
