"""A week of port traffic for a demo exchange, through the real counter path.

Builds sFlow v5 counter-sample datagrams (as a switch's agent sends them, every five
minutes per port), decodes them with :func:`lakou.flows.sflow.decode` and feeds them to
the collector, so the store holds exactly what a real deployment would: rates from
counter deltas, then hourly and daily roll-ups. Traffic follows a daily curve (busy
evenings, quiet nights) with deterministic noise, members on 1 and 10 Gb/s ports, one of
them on a LAG of two. :func:`make_demo` is ``lakou ports demo``: a store marked as the
demo's, refilled on each run, never a store that is not a demo.
"""

from __future__ import annotations

import math
import random
import shutil
import time
from pathlib import Path
from typing import Any

from lakou.flows import decode_sflow as decode
from lakou.ports.collect import Collector
from lakou.ports.config import PortsConfig, Switch
from lakou.ports.store import PortStore
from lakou.ports.testing import InterfaceCounters, sflow_counter_datagram

AGENT = "192.0.2.250"
STEP = 300
DEMO_MARKER = ".lakou-ports-demo"  # a store the demo made, which the demo may refill


class NotADemoStore(ValueError):
    """The directory holds a port store the demo did not make: it is left alone."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self.directory = directory


def fill(
    directory: Path, now: float, *, members: int = 8, days: int = 7, seed: int = 7
) -> PortStore:
    """Fill ``directory`` with ``days`` of port traffic ending at ``now``; returns the store."""
    rng = random.Random(seed)
    ports = []  # (ifindex, member, speed bps, mean bps)
    for i in range(members):
        speed = 10_000_000_000 if i % 3 == 0 else 1_000_000_000
        ports.append((i + 1, f"member-{i + 1:02d}", speed, speed * rng.uniform(0.05, 0.35)))
    config = PortsConfig(
        interval=STEP,
        switches=[Switch(name="demo-sw1", host=AGENT, poll=False, counters_from="sflow")],
        members={m: [f"demo-sw1:{i}"] for i, m, _s, _r in ports},
    )
    store = PortStore(directory)
    collector = Collector(config, store)
    for i, member, _s, _r in ports:
        collector.names[("demo-sw1", i)] = f"ethernet{i}"
        collector.members[("demo-sw1", i)] = member
    octets = {i: [rng.randrange(2**40), rng.randrange(2**40)] for i, _m, _s, _r in ports}
    start = int(now - days * 86400) // STEP * STEP
    for step in range(days * 86400 // STEP + 1):
        t = start + step * STEP
        hour = (t % 86400) / 3600
        daily = 0.55 + 0.45 * math.sin((hour - 14) / 24 * 2 * math.pi)
        counters = []
        for i, _member, speed, mean in ports:
            for direction, share in ((0, 1.0), (1, 0.9)):
                rate = min(speed * 0.95, mean * share * daily * rng.uniform(0.85, 1.15))
                octets[i][direction] = (octets[i][direction] + int(rate * STEP / 8)) % 2**64
            counters.append(InterfaceCounters(i, octets[i][0], octets[i][1], speed_bps=speed))
        payload = sflow_counter_datagram(
            AGENT, counters, uptime_ms=step * STEP * 1000, sequence=step + 1
        )
        collector.sflow(decode(payload), float(t))
        if step % 288 == 0:
            collector.flush()
    collector.flush()
    store.rollup(now)
    return store


def make_demo(directory: Path, *, members: int = 8, days: int = 7) -> dict[str, Any]:
    """Fill ``directory`` with ``days`` of demo port traffic ending now, replacing an
    earlier demo (the demo's week, not two weeks stacked), and mark it as the demo's;
    :class:`NotADemoStore` if it holds another store. Returns the store's statistics
    over those days (half-hour points)."""
    marker = directory / DEMO_MARKER
    if directory.exists() and any(directory.iterdir()):
        if not marker.exists():
            raise NotADemoStore(directory)
        shutil.rmtree(directory)
    store = fill(directory, time.time(), members=members, days=days)
    marker.write_text("demo port traffic (lakou ports demo)\n")
    return store.statistics(time.time() - days * 86400, time.time(), 1800)
