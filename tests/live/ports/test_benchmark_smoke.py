"""The ports benchmark runs end to end on a tiny input and prints its ratios, the whole
commands' first."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lakou.ports.testing import snmpsim_data_dir

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.live
@pytest.mark.skipif(
    shutil.which("snmpbulkwalk") is None or snmpsim_data_dir() is None,
    reason="needs snmpbulkwalk (Debian snmp) and snmpsim-data",
)
def test_benchmark_smoke() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.ports",
            "--switches",
            "2",
            "--ports",
            "5",
            "--rounds",
            "1",
            "--simulators",
            "1",
            "--runs",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "2 switches x 5 ports = 10 ports" in proc.stdout
    assert "ratio lakou/floor" in proc.stdout
    # the whole commands first: lakou ports collect's round against the snmpbulkwalk round
    whole = "one round, 2 switches x 5 ports, whole command (median of 1)"
    assert whole in proc.stdout and "snmpbulkwalk" in proc.stdout.split(whole)[1]
