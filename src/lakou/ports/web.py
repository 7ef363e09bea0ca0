"""What the statistics pages and ``lakou ports report`` read: periods and chart series.

Functions over a :class:`~lakou.ports.store.PortSeries`; the portal's views only render
what :func:`exchange_page`, :func:`member_rows` and :func:`ports_week` return, and
``lakou ports report`` prints what :func:`port_report` returns.
"""

from __future__ import annotations

import time
from typing import Any

from lakou.ports.store import PortSeries, PortStore, cross_check_rows, open_store, percentile

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


def port_report(
    store: str, period: str, member: str | None = None, now: float | None = None
) -> dict[str, Any]:
    """``lakou ports report``: over ``period`` (a key of :data:`PERIODS`) ending ``now``,
    the statistics, the total series (``member``'s alone when given) and, for the Parquet
    store, the cross-check of ports both SNMP and sFlow count. ``store`` is a directory or
    a ``clickhouse://`` URL; a store that cannot be read raises ``PortStoreError``."""
    seconds, bucket = PERIODS[period]
    until = time.time() if now is None else now
    port_store = open_store(store)
    try:
        stats = port_store.statistics(until - seconds, until, bucket)
        series = port_store.total_series(until - seconds, until, bucket, member=member)
        # the cross-check reads raw rows of both sources: the Parquet store's query
        checks = (
            cross_check_rows(port_store, until - seconds, until)
            if isinstance(port_store, PortStore)
            else []
        )
    finally:
        port_store.close()
    return {"statistics": stats, "series": series, "cross_check": checks}


def _figures(series: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean, peak and 95th percentile of a series' input."""
    inputs = sorted(i for _b, i, _o in series)
    return {
        "mean_bps": sum(inputs) / len(inputs) if inputs else 0.0,
        "peak_bps": inputs[-1] if inputs else 0.0,
        "p95_bps": percentile(inputs, 95),
    }


def ports_week(
    store: PortStore, ports: list[tuple[str, str]], since: float, until: float, bucket: int = 1800
) -> dict[str, Any]:
    """Some ports (switch, port name), a member's, summed per ``bucket`` seconds from
    ``since`` to ``until`` (a port: its mean over the bucket, chosen source only): the
    ``series`` (bucket start, in b/s, out b/s) and its mean, peak and 95th percentile."""
    match = " OR ".join("(switch = ? AND port = ?)" for _ in ports)
    params: list[Any] = [since, until, *[x for pair in ports for x in pair]]
    sql = f"""
    WITH per_port AS (
      SELECT floor(("end" - 0.001) / {bucket}) * {bucket} AS bucket, switch, ifindex,
             avg(in_bps) AS in_bps, avg(out_bps) AS out_bps
      FROM {{src}} WHERE chosen AND "end" > ? AND "end" <= ? AND ({match}) GROUP BY ALL)
    SELECT bucket, sum(in_bps), sum(out_bps) FROM per_port GROUP BY bucket ORDER BY bucket"""
    rows = store.query(sql, "raw", params, (since, until))
    series = [(float(b), float(i or 0), float(o or 0)) for b, i, o in rows]
    return {"series": series, **_figures(series)}


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
        rows.append({"member": member, "ports": names, "series": series, **_figures(series)})
    return sorted(rows, key=lambda r: -r["p95_bps"])
