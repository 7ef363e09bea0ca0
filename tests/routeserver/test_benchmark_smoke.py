"""The benchmark script runs end to end on a tiny input (lakou only, no arouteserver)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not all(shutil.which(t) for t in ("bgpq4", "bird", "lakou")), reason="needs bgpq4, bird"
)
def test_benchmark_smoke() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.routeserver", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "smoke-3" in proc.stdout and "lakou warm" in proc.stdout
