"""The portal as visitors feel it: ``lakou serve`` on loopback, driven by Debian's ``wrk``.

The demo is loaded into a database of its own (``lakou demo --load-only`` with a config
that points ``core.data_dir`` at ``benchmarks/_work/portal``, so the operator's install is
never touched), with the demo's week of traffic in the flow store. Then ``lakou serve``
is started as a user starts it (whole command: waitress, WhiteNoise, Django) and ``wrk``
asks, at 1 and 16 connections, for ``/``, ``/exchanges/<slug>/``, ``/participants.json``,
``/api/exchanges``, ``/traffic/`` and a static file served by the same server (the floor:
what waitress and WhiteNoise cost without Django's views). Printed per URL: requests/s,
p50 and p99 latency, errors and timeouts, and the ratio of requests/s to the static
floor. Then the expiry run: the five public pages asked at once for ``--expiry`` seconds
(75: past the 60 s after which kept pages and the traffic report are built again), 16
connections in all shared among them (one ``wrk`` each), with the static file asked
alongside on 2 more connections as the floor of that moment; and the server's peak
memory (VmHWM) and memory at the end (VmRSS).

Each URL is asked once before it is timed (warm-up; the first ``/traffic/`` is printed
as the cold time). Other helpers load the same 2-core machine: ``--runs 3`` prints the
median of each figure over three servers; quote medians and the ratios to the floor of
the same run, not one run's absolute figures.

First the whole commands (:mod:`benchmarks.portal.whole`): ``lakou serve`` from its start
to its first ``/`` against ``python3 -m http.server`` to its first static file, medians of
``--startup-runs``; at the end, each page at 16 connections per 1,000 requests against the
static floor of the same server (medians over ``--runs``), in the summary's format.

    python -m benchmarks.portal [--threads 4] [--duration 10] [--expiry 75] [--runs 3] [--quick]
    python -m benchmarks.portal --threads-sweep 1,2,4,8   # choose serve's default
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from benchmarks.portal.whole import per_thousand, proc_cpu, startup, under_wrk
from benchmarks.whole import Measure, in_process_heading

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "benchmarks" / "_work" / "portal"
SLUG = "demo-saint-martin"
URLS = (
    "/static/portal/lakou.css",
    "/",
    f"/exchanges/{SLUG}/",
    "/participants.json",
    "/api/exchanges",
    "/traffic/",
)
FLOOR = URLS[0]
PAGES = URLS[1:]
# the expiry run: connections per page (16 in all), and on the static floor beside them
EXPIRY_CONNECTIONS = (4, 3, 3, 3, 3)
EXPIRY_FLOOR_CONNECTIONS = 2


@dataclass
class Load:
    url: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int
    requests: int = 0  # answered in the run (wrk's count)
    cpu_s: float = 0.0  # the server's CPU time during the run (0: not measured)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["LAKOU_CONFIG"] = str(WORK / "lakou.yml")
    env.pop("LAKOU_DATABASE_URL", None)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def load_demo() -> None:
    """The demo in its own data directory (kept between runs: loading is idempotent)."""
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "lakou.yml").write_text(f"core:\n  data_dir: {WORK / 'data'}\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lakou", "demo", "--load-only"],
        env=_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo loaded into {WORK / 'data'} in {time.perf_counter() - start:.1f} s", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``lakou serve`` on a free loopback port, stopped on exit."""

    def __init__(self, threads: int | None) -> None:
        self.port = _free_port()
        args = [sys.executable, "-m", "lakou", "serve", "--listen", f"127.0.0.1:{self.port}"]
        if threads is not None:
            args += ["--threads", str(threads)]
        # waitress logs a line per queued request under load: into a file, never a pipe
        # nobody reads (a full pipe blocks the server's main thread).
        self.log = WORK / "serve.log"
        self.proc = subprocess.Popen(
            args, env=_env(), stdout=subprocess.DEVNULL, stderr=self.log.open("wb")
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"lakou serve stopped: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("lakou serve did not listen within 60 s")

    def get(self, url: str) -> float:
        start = time.perf_counter()
        with urllib.request.urlopen(self.base + url, timeout=120) as response:
            response.read()
        return time.perf_counter() - start

    def memory_mb(self) -> tuple[float, float]:
        """(peak, current) resident memory of the server process, MB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        values = {
            key: int(re.search(rf"^{key}:\s+(\d+)", status, re.M).group(1))  # type: ignore[union-attr]
            for key in ("VmHWM", "VmRSS")
        }
        return values["VmHWM"] / 1024, values["VmRSS"] / 1024

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def _wrk_args(base: str, url: str, connections: int, seconds: float, threads: int) -> list[str]:
    return [
        "wrk",
        "--latency",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(seconds)}s",
        "--timeout",
        "10s",
        base + url,
    ]


def wrk(base: str, url: str, connections: int, seconds: float) -> Load:
    """One ``wrk`` run (as many threads as connections, up to 2: the machine's cores)."""
    args = _wrk_args(base, url, connections, seconds, min(connections, 2))
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out, url, connections)


def wrk_together(base: str, asks: list[tuple[str, int]], seconds: float) -> list[Load]:
    """Several URLs asked at the same time, one single-threaded ``wrk`` each."""
    procs = [
        subprocess.Popen(
            _wrk_args(base, url, connections, seconds, 1), stdout=subprocess.PIPE, text=True
        )
        for url, connections in asks
    ]
    outs = [proc.communicate()[0] for proc in procs]
    for proc in procs:
        if proc.returncode:
            raise RuntimeError(f"wrk failed ({proc.returncode})")
    return [parse_wrk(out, url, c) for out, (url, c) in zip(outs, asks, strict=True)]


def parse_wrk(out: str, url: str, connections: int) -> Load:
    """The figures of one ``wrk --latency`` report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    timeouts = 0
    if sock:
        errors += sum(int(sock.group(i)) for i in (1, 2, 3))
        timeouts = int(sock.group(4))
    done = re.search(r"(\d+) requests in", out)
    return Load(
        url, connections, rps, p50, p99, errors, timeouts, int(done.group(1)) if done else 0
    )


def _line(load: Load, floor: float | None, share: float | None = None) -> str:
    if share is None and floor:
        share = load.rps / floor
    ratio = f"{share:7.3f}" if share is not None and floor else " " * 7
    return (
        f"{load.url:<34} {load.connections:>3} {load.rps:9.1f} {load.p50_ms:8.1f} "
        f"{load.p99_ms:8.1f} {load.errors:>6} {load.timeouts:>6} {ratio}"
    )


HEADER = (
    f"{'url':<34} {'con':>3} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'errors':>6} {'tmouts':>6} {'/floor':>7}"
)


@dataclass
class Run:
    loads: list[Load]
    memory: tuple[float, float, float]  # start, peak, end (MB)


def measure(threads: int | None, duration: float, expiry: float) -> Run:
    server = Server(threads)
    loads: list[Load] = []
    try:
        started = server.memory_mb()[1]
        print(f"\nlakou serve --threads {threads or 'default'}: {started:.0f} MB at start")
        cold = {url: server.get(url) for url in URLS}
        print("first request (cold), s: " + ", ".join(f"{u} {t:.2f}" for u, t in cold.items()))
        print(HEADER)
        for connections in (1, 16):
            floor = None
            for url in URLS:
                cpu = proc_cpu(server.proc.pid)
                load = wrk(server.base, url, connections, duration)
                load.cpu_s = proc_cpu(server.proc.pid) - cpu
                floor = floor or load.rps
                loads.append(load)
                print(_line(load, floor if url != FLOOR else None), flush=True)
        if expiry:
            asks = [*zip(PAGES, EXPIRY_CONNECTIONS, strict=True), (FLOOR, EXPIRY_FLOOR_CONNECTIONS)]
            print(f"across expiry ({int(expiry)} s, the pages at once, 16 connections in all):")
            for load in wrk_together(server.base, asks, expiry):
                load.url = f"{load.url} (expiry)"
                loads.append(load)
                print(_line(load, None), flush=True)
        peak, now = server.memory_mb()
        print(f"server memory: peak {peak:.0f} MB, at the end {now:.0f} MB (start {started:.0f})")
    finally:
        server.stop()
    return Run(loads, (started, peak, now))


def medians(runs: list[Run]) -> list[str]:
    """Each figure's median over the runs (ratios to the floor taken within each run),
    printed and returned as lines."""
    lines = [f"\nmedians of {len(runs)} runs", HEADER]
    for i, first in enumerate(runs[0].loads):
        loads = [run.loads[i] for run in runs]
        median = Load(
            first.url,
            first.connections,
            statistics.median(x.rps for x in loads),
            statistics.median(x.p50_ms for x in loads),
            statistics.median(x.p99_ms for x in loads),
            max(x.errors for x in loads),
            max(x.timeouts for x in loads),
        )
        ratio = None
        if first.url in PAGES:  # the expiry rows have no floor at their connection count
            floors = [
                next(
                    x.rps
                    for x in run.loads
                    if x.url == FLOOR and x.connections == first.connections
                )
                for run in runs
            ]
            ratio = statistics.median(x.rps / f for x, f in zip(loads, floors, strict=True))
        lines.append(_line(median, 1.0 if ratio is not None else None, ratio))
    peak = statistics.median(run.memory[1] for run in runs)
    end = statistics.median(run.memory[2] for run in runs)
    lines.append(f"server memory (median): peak {peak:.0f} MB, at the end {end:.0f} MB")
    print("\n".join(lines), flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads", type=int, default=None, help="serve --threads (default: serve's)"
    )
    parser.add_argument("--threads-sweep", default="", help="e.g. 1,2,4,8: one run per count")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument(
        "--expiry",
        type=float,
        default=75.0,
        help="seconds of the pages asked at once across the caches' expiry (0: skip)",
    )
    parser.add_argument("--runs", type=int, default=1, help="servers measured; medians printed")
    parser.add_argument("--quick", action="store_true", help="3 s runs, no expiry run")
    parser.add_argument(
        "--startup-runs", type=int, default=3, help="starts of each server timed (median)"
    )
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-command lines")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("benchmarks.portal: wrk is not installed (apt-get install wrk); skipped")
        return 0
    if args.quick:
        args.duration, args.expiry = 3.0, 0.0
    load_demo()
    if not args.no_whole:
        startup(_env(), _free_port(), _free_port(), args.startup_runs)
        in_process_heading("one lakou serve under wrk, its pages against its own static file")
    counts = [int(n) for n in args.threads_sweep.split(",") if n] or [args.threads]
    for threads in counts:
        runs = [measure(threads, args.duration, args.expiry) for _ in range(max(1, args.runs))]
        if len(runs) > 1:
            medians(runs)
        if not args.no_whole and len(counts) == 1:
            record_under_wrk(runs)
    return 0


def record_under_wrk(runs: list[Run], connections: int = 16) -> None:
    """The pages at ``connections`` against the static floor, per 1,000 requests, medians
    over the runs, as whole-command lines (the summary's format)."""

    def cost(run: Run, url: str) -> Measure:
        load = next(x for x in run.loads if x.url == url and x.connections == connections)
        return per_thousand(load.rps, load.cpu_s, load.requests, run.memory[1])

    print(f"\nper 1,000 requests at {connections} connections (medians of {len(runs)} runs):")
    under_wrk(
        {url: [cost(run, url) for run in runs] for url in PAGES},
        [cost(run, FLOOR) for run in runs],
        connections,
    )


if __name__ == "__main__":
    raise SystemExit(main())
