"""The collector does its one-time work before it listens, and keeps the GIL moving: once
warmed up, a batch and a flush (with the LAN hygiene sink) import nothing heavy (pyarrow's
look for pandas, Acero); while it runs, the interpreter's switch interval is short (and
given back at stop); the receive thread's ``recvmmsg`` keeps the GIL; a receive buffer
beyond ``net.core.rmem_max`` is forced when the process may, else the largest allowed."""

from __future__ import annotations

import ctypes
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lakou.flows import mmsg
from lakou.flows.config import Listener
from lakou.flows.inlet import Collector, set_receive_buffer
from lakou.flows.pipeline import Pipeline
from lakou.flows.trust import ExporterAllowList

SRC = str(Path(__file__).resolve().parents[2] / "src")

AFTER_WARM_UP = textwrap.dedent(
    """
    import sys, tempfile, time
    import numpy as np
    from lakou.flows import Enricher, Pipeline
    from lakou.flows.inlet import warm_up
    from lakou.flows.testing import SampledFrame, datagram
    from lakou.lan import lan_recorder

    frames = [
        SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1"),
        SampledFrame("02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", "192.0.2.1", "198.51.100.1"),
    ]
    one = datagram("127.0.0.1", frames, 1)
    pipeline = Pipeline(Enricher(), lan=lan_recorder(tempfile.mkdtemp()))
    warm_up(pipeline)
    before = set(sys.modules)
    buf = np.frombuffer(bytearray(one * 4), dtype=np.uint8)
    offsets = np.arange(5, dtype=np.int64) * len(one)
    pipeline.process_buffer(buf, offsets, ["127.0.0.1"] * 4, np.full(4, time.time()))
    assert pipeline.counters["sflow_samples"] == 8, pipeline.counters
    assert pipeline.flush() > 0
    print(" ".join(sorted(set(sys.modules) - before)))
    """
)


def test_after_warm_up_a_batch_and_a_flush_import_nothing_heavy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", AFTER_WARM_UP],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    imported = out.stdout.split()
    heavy = [m for m in imported if m.split(".")[0] == "pandas" or m.startswith("pyarrow.")]
    assert heavy == [], imported


def test_the_switch_interval_is_short_while_collecting_then_given_back() -> None:
    before = sys.getswitchinterval()
    c = Collector(
        Pipeline(),
        [Listener(address="127.0.0.1", port=0)],
        ExporterAllowList.from_entries([]),
        switch_interval=before / 10,
    )
    c.start_sync()
    try:
        assert sys.getswitchinterval() == pytest.approx(before / 10)
    finally:
        c.stop_sync()
    assert sys.getswitchinterval() == before


def test_recvmmsg_keeps_the_gil() -> None:
    if not mmsg.available():
        pytest.skip("the C library has no recvmmsg")
    flags = mmsg._RECVMMSG._flags_
    assert flags & ctypes._FUNCFLAG_PYTHONAPI  # type: ignore[attr-defined]


def rmem_max() -> int:
    return int(Path("/proc/sys/net/core/rmem_max").read_text())


def test_a_receive_buffer_beyond_rmem_max_is_forced_when_allowed() -> None:
    asked = 2 * rmem_max()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        set_receive_buffer(sock, asked)
        granted = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) // 2
        try:
            sock.setsockopt(socket.SOL_SOCKET, 33, asked)  # SO_RCVBUFFORCE: may we?
        except PermissionError:
            assert granted == rmem_max()  # the largest the kernel allows
        else:
            assert granted == asked


SMALLER = textwrap.dedent(
    """
    import socket, sys
    from lakou.flows.inlet import set_receive_buffer
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    set_receive_buffer(sock, int(sys.argv[1]))
    print(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) // 2)
    """
)


def test_without_cap_net_admin_the_buffer_falls_back_to_rmem_max() -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    drop = [setpriv, "--inh-caps=-net_admin", "--bounding-set=-net_admin", "--"]
    probe = subprocess.run([*drop, "true"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"cannot drop CAP_NET_ADMIN here: {probe.stderr.decode().strip()}")
    out = subprocess.run(
        [*drop, sys.executable, "-c", SMALLER, str(2 * rmem_max())],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == rmem_max()


def test_unpack_reads_what_the_numpy_readers_read() -> None:
    if not mmsg.available():
        pytest.skip("the C library has no recvmmsg")
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    reader = mmsg.MultiReader(rx, slots=64)
    one = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    one.bind(("127.0.0.1", 0))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.2", 0))
    try:
        for senders in ([one], [one, other]):
            for i in range(30):
                senders[i % len(senders)].sendto(b"x" * (1 + 300 * i), rx.getsockname())
            got = 0
            for _ in range(1000):
                got = reader.read()
                if got == 30:
                    break
            assert got == 30
            lengths, times, alone = reader.unpack(got, 0.0)
            assert (
                lengths.tolist() == reader.lengths(got).tolist() == [1 + 300 * i for i in range(30)]
            )
            assert times.tolist() == reader.times(got, 0.0).tolist()
            assert (times > 0).all()  # the kernel's stamps
            names, _which = reader.senders(got)
            assert alone == (len(names) == 1) == (len(senders) == 1)
            assert reader.first_sender() == "127.0.0.1"
    finally:
        for s in (rx, one, other):
            s.close()
