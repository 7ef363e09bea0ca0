"""The LAN hygiene tables under a flow store directory: the reports that read them and
their upkeep (what the ``lakou.lan`` door offers).

The tables are :class:`~lakou.lan.store.LanStore`'s, under ``DIR/lan`` (``DIR`` the flow
store directory); the collector's pipeline feeds the :class:`~lakou.lan.observe.LanRecorder`
that :func:`lakou.lan.recorder.lan_recorder` makes (a module of its own, so that
``--no-lan`` imports none of this).
"""

from __future__ import annotations

from pathlib import Path

from lakou.lan.checks import Finding, Thresholds, find
from lakou.lan.quarantine import QuarantineStatus, quarantine_status
from lakou.lan.store import LanStore
from lakou.lan.watchlist import Watchlist

FOREVER = 2**62


def lan_report(
    store_dir: str | Path,
    watchlist: Watchlist,
    since: int = 0,
    until: int = FOREVER,
    thresholds: Thresholds | None = None,
) -> list[Finding]:
    store = LanStore(Path(store_dir))
    frames = store.read("frames", since, until)
    return find(watchlist, frames, store.read_census(since, until), thresholds)


def quarantine_report(
    store_dir: str | Path,
    watchlist: Watchlist,
    clean_hours: float,
    now: int,
    thresholds: Thresholds | None = None,
) -> list[QuarantineStatus]:
    store = LanStore(Path(store_dir))
    start = now - int(clean_hours * 3600)
    return quarantine_status(
        watchlist,
        store.read("frames", start, now + 1),
        store.read_census(start, now + 1),
        store.read_census(0, now + 1),
        clean_hours,
        now,
        thresholds,
    )


def has_lan_data(store_dir: str | Path) -> bool:
    """Whether the collector kept anything under ``store_dir/lan`` yet."""
    return LanStore(Path(store_dir)).has_data()


def lan_last_seen(store_dir: str | Path) -> int | None:
    """When the collector last kept a sample (seconds), or None when never."""
    return LanStore(Path(store_dir)).last_seen()


def expire_lan_tables(store_dir: str | Path, now: int, days: int) -> int:
    """Remove the day directories that ended more than ``days`` ago; returns how many."""
    return LanStore(Path(store_dir)).expire(now, days)
