"""lakou.lan: peering-LAN hygiene from sFlow raw headers.

The collector (``lakou flows collect`` and ``replay``) hands its sFlow samples to a
:class:`~lakou.lan.observe.LanRecorder` (:func:`lan_recorder`), which keeps the control
frames and the MAC census beside the flow store; :func:`lan_report` turns them into
findings per member (spanning tree, CDP, router advertisements, ARP for others'
addresses, foreign MACs...) and :func:`quarantine_report` says which quarantined ports
are ready for production. :func:`has_lan_data` and :func:`lan_last_seen` say whether and
when the collector kept anything, :func:`expire_lan_tables` applies retention. The
commands' one call each: :func:`hygiene_findings` (``lan report``) and
:func:`review_quarantine` (``lan quarantine``, a :class:`QuarantineReview`), refused with
:class:`LanStoreError` when the store holds no LAN data yet.
No Django: members come from a members file (:func:`load_watchlist`) or, through the
CLI, from the registry.

Names are loaded on first use, so importing the door stays cheap (numpy and DuckDB come
with the name that needs them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.lan.checks import Finding, Thresholds
    from lakou.lan.observe import LanRecorder
    from lakou.lan.quarantine import QuarantineStatus
    from lakou.lan.recorder import lan_recorder
    from lakou.lan.service import QuarantineReview, hygiene_findings, review_quarantine
    from lakou.lan.store import LanStoreError
    from lakou.lan.tables import (
        expire_lan_tables,
        has_lan_data,
        lan_last_seen,
        lan_report,
        quarantine_report,
    )
    from lakou.lan.watchlist import WatchedPort, Watchlist, load_watchlist

_WHERE = {  # name -> "module" or "module:name there"
    "Finding": "checks",
    "Thresholds": "checks",
    "LanRecorder": "observe",
    "QuarantineStatus": "quarantine",
    "QuarantineReview": "service",
    "hygiene_findings": "service",
    "review_quarantine": "service",
    "LanStoreError": "store",
    "expire_lan_tables": "tables",
    "has_lan_data": "tables",
    "lan_last_seen": "tables",
    "lan_recorder": "recorder",
    "lan_report": "tables",
    "quarantine_report": "tables",
    "WatchedPort": "watchlist",
    "Watchlist": "watchlist",
    "load_watchlist": "watchlist",
}

__all__ = [
    "Finding",
    "LanRecorder",
    "LanStoreError",
    "QuarantineReview",
    "QuarantineStatus",
    "Thresholds",
    "WatchedPort",
    "Watchlist",
    "expire_lan_tables",
    "has_lan_data",
    "hygiene_findings",
    "lan_last_seen",
    "lan_recorder",
    "lan_report",
    "load_watchlist",
    "quarantine_report",
    "review_quarantine",
]

__getattr__ = lazy_door(__name__, _WHERE)
