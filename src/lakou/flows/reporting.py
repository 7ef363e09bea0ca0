"""Build a report from a store: pick the finest level that still covers the period, fetch
the per-bucket sums, compute the figures (:mod:`lakou.flows.metrics`) into one
:class:`~lakou.flows.traffic_report.TrafficReport`."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lakou.flows.config import Config
from lakou.flows.enrich import EXPORTER_EXCHANGE, exporter_view
from lakou.flows.metrics import ReportInputs, compute
from lakou.flows.store import FlowStore
from lakou.flows.traffic_report import Period, TrafficReport


def choose_level(config: Config, since: int, now: int) -> tuple[str, int]:
    """(level, bucket seconds): minute sums while they are kept, then hours, then days."""
    if since >= now - config.retention_days_minute * 86400:
        return "minute", config.percentile_bucket_seconds
    if since >= now - config.retention_days_hour * 86400:
        return "hour", 3600
    return "day", 86400


def build_report(
    store: FlowStore,
    config: Config,
    since: int,
    until: int,
    member_names: dict[int, str] | None = None,
    now: int | None = None,
) -> TrafficReport:
    """The report of ``[since, until)`` (``since`` 0: the whole store) from ``store``."""
    now = int(time.time()) if now is None else now
    if since <= 0:
        span = store.time_range()
        since = span[0] if span else until
        # A whole-store report of old data (a replayed capture) reads the minute level.
        level, bucket = "minute", config.percentile_bucket_seconds
    else:
        level, bucket = choose_level(config, since, now)
    table = store.fetch(level, since, until, bucket)
    return compute(table, _inputs(config, since, until, bucket, level, member_names))


def _inputs(
    config: Config,
    since: int,
    until: int,
    bucket: int,
    level: str,
    member_names: dict[int, str] | None,
) -> ReportInputs:
    return ReportInputs(
        since=since,
        until=until,
        bucket=bucket,
        local_territories=tuple(config.local_territories),
        member_names=member_names or {},
        transit_price=config.prices.transit_per_mbps_month,
        port_price=config.prices.ixp_port_per_mbps_month,
        currency=config.prices.currency,
        level=level,
    )


# --------------------------------------------------------------------------- per exchange
# The portal shows one page per exchange of the install while the collector writes one
# store. An exchange's share of the exchange view is the rows between its members (or
# between one of its members and a MAC nobody claims); the territory view (border
# exporters) belongs to no exchange and is kept whole. The exporter address would say
# which switch saw a frame, but the report's SQL does not read it, so membership decides.


@dataclass(frozen=True)
class ExchangeTraffic:
    """An exchange's report (as :func:`build_report` gives), its exchange traffic per
    bucket (``series``: member-to-member bits per second from ``start``, one value per
    ``bucket`` seconds, the series whose maximum is the report's peak) and per UTC day."""

    report: TrafficReport
    series: dict[str, Any]
    days: list[dict[str, Any]]


def latest_period(store: FlowStore, days: int, now: float | None = None) -> tuple[int, int] | None:
    """(since, until) of the last ``days`` days of data, ending after the store's last
    minute (not at the clock's now, so a replayed capture or the demo's week shows too),
    but never after the next minute of ``now`` (default: the clock): a minute stored in
    the future (written before the collector checked clocks) cannot move the window.
    None when the store is empty."""
    span = store.time_range()
    if span is None:
        return None
    limit = int(time.time() if now is None else now) // 60 * 60 + 60
    until = min(int(span[1]) + 60, limit)
    return until - int(days) * 86400, until


def exchange_rows(table: pa.Table, members: Collection[int]) -> pa.Table:
    """The rows of ``table`` that belong to an exchange with these member ASNs (see above)."""
    if table.num_rows == 0:
        return table
    exchange_view = _view(table) == EXPORTER_EXCHANGE
    wanted = np.array(sorted({int(a) for a in members}), dtype=np.int64)
    src = table.column("src_member").to_numpy(zero_copy_only=False).astype(np.int64)
    dst = table.column("dst_member").to_numpy(zero_copy_only=False).astype(np.int64)
    src_in, dst_in = np.isin(src, wanted), np.isin(dst, wanted)
    ours = (src_in | (src == 0)) & (dst_in | (dst == 0)) & (src_in | dst_in)
    return table.filter(pa.array(~exchange_view | ours))


def build_exchange_reports(
    store: FlowStore,
    config: Config,
    since: int,
    until: int,
    exchanges: dict[str, Collection[int] | None],
    member_names: dict[int, str] | None = None,
    now: int | None = None,
) -> dict[str, ExchangeTraffic]:
    """One store read, one :class:`ExchangeTraffic` per exchange (key -> member ASNs;
    None: every row, which gives exactly :func:`build_report`'s report).

    The level is chosen as :func:`build_report` does, against ``now`` (default: the clock).
    """
    now = int(time.time()) if now is None else now
    level, bucket = choose_level(config, since, now)
    table = store.fetch(level, since, until, bucket)
    out = {}
    for key, members in exchanges.items():
        rows = table if members is None else exchange_rows(table, members)
        report = compute(rows, _inputs(config, since, until, bucket, level, member_names))
        per_bucket = exchange_bytes(rows, report.period)
        out[key] = ExchangeTraffic(
            report,
            {
                "start": report.period.since,
                "bucket": bucket,
                "bps": [round(float(v) * 8 / bucket, 3) for v in per_bucket],
            },
            daily_traffic(per_bucket, report.period.since, bucket),
        )
    return out


def _view(table: pa.Table) -> npt.NDArray[np.uint8]:
    """The view of each row (:func:`lakou.flows.enrich.exporter_view`)."""
    role = pc.fill_null(table.column("exporter_role"), 0).to_numpy(zero_copy_only=False)
    return exporter_view(role, table.column("source").to_numpy(zero_copy_only=False))


def exchange_bytes(table: pa.Table, period: Period) -> npt.NDArray[np.float64]:
    """Member-to-member bytes of the exchange view per bucket of ``period`` (a report's
    ``period``): the sums whose largest, as a rate, is the report's peak."""
    start, end, bucket = period.since, period.until, period.bucket
    nb = max(0, (end - start + bucket - 1) // bucket)
    sums: npt.NDArray[np.float64] = np.zeros(nb)
    if table.num_rows and nb:
        role = _view(table)
        src = table.column("src_member").to_numpy(zero_copy_only=False)
        dst = table.column("dst_member").to_numpy(zero_copy_only=False)
        when = table.column("bucket").to_numpy(zero_copy_only=False).astype(np.int64)
        nbytes = table.column("bytes").to_numpy(zero_copy_only=False).astype(np.float64)
        both = (role == EXPORTER_EXCHANGE) & (src != 0) & (dst != 0)
        both &= (when >= start) & (when < start + nb * bucket)
        slot = (when[both] - start) // bucket
        sums = np.bincount(slot, nbytes[both], nb).astype(np.float64)
    return sums


def daily_traffic(
    per_bucket: npt.NDArray[np.float64], start: int, bucket: int
) -> list[dict[str, Any]]:
    """Per UTC day of per-bucket byte sums from ``start``: bytes, and the mean, peak and
    95th percentile of the bucket rates (b/s; empty buckets count as zero)."""
    if not len(per_bucket):
        return []
    day_of = (start + np.arange(len(per_bucket)) * bucket) // 86400
    out = []
    for day in np.unique(day_of).tolist():
        sums = per_bucket[day_of == day]
        rates = sums * 8 / bucket
        out.append(
            {
                "day": datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d"),
                "bytes": int(sums.sum()),
                "mean_bps": round(float(rates.mean()), 3),
                "peak_bps": round(float(rates.max()), 3),
                "p95_bps": round(float(np.percentile(rates, 95)), 3),
                "buckets": len(sums),
            }
        )
    return out
