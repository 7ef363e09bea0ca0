"""The Gao-Rexford routing tree towards one destination: a plain and a fast implementation.

Every AS chooses one route to the destination AS by the Gao-Rexford rules, as BGPy
(the reference simulator) does: prefer a route learned from a customer, then from a
peer, then from a provider; among equals the shortest AS path; then the lowest next-hop
ASN. It exports customer routes (and its own prefix) to everyone, peer and provider
routes to its customers only. The result is a tree: each AS's next hop and path length.

Three phases give it in O(V+E): customer routes climb the hierarchy (a BFS up the
provider links, level by level, so the first level that reaches an AS is its shortest);
then one peer hop, direct or through an exchange's route server; then provider routes
flow down in topological order (every provider final before its customers: insertion
order gets this wrong on a real graph). A route-server hub keeps its two best offers,
so each member gets the best offer that is not its own in O(members).

:func:`route_tree_reference` is the plain version, written like BGPy (ranks,
announcements carrying their whole AS path, loop check, pairwise route-server
sessions); :func:`route_tree` is the numba kernel on the CSR arrays. Tests hold them
(and BGPy) equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from lakou.i18n import gettext_noop
from lakou.whatif.graph import CompactGraph, IntArray

NONE, PROVIDER, PEER, CUSTOMER, ORIGIN = 0, 1, 2, 3, 4
ROUTE_TYPES = {
    NONE: "none",
    PROVIDER: "provider",
    PEER: "peer",
    CUSTOMER: "customer",
    ORIGIN: "origin",
}
ROUTE_TYPE_NAMES = {
    "none": gettext_noop("no route"),
    "provider": gettext_noop("via a provider"),
    "peer": gettext_noop("via a peer"),
    "customer": gettext_noop("via a customer"),
    "origin": gettext_noop("origin"),
}


@dataclass(frozen=True)
class RoutingTree:
    """Each AS's route to ``dest``: type (NONE..ORIGIN), AS-path length in hops, next hop."""

    graph: CompactGraph
    dest: int
    rtype: npt.NDArray[np.int8]
    length: npt.NDArray[np.int32]
    next_hop: npt.NDArray[np.int32]

    def path(self, i: int) -> list[int]:
        """Node numbers from ``i`` to the destination (empty when there is no route)."""
        if self.rtype[i] == NONE:
            return []
        out = [i]
        while out[-1] != self.dest:
            out.append(int(self.next_hop[out[-1]]))
            if len(out) > self.graph.n:  # a broken tree must not hang the caller
                raise RuntimeError("routing tree has a loop")
        return out

    def path_labels(self, i: int) -> list[str]:
        return [self.graph.labels[j] for j in self.path(i)]

    def as_dict(self, full_path: bool = False) -> dict[str, dict[str, object] | None]:
        """The ``lakou whatif routes --format json`` mapping."""
        g = self.graph
        out: dict[str, dict[str, object] | None] = {}
        for i, label in enumerate(g.labels):
            t = int(self.rtype[i])
            if t == NONE:
                out[label] = None
                continue
            nh = int(self.next_hop[i])
            entry: dict[str, object] = {
                "type": ROUTE_TYPES[t],
                "length": int(self.length[i]),
                "next_hop": None if nh < 0 else _json_asn(g.labels[nh]),
            }
            if full_path:
                entry["path"] = [_json_asn(x) for x in self.path_labels(i)]
            out[label] = entry
        return out


def _json_asn(label: str) -> int | str:
    return int(label) if label.isdigit() else label


# ---------------------------------------------------------------------------------------
# Reference: announcements with whole AS paths, processed rank by rank like BGPy.
# ---------------------------------------------------------------------------------------
def _better(new: tuple[int, tuple[int, ...]], cur: tuple[int, tuple[int, ...]] | None) -> bool:
    """Gao-Rexford: relationship, then shorter path, then lower neighbour (path[1])."""
    if cur is None:
        return True
    if new[0] != cur[0]:
        return new[0] > cur[0]
    if len(new[1]) != len(cur[1]):
        return len(new[1]) < len(cur[1])
    return new[1][1] < cur[1][1]


def route_tree_reference(graph: CompactGraph, dest: int) -> RoutingTree:
    """Plain-Python Gao-Rexford, announcement by announcement (slow; the yardstick)."""
    n = graph.n
    rank = [0] * n
    for v in reversed(graph.topo_down.tolist()):  # customers before providers
        for p in graph.providers(v).tolist():
            rank[p] = max(rank[p], rank[v] + 1)
    ranks: list[list[int]] = [[] for _ in range(max(rank, default=0) + 1)]
    for v in range(n):
        ranks[rank[v]].append(v)
    rib: list[tuple[int, tuple[int, ...]] | None] = [None] * n
    rib[dest] = (ORIGIN, (dest,))

    def receive(v: int, offers: list[tuple[int, tuple[int, ...]]]) -> None:
        for rel, path in offers:
            if v in path:  # BGP loop prevention
                continue
            new = (rel, (v, *path))
            if _better(new, rib[v]):
                rib[v] = new

    # Phase 1: customer routes go up, rank by rank.
    for level in ranks[1:]:
        for v in level:
            offers = []
            for c in graph.customers(v).tolist():
                held = rib[c]
                if held is not None and held[0] in (CUSTOMER, ORIGIN):
                    offers.append((CUSTOMER, held[1]))
            receive(v, offers)
    # Phase 2: one peer hop; a route server is a session with every other client.
    sent = [held if held is not None and held[0] in (CUSTOMER, ORIGIN) else None for held in rib]
    inbox: list[list[tuple[int, tuple[int, ...]]]] = [[] for _ in range(n)]
    for v in range(n):
        held = sent[v]
        if held is None:
            continue
        neighbours = set(graph.peers(v).tolist())
        for h in graph.hubs_of(v).tolist():
            neighbours.update(graph.hub_members(h).tolist())
        neighbours.discard(v)
        for q in neighbours:
            inbox[q].append((PEER, held[1]))
    for v in range(n):
        receive(v, inbox[v])
    # Phase 3: every route goes down to customers, from the top rank down.
    for level in reversed(ranks[:-1]):
        for v in level:
            offers = []
            for p in graph.providers(v).tolist():
                held = rib[p]
                if held is not None:
                    offers.append((PROVIDER, held[1]))
            receive(v, offers)
    rtype = np.zeros(n, dtype=np.int8)
    length = np.full(n, -1, dtype=np.int32)
    next_hop = np.full(n, -1, dtype=np.int32)
    for v, held in enumerate(rib):
        if held is None:
            continue
        rtype[v] = held[0]
        length[v] = len(held[1]) - 1
        next_hop[v] = held[1][1] if len(held[1]) > 1 else -1
    return RoutingTree(graph, dest, rtype, length, next_hop)


# ---------------------------------------------------------------------------------------
# Fast: numba on the CSR arrays.
# ---------------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def _route_tree_into(
    dest: int,
    prov_ptr: npt.NDArray[np.int32],
    prov_idx: npt.NDArray[np.int32],
    cust_ptr: npt.NDArray[np.int32],
    peer_ptr: npt.NDArray[np.int32],
    peer_idx: npt.NDArray[np.int32],
    hub_ptr: npt.NDArray[np.int32],
    hub_mem: npt.NDArray[np.int32],
    node_hub_ptr: npt.NDArray[np.int32],
    node_hub: npt.NDArray[np.int32],
    topo_down: npt.NDArray[np.int32],
    rtype: npt.NDArray[np.int8],
    length: npt.NDArray[np.int32],
    next_hop: npt.NDArray[np.int32],
    queue: npt.NDArray[np.int32],
    hub_best: npt.NDArray[np.int32],
    hub_second: npt.NDArray[np.int32],
    hub_touched: npt.NDArray[np.int32],
) -> int:
    """Fill rtype/length/next_hop for ``dest``; returns how many ASes have a route."""
    n = rtype.shape[0]
    for i in range(n):
        rtype[i] = 0
        length[i] = -1
        next_hop[i] = -1
    rtype[dest] = 4
    length[dest] = 0
    # Phase 1: BFS up the provider links. queue[0:tail] ends up holding every AS with a
    # customer (or origin) route, in order of path length.
    head = 0
    tail = 1
    queue[0] = dest
    while head < tail:
        u = queue[head]
        head += 1
        lu = length[u] + 1
        for k in range(prov_ptr[u], prov_ptr[u + 1]):
            p = prov_idx[k]
            if rtype[p] == 0:
                rtype[p] = 3
                length[p] = lu
                next_hop[p] = u
                queue[tail] = p
                tail += 1
            elif rtype[p] == 3 and length[p] == lu and u < next_hop[p]:
                next_hop[p] = u
    n_up = tail
    routed = tail
    # Phase 2: one peer hop. Direct peerings first, then route-server hubs.
    n_touched = 0
    for qi in range(n_up):
        u = queue[qi]
        lu = length[u] + 1
        for k in range(peer_ptr[u], peer_ptr[u + 1]):
            q = peer_idx[k]
            t = rtype[q]
            if t == 0:
                rtype[q] = 2
                length[q] = lu
                next_hop[q] = u
                routed += 1
            elif t == 2 and (lu < length[q] or (lu == length[q] and u < next_hop[q])):
                length[q] = lu
                next_hop[q] = u
        for k in range(node_hub_ptr[u], node_hub_ptr[u + 1]):
            h = node_hub[k]
            b = hub_best[h]
            if b < 0:
                hub_touched[n_touched] = h
                n_touched += 1
                hub_best[h] = u
            elif length[u] < length[b] or (length[u] == length[b] and u < b):
                hub_second[h] = b
                hub_best[h] = u
            else:
                s = hub_second[h]
                if s < 0 or length[u] < length[s] or (length[u] == length[s] and u < s):
                    hub_second[h] = u
    for ti in range(n_touched):
        h = hub_touched[ti]
        b = hub_best[h]
        s = hub_second[h]
        for k in range(hub_ptr[h], hub_ptr[h + 1]):
            q = hub_mem[k]
            offer = s if q == b else b
            if offer < 0:
                continue
            lo = length[offer] + 1
            t = rtype[q]
            if t == 0:
                rtype[q] = 2
                length[q] = lo
                next_hop[q] = offer
                routed += 1
            elif t == 2 and (lo < length[q] or (lo == length[q] and offer < next_hop[q])):
                length[q] = lo
                next_hop[q] = offer
        hub_best[h] = -1
        hub_second[h] = -1
    # Phase 3: provider routes down, providers always final before their customers.
    for ti in range(n):
        v = topo_down[ti]
        if rtype[v] != 0:
            continue
        best = -1
        best_len = 0
        for k in range(prov_ptr[v], prov_ptr[v + 1]):
            p = prov_idx[k]
            if rtype[p] == 0:
                continue
            lp = length[p] + 1
            if best < 0 or lp < best_len or (lp == best_len and p < best):
                best = p
                best_len = lp
        if best >= 0:
            rtype[v] = 1
            length[v] = best_len
            next_hop[v] = best
            routed += 1
    return routed


# fixed length, so that a type checker matches each array to its kernel parameter
_A = IntArray
KernelArrays = tuple[_A, _A, _A, _A, _A, _A, _A, _A, _A, _A]


def kernel_arrays(graph: CompactGraph) -> KernelArrays:
    """The graph's CSR arrays in the order :func:`_route_tree_into` takes them."""
    return (
        graph.prov_ptr,
        graph.prov_idx,
        graph.cust_ptr,
        graph.peer_ptr,
        graph.peer_idx,
        graph.hub_ptr,
        graph.hub_mem,
        graph.node_hub_ptr,
        graph.node_hub,
        graph.topo_down,
    )


class RouteWorkspace:
    """Scratch arrays for one thread, reused across destinations (no allocation per call)."""

    def __init__(self, graph: CompactGraph) -> None:
        n = graph.n
        hubs = len(graph.hub_names)
        self.graph = graph
        self.queue = np.empty(max(n, 1), dtype=np.int32)
        self.hub_best = np.full(max(hubs, 1), -1, dtype=np.int32)
        self.hub_second = np.full(max(hubs, 1), -1, dtype=np.int32)
        self.hub_touched = np.empty(max(hubs, 1), dtype=np.int32)

    def run(self, dest: int) -> RoutingTree:
        g = self.graph
        if not 0 <= dest < g.n:
            raise IndexError(dest)
        rtype = np.empty(g.n, dtype=np.int8)
        length = np.empty(g.n, dtype=np.int32)
        next_hop = np.empty(g.n, dtype=np.int32)
        _route_tree_into(
            dest,
            *kernel_arrays(g),
            rtype,
            length,
            next_hop,
            self.queue,
            self.hub_best,
            self.hub_second,
            self.hub_touched,
        )
        return RoutingTree(g, dest, rtype, length, next_hop)


def route_tree(graph: CompactGraph, dest: int) -> RoutingTree:
    """The routing tree towards node ``dest`` (numba kernel)."""
    return RouteWorkspace(graph).run(dest)
