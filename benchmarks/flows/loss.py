"""Loss test on loopback: the real collector, a sender in another process, known rates.

First the sender floods the collector (127.0.0.1, a free port) to measure its capacity in
datagrams per second (what it processes while saturated). Then it sends at fractions and
multiples of that capacity, each phase bounded in datagrams and seconds, and the collector's
counters tell what happened: below capacity nothing may be dropped; above it the drops are
counted, in the collector's queue (``queue_drops``) or in the kernel's socket buffer
(``kernel_drops``, /proc/net/udp), and sent = processed + queue drops + kernel drops.

    python -m benchmarks.flows.loss            # runs every phase, prints the table
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lakou.flows.config import Listener
from lakou.flows.inlet import Collector
from lakou.flows.pipeline import Pipeline
from lakou.flows.testing import SampledFrame, datagram
from lakou.flows.trust import ExporterAllowList

FRAMES = [
    SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", f"192.0.2.{i}", "198.51.100.1", vlan=10)
    for i in range(1, 6)
]


def send(port: int, rate: float, count: int, seconds: float) -> tuple[int, float]:
    """Send ``count`` datagrams at ``rate`` per second (0: as fast as possible), at most
    ``seconds`` long; returns (sent, elapsed)."""
    payload = datagram("127.0.0.1", FRAMES, 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    start = time.perf_counter()
    sent = 0
    tick = 0.001
    while sent < count:
        now = time.perf_counter() - start
        if now > seconds:
            break
        due = min(count, sent + 1000) if rate <= 0 else min(count, int((now + tick) * rate))
        while sent < due:
            with contextlib.suppress(BlockingIOError, ConnectionRefusedError):
                sock.send(payload)
            sent += 1
        if rate > 0:
            time.sleep(max(0.0, (sent / rate) - (time.perf_counter() - start)))
    elapsed = time.perf_counter() - start
    sock.close()
    return sent, elapsed


@dataclass
class Phase:
    name: str
    target: float
    sent: int
    send_rate: float
    processed: int
    queue_drops: int
    kernel_drops: int

    @property
    def unaccounted(self) -> int:
        return self.sent - self.processed - self.queue_drops - self.kernel_drops


async def _phase(c: Collector, name: str, rate: float, count: int, seconds: float) -> Phase:
    before = (c.pipeline.counters["datagrams"], c.queue_drops, c.kernel_drops())
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.flows.loss",
        "send",
        str(c.bound[0][1]),
        str(rate),
        str(count),
        str(seconds),
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    out, _err = await proc.communicate()
    sent, elapsed = (float(x) for x in out.split())
    # Let the collector finish what reached it (bounded wait).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = c.pipeline.counters["datagrams"] + c.queue_drops
        if not c.queued and done >= c.received:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    return Phase(
        name,
        rate,
        int(sent),
        sent / elapsed if elapsed else 0.0,
        c.pipeline.counters["datagrams"] - before[0],
        c.queue_drops - before[1],
        c.kernel_drops() - before[2],
    )


async def run(seconds: float = 2.0, queue: int = 65536) -> list[Phase]:
    collector = Collector(
        Pipeline(),
        [Listener(address="127.0.0.1", port=0)],
        exporters=ExporterAllowList.from_entries([("127.0.0.1", "benchmark")]),
        queue_limit=queue,
        flush_seconds=3600,
    )
    await collector.start()
    phases: list[Phase] = []
    try:
        # Capacity: flood, then divide what was processed by the time it took.
        t0 = time.monotonic()
        flood = await _phase(collector, "flood (capacity)", 0, 2_000_000, seconds)
        capacity = flood.processed / (time.monotonic() - t0)
        flood.target = capacity
        phases.append(flood)
        for factor in (0.25, 0.5, 0.8, 1.5, 3.0):
            count = int(capacity * factor * seconds)
            phases.append(
                await _phase(
                    collector, f"{factor:.2f} x capacity", capacity * factor, count, seconds * 2
                )
            )
    finally:
        await collector.stop()
    return phases


def print_table(phases: list[Phase], samples_per_datagram: int = len(FRAMES)) -> None:
    print(
        f"{'phase':<20} {'target/s':>10} {'sent':>9} {'sent/s':>10} {'processed':>10} "
        f"{'queue_drops':>11} {'kernel_drops':>12} {'unaccounted':>11}"
    )
    for p in phases:
        print(
            f"{p.name:<20} {p.target:>10,.0f} {p.sent:>9,} {p.send_rate:>10,.0f} "
            f"{p.processed:>10,} {p.queue_drops:>11,} {p.kernel_drops:>12,} {p.unaccounted:>11,}"
        )
    print(
        f"(datagrams of {samples_per_datagram} sFlow samples; capacity = processed while flooded)"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "send":
        port, rate, count, seconds = sys.argv[2:6]
        sent, elapsed = send(int(port), float(rate), int(count), float(seconds))
        print(sent, elapsed)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each phase")
    parser.add_argument("--queue", type=int, default=65536, help="collector queue (datagrams)")
    args = parser.parse_args()
    print_table(asyncio.run(run(args.seconds, args.queue)))


if __name__ == "__main__":
    main()
