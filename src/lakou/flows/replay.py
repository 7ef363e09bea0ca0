"""Feed captures through the pipeline, a batch at a time: ``lakou flows replay``'s loop.

Captures are read with the columnar reader (:mod:`lakou.flows.capture`) and each batch
goes to :meth:`~lakou.flows.pipeline.Pipeline.process_batch` as it is, so replaying a
capture costs about what decoding it costs. A capture that breaks (truncated, not a
capture) is named to ``warn`` with its byte offset once the datagrams before the break
have been replayed; the next capture is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from lakou.flows.capture import read_batches
from lakou.flows.pcap import CaptureError, CaptureStats
from lakou.flows.pipeline import Pipeline


def replay_captures(
    pipeline: Pipeline,
    paths: Iterable[str | Path],
    stats: CaptureStats,
    *,
    now: bool = False,
    batch: int = 4096,
    advance: Callable[[int], object] | None = None,
    warn: Callable[[str], object] | None = None,
) -> None:
    """Every UDP datagram of ``paths`` into ``pipeline`` (not flushed); ``advance`` hears
    the bytes of file read, ``warn`` each capture that could not be read to its end."""
    for path in paths:
        try:
            for datagrams, size in read_batches(path, stats, batch):
                if now:
                    datagrams.times[:] = time.time()
                pipeline.process_batch(datagrams)
                if advance is not None:
                    advance(size)
        except CaptureError as exc:
            if warn is None:
                raise
            warn(str(exc))
