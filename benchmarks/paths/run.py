"""The analysis alone: ``lakou paths`` against traIXroute, same traceroutes, same run.

Two workloads, both RIPE Atlas results: the real ones of ../shared/data (19, which cross
no exchange of the 2016 data) repeated to N and 3N, and a corpus of traceroutes built
through real exchanges (:mod:`lakou.paths.testing`, every hop a distinct real address:
what the crossing rules work on). Exchange and IP→ASN data: the very files traIXroute
bundles (see :func:`traixroute_data`).

Each tool loads its data once, untimed, with the JSON of the traceroutes already parsed;
then the analysis of the traceroutes is timed, several times, medians of wall time
(``perf_counter``) and CPU time (``process_time``). lakou: the Atlas results made into
traceroutes and analysed (:func:`lakou.paths.analyze.analyze`), its output not written.
traIXroute: ``benchmarks/paths/traixroute_analysis.py`` run with its own Python, timing
the method each of its worker threads runs (the same steps). traIXroute is found with
``$LAKOU_TRAIXROUTE_PYTHON``, else in /opt/lakou-test/traixroute.

    python -m benchmarks.paths.run [--traceroutes N] [--corpus M] [--repeats R] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
FIND_TRAIXROUTE = "import traixroute, os; print(os.path.dirname(traixroute.__file__))"
DRIVER = Path(__file__).with_name("traixroute_analysis.py")
COUNTRIES = ["GP", "MF", "BL", "SX"]


def traixroute_python() -> str | None:
    """The Python where traIXroute is installed, if any."""
    python = os.environ.get("LAKOU_TRAIXROUTE_PYTHON")
    default = Path("/opt/lakou-test/traixroute/bin/python")
    return python or (str(default) if default.exists() else None)


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
        shutil.rmtree(work, ignore_errors=True)  # the copies, caches and traIXroute's $HOME


def lakou_analysis(
    rows: list[dict[str, Any]], annotator: Any, repeats: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each repeat: the parsed Atlas results made into
    traceroutes (what ``read_traceroutes`` does after the JSON) and analysed."""
    from lakou.paths.analyze import analyze
    from lakou.paths.sources import _atlas  # the Atlas reader, after its JSON parsing

    places = [f"atlas.json:[{i}]" for i in range(len(rows))]
    walls, cpus = [], []
    for _ in range(repeats + 1):  # the first, untimed: a first batch may load a kernel
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        # a generator, as a reader gives them: made inside analyze (collector paused)
        results = analyze((_atlas(p, r) for p, r in zip(places, rows, strict=True)), annotator)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        if len(results) != len(rows):
            raise SystemExit(f"lakou analysed {len(results)} of {len(rows)} traceroutes")
        del results  # freed here, untimed, not while the next round is timed
    return walls[1:], cpus[1:]


def traixroute_analysis(
    python: str, rows: list[dict[str, Any]], ranges: list[tuple[int, int]], repeats: int, work: Path
) -> dict[str, dict[str, list[float]]]:
    """traIXroute's analysis of ``rows[start:end]`` for each range: its driver's timings,
    keyed ``"start:end"`` (one process: its datasets loaded once)."""
    atlas, out = work / "traixroute-in.json", work / "traixroute-out.json"
    atlas.write_text(json.dumps(rows))
    home = work / "traixroute-home"
    home.mkdir(exist_ok=True)
    spans = ",".join(f"{start}:{end}" for start, end in ranges)
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(work)}  # nothing left in /tmp
    run = subprocess.run(
        [python, str(DRIVER), str(atlas), str(out), "--ranges", spans, "--repeats", str(repeats)],
        capture_output=True, text=True, cwd=work, env=env, timeout=7200,
    )  # fmt: skip
    if run.returncode != 0 or not out.exists():
        print(run.stdout[-2000:], run.stderr[-2000:], file=sys.stderr)
        raise SystemExit("traIXroute's analysis driver failed")
    timings: dict[str, dict[str, list[float]]] = json.loads(out.read_text())
    out.unlink()
    return timings


def _us(seconds: float, count: int) -> str:
    return f"{1e6 * seconds / count:.1f} us"


def _run(argv: list[str] | None, work: Path) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traceroutes", type=int, default=1000)
    parser.add_argument("--corpus", type=int, default=100, help="traceroutes through exchanges")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.traceroutes, args.corpus, args.repeats = 40, 10, 1
    from lakou.paths.loading import build_annotator

    source = DATA / "traceroutes" / "ripe-atlas-traceroutes.jsonl"
    lines = source.read_text().splitlines()
    counts = [args.traceroutes, 3 * args.traceroutes]
    real = [json.loads(lines[i % len(lines)]) for i in range(max(counts))]
    python = traixroute_python()
    data = DATA / "ixp"
    if python:
        data = traixroute_data(python, DATA / "ixp", work)
    # cold: an empty index cache (parse every file, then save the cache); warm: load it
    cache = work / "cache"
    setups = {}
    for run_kind in ("cold", "warm"):
        started = time.perf_counter()
        annotator, _sources = build_annotator(COUNTRIES, data, cache_dir=cache)
        setups[run_kind] = time.perf_counter() - started
    print(f"lakou: setup {setups['cold']:.2f} s cold (empty index cache), "
          f"{setups['warm']:.2f} s warm (cache loaded)")  # fmt: skip
    # (what, key, first row, count): the real results, then the corpus through exchanges
    rows = list(real)
    workloads = [
        (f"the {len(lines)} real RIPE Atlas results, repeated", "real", 0, n) for n in counts
    ]
    if python:
        from lakou.paths.testing import corpus_data, generate

        corpus = corpus_data(annotator.ixps, data / "routeviews")
        rows += [row for row, _case in generate(corpus, args.corpus)]
        workloads.append(
            ("through real exchanges, every address new", "exchanges", len(real), args.corpus)
        )
    else:
        print("traIXroute: not run (set LAKOU_TRAIXROUTE_PYTHON, see docs/61-paths.md)")
    ranges = [(start, start + count) for _name, _key, start, count in workloads]
    theirs = traixroute_analysis(python, rows, ranges, args.repeats, work) if python else {}
    out: dict[str, float] = {}
    for name, key, start, count in workloads:
        walls, cpus = lakou_analysis(rows[start : start + count], annotator, args.repeats)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        line = (f"analysis alone, {count} traceroutes ({name}), median of {len(cpus)}: "
                f"lakou {_us(wall, count)} wall, {_us(cpu, count)} CPU a traceroute "
                f"({count / cpu:.0f}/s by CPU)")  # fmt: skip
        out.setdefault("lakou", count / cpu)  # the first: the real results, N of them
        out[f"lakou_{key}_{count}"] = count / cpu
        span = f"{start}:{start + count}"
        if span in theirs:
            their_wall = statistics.median(theirs[span]["wall"])
            their_cpu = statistics.median(theirs[span]["cpu"])
            wall_ratio, cpu_ratio = their_wall / wall, their_cpu / cpu
            line += (f"; traIXroute {_us(their_wall, count)} wall, "
                     f"{_us(their_cpu, count)} CPU; lakou speed-up {wall_ratio:.3g}x wall, "
                     f"{cpu_ratio:.3g}x CPU")  # fmt: skip
            out[f"wall_ratio_{key}_{count}"] = wall_ratio
            out[f"cpu_ratio_{key}_{count}"] = cpu_ratio
        print(line, flush=True)
    return out


if __name__ == "__main__":
    main()
