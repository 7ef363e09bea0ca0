"""The collector's receive threads: datagrams read straight into a ring of buffers.

One thread per listening socket reads datagrams with ``recvfrom_into`` into a large
preallocated buffer, end to end, noting where each ends, who sent it and (once per read
burst) when. No Python object per datagram besides the sender's address, no event-loop
turn: the socket is non-blocking, so a burst is read in a tight loop until the kernel
has nothing more, then the thread sleeps in ``poll`` until the next datagram or until
the batch it is filling is due. A batch is handed to the collector's worker when it
holds ``batch`` datagrams, when its buffer is nearly full, or ``batch_seconds`` after its
first datagram, whichever comes first: at high rates batches are full, at low rates one
batch per ``batch_seconds`` pays the decoder's fixed cost.

At low rates one more trick saves wake-ups: after a read that found only a few
datagrams, the thread sleeps before polling again, letting the kernel gather the next
ones: as long as ``gather`` datagrams take at the rate it saw, at most
``coalesce_seconds`` and at most twice its previous pause (the socket buffer holds
milliseconds of the highest rate: the sleep is skipped as soon as a read finds many).
Datagrams so gathered are dated by the read, at most ``coalesce_seconds`` late.

Memory is bounded: buffers come from a :class:`BufferPool` of at most ``buffers``
buffers, and the datagrams waiting (in batches handed over and in the batch being
filled) never exceed the collector's ``queue_limit``; beyond either, datagrams are read
and dropped, counted as ``queue_drops``. Datagrams from sources that are not allowed
exporters are dropped at the door, before they take a place (counted per source).
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lakou.flows import mmsg
from lakou.flows.counters import TopSources
from lakou.flows.mmsg import MultiReader, lay_end_to_end
from lakou.flows.trust import ExporterAllowList

MAX_DATAGRAM = 65535  # the largest UDP payload: a buffer with less room is full
READ_BURST = 256  # datagrams read between two looks at the clock
GATHER = 512  # datagrams the kernel may gather while the thread sleeps
FIRST_PAUSE = 0.001  # the sleep after a read that follows a quiet spell (rate unknown)


@dataclass
class Batch:
    """Datagrams of one socket laid end to end in ``buffer``."""

    buffer: bytearray
    protocol: str  # the listener's: sflow, netflow or auto
    ends: list[int] = field(default_factory=list)  # where each datagram ends
    hosts: list[str] = field(default_factory=list)  # its exporter
    stamps: list[tuple[int, float]] = field(default_factory=list)  # (first index, time)
    times: list[npt.NDArray[np.float64]] = field(default_factory=list)  # or each one's
    opened: float = 0.0  # monotonic time of the first datagram

    def __len__(self) -> int:
        return len(self.ends)


class BufferPool:
    """At most ``count`` buffers of ``size`` bytes, made when first needed, then reused."""

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size = count, size
        self.free: list[bytearray] = []
        self.made = 0
        self.lock = threading.Lock()

    def take(self) -> bytearray | None:
        with self.lock:
            if self.free:
                return self.free.pop()
            if self.made < self.count:
                self.made += 1
                return bytearray(self.size)
        return None

    def give(self, buffer: bytearray) -> None:
        with self.lock:
            self.free.append(buffer)


@dataclass
class Door:
    """The allowed-exporter check, remembering each raw source address once seen."""

    exporters: ExporterAllowList
    unknown: TopSources
    remember: int = 65536
    accepted: dict[str, str] = field(default_factory=dict)  # raw address -> exporter

    def admit(self, raw: str, count: int = 1) -> str | None:
        """The exporter's name, or None (and ``count`` datagrams counted as unknown)."""
        host = raw[7:] if raw.startswith("::ffff:") else raw
        if host in self.exporters.known or self.exporters.allows(host):
            if len(self.accepted) < self.remember:
                self.accepted[raw] = host
            return host
        self.unknown.add(host, count)
        return None


class Receiver(threading.Thread):
    """Reads one socket into batches; ``hand_over`` takes each batch when due."""

    def __init__(
        self,
        sock: socket.socket,
        protocol: str,
        door: Door,
        pool: BufferPool,
        hand_over: Callable[[Batch], None],
        room: Callable[[], int],
        batch: int = 4096,
        batch_seconds: float = 0.5,
        coalesce_seconds: float = 0.25,
        many: bool = True,
    ) -> None:
        super().__init__(name=f"lakou-receiver-{sock.getsockname()[1]}", daemon=True)
        self.sock, self.protocol, self.door, self.pool = sock, protocol, door, pool
        self.hand_over, self.room = hand_over, room
        self.batch, self.batch_seconds, self.coalesce = (
            max(1, batch),
            batch_seconds,
            coalesce_seconds,
        )
        self.received = 0
        self.queue_drops = 0
        self.errors = 0
        self.current: Batch | None = None
        self._stop_r, self._stop_w = os.pipe()
        self._stopping = False
        self._last_read = 0.0  # monotonic time the previous read ended, 0 after a poll
        self._last_pause = 0.0  # the pause after the previous read
        # Datagrams the kernel may gather while the thread sleeps: a quarter of what the
        # socket buffer holds (of datagrams taking ~2 KiB each there), at most GATHER.
        granted = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        self.gather = max(8, min(GATHER, granted // 4 // 2048))
        self._scratch = memoryview(bytearray(MAX_DATAGRAM))
        sock.setblocking(False)
        self.reader = MultiReader(sock) if many and mmsg.available() else None

    def stop(self) -> None:
        """Read what the socket holds, hand the last batch over, end the thread."""
        self._stopping = True
        os.write(self._stop_w, b"x")
        self.join()
        os.close(self._stop_r)
        os.close(self._stop_w)

    def _flush(self) -> None:
        if self.current is not None and len(self.current):
            self.hand_over(self.current)
            self.current = None

    def run(self) -> None:
        poller = select.poll()
        poller.register(self.sock.fileno(), select.POLLIN)
        poller.register(self._stop_r, select.POLLIN)
        while True:
            got = self._read()
            now = time.monotonic()
            current = self.current
            if current is not None and len(current):
                due = current.opened + self.batch_seconds
                if now >= due:
                    self._flush()
            if self._stopping:
                for _ in range(10_000):  # what arrived meanwhile: a graceful stop
                    if self._read() != -1:
                        break
                self._flush()
                return
            if got == -1:  # stopped reading at the burst's end or a full batch: read on
                self._last_read = 0.0
                continue
            current = self.current
            wait = (
                None
                if current is None or not len(current)
                else current.opened + self.batch_seconds - now
            )
            pause = self._pause(got, now)
            if pause > 0:
                # A trickle: let the kernel gather a few more before the next read.
                time.sleep(pause if wait is None else max(0.0, min(pause, wait)))
                continue
            poller.poll(None if wait is None else max(0, int(wait * 1000) + 1))

    def _read_many(self, reader: MultiReader) -> int:
        """As :meth:`_read`, ``recvmmsg`` slots at a time."""
        total = 0
        while total < READ_BURST * 4:
            try:
                got = reader.read()
            except OSError:
                if self._stopping:
                    return total
                self.errors += 1
                return -1
            if not got:
                return total
            total += got
            self.received += got
            self._place(reader, got)
            if got < reader.slots:
                return total
        return -1

    def _place(self, reader: MultiReader, got: int) -> None:
        """Put the datagrams just read from allowed exporters into batches."""
        # One kernel call reads the lengths and times and tells whether one exporter
        # sent them all (the usual case: then no per-datagram sender work at all).
        lengths, stamps, one = reader.unpack(got, time.time())
        accepted, door = self.door.accepted, self.door
        hosts: list[str | None] = []
        which: npt.NDArray[np.int64] | None = None
        if one:
            raw = reader.first_sender()
            host = accepted.get(raw) or door.admit(raw, got)
            if host is None:
                return
            hosts.append(host)
            chosen = np.arange(got)
        else:
            names, which = reader.senders(got)
            for k, raw in enumerate(names):
                host = accepted.get(raw)
                if host is None:
                    host = door.admit(raw, int(np.count_nonzero(which == k)))
                hosts.append(host)
            if None in hosts:
                allowed = np.array([h is not None for h in hosts], dtype=bool)
                chosen = np.nonzero(allowed[which])[0]
            else:
                chosen = np.arange(got)
        while len(chosen):
            b = self.current
            if b is None:
                buffer = self.pool.take()
                if buffer is None:  # no buffer free: dropped, counted
                    self.queue_drops += len(chosen)
                    return
                b = self.current = Batch(buffer, self.protocol)
            room = self.room() - len(b)
            if room <= 0:
                self.queue_drops += len(chosen)
                return
            pos = b.ends[-1] if b.ends else 0
            cum = np.cumsum(lengths[chosen])
            fit = int(np.searchsorted(cum, len(b.buffer) - pos, side="right"))
            fit = min(fit, self.batch - len(b), room)
            if fit <= 0:
                self._flush()
                continue
            take = chosen[:fit]
            dst = np.frombuffer(b.buffer, dtype=np.uint8)
            ends = lay_end_to_end(reader.data, reader.overflow, lengths, take, dst, pos)
            if not b.ends:
                b.opened = time.monotonic()
            b.times.append(stamps[take])
            b.ends.extend(ends.tolist())
            if which is None:
                b.hosts.extend([hosts[0] or ""] * fit)
            else:
                b.hosts.extend([hosts[k] or "" for k in which[take].tolist()])
            chosen = chosen[fit:]
            if len(b) >= self.batch or len(b.buffer) - b.ends[-1] < MAX_DATAGRAM:
                self._flush()
            elif fit == room and len(chosen):
                self.queue_drops += len(chosen)
                return

    def _pause(self, got: int, now: float) -> float:
        """How long to let datagrams gather in the kernel before the next read: as long
        as ``gather`` datagrams take to come at the rate this read saw (the socket buffer
        holds several times that), at most ``coalesce_seconds``; none when a read found
        the socket full (the thread is behind) or when nothing came.

        The rate is what arrived since the previous read ended. After a wait in ``poll``
        (woken by the first datagram after a quiet spell) it is unknown: the thread then
        sleeps ``FIRST_PAUSE`` only, and the next read measures it. Sleeping the whole
        ``coalesce_seconds`` there lost the start of a sudden flood.

        A pause is at most twice the one before: one read says little of the rate (a
        read just after another, finding the tail of a burst, makes a flood look like a
        trickle), and an 88 ms sleep so misjudged at 200,000 datagrams a second
        overflowed the socket. A true trickle reaches ``coalesce_seconds`` in a few reads."""
        previous, self._last_read = self._last_read, now
        if got <= 0 or self.coalesce <= 0:
            self._last_read = self._last_pause = 0.0
            return 0.0
        if not previous or now <= previous:
            pause = FIRST_PAUSE
        else:
            pause = min(self.gather * (now - previous) / got, 2 * self._last_pause or FIRST_PAUSE)
        self._last_pause = pause = min(self.coalesce, pause)
        return pause

    def _read(self) -> int:
        """Read until the socket is empty (returns how many) or a burst or batch ends (-1)."""
        if self.reader is not None:
            return self._read_many(self.reader)
        recv = self.sock.recvfrom_into
        accepted = self.door.accepted
        got = 0
        drops = 0
        try:
            while True:
                b = self.current
                if b is None:
                    buffer = self.pool.take()
                    if buffer is not None:
                        b = self.current = Batch(buffer, self.protocol)
                if b is None:  # no buffer free: read and drop, counted
                    while got < READ_BURST:
                        _n, addr = recv(self._scratch, MAX_DATAGRAM)
                        got += 1
                        if accepted.get(addr[0]) is not None or self.door.admit(addr[0]):
                            drops += 1
                    return -1
                ends, hosts = b.ends, b.hosts
                room = self.room() - len(ends)  # places left in the queue
                stop_at = got + min(self.batch - len(ends), READ_BURST)
                view = memoryview(b.buffer)
                pos = ends[-1] if ends else 0
                last = len(b.buffer) - MAX_DATAGRAM
                stamped = False
                while got < stop_at and pos <= last:
                    n, addr = recv(view[pos:], MAX_DATAGRAM)
                    got += 1
                    host = accepted.get(addr[0]) or self.door.admit(addr[0])
                    if host is None:
                        continue
                    if room <= 0:
                        drops += 1
                        continue
                    if not stamped:
                        stamped = True
                        b.stamps.append((len(ends), time.time()))
                        if not ends:
                            b.opened = time.monotonic()
                    room -= 1
                    pos += n
                    ends.append(pos)
                    hosts.append(host)
                if len(ends) >= self.batch or pos > last:
                    self._flush()
                return -1
        except BlockingIOError:
            return got
        except OSError:
            if self._stopping:
                return got
            self.errors += 1  # e.g. ECONNREFUSED echoed by the kernel: counted, go on
            return -1
        finally:
            self.received += got
            self.queue_drops += drops
