"""The portal as whole commands: ``lakou serve`` from its start to its first page, and its
pages under ``wrk`` per thousand requests, each against a floor, in the format of
:mod:`benchmarks.whole` (so the summary of ``python -m benchmarks`` shows them).

A server never ends, so GNU time cannot time it; its figures are read from ``/proc``:

- **start-up to first page**: from the moment the process is started to the first whole
  answer of ``/`` (asked every 20 ms from the moment it listens), wall time, the server's
  CPU time (user + system) and peak memory (VmHWM) at that moment; then it is stopped. The
  floor is ``python3 -m http.server`` serving the same static file ``lakou serve`` serves
  (``lakou.css``, copied into an empty directory) to its first answer. lakou's start
  includes Django's set-up, the registry's checks (migrations applied, secret key) and
  rendering ``/`` from the demo's database; ``http.server`` has nothing to set up.
- **under wrk**: for each public page at 16 connections, the page against the static file
  served by the same ``lakou serve`` in the same run (:mod:`benchmarks.portal.run`'s
  floor): "wall" is the time for 1,000 requests (1,000 / requests per second, so the wall
  ratio is the page's share of the floor's rate), CPU the server's CPU time per 1,000
  requests, peak memory the server's (one process: the same on both sides).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from benchmarks.whole import Measure, compare

STATIC = Path(__file__).resolve().parents[2] / "src/lakou/portal/static/portal/lakou.css"


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (and the children it waited for)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def proc_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_answer(
    argv: Sequence[str], url: str, env: dict[str, str] | None = None, limit: float = 120.0
) -> Measure:
    """Start ``argv`` (a server), ask ``url`` every 20 ms until a whole answer comes; the
    wall time from the start, the server's CPU time and peak memory then. It is stopped."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise SystemExit(
                        f"{' '.join(argv[:4])}... stopped ({proc.returncode}): "
                        f"{log.read().decode(errors='replace')[-2000:]}"
                    )
                try:
                    with urllib.request.urlopen(url, timeout=limit) as answer:
                        answer.read()
                    break
                except OSError:
                    if time.perf_counter() - started > limit:
                        raise SystemExit(f"{url}: no answer within {limit:.0f} s") from None
                    time.sleep(0.02)
            wall = time.perf_counter() - started
            return Measure(wall, proc_cpu(proc.pid), proc_peak_mb(proc.pid))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def median(measures: list[Measure]) -> Measure:
    return Measure(
        statistics.median(m.wall for m in measures),
        statistics.median(m.cpu for m in measures),
        statistics.median(m.peak_mb for m in measures),
        len(measures),
    )


def startup(env: dict[str, str], port: int, floor_port: int, runs: int = 3) -> dict[str, object]:
    """``lakou serve`` to its first ``/`` against ``http.server`` to its first static file."""
    serve = [sys.executable, "-m", "lakou", "serve", "--listen", f"127.0.0.1:{port}"]
    with tempfile.TemporaryDirectory(prefix="lakou-bench-portal-static-") as tmp:
        shutil.copy(STATIC, Path(tmp) / STATIC.name)
        floor_cmd = [sys.executable, "-m", "http.server", str(floor_port), "--bind", "127.0.0.1"]
        floor_cmd += ["--directory", tmp]
        ours, theirs = [], []
        for _ in range(max(1, runs)):  # alternated: the machine's load falls on both
            ours.append(first_answer(serve, f"http://127.0.0.1:{port}/", env))
            theirs.append(first_answer(floor_cmd, f"http://127.0.0.1:{floor_port}/{STATIC.name}"))
    return compare(
        "portal",
        "start-up to the first page",
        median(ours),
        median(theirs),
        "http.server",
        note="lakou serve to / rendered; python3 -m http.server to the static file",
    )


def per_thousand(rps: float, cpu: float, requests: int, peak_mb: float) -> Measure:
    """One wrk run as the cost of 1,000 requests: wall, the server's CPU, its peak."""
    return Measure(1000 / rps if rps else float("nan"), 1000 * cpu / max(1, requests), peak_mb)


def under_wrk(pages: dict[str, list[Measure]], floors: list[Measure], connections: int) -> None:
    """One line per page: its median cost of 1,000 requests against the floor's."""
    floor = median(floors)
    for url, measures in pages.items():
        compare(
            "portal",
            f"{url} at {connections} connections, per 1,000 requests",
            median(measures),
            floor,
            "static file",
            note="wall = 1,000 / requests per second; the same lakou serve serves the floor",
        )
