"""``lakou ports macs`` on a recorded switch (HPE ProCurve, served by snmpsim) against the
registered MACs (live)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.registry.test_ports_registry import _exchange

from lakou.cli import main
from lakou.ports.testing import Agent, run_snmpsim, snmpsim_data_dir, switch_recordings

pytestmark = pytest.mark.django_db


@pytest.fixture
def procurve(tmp_path: Path) -> Iterator[Agent]:
    if shutil.which("snmpsim-command-responder") is None or snmpsim_data_dir() is None:
        pytest.skip("snmpsim and snmpsim-data are not installed")
    if shutil.which("snmpget") is None:
        pytest.skip("snmpget is not installed (Debian package snmp)")
    switch_recordings(tmp_path / "data", {"hpe": "hpe"})
    with run_snmpsim(tmp_path / "data", tmp_path / "cache") as agents:
        yield agents[0]


@pytest.mark.live
def test_ports_macs_flags_differences(procurve: Agent) -> None:
    _exchange(procurve.port)
    result = CliRunner().invoke(
        main, ["--language", "en", "ports", "macs", "--exchange", "smart-ix", "--json", "--all"]
    )
    assert result.exit_code == 0, result.output
    findings = {(f["mac"], f["kind"]) for f in json.loads(result.output)}
    assert ("00:00:0c:07:ac:32", "ok") in findings
    assert ("02:00:00:00:00:01", "not_seen") in findings
    unregistered = [f for f in json.loads(result.output) if f["kind"] == "unregistered"]
    assert unregistered and all(f["seen_at"].startswith("sw1:") for f in unregistered)
