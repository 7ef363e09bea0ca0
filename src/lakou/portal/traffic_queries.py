"""What the traffic pages and the traffic API show: the flow engine's reports, per exchange.

The figures are computed by the flow engine (:func:`lakou.flows.reporting.
build_exchange_reports`) from the store the collector writes (``flows`` in lakou.yml);
the portal adds only what the registry knows (which exchange has which members, their
names) and where every number comes from (store, period, level, sampling). One place
builds it, so the HTML pages and the JSON API cannot disagree. A store that is empty,
missing or unreachable is a status with a message, never an exception for the views.
Views are kept a minute in memory (:data:`CACHE_SECONDS`): a week of per-minute sums takes
about a second to read and sum, and a page should not pay it on every visit. An expired
view is rebuilt by one background thread while every visitor is served the previous one
(:class:`lakou.singleflight.SingleFlight`): no stampede of rebuilds when it expires under
load, and no visitor waits after the first build. A store update shows within a minute.
The builder reads the store only (the registry's part is read by the request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import pgettext_lazy

from lakou.flows import (
    ExchangeTraffic,
    FlowStore,
    FlowStoreError,
    InviteRow,
    MemberRate,
    TrafficReport,
    build_exchange_reports,
    latest_period,
    open_store,
    read_demo_marker,
    store_location,
)
from lakou.registry import models as m
from lakou.singleflight import SingleFlight

PERIODS = (1, 7, 30)  # days a visitor can choose
DEFAULT_DAYS = 7
TOP = 5  # members and networks to invite on the overview
CACHE_SECONDS = 60.0

# The store's levels, as the pages name them ("minute sums", "sommes par heure").
LEVEL_NAMES = {
    "minute": pgettext_lazy("flow store level", "minute"),
    "hour": pgettext_lazy("flow store level", "hour"),
    "day": pgettext_lazy("flow store level", "day"),
}

STATUS_OK = "ok"
STATUS_EMPTY = "empty"  # no store yet, or a store with no flows
STATUS_UNAVAILABLE = "unavailable"  # the store cannot be read (ClickHouse down...)


@dataclass(frozen=True)
class Source:
    """The flow store the figures come from."""

    kind: str  # duckdb or clickhouse
    location: str  # directory, or host:port/database
    demo: dict[str, Any] | None = None  # the demo's note when ``lakou demo`` made the data

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "location": self.location, "demo": self.demo is not None}


@dataclass
class ExchangeFigures:
    """One exchange's traffic: the engine's report, series and days, with registry names."""

    slug: str
    name: str
    demo: bool
    members: dict[int, str]
    traffic: ExchangeTraffic

    @property
    def report(self) -> TrafficReport:
        return self.traffic.report

    @property
    def has_traffic(self) -> bool:
        return self.report.has_exchange_traffic

    @property
    def local_share_pct(self) -> float | None:
        share = self.report.local.local_share
        return None if share is None else share * 100

    @property
    def local_share_error_points(self) -> float | None:
        """The local share's 95% error in percentage points (the report gives it relative)."""
        share, rel = self.local_share_pct, self.report.local.local_share_error_pct
        return None if share is None or rel is None else share * rel / 100

    @property
    def peak_bps(self) -> float:
        return float(self.report.transit_cost_avoided.peak_ixp_mbps) * 1e6

    @property
    def mean_bps(self) -> float:
        seconds = self.report.period.seconds
        total = self.report.totals.ixp_member_to_member_bytes
        return total * 8 / seconds if seconds else 0.0

    def top_members(self, n: int = TOP) -> list[MemberRate]:
        return self.member_rows()[:n]

    def invite(self, n: int = TOP) -> list[InviteRow]:
        return list(self.report.invite[:n])

    def member_rows(self) -> list[MemberRate]:
        return sorted(self.report.members, key=lambda r: -r.total_bytes)

    def matrix(self) -> dict[str, Any]:
        """The member x member matrix as rows (senders) and columns (receivers), busiest
        members first; each cell the engine's cell (bytes, b/s, samples, error) or None."""
        order = [r.asn for r in self.member_rows()]
        cells = {(c.src, c.dst): c for c in self.report.matrix}
        present = {a for pair in cells for a in pair}
        order = [a for a in order if a in present] + sorted(present - set(order))
        return {
            "members": [{"asn": a, "name": self.members.get(a, f"AS{a}")} for a in order],
            "rows": [
                {
                    "asn": s,
                    "name": self.members.get(s, f"AS{s}"),
                    "cells": [cells.get((s, d)) for d in order],
                }
                for s in order
            ],
        }


@dataclass
class TrafficView:
    """Everything a traffic page shows."""

    status: str
    source: Source
    days: int
    error: str = ""
    since: int = 0
    until: int = 0
    level: str = ""
    bucket: int = 0
    samples: int = 0
    prices: dict[str, Any] = field(default_factory=dict)
    exchanges: list[ExchangeFigures] = field(default_factory=list)

    @property
    def demo(self) -> bool:
        return self.source.demo is not None

    @property
    def level_name(self) -> str:
        return str(LEVEL_NAMES.get(self.level, self.level))

    def period(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "days": self.days,
            "level": self.level,
            "bucket": self.bucket,
        }


def parse_days(text: str | None) -> int:
    """The period a visitor asked for (``?days=``), or the default."""
    if text and text.isascii() and text.isdigit() and int(text) in PERIODS:
        return int(text)
    return DEFAULT_DAYS


def _open_store() -> tuple[FlowStore | None, Source, str]:
    """The configured flow store, its description, and an error when it cannot be opened."""
    config = settings.LAKOU_CONFIG
    where = store_location(config.flows, Path(config.core.data_dir))
    demo = read_demo_marker(where.directory) if where.kind == "duckdb" and where.directory else None
    source = Source(where.kind, where.location, demo)
    if where.kind == "duckdb" and not (where.directory and where.directory.is_dir()):
        return None, source, ""
    try:
        return open_store(config.flows, Path(config.core.data_dir)), source, ""
    except FlowStoreError as exc:
        return None, source, str(exc)


_views: SingleFlight[TrafficView] = SingleFlight(CACHE_SECONDS, max_entries=16, background=True)


def traffic(days: int, slug: str | None = None) -> TrafficView:
    """The traffic of every exchange (or of ``slug``) over the last ``days`` of data."""
    exchanges = m.Exchange.objects.order_by("name")
    if slug is not None:
        exchanges = exchanges.filter(slug=slug)
    members: dict[str, dict[int, str]] = {}
    for ex_slug, asn, name in m.Member.objects.filter(exchange__in=exchanges).values_list(
        "exchange__slug", "network__asn", "network__name"
    ):
        members.setdefault(ex_slug, {})[asn] = name
    listed = [(ex.slug, ex.name, ex.demo) for ex in exchanges]
    config = settings.LAKOU_CONFIG.flows
    key = (
        days,
        tuple(listed),
        tuple(sorted((s, tuple(sorted(by.items()))) for s, by in members.items())),
        config.model_dump_json(),
        str(settings.LAKOU_CONFIG.core.data_dir),
    )
    return _views.get(key, lambda: _build(days, listed, members))


def _build(
    days: int, listed: list[tuple[str, str, bool]], members: dict[str, dict[int, str]]
) -> TrafficView:
    store, source, error = _open_store()
    if store is None:
        status = STATUS_UNAVAILABLE if error else STATUS_EMPTY
        return TrafficView(status, source, days, error=error)
    try:
        return _read(store, source, days, listed, members)
    except FlowStoreError as exc:
        return TrafficView(STATUS_UNAVAILABLE, source, days, error=str(exc))
    finally:
        store.close()


def _read(
    store: FlowStore,
    source: Source,
    days: int,
    listed: list[tuple[str, str, bool]],
    members: dict[str, dict[int, str]],
) -> TrafficView:
    config = settings.LAKOU_CONFIG.flows
    period = latest_period(store, days)
    if period is None:
        return TrafficView(STATUS_EMPTY, source, days)
    since, until = period
    names = {asn: name for by_asn in members.values() for asn, name in by_asn.items()}
    wanted = {slug: tuple(sorted(members.get(slug, {}))) for slug, _n, _d in listed}
    # "now" is the data's end, so the engine reads the minute sums of the last week of
    # data even when the collector stopped (or the demo's week ended) a while ago.
    reports = build_exchange_reports(
        store, config, since, until, dict(wanted), member_names=names, now=until
    )
    view = TrafficView(
        STATUS_OK,
        source,
        days,
        since=since,
        until=until,
        prices=config.prices.model_dump(),
    )
    for slug, name, demo in listed:
        traffic = reports[slug]
        view.exchanges.append(ExchangeFigures(slug, name, demo, members.get(slug, {}), traffic))
        view.level = traffic.report.level
        view.bucket = traffic.report.period.bucket
        view.samples += traffic.report.matrix_samples
    seen = [f.report.period for f in view.exchanges if f.has_traffic]
    if seen:  # the period the data covers, bucket-aligned, as the reports say
        view.since = min(p.since for p in seen)
        view.until = max(p.until for p in seen)
    if not listed:
        view.level, view.bucket = "", config.percentile_bucket_seconds
    return view


def is_current(view: TrafficView) -> bool:
    """Whether :func:`traffic` still answers ``view`` (a page rendered from it is current)."""
    return _views.serves(view)


def clear_cache() -> None:
    """Forget cached views (tests that rewrite a store in place)."""
    _views.invalidate()
