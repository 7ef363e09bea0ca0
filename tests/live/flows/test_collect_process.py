"""``lakou flows collect`` as operators run it: a real process on loopback, stopped with
SIGTERM; what it received is in the store afterwards (graceful flush). And the benchmark
script runs, end to end, on a tiny input."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lakou.flows.config import Config
from lakou.flows.reporting import build_report
from lakou.flows.store import ParquetStore
from lakou.flows.testing import SampledFrame, datagram

ROOT = Path(__file__).resolve().parents[3]
FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1", vlan=10)


@pytest.mark.live
def test_collect_process_flushes_on_sigterm(tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text(
        "asn,name,vlan,mac\n64500,A,10,02:00:00:00:00:01\n64501,B,10,02:00:00:00:00:02\n"
    )
    store = tmp_path / "store"
    # flush_seconds is long: only the stop can have written the sums.
    env = {**os.environ, "LAKOU_FLOWS__FLUSH_SECONDS": "3600"}
    command = [sys.executable, "-c", "from lakou.cli import main; main()"]
    proc = subprocess.Popen(
        [
            *command,
            "flows",
            "collect",
            "--listen",
            "127.0.0.1:0:sflow",
            "--allow-exporter",
            "127.0.0.0/8",
            "--store",
            str(store),
            "--members",
            str(members),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"port (\d+)", line)
        assert match, line
        port = int(match.group(1))
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(50):
            sock.sendto(datagram("127.0.0.1", [FRAME] * 3, i + 1), ("127.0.0.1", port))
        sock.close()
        time.sleep(1.0)  # let the datagrams reach the socket before the signal
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    counters = json.loads(err.strip().splitlines()[-1])
    assert counters["received"] == 50 and counters["queue_drops"] == 0
    assert counters["kernel_drops"] == 0 and counters["sflow_samples"] == 150
    report = build_report(ParquetStore(store), Config(), 0, 2**31, now=0).as_dict()
    assert report["totals"]["samples"] == 150
    assert report["matrix"][0]["src"] == 64500 and report["matrix"][0]["samples"] == 150


@pytest.mark.live
@pytest.mark.skipif(shutil.which("sfacctd") is None, reason="pmacct (sfacctd) not installed")
def test_benchmark_runs_on_a_tiny_input(shared_data: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.flows",
            "--repeat",
            "8",
            "--loss-seconds",
            "0.2",
            "--no-live",
            "--runs",  # one run of each whole command: pmacct's flush alone takes 4 s a run
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    assert re.search(r"sFlow: 40 samples; .* ratio lakou/sfacctd = [\d.]+", out), out
    assert re.search(r"IPFIX: 24 samples; .* ratio lakou/nfacctd = [\d.]+", out), out
    assert "flood (capacity)" in out and "3.00 x capacity" in out


@pytest.mark.live
@pytest.mark.skipif(shutil.which("sfacctd") is None, reason="pmacct (sfacctd) not installed")
def test_live_benchmark_runs_on_a_tiny_input() -> None:
    """The live-collector benchmark: both daemons, one slow rate, a short phase."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.flows.live",
            "--rates",
            "200",
            "--runs",
            "1",
            "--seconds",
            "0.5",
            "--least",
            "100",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    row = next(line for line in out.splitlines() if line.strip().startswith("200 "))
    figures = [float(x) for x in row.split()[1:]]
    assert len(figures) == 11, out
    # loss % of each, then CPU per datagram of each and their ratio
    assert 0 <= figures[0] <= 100 and 0 <= figures[1] <= 100
    assert figures[2] > 0 and figures[3] > 0 and figures[4] > 0
