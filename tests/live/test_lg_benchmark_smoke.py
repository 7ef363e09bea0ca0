"""The looking-glass benchmark runs end to end on a few hundred routes (two BIRD route
servers, ExaBGP, namespaces), so ``python -m benchmarks.lg`` keeps working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .lab import can_make_namespaces, missing_tools

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.live
if missing_tools("bird", "birdc", "exabgp", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird, birdc, exabgp, ip")]


def test_benchmark_smoke() -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.lg", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "2 BIRD route servers x 303 routes" in out
    for question in ("neighbours, both", "filtered routes", "prefix (exact)", "address (longest"):
        assert question in out
    # the answers are the expected ones, not just timed: 3 sessions x 2 families x 2 servers
    row = next(line for line in out.splitlines() if line.startswith("neighbours, both"))
    assert row.split()[4] == "12"
    assert "looking glass peak RSS" in out
