"""The LAN hygiene benchmark runs, end to end, on a tiny input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_on_a_tiny_input() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.lan", "--datagrams", "400", "--control", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env=env,
    ).stdout
    assert re.search(r"sFlow samples .*10/1000 control frames.*cost ratio [\d.]+", out), out
