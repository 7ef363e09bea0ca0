"""What the statistics pages and ``lakou ports report`` read: periods and chart series.

Pure functions over a :class:`~lakou.ports.store.PortSeries`; the portal's view only
renders what :func:`exchange_page` returns.
"""

from __future__ import annotations

import time
from typing import Any

from lakou.ports.store import PortSeries

# period -> (seconds shown, bucket seconds): the classic day/week/month/year graphs.
PERIODS = {
    "day": (86400, 300),
    "week": (7 * 86400, 1800),
    "month": (31 * 86400, 7200),
    "year": (366 * 86400, 86400),
}


def exchange_page(store: PortSeries, now: float | None = None) -> dict[str, Any]:
    """Series and statistics of the whole exchange for each period."""
    now = time.time() if now is None else now
    out: dict[str, Any] = {}
    for period, (seconds, bucket) in PERIODS.items():
        out[period] = {
            "series": store.total_series(now - seconds, now, bucket),
            "statistics": store.statistics(now - seconds, now, min(bucket, 1800)),
        }
    return out
