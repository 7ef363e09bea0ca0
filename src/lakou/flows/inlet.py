"""UDP inlet: receive exports from many switches and routers, never block, count losses.

Each configured listener has its own socket and receive thread
(:mod:`lakou.flows.receiver`), which reads datagrams straight into a ring of buffers and
hands batches of them (up to ``batch`` datagrams, or ``batch_seconds`` after the first)
to one worker thread; the worker runs the pipeline on each batch and flushes sums to the
store every ``flush_seconds``. No event-loop turn, no object per datagram: the
collector's cost follows the datagrams, and an idle or slow collector sleeps. The
decoder's numba kernels are loaded (a throw-away pipeline decodes an sFlow and an IPFIX
datagram) before any socket is bound, so the first datagrams are not lost while they
load. :meth:`Collector.stop` reads what the sockets still hold, drains the batches and
flushes, so a graceful stop loses nothing already received.

Memory is bounded: at most ``queue_limit`` datagrams wait (in batches handed over and
being filled) in a bounded pool of buffers; beyond, datagrams are dropped and counted
(``queue_drops``). The kernel's own drops on each socket (receive buffer full) are read
from ``/proc/net/udp`` so they are counted too.

Before anything else, a datagram's source must be an allowed exporter
(:class:`~lakou.flows.trust.ExporterAllowList`, one dictionary lookup for a known
exporter); others are counted per source (``unknown_exporter``, the busiest few named)
and dropped, taking no place in the queue. A listener for one protocol (``sflow`` or
``netflow``) also drops, and counts as ``wrong_port``, datagrams of the other one.

With ``metrics_file`` set, the counters are written there as a Prometheus textfile at
each flush and at stop (:mod:`lakou.flows.exposition`), for the portal's ``/metrics``.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import struct
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lakou.flows.config import Listener
from lakou.flows.counters import TopSources
from lakou.flows.datagrams import DatagramBatch, sflow_mask
from lakou.flows.pipeline import Pipeline
from lakou.flows.receiver import Batch, BufferPool, Door, Receiver
from lakou.flows.trust import ExporterAllowList

BUFFER_BYTES = 4 * 1024 * 1024  # one batch's buffer
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux's; Python does not name it
POOL_BYTES = 64 * 1024 * 1024  # at most this much waits in buffers, whatever queue_limit says


@dataclass
class Collector:
    pipeline: Pipeline
    listeners: list[Listener]
    exporters: ExporterAllowList = field(default_factory=ExporterAllowList)
    queue_limit: int = 65536
    batch: int = 4096
    flush_seconds: float = 10.0
    socket_buffer: int = 8 * 1024 * 1024
    batch_seconds: float = 1.0
    coalesce_seconds: float = 0.25
    wrong_port: int = 0
    unknown_exporters: TopSources = field(default_factory=TopSources)
    bound: list[tuple[str, int]] = field(default_factory=list)
    socket_buffers: list[int] = field(default_factory=list)  # what the kernel granted
    paused: bool = False  # tests hold the worker to fill the queue
    last_store_error: str = ""
    exporter_datagrams: TopSources = field(default_factory=TopSources)  # accepted, per exporter
    metrics_file: Path | None = None
    metrics_errors: int = 0
    warm_up_seconds: float = 0.0
    # How long the worker may hold the GIL while a receive thread waits for it (Python's
    # default, 5 ms, is 1,000 datagrams at 200,000 a second, each time a receive thread
    # comes back from waiting); set for the process while the collector runs.
    switch_interval: float = 0.0005
    _switch_interval_before: float | None = None
    _frozen: bool = False
    _kernel_drops_at_stop: int | None = None
    _sockets: list[socket.socket] = field(default_factory=list)
    _receivers: list[Receiver] = field(default_factory=list)
    _batches: deque[Batch] = field(default_factory=deque)
    _waiting: int = 0  # datagrams in the batches handed over, not yet taken by the worker
    _busy: int = 0  # datagrams the worker is processing
    _ready: threading.Condition = field(default_factory=threading.Condition)
    _worker: threading.Thread | None = None
    _stopping: bool = False
    _pool: BufferPool | None = None

    async def start(self) -> None:
        """Load the decoders, then bind every listener and start receiving."""
        await asyncio.to_thread(self.start_sync)

    def start_sync(self) -> None:
        t0 = time.perf_counter()
        warm_up(self.pipeline)
        self.warm_up_seconds = time.perf_counter() - t0
        # Everything loaded so far lives as long as the process: out of the collector's
        # sight, so that a full garbage collection (which holds every thread, the receive
        # threads too) walks only what was made since, not a million import-time objects
        # (25-110 ms each, measured: at 200,000 datagrams a second the socket overflows).
        gc.collect()
        gc.freeze()
        self._frozen = True
        count = max(
            2, min(-(-self.queue_limit // max(1, self.batch)) + 2, POOL_BYTES // BUFFER_BYTES)
        )
        self._pool = BufferPool(count, BUFFER_BYTES)
        door = Door(self.exporters, self.unknown_exporters)
        try:
            for listener in self.listeners:
                self._sockets.append(self._bind(listener))
        except OSError:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()
            raise
        if self.switch_interval and self.switch_interval < sys.getswitchinterval():
            self._switch_interval_before = sys.getswitchinterval()
            sys.setswitchinterval(self.switch_interval)
        self._worker = threading.Thread(target=self._work, name="lakou-collector", daemon=True)
        self._worker.start()
        for sock, listener in zip(self._sockets, self.listeners, strict=True):
            receiver = Receiver(
                sock,
                listener.protocol,
                door,
                self._pool,
                self._hand_over,
                self._room,
                self.batch,
                self.batch_seconds,
                self.coalesce_seconds,
            )
            self._receivers.append(receiver)
            receiver.start()

    def _bind(self, listener: Listener) -> socket.socket:
        family = socket.AF_INET6 if ":" in listener.address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            if self.socket_buffer:
                set_receive_buffer(sock, self.socket_buffer)
            sock.bind((listener.address, listener.port))
        except OSError:
            sock.close()
            raise
        self.bound.append(sock.getsockname()[:2])
        # Linux reports twice what it grants the data (the rest is its bookkeeping).
        self.socket_buffers.append(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) // 2)
        return sock

    def _room(self) -> int:
        return self.queue_limit - self._waiting - self._busy

    def _hand_over(self, batch: Batch) -> None:
        with self._ready:
            self._batches.append(batch)
            self._waiting += len(batch)
            self._ready.notify()

    def _work(self) -> None:
        last_flush = time.monotonic()
        while True:
            with self._ready:
                while (not self._batches or self.paused) and not self._stopping:
                    wait = last_flush + self.flush_seconds - time.monotonic()
                    if wait <= 0:
                        break
                    self._ready.wait(wait)
                batch = None
                if self._batches and (not self.paused or self._stopping):
                    batch = self._batches.popleft()
                    self._waiting -= len(batch)
                    self._busy = len(batch)
                elif self._stopping:
                    return
            if batch is not None:
                try:
                    self._process(batch)
                finally:
                    assert self._pool is not None
                    self._pool.give(batch.buffer)
                    self._busy = 0
            if time.monotonic() - last_flush >= self.flush_seconds and not self._stopping:
                self._flush()
                last_flush = time.monotonic()

    def _process(self, batch: Batch) -> None:
        n = len(batch)
        offsets = np.zeros(n + 1, dtype=np.int64)
        offsets[1:] = batch.ends
        buf = np.frombuffer(batch.buffer, dtype=np.uint8, count=batch.ends[-1])
        if batch.times:  # the kernel's own time for each datagram
            times = np.concatenate(batch.times)
        else:  # the time of each read
            firsts = [i for i, _t in batch.stamps] + [n]
            times = np.repeat(
                np.array([t for _i, t in batch.stamps], dtype=np.float64), np.diff(firsts)
            )
        hosts = batch.hosts
        if batch.protocol != "auto":
            right = sflow_mask(buf, offsets) == (batch.protocol == "sflow")
            if not right.all():
                self.wrong_port += int(np.count_nonzero(~right))
                keep = np.nonzero(right)[0]
                if not len(keep):
                    return
                kept = DatagramBatch(buf, offsets, hosts, times).take(keep)
                buf, offsets, hosts, times = kept.buffer, kept.offsets, kept.exporters, kept.times
        if hosts[0] == hosts[-1] and len(set(hosts)) == 1:
            self.exporter_datagrams.add(hosts[0], len(hosts))
        else:
            for host, count in Counter(hosts).items():
                self.exporter_datagrams.add(host, count)
        self.pipeline.process_buffer(buf, offsets, hosts, times)

    def _flush(self) -> None:
        try:
            self.pipeline.flush()
        except Exception as exc:  # the store is down: keep the sums, retry later
            self.pipeline.counters["store_errors"] += 1
            self.last_store_error = str(exc)
        self.write_metrics()

    @property
    def received(self) -> int:
        return sum(r.received for r in self._receivers)

    @property
    def queue_drops(self) -> int:
        return sum(r.queue_drops for r in self._receivers)

    @property
    def queued(self) -> int:
        """Datagrams received and waiting for the decoder (handed over or being gathered)."""
        gathering = sum(len(r.current) for r in self._receivers if r.current is not None)
        return self._waiting + self._busy + gathering

    async def drained(self, expected: int, timeout: float = 30.0) -> bool:
        """Wait until ``expected`` datagrams were received and processed (tests, benches)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.pipeline.counters["datagrams"] + self.queue_drops + self.refused
            if self.received >= expected and not self.queued and done >= self.received:
                return True
            await asyncio.sleep(0.02)
        return False

    async def stop(self) -> None:
        """Stop receiving, process what is queued, flush to the store."""
        await asyncio.to_thread(self.stop_sync)

    def stop_sync(self) -> None:
        # The kernel forgets a socket's drop counter when it closes: read it first.
        self._kernel_drops_at_stop = self.kernel_drops()
        for receiver in self._receivers:
            receiver.stop()
        for sock in self._sockets:
            sock.close()
        with self._ready:
            self._stopping = True
            self.paused = False
            self._ready.notify()
        if self._worker is not None:
            self._worker.join()
            self._worker = None
        if self._switch_interval_before is not None:
            sys.setswitchinterval(self._switch_interval_before)
            self._switch_interval_before = None
        if self._frozen:  # a process that goes on (tests, the demo) collects them again
            gc.unfreeze()
            self._frozen = False
        self._flush()

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
            queued=self.queued,
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


def set_receive_buffer(sock: socket.socket, size: int) -> None:
    """Ask for ``size`` bytes of receive buffer: beyond ``net.core.rmem_max`` when the
    process may (CAP_NET_ADMIN), else as much as the kernel allows (the collector reports
    what it got)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, size)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)


def warm_up(pipeline: Pipeline) -> None:
    """Load (or compile) the decoders' and enricher's kernels on a throw-away pipeline
    sharing ``pipeline``'s prefix index, so that the first datagrams find them ready."""
    from lakou.flows.enrich import Enricher
    from lakou.flows.sflow_encode import SampledFrame, datagram

    scratch = Pipeline(
        Enricher(prefixes=pipeline.enricher.prefixes, learn_macs=False),
    )
    frame = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1")
    sflow = datagram("192.0.2.1", [frame])
    ipfix = _ipfix_datagram(int(time.time()))
    data = bytearray(sflow + ipfix)  # writable, as the receive buffers are
    offsets = np.array([0, len(sflow), len(sflow) + len(ipfix)], dtype=np.int64)
    now = time.time()
    scratch.process_buffer(
        np.frombuffer(data, dtype=np.uint8),
        offsets,
        ["192.0.2.1", "192.0.2.1"],
        np.array([now, now], dtype=np.float64),
    )
    scratch.summed()
    settle_arrow()
    from lakou.flows import mmsg
    from lakou.flows.mmsg import lay_end_to_end

    if mmsg.available():  # the receive threads' reading kernel (compiled on a fresh
        # install: 2 s in the receive thread at the first datagram, measured)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            mmsg.MultiReader(probe, slots=1).unpack(0, time.time())
    lay_end_to_end(  # the receive threads' copy kernel
        np.zeros((1, 8), dtype=np.uint8),
        np.zeros((1, 8), dtype=np.uint8),
        np.array([8], dtype=np.int64),
        np.array([0], dtype=np.int64),
        np.zeros(8, dtype=np.uint8),
        0,
    )


def settle_arrow() -> None:
    """Have pyarrow do, before any socket is bound, the imports it would otherwise do in
    the worker on the first batch or the first flush: its one look for pandas (made the
    first time it converts Python or numpy values: the LAN census, the LAN tables' names;
    0.25 s of CPU with pandas installed) and Acero (the LAN sums' group-by). Done while
    datagrams arrive, either stalls the worker for longer than the queue lasts at
    200,000 datagrams a second."""
    import pyarrow as pa
    import pyarrow.acero  # loaded now, for its side effect

    pa.array([0])


def _ipfix_datagram(when: int) -> bytes:
    """An IPFIX datagram with one template (addresses, ports, counters) and one record."""
    fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 8), (2, 8)]
    template = struct.pack("!HH", 256, len(fields)) + b"".join(
        struct.pack("!HH", f, n) for f, n in fields
    )
    template_set = struct.pack("!HH", 2, 4 + len(template)) + template
    record = bytes([192, 0, 2, 1, 198, 51, 100, 1]) + struct.pack("!HHBQQ", 443, 50000, 6, 1500, 1)
    data_set = struct.pack("!HH", 256, 4 + len(record)) + record
    body = template_set + data_set
    return struct.pack("!HHIII", 10, 16 + len(body), when, 1, 0) + body
