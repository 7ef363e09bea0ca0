"""Reachability through valley-free paths: a BFS on the two-layer graph.

A path is valley-free when it climbs provider links, takes at most one peer hop (a
direct peering or a route server), then descends customer links. Under Gao-Rexford an
AS has a route to a destination exactly when such a path exists, so "can A still reach
B?" needs no routing tree: copy every AS into an *up* layer and a *down* layer, join
up->up along customer->provider links, up->down along peerings, route-server hubs and
provider->customer links, down->down along provider->customer links, and search from
A's up copy. The first path found is a shortest valley-free path (not necessarily the
one BGP picks: that is the routing tree's job).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

from lakou.whatif.graph import CompactGraph

UP, DOWN = 0, 1


def _search(graph: CompactGraph, src: int, dst: int | None) -> tuple[npt.NDArray[np.int64], int]:
    """BFS over (node, layer) states; returns the parent array and the state that hit dst."""
    n = graph.n
    parent = np.full(2 * n, -2, dtype=np.int64)  # -2 unseen, -1 root
    start = 2 * src + UP
    parent[start] = -1
    queue = deque([start])
    hubs_done = np.zeros(len(graph.hub_names), dtype=bool)
    while queue:
        state = queue.popleft()
        v, layer = divmod(state, 2)
        if dst is not None and v == dst:
            return parent, state
        nxt: list[int] = []
        if layer == UP:
            nxt.extend(2 * int(p) + UP for p in graph.providers(v))
            nxt.extend(2 * int(q) + DOWN for q in graph.peers(v))
            for h in graph.hubs_of(v).tolist():
                # Every member's down copy is reached from the first up copy that
                # uses the hub; later ones would find them all seen (O(members) once).
                if hubs_done[h]:
                    continue
                hubs_done[h] = True
                nxt.extend(2 * int(m) + DOWN for m in graph.hub_members(h) if m != v)
        nxt.extend(2 * int(c) + DOWN for c in graph.customers(v))
        for s in nxt:
            if parent[s] == -2:
                parent[s] = state
                queue.append(s)
    return parent, -1


def valley_free_path(graph: CompactGraph, src: int, dst: int) -> list[int] | None:
    """A shortest valley-free path from ``src`` to ``dst`` (node numbers), or None."""
    parent, hit = _search(graph, src, dst)
    if hit < 0:
        return None
    path = []
    state = hit
    while state != -1:
        path.append(int(state // 2))
        state = int(parent[state])
    return path[::-1]


def reachable_from(graph: CompactGraph, src: int) -> npt.NDArray[np.bool_]:
    """For every AS, whether ``src`` has a valley-free path to it."""
    parent, _hit = _search(graph, src, None)
    seen = parent != -2
    return seen[0::2] | seen[1::2]
