"""Small batches are answered by numpy alone, large ones by the numba kernels (serial, or
parallel from ``_PARALLEL_FROM`` addresses): the same rows.

``PrefixIndex.lookup_v4``/``lookup_v6`` switch to a plain binary search below
``_SMALL_BATCH`` addresses (so that a command asking a few thousand addresses never loads
the kernels); this holds both ways to the same answers on random nested tables, with
addresses at range starts, ends and between, and IPv6 starts sharing their high half.
"""

from __future__ import annotations

import random

import numpy as np

import lakou.territory.index as index_module
from lakou.territory.index import PrefixIndex


def _table(rng: random.Random) -> list[tuple[str, int | None, str | None]]:
    import ipaddress

    rows: list[tuple[str, int | None, str | None]] = []
    for i in range(3000):
        if i % 2:
            length = rng.choice((8, 16, 20, 24, 28, 32))
            net = ipaddress.ip_network((rng.getrandbits(32), length), strict=False)
        else:
            length = rng.choice((32, 48, 64, 72, 96, 112, 128))
            value = (0x2001 << 112) | (rng.getrandbits(16) << 96) | rng.getrandbits(64)
            net = ipaddress.ip_network((value, length), strict=False)
        rows.append((str(net), i, None))
    return rows


def test_small_and_large_batches_agree() -> None:
    rng = random.Random(13)
    index = PrefixIndex.from_rows(_table(rng))
    v4 = [int(s) for s in index._starts4.tolist()]
    ips4 = np.array(
        [x for s in v4[:1500] for x in (s, max(s - 1, 0), s + 1)]
        + [rng.getrandbits(32) for _ in range(2000)],
        dtype=np.uint32,
    )
    hi6 = [int(h) for h in index._starts6_hi.tolist()]
    lo6 = [int(v) for v in index._starts6_lo.tolist()]
    pairs = [(h, v) for h, v in zip(hi6, lo6, strict=True)][:1500]
    pairs += [(h, max(v - 1, 0)) for h, v in pairs] + [(h, v + 1) for h, v in pairs[:-1]]
    pairs += [((0x2001 << 48) | rng.getrandbits(48), rng.getrandbits(64)) for _ in range(1000)]
    hi = np.array([p[0] for p in pairs], dtype=np.uint64)
    lo = np.array([p[1] for p in pairs], dtype=np.uint64)
    small4, small6 = index.lookup_v4(ips4), index.lookup_v6(hi, lo)
    saved = index_module._SMALL_BATCH, index_module._PARALLEL_FROM
    index_module._SMALL_BATCH = -1  # every batch through the kernels
    try:
        for parallel_from in (1 << 62, 0):  # the serial kernels, then the parallel ones
            index_module._PARALLEL_FROM = parallel_from
            assert index.lookup_v4(ips4).tolist() == small4.tolist()
            assert index.lookup_v6(hi, lo).tolist() == small6.tolist()
    finally:
        index_module._SMALL_BATCH, index_module._PARALLEL_FROM = saved
    assert (small4 >= 0).any() and (small6 >= 0).any() and (small6 < 0).any()
