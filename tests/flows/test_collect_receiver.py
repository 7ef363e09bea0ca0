"""The collector's receive path: datagrams read many at a time (recvmmsg) or one at a
time land byte for byte in the batch buffers, strangers are counted per datagram and
take no place, batches leave when full or when their time is up, the pool of buffers
bounds memory, and the decoders are loaded before any socket is bound."""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time

import numpy as np
import pytest

from lakou.flows import inlet, mmsg
from lakou.flows import receiver as receiver_module
from lakou.flows.config import Listener
from lakou.flows.counters import TopSources
from lakou.flows.inlet import Collector
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.receiver import Batch, BufferPool, Door, Receiver
from lakou.flows.testing import SampledFrame, datagram, netflow_v5
from lakou.flows.trust import ExporterAllowList

FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1", vlan=10)
READERS = [pytest.param(True, id="recvmmsg"), pytest.param(False, id="recvfrom_into")]


class Taken:
    """What the receiver hands over, kept for the test."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.lock = threading.Lock()

    def __call__(self, batch: Batch) -> None:
        with self.lock:
            self.batches.append(batch)

    def datagrams(self) -> list[tuple[bytes, str]]:
        out = []
        for b in self.batches:
            start = 0
            for end, host in zip(b.ends, b.hosts, strict=True):
                out.append((bytes(b.buffer[start:end]), host))
                start = end
        return out


def receiver(
    many: bool, pool: BufferPool | None = None, room: int = 10**9, **kw: float
) -> tuple[Receiver, Taken, TopSources, socket.socket]:
    if many and not mmsg.available():
        pytest.skip("the C library has no recvmmsg")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    unknown = TopSources()
    door = Door(ExporterAllowList.from_entries([("127.0.0.1", "test")]), unknown)
    taken = Taken()
    r = Receiver(
        sock,
        "auto",
        door,
        pool or BufferPool(4, 1024 * 1024),
        taken,
        lambda: room,
        many=many,
        **kw,  # type: ignore[arg-type]
    )
    r.start()
    return r, taken, unknown, sock


def wait_for(condition: object, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


@pytest.mark.parametrize("many", READERS)
def test_datagrams_land_byte_for_byte_and_strangers_are_counted(many: bool) -> None:
    r, taken, unknown, sock = receiver(many, batch=50, batch_seconds=0.05)
    friend = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    friend.bind(("127.0.0.1", 0))
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.bind(("127.0.0.2", 0))
    sizes = [1, 7, 768, 1400, 9000, 65000, 3]  # up to the largest UDP payload
    sent = []
    for i in range(210):
        payload = bytes([i % 251]) * sizes[i % len(sizes)]
        if i % 3 == 0:
            stranger.sendto(payload, sock.getsockname())
        else:
            friend.sendto(payload, sock.getsockname())
            sent.append(payload)
        if i % 20 == 0:
            time.sleep(0.005)  # below capacity: nothing lost in the kernel
    wait_for(lambda: r.received >= 210 and len(taken.datagrams()) >= len(sent))
    r.stop()
    sock.close()
    friend.close()
    stranger.close()
    got = taken.datagrams()
    assert [p for p, _h in got] == sent
    assert {h for _p, h in got} == {"127.0.0.1"}
    assert r.received == 210 and unknown.as_dict() == {"127.0.0.2": 70}
    assert max(len(b) for b in taken.batches) <= 50  # batches of at most `batch`


@pytest.mark.parametrize("many", READERS)
def test_a_trickle_leaves_in_batches_by_time(many: bool) -> None:
    r, taken, _unknown, sock = receiver(many, batch=4096, batch_seconds=0.1)
    friend = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(3):
        friend.sendto(datagram("127.0.0.1", [FRAME], i + 1), sock.getsockname())
    wait_for(lambda: len(taken.datagrams()) >= 3)
    # Not full, yet handed over: its time was up (the receiver is still running).
    assert len(taken.datagrams()) == 3 and r.is_alive()
    r.stop()
    sock.close()
    friend.close()


@pytest.mark.parametrize("many", READERS)
def test_no_room_or_no_buffer_drops_are_counted(many: bool) -> None:
    # The queue has room for 5; then with a pool of one buffer held, nothing more.
    r, taken, _unknown, sock = receiver(many, room=5, batch=4096, batch_seconds=3600)
    friend = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(20):
        friend.sendto(datagram("127.0.0.1", [FRAME], i + 1), sock.getsockname())
    wait_for(lambda: r.received >= 20)
    r.stop()  # hands the last batch over
    assert r.received == 20 and r.queue_drops == 15 and len(taken.datagrams()) == 5
    sock.close()

    pool = BufferPool(1, 1024 * 1024)
    held = pool.take()
    assert held is not None and pool.take() is None
    r, taken, _unknown, sock = receiver(many, pool=pool, batch=4096, batch_seconds=3600)
    for i in range(10):
        friend.sendto(datagram("127.0.0.1", [FRAME], i + 1), sock.getsockname())
    wait_for(lambda: r.received >= 10)
    r.stop()
    assert r.received == 10 and r.queue_drops == 10 and not taken.batches
    sock.close()
    friend.close()


def test_kernels_are_loaded_before_any_socket_is_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = inlet.warm_up

    def spy(pipeline: Pipeline) -> None:
        seen.append(len(c.bound))
        real(pipeline)

    monkeypatch.setattr(inlet, "warm_up", spy)
    c = Collector(
        Pipeline(), [Listener(address="127.0.0.1", port=0)], ExporterAllowList.from_entries([])
    )
    c.start_sync()
    try:
        assert seen == [0] and len(c.bound) == 1
        # The throw-away pipeline's work leaves the real one untouched.
        assert not c.pipeline.counters and not c.pipeline.pending
    finally:
        c.stop_sync()


def test_buffer_path_equals_the_object_path() -> None:
    """process_buffer (the inlet's) and process (replays') count and sum alike."""
    now = time.time()
    payloads = [datagram("127.0.0.1", [FRAME] * (1 + i % 3), i + 1) for i in range(40)]
    payloads += [netflow_v5(int(now)), b"\x00\x00\x00\x05garbage", b"\x00\x01"]
    items = [Received(p, "127.0.0.1", now) for p in payloads]
    a, b = Pipeline(), Pipeline()
    a.process(items)
    offsets = np.zeros(len(payloads) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in payloads])
    buf = np.frombuffer(bytearray(b"".join(payloads)), dtype=np.uint8)
    b.process_buffer(buf, offsets, ["127.0.0.1"] * len(payloads), np.full(len(payloads), now))
    assert a.counters == b.counters and a.malformed == b.malformed
    assert a.counters["sflow_samples"] == 79 and a.counters["records_v5"] == 1
    assert a.summed().sort_by("src_member").equals(b.summed().sort_by("src_member"))


def test_the_collector_hears_ipv6_and_the_wrong_port_through_batches() -> None:
    async def run() -> Collector:
        c = Collector(
            Pipeline(),
            [Listener(address="::1", port=0, protocol="sflow")],
            ExporterAllowList.from_entries([("::1", "test")]),
            batch_seconds=0.05,
        )
        await c.start()
        six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        for i in range(5):
            six.sendto(datagram("127.0.0.1", [FRAME], i + 1), c.bound[0])
        six.sendto(netflow_v5(int(time.time())), c.bound[0])
        six.close()
        assert await c.drained(6)
        await c.stop()
        return c

    c = asyncio.run(run())
    summary = c.summary()
    assert summary["received"] == 6 and summary["wrong_port"] == 1
    assert summary["sflow_samples"] == 5 and c.exporter_datagrams.as_dict() == {"::1": 5}


def test_the_pause_follows_the_rate_and_is_short_after_a_quiet_spell() -> None:
    """After a wait in poll the rate is unknown: a short pause only (a full
    ``coalesce_seconds`` there lost the start of a flood); then as long as ``gather``
    datagrams take at the rate the last read saw, at most ``coalesce_seconds``."""
    r, _taken, _unknown, sock = receiver(False, coalesce_seconds=0.25)
    r.stop()
    sock.close()
    r.gather = 512
    r._last_read = 0.0  # the previous wait was a poll
    assert r._pause(1, 100.0) == pytest.approx(receiver_module.FIRST_PAUSE)
    # 200 datagrams in the 1 ms since: 200,000 a second, 512 take 2.56 ms; at most
    # twice the pause before, though, so 2 ms first.
    assert r._pause(200, 100.001) == pytest.approx(0.002)
    assert r._pause(200, 100.002) == pytest.approx(0.00256)
    # 25 datagrams in 25 ms: 1,000 a second, 512 take 0.512 s; but a pause is at most
    # twice the one before (one read says little of the rate): the trickle's pauses
    # double up to coalesce_seconds.
    at, pauses = 100.002, []
    for _ in range(8):
        at += 0.025
        pauses.append(r._pause(25, at))
    assert pauses[:3] == pytest.approx([0.00512, 0.01024, 0.02048])
    assert pauses[-1] == pytest.approx(0.25) and max(pauses) == pytest.approx(0.25)
    # A flood read just after the tail of a burst (1 datagram in 0.2 ms, which looks
    # like 5,000 a second): twice the last pause, not the 100 ms that rate would say.
    r._pause(200, at + 0.001)  # the pause that follows 200,000 a second: 2.56 ms
    assert r._pause(1, at + 0.0012) == pytest.approx(0.00512)
    # Nothing came: back to poll, and the next pause is short again.
    assert r._pause(0, 100.5) == 0.0
    assert r._pause(3, 100.6) == pytest.approx(receiver_module.FIRST_PAUSE)


def test_the_collector_freezes_what_start_up_made_and_thaws_it_at_stop() -> None:
    """Objects made before the sockets are bound are out of the garbage collector's
    sight while collecting (a full collection holds the receive threads too), and are
    given back to it when the collector stops (tests and the demo go on)."""
    before = gc.get_freeze_count()
    c = Collector(
        Pipeline(), [Listener(address="127.0.0.1", port=0)], ExporterAllowList.from_entries([])
    )
    c.start_sync()
    try:
        assert gc.get_freeze_count() > before
    finally:
        c.stop_sync()
    assert gc.get_freeze_count() == 0


def test_the_warm_up_compiles_the_receive_threads_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a fresh install (no numba cache) a kernel first called by a receive thread
    compiles there, for seconds, while the socket overflows: the warm-up calls them all."""
    called: list[str] = []
    real_unpack, real_lay = mmsg.MultiReader.unpack, mmsg.lay_end_to_end

    def unpack(self: mmsg.MultiReader, got: int, now: float) -> object:
        called.append("unpack")
        return real_unpack(self, got, now)

    def lay(*args: object) -> object:
        called.append("lay_end_to_end")
        return real_lay(*args)

    monkeypatch.setattr(mmsg.MultiReader, "unpack", unpack)
    monkeypatch.setattr(mmsg, "lay_end_to_end", lay)
    inlet.warm_up(Pipeline())
    expected = ["unpack", "lay_end_to_end"] if mmsg.available() else ["lay_end_to_end"]
    assert called == expected
