"""The prefix index's batch lookup kernels (numba, parallel over the batch).

Imported on the first large batch only: a few thousand addresses are a numpy binary
search (:meth:`lakou.territory.index.PrefixIndex.lookup_v4`), which spares a short
command numba's import and first-call set-up.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, prange


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
        ip = ips[i]
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
        out[i] = rows[lo]
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
        h = ips_hi[i]
        low = ips_lo[i]
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
        out[i] = rows[lo]
    return out
