"""A million random datagrams: the collector's counters keep a fixed set of keys and its
memory stays flat (tracemalloc), in process; and a short run through the real UDP
collector on loopback, strangers included."""

from __future__ import annotations

import asyncio
import socket
import tracemalloc

import numpy as np

from lakou.flows.config import Listener
from lakou.flows.counters import MALFORMED_CATEGORIES, PROTOCOLS
from lakou.flows.inlet import Collector
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.trust import ExporterAllowList

KEYS = {f"{p}.{c}" for p in PROTOCOLS for c in MALFORMED_CATEGORIES}
# Random bytes, most behind a real version word so the decoders go past the first check.
HEADS = (b"\x00\x00\x00\x05", b"\x00\x05", b"\x00\x09", b"\x00\x0a", b"")
BATCH = 4096


def random_datagrams(rng: np.random.Generator, n: int) -> list[bytes]:
    lengths = rng.integers(0, 300, n)
    blob = rng.integers(0, 256, int(lengths.sum()), dtype=np.uint8).tobytes()
    heads = rng.integers(0, len(HEADS), n).tolist()
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [HEADS[h] + blob[a:b] for h, a, b in zip(heads, starts, ends, strict=True)]


def test_a_million_random_datagrams_keep_counters_bounded_and_memory_flat() -> None:
    rng = np.random.default_rng(11)
    pipe = Pipeline()
    exporters = [f"192.0.2.{i}" for i in range(1, 9)]

    def feed(batches: int) -> None:
        for _ in range(batches):
            payloads = random_datagrams(rng, BATCH)
            pipe.process(
                Received(p, exporters[i % 8], 1_790_000_000.0) for i, p in enumerate(payloads)
            )
            pipe.flush()  # as the collector does every few seconds (no store here)

    # Untraced first (tracing makes Python allocations several times slower), then
    # traced: whatever stays allocated after the tracing starts must not grow.
    feed(196)
    tracemalloc.start()
    try:
        feed(12)
        middle = tracemalloc.get_traced_memory()[0]
        feed(36)
        end, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pipe.counters["datagrams"] == 244 * BATCH  # 999,424
    assert set(pipe.malformed) <= KEYS, set(pipe.malformed) - KEYS
    assert sum(pipe.malformed.values()) == pipe.counters["datagrams_malformed"] > 900_000
    assert len(pipe.malformed_log.entries) == 100
    # flat: what stays allocated does not grow with the datagrams seen
    print(f"traced memory: {middle} bytes after 50k datagrams, {end} after 200k")
    assert end - middle < 256 * 1024, (middle, end)
    assert end < 2 * 1024 * 1024, end
    assert len(pipe.netflow.templates) < 1000


def test_random_datagrams_through_the_udp_collector() -> None:
    rng = np.random.default_rng(12)
    payloads = random_datagrams(rng, 6000)

    async def run() -> Collector:
        c = Collector(
            Pipeline(),
            [Listener(address="127.0.0.1", port=0)],
            ExporterAllowList.from_entries([("127.0.0.1", "test")]),
        )
        await c.start()
        friend = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        friend.bind(("127.0.0.1", 0))
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        stranger.bind(("127.0.0.3", 0))
        for i, p in enumerate(payloads):
            (stranger if i % 3 == 0 else friend).sendto(p, c.bound[0])
            if i % 100 == 0:
                await asyncio.sleep(0.005)  # below capacity: nothing lost in the kernel
        friend.close()
        stranger.close()
        assert await c.drained(len(payloads))
        await c.stop()
        return c

    c = asyncio.run(run())
    summary = c.summary()
    assert summary["received"] == len(payloads) and summary["kernel_drops"] == 0
    assert summary["unknown_exporters"] == {"127.0.0.3": 2000}
    assert summary["datagrams"] == 4000
    assert set(summary["malformed"]) <= KEYS and sum(summary["malformed"].values()) > 3900
    assert len(summary["malformed_samples"]) == 10
    assert {e["exporter"] for e in summary["malformed_samples"]} == {"127.0.0.1"}
