"""lakou.lan: peering-LAN hygiene from sFlow raw headers.

The collector (``lakou flows collect`` and ``replay``) hands its sFlow samples to a
:class:`~lakou.lan.observe.LanRecorder`, which keeps the control frames and the MAC
census beside the flow store; :func:`lan_report` turns them into findings per member
(spanning tree, CDP, router advertisements, ARP for others' addresses, foreign MACs...)
and :func:`quarantine_report` says which quarantined ports are ready for production.
No Django: members come from a members file or, through the CLI, from the registry.
"""

from __future__ import annotations

from pathlib import Path

from lakou.lan.checks import Finding, Thresholds, find
from lakou.lan.observe import LanRecorder
from lakou.lan.quarantine import QuarantineStatus, quarantine_status
from lakou.lan.store import LanStore, LanStoreError
from lakou.lan.watchlist import WatchedPort, Watchlist, load_watchlist

__all__ = [
    "Finding",
    "LanRecorder",
    "LanStoreError",
    "QuarantineStatus",
    "Thresholds",
    "WatchedPort",
    "Watchlist",
    "lan_recorder",
    "lan_report",
    "load_watchlist",
    "quarantine_report",
]

FOREVER = 2**62


def lan_recorder(store_dir: str | Path) -> LanRecorder:
    """The sink the flow pipeline feeds, writing under ``store_dir/lan``."""
    return LanRecorder(LanStore(Path(store_dir)))


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
