"""traIXroute's analysis alone, timed inside its own Python: run with traIXroute's venv.

traIXroute 2.3 has no entry point for "analyse these traceroutes with these datasets
loaded": its command loads PeeringDB, PCH and RouteViews (about 4.7 s) and then analyses,
so the analysis cannot be told apart from outside. This driver runs traIXroute's own
command-line set-up (``-silent -thread import -ripejson FILE``, through the fixes of
``tests/paths/traixroute_wrapper.py``) untimed: its configuration, its datasets, its
rules, the RIPE Atlas file read with its JSON reader. In place of its
``traixroute_core`` (which spreads the work over threads and writes the result files) it
times ``traIXroute.analyze_measurement`` over ranges of the traceroutes, the method each
of its worker threads runs: per traceroute, the Atlas result to an IP path
(``export_trace_from_ripe_file``), every hop's AS and exchange
(``path_info_extraction``), the rules (``resolve_path``, which also builds the crossing
records) and the result's annotation (``buildJsonRipe``). Nothing is printed or written
(``-silent``, no output file). traIXroute itself is not modified.

    traixroute-python benchmarks/paths/traixroute_analysis.py ATLAS.json OUT.json \\
        [--ranges 0:1000,0:3000,3000:3100] [--repeats 5]

Writes ``OUT.json``: ``{"<start>:<end>": {"wall": [s, ...], "cpu": [s, ...]}}`` (one entry
per repeat, after one untimed; CPU is ``time.process_time``, this process only).
``$HOME`` should name a scratch folder: traIXroute keeps its configuration in
``$HOME/traixroute``.
"""

from __future__ import annotations

import argparse
import copy
import gc
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

WRAPPER = Path(__file__).resolve().parents[2] / "tests" / "paths" / "traixroute_wrapper.py"


def apply_fixes() -> None:
    """Load the wrapper as a module: its three run-time fixes, not its command."""
    spec = importlib.util.spec_from_file_location("traixroute_wrapper", WRAPPER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {WRAPPER}")
    spec.loader.exec_module(importlib.util.module_from_spec(spec))


def time_analysis(
    atlas: Path, ranges: list[tuple[int, int]], repeats: int
) -> dict[str, dict[str, list[float]]]:
    """Set traIXroute up as its command does (untimed), then time its analysis."""
    apply_fixes()
    from traixroute.application import traIXroute

    app: Any = traIXroute()
    timings: dict[str, dict[str, list[float]]] = {}

    def analyse_timed(
        homepath: str, input_list: list[Any], use: Any, arguments: Any, manager: Any
    ) -> None:
        if len(input_list) < max(end for _start, end in ranges):
            raise SystemExit(f"{atlas} has {len(input_list)} results, fewer than asked")
        app.exact_time = "benchmark"
        for start, end in ranges:
            walls, cpus = [], []
            for _ in range(repeats + 1):  # the first, untimed, as for lakou
                # buildJsonRipe annotates the results in place: each repeat gets fresh ones
                app.input_list = copy.deepcopy(input_list[start:end])
                gc.collect()
                wall, cpu = time.perf_counter(), time.process_time()
                app.analyze_measurement([0, end - start])
                cpus.append(time.process_time() - cpu)
                walls.append(time.perf_counter() - wall)
            timings[f"{start}:{end}"] = {"wall": walls[1:], "cpu": cpus[1:]}

    app.traixroute_core = analyse_timed
    sys.argv = ["traixroute", "-silent", "-thread", "import", "-ripejson", str(atlas)]
    app.main()
    if not timings:
        raise SystemExit("traIXroute did not reach its analysis (see its output above)")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("atlas", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--ranges", default="0:1000", help="start:end,... (0-based, end excluded)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ranges = [(int(a), int(b)) for a, b in (r.split(":") for r in args.ranges.split(","))]
    timings = time_analysis(args.atlas.resolve(), ranges, args.repeats)
    args.out.write_text(json.dumps(timings))


if __name__ == "__main__":
    main()
