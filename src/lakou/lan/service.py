"""What the ``lakou lan`` commands run: one call each, on a flow store's LAN tables.

:func:`hygiene_findings` is ``lan report`` and :func:`review_quarantine` is ``lan
quarantine`` (a :class:`QuarantineReview`: the ports' verdicts at one time). Both refuse
a store whose LAN tables hold nothing yet (:class:`~lakou.lan.store.LanStoreError`
naming it): an empty store is no proof of a clean LAN.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.lan.checks import Finding, Thresholds
from lakou.lan.quarantine import QuarantineStatus
from lakou.lan.store import LanStoreError
from lakou.lan.tables import has_lan_data, lan_report, quarantine_report
from lakou.lan.watchlist import Watchlist


def _require_data(store_dir: str | Path) -> None:
    if not has_lan_data(store_dir):
        raise LanStoreError(
            _(
                "{path}/lan: no LAN hygiene data yet; run lakou flows collect or "
                "lakou flows replay with --store {path}"
            ).format(path=store_dir)
        )


def hygiene_findings(
    store_dir: str | Path,
    watchlist: Watchlist,
    since: int,
    until: int,
    thresholds: Thresholds,
) -> list[Finding]:
    """The findings per member of ``[since, until)`` in the LAN tables under
    ``store_dir`` (:func:`~lakou.lan.tables.lan_report`), refused when there are none."""
    _require_data(store_dir)
    return lan_report(store_dir, watchlist, since, until, thresholds)


@dataclass(frozen=True)
class QuarantineReview:
    """The quarantined ports' verdicts, judged at ``when`` over ``clean_hours``."""

    statuses: list[QuarantineStatus]
    clean_hours: float
    when: int

    def silent(self, status: QuarantineStatus) -> bool:
        """Seen once, but not within the clean period: watching for its return."""
        start = self.when - int(self.clean_hours * 3600)
        return status.last_seen is not None and status.last_seen < start

    def seen_hours(self, status: QuarantineStatus) -> float:
        """How long a port still being watched has been seen, in hours."""
        if status.seen_since is None:
            return 0.0
        return max(0.0, (self.when - status.seen_since) / 3600)


def review_quarantine(
    store_dir: str | Path,
    watchlist: Watchlist,
    clean_hours: float,
    now: int | None,
    thresholds: Thresholds,
) -> QuarantineReview:
    """Which quarantined ports have been clean for ``clean_hours`` at ``now`` (None:
    the clock), which are blocked and by what (:func:`~lakou.lan.tables.quarantine_report`),
    refused when the LAN tables under ``store_dir`` hold nothing."""
    _require_data(store_dir)
    when = int(time.time()) if now is None else now
    statuses = quarantine_report(store_dir, watchlist, clean_hours, when, thresholds)
    return QuarantineReview(statuses, clean_hours, when)
