"""Batch longest-prefix lookups per second: lakou's PrefixIndex against pytricia.

Same prefixes (the real IP→ASN table of ../shared/data, ~565k IPv4 prefixes, or a
synthetic table when it is absent), same random addresses, same machine, same run.
pytricia is queried the way a Python program must (one call per address); lakou in
one batch call. Other jobs share the CPU: read the ratio, not the absolute numbers.

    python -m benchmarks.territory [--addresses N] [--repeats R] [--quick]
"""

from __future__ import annotations

import argparse
import ipaddress
import statistics
import time
from pathlib import Path

import numpy as np
import pytricia

from lakou.territory.index import PrefixIndex

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bgp" / "asn-ipv4.csv"


def _prefixes(quick: bool) -> tuple[list[tuple[str, int, None]], str]:
    if DATA.exists() and not quick:
        from lakou.territory.sources.ipasn import read_range_asn_csv

        return [(r.prefix, r.asn, None) for r in read_range_asn_csv(DATA)], str(DATA)
    rng = np.random.default_rng(1)
    rows = {}
    for value, length in zip(rng.integers(0, 2**32, 5000), rng.integers(8, 25, 5000), strict=True):
        rows[str(ipaddress.IPv4Network((int(value), int(length)), strict=False))] = int(length)
    return [(p, a, None) for p, a in rows.items()], "synthetic (5000 prefixes)"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addresses", type=int, default=10_000_000)
    parser.add_argument("--pytricia-addresses", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="tiny input (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.addresses, args.pytricia_addresses, args.repeats = 20_000, 5_000, 2
    rows, source = _prefixes(args.quick)
    # the first build in a process also loads numba's compiled kernels from their cache
    # (about 0.3 s on this machine, once per process); then the build alone, as pytricia's
    builds = []
    for _r in range(1 + max(args.repeats, 3)):
        started = time.perf_counter()
        index = PrefixIndex.from_rows(rows)
        builds.append(time.perf_counter() - started)
    first_build_s, build_s = builds[0], statistics.median(builds[1:])
    trie_builds = []
    for _r in range(max(args.repeats, 3)):
        started = time.perf_counter()
        trie = pytricia.PyTricia(32)
        for prefix, asn, _t in rows:
            trie[prefix] = asn
        trie_builds.append(time.perf_counter() - started)
    trie_build_s = statistics.median(trie_builds)
    rng = np.random.default_rng(6)
    ips = rng.integers(0, 2**32, size=args.addresses, dtype=np.uint64).astype(np.uint32)
    index.lookup_v4(ips[:1000])  # compile (numba cache) outside the timing
    ours = []
    for _r in range(args.repeats):
        started = time.perf_counter()
        found = index.lookup_v4(ips)
        ours.append(args.addresses / (time.perf_counter() - started))
    sample = ips[: args.pytricia_addresses]
    texts = [str(ipaddress.IPv4Address(int(v))) for v in sample]  # not timed: pytricia's input
    theirs = []
    for _r in range(args.repeats):
        started = time.perf_counter()
        got = [trie.get(t) for t in texts]
        theirs.append(len(texts) / (time.perf_counter() - started))
    # both must give the same answers
    asns = np.where(found[: len(texts)] >= 0, index.asn[np.maximum(found[: len(texts)], 0)], -1)
    assert asns.tolist() == [-1 if g is None else g for g in got], "answers differ"
    ours_m, theirs_m = statistics.median(ours), statistics.median(theirs)
    print(f"prefixes: {len(rows)} from {source}")
    print(
        f"build: lakou median {build_s:.2f} s, pytricia {trie_build_s:.2f} s "
        f"({build_s / trie_build_s:.1f}x pytricia's time); lakou's first build in the "
        f"process {first_build_s:.2f} s ({first_build_s / trie_build_s:.1f}x, numba kernels "
        f"loaded from their cache)"
    )
    print(
        f"lakou PrefixIndex.lookup_v4: median {ours_m / 1e6:.1f} M lookups/s "
        f"over {args.addresses} addresses x {args.repeats}"
    )
    print(
        f"pytricia get():             median {theirs_m / 1e6:.2f} M lookups/s "
        f"over {len(texts)} addresses x {args.repeats}"
    )
    print(
        f"ratio lakou / pytricia: {ours_m / theirs_m:.1f}x (same answers on {len(texts)} addresses)"
    )
    return {
        "lakou": ours_m,
        "pytricia": theirs_m,
        "ratio": ours_m / theirs_m,
        "build_ratio": build_s / trie_build_s,
        "first_build_ratio": first_build_s / trie_build_s,
    }


if __name__ == "__main__":
    main()
