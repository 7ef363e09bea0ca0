"""Replay captures through the collector's pipeline: what ``lakou flows replay`` runs.

Every datagram of each capture (pcap or pcapng, read by the columnar reader
:mod:`lakou.flows.capture`, no Python object per packet) goes to the same
:class:`~lakou.flows.pipeline.Pipeline` the live collector feeds, a batch of
``batch_size`` at a time (:meth:`~lakou.flows.pipeline.Pipeline.process_batch`), dated by
the capture (or by the clock with ``now``). Captures of at most
:data:`~lakou.flows.jit.INTERPRETED_BYTES` in all run the kernels as Python, without
loading numba (0.4 CPU-s, more than such a replay's work). The kernels run compiled
ahead of time when that build is kept (:mod:`lakou.flows.aot`: no numba either,
whatever the size); the first replay that loads numba makes it. A capture that
breaks before its end is reported through ``warn`` with the place, and the datagrams
read before the break are kept. :func:`replay_summary` is what the command prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lakou.flows.capture import read_batches
from lakou.flows.jit import (
    INTERPRETED_BYTES,
    ahead_of_time,
    build_ahead_of_time,
    interpreted,
    loaded,
)
from lakou.flows.pcap import CaptureError, CaptureStats
from lakou.flows.pipeline import Pipeline


def replay(
    pipeline: Pipeline,
    pcaps: Sequence[str | Path],
    *,
    now: bool = False,
    batch_size: int = 4096,
    advance: Callable[[int], object] = lambda nbytes: None,
    warn: Callable[[str], object] = lambda message: None,
    build: bool = True,
) -> CaptureStats:
    """Feed ``pcaps`` to ``pipeline`` (not flushed: the caller flushes and closes the
    store). ``advance`` is told the capture bytes read, ``warn`` each capture error;
    with ``build``, a replay that had to load numba then compiles its kernels ahead of
    time for the next ones, unless that is done already (a process that loaded numba
    before, a collector or a test session, never builds here)."""
    stats = CaptureStats()
    numba_before = loaded()
    with ahead_of_time(), interpreted(_total_size(pcaps) <= INTERPRETED_BYTES):
        for path in pcaps:
            try:
                for datagrams, size in read_batches(path, stats, batch_size):
                    if now:
                        datagrams.times[:] = time.time()
                    pipeline.process_batch(datagrams)
                    advance(size)
            except CaptureError as exc:
                warn(str(exc))
    if build and not numba_before and loaded():  # this replay paid numba's start
        build_ahead_of_time()
    return stats


def _total_size(pcaps: Sequence[str | Path]) -> int:
    """The captures' bytes (one that cannot be read counts as large: the reader says why)."""
    total = 0
    for path in pcaps:
        try:
            total += Path(path).stat().st_size
        except OSError:
            return 1 << 62
    return total


def replay_summary(
    pipeline: Pipeline,
    stats: CaptureStats,
    lan_where: str,
    lan_frames: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The pipeline's counters after a replay (with the capture frames read), its
    malformed datagrams and their last ten samples, and where the LAN tables went (with
    the LAN recorder's counters)."""
    counters = dict(pipeline.counters)
    counters["frames"] = stats.frames
    return {
        "counters": counters,
        "malformed": dict(pipeline.malformed),
        "malformed_samples": pipeline.malformed_log.last(10),
        "lan": lan_where,
        "lan_frames": dict(lan_frames or {}),
    }
