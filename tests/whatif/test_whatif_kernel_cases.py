"""Hand-drawn graphs with their routes worked out by hand: every Gao-Rexford corner case.

Each case is checked on both kernels (the plain reference and the numba one). Notation
in the drawings: ``P > C`` P is C's provider, ``A = B`` A and B peer.
"""

from __future__ import annotations

import pytest

from lakou.whatif.graph import AsGraph
from lakou.whatif.kernel import route_tree, route_tree_reference

Route = tuple[str, int, int | None] | None


def routes(graph: AsGraph, dest: int) -> list[dict[int, Route]]:
    compact = graph.compile()
    out = []
    for fn in (route_tree_reference, route_tree):
        tree = fn(compact, compact.node(dest))
        table: dict[int, Route] = {}
        for label, entry in tree.as_dict().items():
            table[int(label)] = (
                None
                if entry is None
                else (str(entry["type"]), int(entry["length"]), entry["next_hop"])  # type: ignore[arg-type]
            )
        out.append(table)
    return out


def check(graph: AsGraph, dest: int, expected: dict[int, Route]) -> None:
    for table in routes(graph, dest):
        got = {asn: table[asn] for asn in expected}
        assert got == expected


def g(p2c: list[tuple[int, int]] = (), peers: list[tuple[int, int]] = (), hubs=None, nodes=()):  # type: ignore[assignment]
    return AsGraph.from_links(p2c, peers, hubs, nodes)


def test_origin_and_no_route() -> None:
    # 1 > 2, 9 alone
    check(g([(1, 2)], nodes=[9]), 2, {2: ("origin", 0, None), 1: ("customer", 1, 2), 9: None})


def test_customer_route_beats_shorter_peer_and_provider_routes() -> None:
    # 10 > 20 > 30 > 5 (dest); 10 = 5 directly; 1 > 10 and 1 > 5.
    graph = g([(10, 20), (20, 30), (30, 5), (1, 10), (1, 5)], [(10, 5)])
    check(graph, 5, {10: ("customer", 3, 20), 1: ("customer", 1, 5)})


def test_peer_route_beats_shorter_provider_route() -> None:
    # 7 > 8 (dest-side): 8 = 2 = ... ; 3 = 4 > 8 ; 2 provider of... build:
    # 100 > 2, 100 > 8 (so 2 has a provider route of length 2), 2 = 50, 50 > 60 > 8
    graph = g([(100, 2), (100, 8), (50, 60), (60, 8)], [(2, 50)])
    check(graph, 8, {2: ("peer", 3, 50), 50: ("customer", 2, 60)})


def test_shortest_path_among_customer_routes() -> None:
    # 1 > 2 > 3 > 9 and 1 > 4 > 9: 1 takes the 2-hop path via 4 although 2 < 4.
    graph = g([(1, 2), (2, 3), (3, 9), (1, 4), (4, 9)])
    check(graph, 9, {1: ("customer", 2, 4)})


@pytest.mark.parametrize("kind", ["customer", "peer", "provider"])
def test_tie_goes_to_lowest_next_hop_asn(kind: str) -> None:
    if kind == "customer":  # 1 > 30 > 9, 1 > 20 > 9
        graph = g([(1, 30), (30, 9), (1, 20), (20, 9)])
        expected: dict[int, Route] = {1: ("customer", 2, 20)}
    elif kind == "peer":  # 1 = 30 > 9, 1 = 20 > 9
        graph = g([(30, 9), (20, 9)], [(1, 30), (1, 20)])
        expected = {1: ("peer", 2, 20)}
    else:  # 30 > 1, 20 > 1, 30 > 9, 20 > 9
        graph = g([(30, 1), (20, 1), (30, 9), (20, 9)])
        expected = {1: ("provider", 2, 20)}
    check(graph, 9, expected)


def test_customer_bfs_tie_among_same_level_customers() -> None:
    # Both 7 and 3 reach 9 in one hop; 3 is seen after 7 in any insertion order.
    graph = g([(7, 9), (3, 9), (1, 7), (1, 3), (1, 50), (50, 51), (51, 9)])
    check(graph, 9, {1: ("customer", 2, 3)})


def test_no_two_peer_hops() -> None:
    # 1 = 2 = 3: dest 1; 2 gets a peer route, 3 gets nothing.
    check(g([], [(1, 2), (2, 3)]), 1, {2: ("peer", 1, 1), 3: None})


def test_peer_route_not_exported_to_providers() -> None:
    # 5 > 2 = 1 (dest). 2's provider 5 gets nothing through 2.
    check(g([(5, 2)], [(2, 1)]), 1, {2: ("peer", 1, 1), 5: None})


def test_provider_route_not_exported_to_peers_or_providers() -> None:
    # 1 > 9 (dest), 1 > 2; 2 = 3; 4 > 2. 2 has a provider route; 3 and 4 get none.
    check(g([(1, 9), (1, 2), (4, 2)], [(2, 3)]), 9, {2: ("provider", 2, 1), 3: None, 4: None})


def test_peer_and_provider_routes_go_down_to_customers() -> None:
    # 2 = 1 (dest); 2 > 3 > 4: customers inherit the peer route through provider hops.
    check(g([(2, 3), (3, 4)], [(2, 1)]), 1, {3: ("provider", 2, 2), 4: ("provider", 3, 3)})


def test_phase_three_needs_topological_order() -> None:
    # 90 > 5 (dest) ; 90 > 80 > 70 > 60 > 2 ; 3 > 2 and 4 > 3, 4 = 5.
    # 2's providers: 60 (provider route, length 5) and 3 (provider route via 4's peer
    # route: 3 > ... length 3). Node numbers put 2, 3, 4 before their providers 60..90,
    # so processing in ASN (insertion) order would give 2 its route before 3 has one.
    graph = g([(90, 5), (90, 80), (80, 70), (70, 60), (60, 2), (3, 2), (4, 3)], [(4, 5)])
    check(
        graph,
        5,
        {
            4: ("peer", 1, 5),
            3: ("provider", 2, 4),
            2: ("provider", 3, 3),
            60: ("provider", 4, 70),
        },
    )


def test_longer_provider_route_when_the_short_one_is_a_valley() -> None:
    # 1 > 2, 2 = 3, 3 > 9 (dest) ; 1 > 4 > 5 > 9? no: 4 is 9's provider via 5.
    # 2 cannot give 1 its peer route (peer routes go only to customers).
    graph = g([(1, 2), (3, 9), (1, 4), (4, 5), (5, 9)], [(2, 3)])
    check(graph, 9, {2: ("peer", 2, 3), 1: ("customer", 3, 4)})


def test_route_server_hub_is_one_peer_hop() -> None:
    # Members 1, 2, 3 of one route server; 3 > 9 (dest). 1 and 2 learn 9 via 3 in one
    # peer hop; 4 (2's customer) inherits it; 5 (1's provider) does not.
    graph = g([(3, 9), (2, 4), (5, 1)], hubs={"ix": [1, 2, 3]})
    check(
        graph,
        9,
        {1: ("peer", 2, 3), 2: ("peer", 2, 3), 4: ("provider", 3, 2), 5: None},
    )


def test_route_server_offers_second_best_to_the_best_member() -> None:
    # Members 1, 2, 3; dest 1 itself is a member: it keeps its origin; 2 and 3 use 1.
    # Then dest 9 below both 1 and 2: 1 gets 2's offer and 2 gets 1's (each the best
    # offer that is not its own).
    graph = g([(1, 9), (2, 9)], hubs={"ix": [1, 2, 3]})
    check(graph, 1, {1: ("origin", 0, None), 2: ("peer", 1, 1), 3: ("peer", 1, 1)})
    check(graph, 9, {1: ("customer", 1, 9), 2: ("customer", 1, 9), 3: ("peer", 2, 1)})


def test_route_server_beside_a_transit_link() -> None:
    # 2 > 1 and both are route-server clients: 1 hears 9 from 2 as a peer route
    # (local preference of the session) rather than as a provider route.
    graph = g([(2, 1), (2, 9)], hubs={"ix": [1, 2]})
    check(graph, 9, {1: ("peer", 2, 2)})


def test_direct_peer_and_hub_pick_the_better_offer() -> None:
    # 1 = 20 directly (20 > 9, 2 hops) and hub {1, 10} where 10 > 9 too: tie on length,
    # lowest next hop 10 wins although the direct session is the other.
    graph = g([(20, 9), (10, 9)], [(1, 20)], hubs={"ix": [1, 10]})
    check(graph, 9, {1: ("peer", 2, 10)})


def test_split_as_parts() -> None:
    # 100 > 5 in GP and MF: split 5 into 5@GP (main, keeps 100) and 5@MF (gets 6).
    graph = g([(100, 5), (5, 6)])
    graph.split_as(5, {"GP": [], "MF": [6]}, main="GP")
    compact = graph.compile()
    tree = route_tree(compact, compact.node(6))
    assert tree.path_labels(compact.node(100)) == ["100", "5@GP", "5@MF", "6"]
    assert set(compact.labels) == {"5@GP", "5@MF", "6", "100"}
