"""Replay captures through the collector's pipeline: what ``lakou flows replay`` runs.

Every datagram of each capture (pcap or pcapng, :mod:`lakou.flows.pcap`) goes to the same
:class:`~lakou.flows.pipeline.Pipeline` the live collector feeds, in batches of
``batch_size``, dated by the capture (or by the clock with ``now``). A capture that
breaks before its end is reported through ``warn`` with the place, and the datagrams
read before the break are kept. :func:`replay_summary` is what the command prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lakou.flows.pcap import CaptureError, CaptureStats, read_datagrams
from lakou.flows.pipeline import Pipeline, Received

# Bytes a datagram took in the capture besides its payload (headers), for progress.
_OVERHEAD = 44


def replay(
    pipeline: Pipeline,
    pcaps: Sequence[str | Path],
    *,
    now: bool = False,
    batch_size: int = 1024,
    advance: Callable[[int], None] = lambda nbytes: None,
    warn: Callable[[str], None] = lambda message: None,
) -> CaptureStats:
    """Feed ``pcaps`` to ``pipeline`` (not flushed: the caller flushes and closes the
    store). ``advance`` is told the capture bytes read, ``warn`` each capture error."""
    stats = CaptureStats()
    for path in pcaps:
        batch: list[Received] = []
        try:
            for d in read_datagrams(path, stats):
                when = time.time() if now else d.time
                batch.append(Received(d.payload, str(d.src), when))
                if len(batch) >= batch_size:
                    pipeline.process(batch)
                    advance(sum(len(b.payload) + _OVERHEAD for b in batch))
                    batch = []
        except CaptureError as exc:
            warn(str(exc))
        pipeline.process(batch)
        advance(sum(len(b.payload) + _OVERHEAD for b in batch))
    return stats


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
