"""Fixtures of the port tests: Debian's snmpd and snmpsim replaying recorded switches."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lakou.ports.testing import Agent, run_snmpd, run_snmpsim, snmpsim_data_dir, switch_recordings

# community -> recording: each community is one simulated switch.
VENDORS = {"cisco": "cisco", "hpe": "hpe", "juniper": "juniper", "dlink": "dlink"}


@pytest.fixture(scope="session")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agent]:
    if shutil.which("snmpd") is None and not Path("/usr/sbin/snmpd").exists():
        pytest.skip("snmpd is not installed (Debian package snmpd)")
    if shutil.which("snmpbulkwalk") is None:
        pytest.skip("snmpbulkwalk is not installed (Debian package snmp)")
    with run_snmpd(tmp_path_factory.mktemp("snmpd")) as agent:
        yield agent


@pytest.fixture(scope="session")
def switches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agent]:
    """One snmpsim process serving the recorded switches (community = vendor)."""
    if shutil.which("snmpsim-command-responder") is None or snmpsim_data_dir() is None:
        pytest.skip("snmpsim and snmpsim-data are not installed (pip install snmpsim snmpsim-data)")
    if shutil.which("snmpget") is None:
        pytest.skip("snmpget is not installed (Debian package snmp)")
    root = tmp_path_factory.mktemp("snmpsim")
    switch_recordings(root / "data", VENDORS)
    with run_snmpsim(root / "data", root / "cache") as agents:
        yield agents[0]
