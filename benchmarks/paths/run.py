"""Traceroutes analysed per second: ``lakou paths`` against traIXroute, same input.

Input: the real RIPE Atlas results of ../shared/data, repeated to N traceroutes;
exchange data: the 2016 PeeringDB and PCH files. traIXroute (test-only, see
docs/61-paths.md) runs when $LAKOU_TRAIXROUTE_PYTHON names a Python where it is
installed; its time is measured with and without its database loading (it reloads
its datasets on every run, a cost lakou pays once when it builds its indexes).

    python -m benchmarks.paths [--traceroutes N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
FIND_TRAIXROUTE = "import traixroute, os; print(os.path.dirname(traixroute.__file__))"


def traixroute_data(python: str, ixp: Path, work: Path) -> Path:
    """A data folder for lakou with the very files traIXroute bundles.

    Its netixlan and RouteViews pfx2as, beside the PeeringDB and PCH files of ``ixp``
    (the 2016 ones of the shared data, the same as its own); ``python`` is the Python
    where traIXroute is installed. Used by this benchmark and the differential test.
    """
    bundled = (
        Path(
            subprocess.run(
                [python, "-c", FIND_TRAIXROUTE],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        / "database"
        / "Default"
    )
    data = work / "data"
    data.mkdir()
    for source in ixp.iterdir():
        (data / source.name).symlink_to(source)
    (data / "peeringdb-netixlan.json").symlink_to(bundled / "PDB" / "netixlan.json")
    (data / "routeviews").symlink_to(bundled / "RouteViews" / "routeviews")
    return data


def main(argv: list[str] | None = None) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="lakou-bench-paths-"))
    try:
        return _run(argv, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the copies and caches: 16 MB a run


def _run(argv: list[str] | None, work: Path) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traceroutes", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.traceroutes, args.repeats = 40, 1
    from lakou.paths.analyze import analyze
    from lakou.paths.loading import build_annotator
    from lakou.paths.sources import read_traceroutes

    lines = (DATA / "traceroutes" / "ripe-atlas-traceroutes.jsonl").read_text().splitlines()
    rows = [json.loads(lines[i % len(lines)]) for i in range(args.traceroutes)]
    atlas = work / "atlas.json"
    atlas.write_text(json.dumps(rows))
    python = os.environ.get("LAKOU_TRAIXROUTE_PYTHON")
    data = DATA / "ixp"
    if python:
        # the same exchange and IP->ASN data traIXroute bundles (its netixlan, RouteViews)
        data = traixroute_data(python, DATA / "ixp", work)
    # cold: an empty index cache (parse every file, then save the cache); warm: load it
    cache = work / "cache"
    setups = {}
    for run_kind in ("cold", "warm"):
        started = time.perf_counter()
        annotator, _sources = build_annotator(["GP", "MF", "BL", "SX"], data, cache_dir=cache)
        setups[run_kind] = time.perf_counter() - started
    ours = []
    for _r in range(args.repeats):
        started = time.perf_counter()
        results = analyze(list(read_traceroutes(atlas)), annotator)
        ours.append(len(results) / (time.perf_counter() - started))
    ours_m = statistics.median(ours)
    print(f"traceroutes: {args.traceroutes} (the {len(lines)} real RIPE Atlas results, repeated)")
    print(f"lakou: setup {setups['cold']:.2f} s cold (empty index cache), "
          f"{setups['warm']:.2f} s warm (cache loaded); "
          f"median {ours_m:.0f} traceroutes/s (read + analyse)")  # fmt: skip
    out = {"lakou": ours_m}
    if not python:
        print("traIXroute: not run (set LAKOU_TRAIXROUTE_PYTHON, see docs/61-paths.md)")
        return out
    wrapper = ROOT / "tests" / "paths" / "traixroute_wrapper.py"
    env = {**os.environ, "HOME": str(work)}
    timings = []
    # a warm-up run (copies traIXroute's configuration into $HOME), then N and 3N
    for count in (1, args.traceroutes, 3 * args.traceroutes):
        batch = work / f"atlas-{count}.json"
        batch.write_text(json.dumps([rows[i % len(rows)] for i in range(count)]))
        started = time.perf_counter()
        run = subprocess.run(
            [python, str(wrapper), "-silent", "-thread", "import", "-ripejson", str(batch)],
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=3600,
        )
        timings.append(time.perf_counter() - started)
        if run.returncode != 0:
            print(run.stdout[-2000:], run.stderr[-2000:], file=sys.stderr)
            raise SystemExit("traIXroute failed")
    per_trace = (timings[2] - timings[1]) / (2 * args.traceroutes)
    theirs_total = args.traceroutes / timings[1]
    theirs_analysis = 1 / per_trace if per_trace > 0 else float("inf")
    print(f"traIXroute: {timings[1]:.1f} s for {args.traceroutes} ({theirs_total:.1f}/s with its "
          f"database loading); {theirs_analysis:.0f}/s for the analysis alone (from "
          f"{timings[2]:.1f} s for {3 * args.traceroutes})")  # fmt: skip
    print(f"ratio lakou / traIXroute: {ours_m / theirs_analysis:.1f}x analysis alone")
    for run_kind, setup_s in setups.items():
        ours_total = args.traceroutes / (setup_s + args.traceroutes / ours_m)
        ratio = ours_total / theirs_total
        print(f"ratio lakou / traIXroute end to end, {run_kind} run: {ratio:.2f}x "
              f"({ours_total:.0f}/s vs {theirs_total:.0f}/s, lakou's setup included)")  # fmt: skip
        out[f"end_to_end_{run_kind}"] = ratio
    out.update({"traixroute": theirs_total, "traixroute_analysis": theirs_analysis})
    return out


if __name__ == "__main__":
    main()
