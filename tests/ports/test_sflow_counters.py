"""sFlow counter samples (decoded by lakou.flows.sflow) make the same series as SNMP."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.flows.sflow import decode
from lakou.ports.collect import Collector
from lakou.ports.config import PortsConfig, Switch
from lakou.ports.counters import RESTART, RateTracker
from lakou.ports.sflow_counters import readings
from lakou.ports.store import PortStore
from lakou.ports.testing import InterfaceCounters, sflow_counter_datagram

DAY0 = 1_795_000_000 - 1_795_000_000 % 86400


def test_counter_sample_becomes_a_reading() -> None:
    payload = sflow_counter_datagram(
        "192.0.2.1", [InterfaceCounters(7, 2**40, 5, speed_bps=100_000_000_000)], 123_450
    )
    (r,) = readings(decode(payload), 1000.0, {"192.0.2.1": "sw-a"})
    assert (r.switch, r.ifindex, r.in_octets, r.out_octets) == ("sw-a", 7, 2**40, 5)
    assert r.speed_mbps == 100_000 and r.oper_status == "up" and r.source == "sflow"
    assert r.uptime == 12_345


def test_agent_restart_seen_through_sflow_uptime() -> None:
    tracker = RateTracker(max_gap=150)
    first = sflow_counter_datagram("192.0.2.1", [InterfaceCounters(1, 10**12, 0)], 9_000_000)
    again = sflow_counter_datagram("192.0.2.1", [InterfaceCounters(1, 10**6, 0)], 30_000)
    tracker.update(readings(decode(first), 0.0))
    (r,) = tracker.update(readings(decode(again), 60.0))
    assert r.reason == RESTART and r.in_bps is None


def test_a_week_of_counter_samples_fills_the_store(tmp_path: Path) -> None:
    """The demo's path: a week of sFlow counters every 5 minutes, 3 members' ports."""
    config = PortsConfig(
        interval=300,
        switches=[
            Switch(name="sw-a", host="192.0.2.1", community="x", counters_from="sflow"),
        ],
        members={"alpha": ["sw-a:1"], "beta": ["sw-a:2"], "gamma": ["sw-a:3"]},
    )
    collector = Collector(config, PortStore(tmp_path))
    collector.names.update({("sw-a", i): f"eth{i}" for i in (1, 2, 3)})
    collector.members.update({("sw-a", i): m for i, m in ((1, "alpha"), (2, "beta"), (3, "gamma"))})
    octets = [0, 0, 0]
    speeds = [1e9 * 0.2, 1e9 * 0.5, 1e9 * 0.05]  # bits/s each port sends in
    steps = 7 * 288
    for step in range(steps + 1):
        t = DAY0 + step * 300
        payload = sflow_counter_datagram(
            "192.0.2.1",
            [InterfaceCounters(i + 1, octets[i], octets[i] // 2) for i in range(3)],
            uptime_ms=step * 300_000,
            sequence=step + 1,
        )
        collector.sflow(decode(payload), t)
        octets = [o + int(s * 300 / 8) for o, s in zip(octets, speeds, strict=True)]
    collector.flush()
    store = collector.store
    stats = store.statistics(DAY0, DAY0 + 7 * 86400, 300)
    assert stats["points"] == steps
    assert stats["mean_bps"] == pytest.approx(sum(speeds))
    assert stats["p95_bps"] == pytest.approx(sum(speeds))
    assert stats["ports"] == 3 and stats["members"] == 3
    assert stats["utilisation"] == pytest.approx(sum(speeds) / 30e9)
    beta = store.total_series(DAY0, DAY0 + 86400, 300, member="beta")
    assert all(i == pytest.approx(5e8) for _b, i, _o in beta)
    store.rollup(DAY0 + 8 * 86400)
    daily = store.total_series(DAY0, DAY0 + 7 * 86400, 86400)
    assert len(daily) == 7 and all(i == pytest.approx(sum(speeds)) for _b, i, _o in daily)
