"""``lakou ports collect`` and ``report`` end to end on recorded switches (snmpsim),
stopped by SIGTERM (live)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.ports.testing import Agent, free_udp_port


def _switches_file(path: Path, agent: Agent, dead_port: int) -> Path:
    path.write_text(
        "interval: 5\n"
        "switches:\n"
        f"  - {{name: cisco, host: 127.0.0.1, port: {agent.port}, community: cisco}}\n"
        f"  - {{name: hpe, host: 127.0.0.1, port: {agent.port}, community: hpe}}\n"
        f"  - {{name: dead, host: 127.0.0.1, port: {dead_port}, community: x, timeout: 1,"
        " retries: 0}\n"
        "members:\n"
        "  alpha: ['hpe:1', 'hpe:2']\n"
        "  beta: ['cisco:mgmt0']\n"
    )
    return path


@pytest.mark.live
def test_collect_two_rounds_then_report(switches: Agent, tmp_path: Path) -> None:
    conf = _switches_file(tmp_path / "switches.yml", switches, free_udp_port())
    store = tmp_path / "store"
    runner = CliRunner()
    result = runner.invoke(
        main, ["ports", "collect", "--switches", str(conf), "--store", str(store), "--rounds", "2"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("round")]
    assert len(lines) == 2 and "3 switches, 103 ports" in lines[0]
    assert "dead: no answer" in result.output
    # recorded counters do not move: the second round stores zero rates for every port
    assert "103 rates stored" in lines[1]
    report = runner.invoke(
        main, ["ports", "report", "--store", str(store), "--switches", str(conf), "--json"]
    )
    assert report.exit_code == 0, report.output
    stats = json.loads(report.output)["statistics"]
    assert stats["ports"] == 103 and stats["members"] == 2
    assert stats["peak_bps"] == 0.0


@pytest.mark.live
def test_collect_stops_cleanly_on_sigterm(switches: Agent, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    conf = _switches_file(tmp_path / "switches.yml", switches, free_udp_port())
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lakou",
            "ports",
            "collect",
            "--switches",
            str(conf),
            "--store",
            str(tmp_path / "store"),
            "--interval",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    rounds = 0
    for line in proc.stdout:  # two rounds: the second stores rates
        rounds += line.startswith("round")
        if rounds == 2:
            break
    proc.send_signal(signal.SIGTERM)
    out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "intervals by outcome" in out
    assert list((tmp_path / "store" / "raw").glob("*/*.parquet"))
