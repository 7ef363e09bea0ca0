"""Wrap and restart on real agents: a 32-bit counter wrapping in snmpsim, snmpd restarted."""

from __future__ import annotations

import shutil
import time
from itertools import pairwise
from pathlib import Path

import pytest

from lakou.ports.config import Switch
from lakou.ports.counters import OK, RESTART, rate
from lakou.ports.snmp import poll_switch
from lakou.ports.testing import Agent, run_snmpd, run_snmpsim

pytestmark = pytest.mark.live

OCTETS_PER_SECOND = 250_000_000  # 2 Gb/s: a 32-bit counter wraps every 17.2 s


def _old_switch(path: Path) -> None:
    """A switch with only the 32-bit ifTable (no ifXTable), its ifInOctets moving."""
    rows = [
        "1.3.6.1.2.1.1.3.0|67|100",
        "1.3.6.1.2.1.2.2.1.2.1|4|port1",
        "1.3.6.1.2.1.2.2.1.5.1|66|4294967295",
        "1.3.6.1.2.1.2.2.1.7.1|2|1",
        "1.3.6.1.2.1.2.2.1.8.1|2|1",
        f"1.3.6.1.2.1.2.2.1.10.1|65:numeric|rate={OCTETS_PER_SECOND},wrap=1,max=4294967296",
        "1.3.6.1.2.1.2.2.1.16.1|65|1000",
    ]
    path.write_text("\n".join(rows) + "\n")


def test_32_bit_counter_wraps_without_a_spike_or_a_hole(tmp_path: Path) -> None:
    if shutil.which("snmpsim-command-responder") is None or shutil.which("snmpget") is None:
        pytest.skip("needs snmpsim and snmpget")
    (tmp_path / "data").mkdir()
    _old_switch(tmp_path / "data" / "old.snmprec")
    with run_snmpsim(tmp_path / "data", tmp_path / "cache") as agents:
        switch = Switch(name="old", host="127.0.0.1", port=agents[0].port, community="old")
        readings = []
        for _ in range(12):  # 24 s: at least one wrap
            poll = poll_switch(switch, lags=False, lldp=False, forwarding=False)
            assert poll.ok, poll.error
            (port,) = poll.ports
            assert port.counter_bits == 32 and port.name == "port1"
            readings.append(port)
            time.sleep(2)
    wrapped = 0
    for a, b in pairwise(readings):
        r = rate(a, b, max_gap=60)
        assert r.reason == OK
        assert r.in_bps == pytest.approx(OCTETS_PER_SECOND * 8, rel=0.1)
        wrapped += (b.in_octets or 0) < (a.in_octets or 0)
    assert wrapped >= 1


def test_agent_restart_gives_no_rate(tmp_path: Path) -> None:
    if shutil.which("snmpd") is None and not Path("/usr/sbin/snmpd").exists():
        pytest.skip("snmpd is not installed (Debian package snmpd)")
    if shutil.which("snmpget") is None:
        pytest.skip("snmpget is not installed (Debian package snmp)")
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"
    first_dir.mkdir()
    second_dir.mkdir()
    with run_snmpd(first_dir) as agent:
        port = agent.port
        switch = Switch(host="127.0.0.1", port=port, community=agent.community)
        time.sleep(3)  # enough uptime that the restarted agent's is lower
        before = poll_switch(switch, lldp=False, forwarding=False)
    with run_snmpd(second_dir, port=port) as again:
        assert isinstance(again, Agent)
        after = poll_switch(switch, lldp=False, forwarding=False)
    assert before.ok and after.ok
    assert before.uptime is not None and after.uptime is not None
    assert after.uptime < before.uptime
    for a, b in zip(before.ports, after.ports, strict=True):
        r = rate(a, b, max_gap=300)
        assert r.reason == RESTART and r.in_bps is None
