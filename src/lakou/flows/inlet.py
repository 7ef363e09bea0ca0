"""UDP inlet: receive exports from many switches and routers, never block, count losses.

One asyncio datagram endpoint per configured listener puts each datagram, with its
exporter address and arrival time, on one bounded queue. When the queue is full the
datagram is dropped and counted (``queue_drops``): a burst must not grow memory without
bound. The kernel's own drops on each socket (receive buffer full) are read from
``/proc/net/udp`` so they are counted too. A worker takes batches off the queue and runs
the pipeline in a thread (the numba decoder releases the GIL), flushing sums to the store
every few seconds; :meth:`Collector.stop` stops receiving, drains the queue and flushes,
so a graceful stop loses nothing already received.

Before anything else, a datagram's source must be an allowed exporter
(:class:`~lakou.flows.trust.ExporterAllowList`, one set lookup for a known exporter);
others are counted per source (``unknown_exporter``, the busiest few named) and dropped.
A listener for one protocol (``sflow`` or ``netflow``) also drops, and counts as
``wrong_port``, datagrams of the other one.

With ``metrics_file`` set, the counters are written there as a Prometheus textfile at
each flush and at stop (:mod:`lakou.flows.exposition`), for the portal's ``/metrics``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.flows.config import Listener
from lakou.flows.counters import TopSources
from lakou.flows.pipeline import SFLOW_V5, Pipeline, Received
from lakou.flows.trust import ExporterAllowList


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, collector: Collector, protocol: str) -> None:
        self.collector = collector
        # None: any protocol; True: sFlow only; False: NetFlow/IPFIX only.
        self.sflow = None if protocol == "auto" else protocol == "sflow"

    def datagram_received(
        self, data: bytes, addr: tuple[str, int] | tuple[str, int, int, int]
    ) -> None:
        c = self.collector
        c.received += 1
        host = addr[0]
        if host.startswith("::ffff:"):
            host = host[7:]
        if host not in c.exporters.known and not c.exporters.allows(host):
            c.unknown_exporters.add(host)
            return
        if self.sflow is not None and (data[:4] == SFLOW_V5) is not self.sflow:
            c.wrong_port += 1
            return
        if len(c.queue) >= c.queue_limit:
            c.queue_drops += 1
            return
        c.queue.append(Received(data, host, time.time()))
        c.exporter_datagrams.add(host)
        c.wakeup.set()


@dataclass
class Collector:
    pipeline: Pipeline
    listeners: list[Listener]
    exporters: ExporterAllowList = field(default_factory=ExporterAllowList)
    queue_limit: int = 65536
    batch: int = 4096
    flush_seconds: float = 10.0
    socket_buffer: int = 8 * 1024 * 1024
    queue: deque[Received] = field(default_factory=deque)
    received: int = 0
    queue_drops: int = 0
    wrong_port: int = 0
    unknown_exporters: TopSources = field(default_factory=TopSources)
    bound: list[tuple[str, int]] = field(default_factory=list)
    paused: bool = False  # tests hold the worker to fill the queue
    last_store_error: str = ""
    exporter_datagrams: TopSources = field(default_factory=TopSources)  # accepted, per exporter
    metrics_file: Path | None = None
    metrics_errors: int = 0
    _kernel_drops_at_stop: int | None = None
    _transports: list[asyncio.DatagramTransport] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)
    _worker: asyncio.Task[None] | None = None
    _stopping: bool = False
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for listener in self.listeners:
            family = socket.AF_INET6 if ":" in listener.address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_DGRAM)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            if self.socket_buffer:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.socket_buffer)
            sock.bind((listener.address, listener.port))
            self._sockets.append(sock)
            self.bound.append(sock.getsockname()[:2])
            protocol = listener.protocol
            transport, _p = await loop.create_datagram_endpoint(
                lambda protocol=protocol: _Protocol(self, protocol),  # type: ignore[misc]
                sock=sock,
            )
            self._transports.append(transport)
        self._worker = asyncio.create_task(self._work())

    async def _work(self) -> None:
        last_flush = time.monotonic()
        while True:
            if (not self.queue or self.paused) and not self._stopping:
                self.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wakeup.wait(), timeout=0.5)
            if self.paused and not self._stopping:
                continue
            items = [self.queue.popleft() for _ in range(min(self.batch, len(self.queue)))]
            if items:
                await asyncio.to_thread(self.pipeline.process, items)
            if time.monotonic() - last_flush >= self.flush_seconds:
                try:
                    await asyncio.to_thread(self.pipeline.flush)
                except Exception as exc:  # the store is down: keep the sums, retry later
                    self.pipeline.counters["store_errors"] += 1
                    self.last_store_error = str(exc)
                last_flush = time.monotonic()
                self.write_metrics()
            if self._stopping and not self.queue:
                return

    async def drained(self, expected: int, timeout: float = 30.0) -> bool:
        """Wait until ``expected`` datagrams were received and processed (tests, benches)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.pipeline.counters["datagrams"] + self.queue_drops + self.refused
            if self.received >= expected and not self.queue and done >= self.received:
                return True
            await asyncio.sleep(0.02)
        return False

    async def stop(self) -> None:
        """Stop receiving, process what is queued, flush to the store."""
        # The kernel forgets a socket's drop counter when it closes: read it first.
        self._kernel_drops_at_stop = self.kernel_drops()
        for t in self._transports:
            t.close()
        self._stopping = True
        self.paused = False
        self.wakeup.set()
        if self._worker is not None:
            await self._worker
        await asyncio.to_thread(self.pipeline.flush)
        self.write_metrics()

    def write_metrics(self) -> None:
        """The counters as a Prometheus textfile (when ``metrics_file`` is set); a failed
        write is counted, never fatal: the collector keeps collecting."""
        if self.metrics_file is None:
            return
        from lakou.flows.exposition import collector_families
        from lakou.metrics import write_textfile

        try:
            write_textfile(self.metrics_file, collector_families(self))
        except OSError:
            self.metrics_errors += 1

    def kernel_drops(self) -> int:
        """Datagrams the kernel dropped on our sockets (receive buffer full)."""
        if self._kernel_drops_at_stop is not None:
            return self._kernel_drops_at_stop
        ports = {port for _host, port in self.bound}
        total = 0
        for name in ("/proc/net/udp", "/proc/net/udp6"):
            path = Path(name)
            if not path.exists():
                continue
            for line in path.read_text().splitlines()[1:]:
                parts = line.split()
                if len(parts) >= 13 and int(parts[1].split(":")[1], 16) in ports:
                    total += int(parts[-1])
        return total

    @property
    def refused(self) -> int:
        """Datagrams dropped at the door: unknown source, or the other protocol's port."""
        return self.unknown_exporters.total + self.wrong_port

    def counters(self) -> dict[str, int]:
        out = dict(self.pipeline.counters)
        out.update(
            received=self.received,
            unknown_exporter=self.unknown_exporters.total,
            wrong_port=self.wrong_port,
            queue_drops=self.queue_drops,
            kernel_drops=self.kernel_drops(),
            queued=len(self.queue),
        )
        return out

    def summary(self, samples: int = 10) -> dict[str, Any]:
        """Counters, malformed datagrams per category, unknown sources, the last details."""
        return {
            **self.counters(),
            "malformed": dict(sorted(self.pipeline.malformed.items())),
            "unknown_exporters": self.unknown_exporters.as_dict(),
            "malformed_samples": self.pipeline.malformed_log.last(samples),
        }
