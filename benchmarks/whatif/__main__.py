"""Benchmark the what-if routing kernel against BGPy on the full CAIDA graph.

    python -m benchmarks.whatif [--asrel FILE] [--bgpy-dests 3] [--sample 500]
                                [--workers 2] [--all | --all-limit N]

First the whole commands (:mod:`benchmarks.whatif.whole`: ``lakou whatif routes``
against a BGPy script, as a user runs them). Then, in-process, in one run on the same
graph: BGPy (the reference simulator) on a few destinations,
lakou's reference and numba kernels on the same destinations (routes checked equal),
the numba kernel on a larger sample (median time per destination), and the
all-destinations mode on ``--workers`` threads (every destination with ``--all``).
Other jobs may share the CPU: read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.whatif.whole import run as run_whole
from benchmarks.whole import in_process_heading
from lakou.whatif.alldest import all_destinations
from lakou.whatif.asrel import read_asrel
from lakou.whatif.graph import AsGraph
from lakou.whatif.kernel import RouteWorkspace, route_tree_reference

DEFAULT_ASREL = (
    Path(__file__).resolve().parents[2].parent / "shared/data/asrel/caida-20180101.as-rel.txt"
)


def _equal(a, b) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        np.array_equal(a.rtype, b.rtype)
        and np.array_equal(a.length, b.length)
        and np.array_equal(a.next_hop, b.next_hop)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asrel", type=Path, default=DEFAULT_ASREL)
    parser.add_argument("--bgpy-dests", type=int, default=3, help="destinations for BGPy (slow)")
    parser.add_argument("--sample", type=int, default=500, help="destinations for the median")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--all", action="store_true", help="every destination")
    parser.add_argument("--all-limit", type=int, default=4000, help="else the first N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-whole", action="store_true", help="skip the whole commands")
    args = parser.parse_args(argv)
    if not args.no_whole:
        run_whole(args.asrel)
        in_process_heading("the graph loaded and the numba kernel compiled before timing")

    t0 = time.perf_counter()
    rel = read_asrel(args.asrel, strict=True)
    graph = AsGraph.from_asrel(rel).compile()
    print(
        f"graph: {graph.n} ASes, {len(rel.provider_customer)} transit and "
        f"{len(rel.peers)} peer links, loaded in {time.perf_counter() - t0:.2f} s"
    )
    rng = np.random.default_rng(args.seed)
    work = RouteWorkspace(graph)
    work.run(0)  # numba compile (or load from cache) outside the timings

    sample = rng.choice(graph.n, size=min(args.sample, graph.n), replace=False)
    fast_times, cpu_times = [], []
    for d in sample.tolist():
        t, c = time.perf_counter(), time.thread_time()
        work.run(d)
        fast_times.append(time.perf_counter() - t)
        cpu_times.append(time.thread_time() - c)
    fast_ms = 1e3 * statistics.median(fast_times)
    cpu_ms = 1e3 * statistics.median(cpu_times)
    print(
        f"lakou numba kernel: median {fast_ms:.3f} ms wall, {cpu_ms:.3f} ms CPU per "
        f"destination over {len(sample)} "
        f"(p90 wall {1e3 * float(np.percentile(fast_times, 90)):.3f} ms)"
    )

    bgpy_ms = None
    if args.bgpy_dests > 0:
        try:
            from lakou.whatif.testing import BgpyReference

            t = time.perf_counter()
            bgpy = BgpyReference(graph)
            print(f"BGPy graph built in {time.perf_counter() - t:.1f} s")
        except ImportError as exc:
            print(f"BGPy not available ({exc}); pip install bgpy_pkg", file=sys.stderr)
            bgpy = None
        if bgpy is not None:
            b_times, r_times, f_times = [], [], []
            for d in sample[: args.bgpy_dests].tolist():
                t = time.perf_counter()
                theirs = bgpy.run(d)
                b_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                ref = route_tree_reference(graph, d)
                r_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                ours = work.run(d)
                f_times.append(time.perf_counter() - t)
                same = _equal(ours, theirs) and _equal(ref, theirs)
                print(
                    f"  dest AS{graph.labels[d]}: BGPy {b_times[-1]:.2f} s, lakou reference "
                    f"{r_times[-1]:.3f} s, lakou numba {1e3 * f_times[-1]:.3f} ms, "
                    f"identical routes: {same}"
                )
                if not same:
                    print("ROUTES DIFFER", file=sys.stderr)
                    return 1
            bgpy_ms = 1e3 * statistics.median(b_times)
            ref_ms = 1e3 * statistics.median(r_times)
            print(
                f"BGPy: median {bgpy_ms:.0f} ms per destination; lakou reference "
                f"{ref_ms:.0f} ms; numba (same run, median of {len(sample)}) {fast_ms:.3f} ms"
            )
            print(
                f"ratio BGPy / lakou numba: {bgpy_ms / fast_ms:,.0f}x; "
                f"BGPy / lakou reference: {bgpy_ms / ref_ms:.1f}x"
            )

    limit = graph.n if args.all else min(args.all_limit, graph.n)
    dests = rng.permutation(graph.n)[:limit].astype(np.int32)
    all_destinations(graph, dests[:64], workers=args.workers)  # compile the parallel kernel
    t, c = time.perf_counter(), time.process_time()
    total = all_destinations(graph, dests, workers=args.workers)
    elapsed = time.perf_counter() - t
    cpu = time.process_time() - c
    per = elapsed / limit
    # CPU seconds over the threads: what the run takes on idle cores of this machine.
    idle_all = cpu / args.workers / limit * graph.n
    print(
        f"all-destinations CPU time {cpu:.1f} s over {args.workers} threads: on "
        f"{args.workers} idle cores all {graph.n} destinations take about {idle_all:.0f} s"
    )
    print(
        f"all-destinations on {args.workers} threads: {limit} destinations in "
        f"{elapsed:.1f} s ({1e3 * per:.3f} ms each, wall); "
        f"{'measured' if limit == graph.n else 'extrapolated'} for all {graph.n}: "
        f"{per * graph.n:.0f} s (target 180 s)"
    )
    print(
        f"  pairs with a route: {int(total.pairs_by_type[1:4].sum())}, "
        f"without: {int(total.pairs_by_type[0])}"
    )
    print(
        f"targets: per destination {fast_ms:.3f} ms wall / {cpu_ms:.3f} ms CPU <= 2 ms; "
        f"all destinations {per * graph.n:.0f} s wall / {idle_all:.0f} s idle-core "
        f"estimate <= 180 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
