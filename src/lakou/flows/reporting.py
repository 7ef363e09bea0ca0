"""Build a report from a store: pick the finest level that still covers the period, fetch
the per-bucket sums, compute the figures (:mod:`lakou.flows.metrics`)."""

from __future__ import annotations

import time
from typing import Any

from lakou.flows.config import Config
from lakou.flows.metrics import ReportInputs, compute
from lakou.flows.store import FlowStore


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
) -> dict[str, Any]:
    now = int(time.time()) if now is None else now
    if since <= 0:
        span = store.time_range()
        since = span[0] if span else until
        # A whole-store report of old data (a replayed capture) reads the minute level.
        level, bucket = "minute", config.percentile_bucket_seconds
    else:
        level, bucket = choose_level(config, since, now)
    table = store.fetch(level, since, until, bucket)
    inputs = ReportInputs(
        since=since,
        until=until,
        bucket=bucket,
        local_territories=tuple(config.local_territories),
        member_names=member_names or {},
        transit_price=config.prices.transit_per_mbps_month,
        port_price=config.prices.ixp_port_per_mbps_month,
        currency=config.prices.currency,
    )
    report = compute(table, inputs)
    report["level"] = level
    return report
