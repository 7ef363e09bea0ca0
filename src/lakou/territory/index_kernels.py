"""The prefix index's batch lookup kernels (numba): serial, or parallel over the batch.

Imported on the first large batch only: a few thousand addresses are a numpy binary
search (:meth:`lakou.territory.index.PrefixIndex.lookup_v4`), which spares a short
command numba's import and first-call set-up.

A batch of up to :data:`lakou.territory.index._PARALLEL_FROM` addresses (a collector's
batch) goes to the serial kernels, which release the GIL: the collector's receive threads
run meanwhile, and no OpenMP worker spins on the other core after each call (it did for
milliseconds after every batch, which doubled the live collector's CPU per datagram).
Millions of addresses (a territory report) are shared between the cores.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, prange


@njit(cache=True, inline="always")
def _find_v4(
    ip: np.uint32,
    starts: npt.NDArray[np.uint32],
    rows: npt.NDArray[np.int64],
    table: npt.NDArray[np.int64],
) -> np.int64:  # pragma: no cover - compiled
    """The row of the last range starting at or before ``ip`` (-1: none)."""
    k = ip >> 16
    lo = table[k] - 1
    if lo < 0:
        lo = 0
    hi = table[k + 1] - 1
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if starts[mid] <= ip:
            lo = mid
        else:
            hi = mid - 1
    return rows[lo]


@njit(cache=True, inline="always")
def _find_v6(
    h: np.uint64,
    low: np.uint64,
    starts_hi: npt.NDArray[np.uint64],
    starts_lo: npt.NDArray[np.uint64],
    rows: npt.NDArray[np.int64],
    table: npt.NDArray[np.int64],
) -> np.int64:  # pragma: no cover - compiled
    """As :func:`_find_v4`, for an address given as its high and low halves."""
    k = h >> np.uint64(48)
    lo = table[k] - 1
    if lo < 0:
        lo = 0
    hi = table[k + 1] - 1
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        sh = starts_hi[mid]
        if sh < h or (sh == h and starts_lo[mid] <= low):
            lo = mid
        else:
            hi = mid - 1
    return rows[lo]


@njit(cache=True, parallel=True)
def _lookup_v4_kernel(
    ips: npt.NDArray[np.uint32],
    starts: npt.NDArray[np.uint32],
    rows: npt.NDArray[np.int64],
    table: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    n = ips.shape[0]
    out = np.empty(n, np.int64)
    for i in prange(n):
        out[i] = _find_v4(ips[i], starts, rows, table)
    return out


@njit(cache=True, nogil=True)
def _lookup_v4_serial(
    ips: npt.NDArray[np.uint32],
    starts: npt.NDArray[np.uint32],
    rows: npt.NDArray[np.int64],
    table: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    n = ips.shape[0]
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = _find_v4(ips[i], starts, rows, table)
    return out


@njit(cache=True, parallel=True)
def _lookup_v6_kernel(
    ips_hi: npt.NDArray[np.uint64],
    ips_lo: npt.NDArray[np.uint64],
    starts_hi: npt.NDArray[np.uint64],
    starts_lo: npt.NDArray[np.uint64],
    rows: npt.NDArray[np.int64],
    table: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    n = ips_hi.shape[0]
    out = np.empty(n, np.int64)
    for i in prange(n):
        out[i] = _find_v6(ips_hi[i], ips_lo[i], starts_hi, starts_lo, rows, table)
    return out


@njit(cache=True, nogil=True)
def _lookup_v6_serial(
    ips_hi: npt.NDArray[np.uint64],
    ips_lo: npt.NDArray[np.uint64],
    starts_hi: npt.NDArray[np.uint64],
    starts_lo: npt.NDArray[np.uint64],
    rows: npt.NDArray[np.int64],
    table: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    n = ips_hi.shape[0]
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = _find_v6(ips_hi[i], ips_lo[i], starts_hi, starts_lo, rows, table)
    return out
