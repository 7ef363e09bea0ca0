"""Recorded real switches (snmpsim-data) polled with no vendor-specific setting at all."""

from __future__ import annotations

import pytest

from lakou.ports.config import Switch
from lakou.ports.snmp import poll_switches
from lakou.ports.testing import Agent, free_udp_port, snmpbulkwalk

pytestmark = pytest.mark.live


def _switch(agent: Agent, community: str) -> Switch:
    return Switch(name=community, host="127.0.0.1", port=agent.port, community=community)


@pytest.mark.parametrize("vendor", ["cisco", "hpe", "juniper", "dlink"])
def test_counters_equal_snmpbulkwalk_on_recorded_switch(switches: Agent, vendor: str) -> None:
    (result,) = poll_switches([_switch(switches, vendor)], lags=False, lldp=False, forwarding=False)
    assert result.ok, result.error
    auth = ["-v2c", "-c", vendor]
    hc_in = snmpbulkwalk(switches.target, auth, "1.3.6.1.2.1.31.1.1.1.6")
    hc_out = snmpbulkwalk(switches.target, auth, "1.3.6.1.2.1.31.1.1.1.10")
    names = snmpbulkwalk(switches.target, auth, "1.3.6.1.2.1.31.1.1.1.1")
    by_index = {p.ifindex: p for p in result.ports}
    assert len(hc_in) > 10
    for oid, value in hc_in.items():
        assert by_index[int(oid.rsplit(".", 1)[1])].in_octets == int(value)
    for oid, value in hc_out.items():
        assert by_index[int(oid.rsplit(".", 1)[1])].out_octets == int(value)
    for oid, value in names.items():
        assert by_index[int(oid.rsplit(".", 1)[1])].name == value
    assert all(p.counter_bits == 64 for p in result.ports if int(p.ifindex) in by_index)


def test_lags_lldp_and_forwarding_tables(switches: Agent) -> None:
    cisco, hpe, juniper, dlink = poll_switches(
        [_switch(switches, v) for v in ("cisco", "hpe", "juniper", "dlink")]
    )
    # Nexus 5000: port-channels from IEEE8023-LAG-MIB; two members behind 369098752.
    assert cisco.lags[369098752] == [436289536, 436293632]
    names = {p.ifindex: p.name for p in cisco.ports}
    assert names[369098752].lower().startswith("po")
    assert any(n.system_name == "H3C-1" and n.chassis_id == "58:6a:b1:4f:3d:91" for n in cisco.lldp)
    # LLDP on the other vendors too, chassis ids as MAC addresses.
    assert len(hpe.lldp) == 5 and hpe.lldp[0].chassis_id == "e8:39:35:1a:ca:99"
    assert any(n.port_description == "MX960-GE-0/0/1" for n in juniper.lldp)
    # Forwarding tables: Q-BRIDGE on the ProCurve, MACs behind real ifIndexes.
    assert len(hpe.forwarding) == 285
    assert any(e.mac == "00:00:0c:07:ac:32" and e.ifindex == 17 for e in hpe.forwarding)
    assert dlink.forwarding and all(len(e.mac) == 17 for e in dlink.forwarding)


def test_a_dead_switch_does_not_delay_the_others(switches: Agent) -> None:
    dead = Switch(
        name="dead", host="127.0.0.1", port=free_udp_port(), community="x", timeout=4, retries=0
    )
    live = [_switch(switches, v) for v in ("cisco", "hpe", "juniper")]
    results = poll_switches([dead, *live], lldp=False, forwarding=False)
    by_name = {r.switch: r for r in results}
    assert not by_name["dead"].ok and "no answer" in (by_name["dead"].error or "")
    dead_done = by_name["dead"].started + by_name["dead"].seconds
    for name in ("cisco", "hpe", "juniper"):
        r = by_name[name]
        assert r.ok and r.ports
        # Listed after the dead switch, every live one began while the dead one was still
        # waiting for its answer: no switch waits for another (on a loaded machine the
        # live polls may take longer than the timeout, so their end is not compared).
        assert by_name["dead"].started <= r.started < dead_done
