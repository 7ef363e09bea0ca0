"""What the statistics pages and ``lakou ports report`` read: periods and chart series.

Pure functions over a :class:`~lakou.ports.store.PortSeries`; the portal's view only
renders what :func:`exchange_page` returns.
"""

from __future__ import annotations

import time
from typing import Any

from lakou.ports.store import PortSeries, PortStore, percentile

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


def member_rows(store: PortStore, now: float | None = None, days: int = 7) -> list[dict[str, Any]]:
    """For staff: each member's half-hour series over ``days``, with mean, peak and 95th
    of its input, and its ports (a LAG by its aggregate)."""
    now = time.time() if now is None else now
    since = now - days * 86400
    ports: dict[str, list[str]] = {}
    for member, switch, port, speed in store.query(
        "SELECT member, switch, any_value(port), max(speed_mbps) FROM {src} "
        'WHERE chosen AND member <> \'\' AND "end" > ? AND "end" <= ? '
        "GROUP BY member, switch, ifindex ORDER BY member, switch, ifindex",
        "raw",
        [since, now],
        (since, now),
    ):
        ports.setdefault(member, []).append(f"{switch}:{port} ({speed or '?'} Mb/s)")
    rows = []
    for member, names in ports.items():
        series = store.total_series(since, now, 1800, member=member)
        inputs = sorted(i for _b, i, _o in series)
        rows.append(
            {
                "member": member,
                "ports": names,
                "series": series,
                "mean_bps": sum(inputs) / len(inputs) if inputs else 0.0,
                "peak_bps": inputs[-1] if inputs else 0.0,
                "p95_bps": percentile(inputs, 95),
            }
        )
    return sorted(rows, key=lambda r: -r["p95_bps"])
