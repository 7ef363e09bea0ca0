"""Every destination at once, over all cores, keeping only aggregates.

The full AS x AS route matrix of a 60,000-AS graph would be 3.6 billion entries; it is
never built. Destinations are processed in chunks; inside a chunk each worker thread
(numba ``prange``) owns its scratch arrays and computes one routing tree after another,
reducing each tree at once to: route counts by type, a histogram of path lengths, and
the number of paths that cross each AS (from subtree sizes of the tree, so an AS's
"transit load" over all source-destination pairs). Each chunk's per-destination rows go
to the caller as they are ready (a CSV writer, a progress bar), then are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt
from numba import njit, prange

from lakou.whatif.graph import CompactGraph
from lakou.whatif.kernel import _route_tree_into, kernel_arrays

MAX_LENGTH = 64  # longer paths are counted in the last histogram bin


@njit(cache=True)
def _reduce_tree(
    dest: int,
    rtype: npt.NDArray[np.int8],
    length: npt.NDArray[np.int32],
    next_hop: npt.NDArray[np.int32],
    size: npt.NDArray[np.int64],
    order: npt.NDArray[np.int32],
    bucket: npt.NDArray[np.int64],
    counts_row: npt.NDArray[np.int64],
    hist_row: npt.NDArray[np.int64],
    transit_row: npt.NDArray[np.int64],
) -> None:
    n = rtype.shape[0]
    bins = bucket.shape[0]
    for b in range(bins):
        bucket[b] = 0
    for v in range(n):
        t = rtype[v]
        counts_row[t] += 1
        if t != 0:
            lv = min(length[v], bins - 1)
            hist_row[lv] += 1
            bucket[lv] += 1
    # Counting sort by path length, longest first, then push subtree sizes to next hops.
    start = 0
    for b in range(bins - 1, -1, -1):
        c = bucket[b]
        bucket[b] = start
        start += c
    for v in range(n):
        size[v] = 1 if rtype[v] != 0 else 0
        if rtype[v] != 0:
            lv = min(length[v], bins - 1)
            order[bucket[lv]] = v
            bucket[lv] += 1
    for i in range(start):
        v = order[i]
        if v != dest:
            size[next_hop[v]] += size[v]
    for i in range(start):
        v = order[i]
        if v != dest and size[v] > 1:
            transit_row[v] += size[v] - 1


@njit(parallel=True, cache=True)
def _chunk(
    dests: npt.NDArray[np.int32],
    workers: int,
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
    n_hubs: int,
    counts: npt.NDArray[np.int64],
    hist: npt.NDArray[np.int64],
    transit: npt.NDArray[np.int64],
) -> None:
    n = prov_ptr.shape[0] - 1
    for w in prange(workers):
        rtype = np.empty(n, dtype=np.int8)
        length = np.empty(n, dtype=np.int32)
        next_hop = np.empty(n, dtype=np.int32)
        queue = np.empty(max(n, 1), dtype=np.int32)
        hub_best = np.full(max(n_hubs, 1), -1, dtype=np.int32)
        hub_second = np.full(max(n_hubs, 1), -1, dtype=np.int32)
        hub_touched = np.empty(max(n_hubs, 1), dtype=np.int32)
        size = np.empty(n, dtype=np.int64)
        order = np.empty(n, dtype=np.int32)
        bucket = np.empty(hist.shape[1], dtype=np.int64)
        for j in range(w, dests.shape[0], workers):
            d = dests[j]
            _route_tree_into(
                d,
                prov_ptr,
                prov_idx,
                cust_ptr,
                peer_ptr,
                peer_idx,
                hub_ptr,
                hub_mem,
                node_hub_ptr,
                node_hub,
                topo_down,
                rtype,
                length,
                next_hop,
                queue,
                hub_best,
                hub_second,
                hub_touched,
            )
            _reduce_tree(
                d, rtype, length, next_hop, size, order, bucket, counts[j], hist[j], transit[w]
            )


@dataclass
class DestinationRows:
    """One chunk's per-destination results (row ``j`` is destination ``dests[j]``)."""

    dests: npt.NDArray[np.int32]
    counts: npt.NDArray[np.int64]  # columns: none, provider, peer, customer, origin
    hist: npt.NDArray[np.int64]  # routes by path length (hops)

    def rows(self, graph: CompactGraph) -> Iterator[dict[str, object]]:
        lengths = np.arange(self.hist.shape[1])
        for j, d in enumerate(self.dests.tolist()):
            routed = int(self.counts[j, 1:].sum())
            mean = float((self.hist[j] * lengths).sum() / routed) if routed else 0.0
            yield {
                "dest": graph.labels[d],
                "reached_from": routed - 1,
                "customer": int(self.counts[j, 3]),
                "peer": int(self.counts[j, 2]),
                "provider": int(self.counts[j, 1]),
                "none": int(self.counts[j, 0]),
                "mean_length": round(mean, 3),
            }


@dataclass
class AllDestinations:
    """Totals over all (source, destination) pairs; no per-pair data kept."""

    destinations: int = 0
    pairs_by_type: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(5, np.int64))
    length_hist: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(MAX_LENGTH, np.int64)
    )
    transit: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    def top_transit(self, graph: CompactGraph, k: int = 20) -> list[tuple[str, int]]:
        order = np.argsort(-self.transit, kind="stable")[:k]
        return [(graph.labels[i], int(self.transit[i])) for i in order if self.transit[i] > 0]


def all_destinations(
    graph: CompactGraph,
    dests: npt.NDArray[np.int32] | None = None,
    *,
    workers: int | None = None,
    chunk: int = 2048,
    on_chunk: Callable[[DestinationRows], None] | None = None,
) -> AllDestinations:
    """Route towards every destination (or ``dests``) and aggregate; streams chunk rows."""
    if dests is None:
        dests = np.arange(graph.n, dtype=np.int32)
    dests = np.ascontiguousarray(dests, dtype=np.int32)
    available = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    workers = max(1, min(workers or available, available))
    previous = numba.get_num_threads()
    numba.set_num_threads(workers)
    total = AllDestinations(transit=np.zeros(graph.n, np.int64))
    transit = np.zeros((workers, graph.n), dtype=np.int64)
    try:
        for begin in range(0, len(dests), chunk):
            part = dests[begin : begin + chunk]
            counts = np.zeros((len(part), 5), dtype=np.int64)
            hist = np.zeros((len(part), MAX_LENGTH), dtype=np.int64)
            _chunk(
                part,
                workers,
                *kernel_arrays(graph),
                len(graph.hub_names),
                counts,
                hist,
                transit,
            )
            total.destinations += len(part)
            # Origin routes are not paths between two ASes.
            total.pairs_by_type += counts.sum(axis=0)
            total.length_hist += hist.sum(axis=0)
            if on_chunk is not None:
                on_chunk(DestinationRows(part, counts, hist))
    finally:
        numba.set_num_threads(previous)
    total.transit = transit.sum(axis=0)
    total.pairs_by_type[4] = 0
    total.length_hist[0] = 0
    return total
