"""The LAN hygiene benchmark runs, end to end, on a tiny input: its whole commands (when
tshark is installed) and its in-process line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_on_a_tiny_input(tmp_path: Path) -> None:
    results = tmp_path / "whole.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env["LAKOU_BENCH_RESULTS"] = str(results)
    args = ["--datagrams", "400", "--control", "10", "--runs", "1"]
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.lan", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env=env,
    ).stdout
    assert re.search(r"sFlow samples .*10/1000 control frames.*cost ratio [\d.]+", out), out
    if shutil.which("tshark") is None:
        assert "not run (tshark is not installed" in out
        return
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["reference"] for r in records] == ["tshark", "replay --no-lan"]
    assert all(r["component"] == "lan" and r["lakou"]["cpu"] > 0 for r in records)
    # tshark saw inside the sFlow samples: it kept exactly the 4 datagrams of control frames
    assert "(4 datagrams kept)" in records[0]["note"], records[0]["note"]
