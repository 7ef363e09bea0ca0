"""The looking-glass benchmark runs end to end on a few hundred routes (two BIRD route
servers, ExaBGP, namespaces), so ``python -m benchmarks.lg`` keeps working: its whole
commands (``lakou lg`` against ``birdc``, recorded for the summary) and its in-process table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.live.helpers.lab import can_make_namespaces, missing_tools

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.live
if missing_tools("bird", "birdc", "exabgp", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird, birdc, exabgp, ip")]


def test_benchmark_smoke(tmp_path: Path) -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    results = tmp_path / "whole.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.lg", "--smoke", "--runs", "1"],
        env={**os.environ, "LAKOU_BENCH_RESULTS": str(results)},
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
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["case"].split(" ")[0] for r in records] == ["neighbours", "a", "an"]
    assert all(r["component"] == "lg" and r["reference"] == "birdc" for r in records)
    assert out.index("whole command") < out.index("in-process") < out.index("lakou p50")
