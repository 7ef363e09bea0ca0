"""Whole commands timed as a user runs them, lakou's against its reference tool's.

In-process figures (a kernel timed after its compile, the input already parsed) flatter:
a user pays the interpreter's start, the imports, the numba cache load, reading the input
and writing the output. Every benchmark therefore also runs lakou's command and the
reference's command as separate processes, under GNU time, and reports per run the wall
time, the CPU time (user + system of the command and of the children it waited for) and
the peak memory (the largest process's resident set), the medians of several runs, and
lakou's speed-up by wall and by CPU time in the same run (above 1: lakou is faster).

lakou runs from this checkout's ``src`` (not whichever copy is installed). When
``LAKOU_BENCH_RESULTS`` names a file (``python -m benchmarks`` sets it), each comparison
is also appended to it as one JSON line, for the summary.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_ENV = "LAKOU_BENCH_RESULTS"


@dataclass(frozen=True)
class Measure:
    """One command's cost: wall seconds, CPU seconds, peak resident memory in MB."""

    wall: float
    cpu: float
    peak_mb: float
    runs: int = 1


def lakou_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with this checkout's ``src`` first on the path."""
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def lakou(*args: str) -> list[str]:
    """The ``lakou`` command as a user runs it (this checkout's sources)."""
    return [sys.executable, "-m", "lakou", *args]


def timed(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
) -> Measure:
    """Run ``argv`` once under GNU time; its output goes to ``stdout`` (a file) or nowhere.
    A failing command ends the benchmark with its error output."""
    with tempfile.TemporaryDirectory(prefix="lakou-bench-time-") as tmp:
        report = Path(tmp) / "time.txt"
        gnu_time = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"
        out = stdout.open("wb") if stdout is not None else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            proc = subprocess.run(
                [gnu_time, "-o", str(report), "-f", "%U %S %M", *argv],
                cwd=cwd,
                env=env if env is not None else lakou_env(),
                stdout=out,
                stderr=subprocess.PIPE,
                check=False,
            )
            wall = time.perf_counter() - started
        finally:
            if stdout is not None:
                out.close()  # type: ignore[union-attr]
        if proc.returncode != 0:
            raise SystemExit(
                f"{' '.join(map(str, argv[:4]))}... failed ({proc.returncode}): "
                f"{proc.stderr.decode(errors='replace')[-2000:]}"
            )
        user, system, peak_kb = report.read_text().split()[-3:]
    return Measure(wall, float(user) + float(system), int(peak_kb) / 1024)


def median_of(
    argv: Sequence[str],
    repeats: int = 3,
    *,
    before: Callable[[], object] | None = None,
    **kwargs: object,
) -> Measure:
    """The median wall, CPU and peak memory of ``repeats`` runs (``before`` runs first,
    untimed, each time: to empty an output directory, say)."""
    runs = []
    for _ in range(max(1, repeats)):
        if before is not None:
            before()
        runs.append(timed(argv, **kwargs))  # type: ignore[arg-type]
    return Measure(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.peak_mb for r in runs),
        len(runs),
    )


def ratio_text(ratio: float) -> str:
    """A ratio with three significant figures: 0.004x is not printed as 0.00x."""
    return f"{ratio:.3g}x"


def compare(
    component: str,
    case: str,
    ours: Measure,
    theirs: Measure,
    reference: str,
    note: str = "",
    per: tuple[int, str] | None = None,
) -> dict[str, object]:
    """Print the whole-command line of one case; record it for the summary.

    ``per`` = (count, unit) adds the CPU per unit (microseconds per sample, say)."""
    wall_ratio = theirs.wall / ours.wall if ours.wall else float("nan")
    cpu_ratio = theirs.cpu / ours.cpu if ours.cpu else float("nan")
    unit = ""
    if per is not None and per[0]:
        count, name = per
        unit = (
            f"; CPU per {name}: lakou {1e6 * ours.cpu / count:.2f} us, "
            f"{reference} {1e6 * theirs.cpu / count:.2f} us"
        )
    print(
        f"{case}, whole command (median of {ours.runs}): lakou {ours.wall:.2f} s wall, "
        f"{ours.cpu:.2f} s CPU, {ours.peak_mb:.0f} MB peak; {reference} {theirs.wall:.2f} s "
        f"wall, {theirs.cpu:.2f} s CPU, {theirs.peak_mb:.0f} MB peak; lakou speed-up "
        f"{ratio_text(wall_ratio)} wall, {ratio_text(cpu_ratio)} CPU{unit}"
        + (f" ({note})" if note else ""),
        flush=True,
    )
    record = {
        "component": component,
        "case": case,
        "reference": reference,
        "lakou": asdict(ours),
        "theirs": asdict(theirs),
        "wall_ratio": wall_ratio,
        "cpu_ratio": cpu_ratio,
        "note": note,
    }
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
    return record


def in_process_heading(what: str = "") -> None:
    """The line that labels the figures after it as in-process ones."""
    print(
        "in-process (inside one Python process, start-up and imports left out"
        + (f"; {what}" if what else "")
        + "):",
        flush=True,
    )
