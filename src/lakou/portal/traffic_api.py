"""The traffic figures as JSON (django-ninja), mounted at ``/api/traffic``.

The same numbers as the traffic pages, from the same place
(:mod:`lakou.portal.traffic_queries`): ``report`` is the flow engine's report for the
exchange, key for key what ``lakou flows report --format json`` prints for a store that
holds that exchange alone, and ``source`` and ``period`` say where it comes from. A store
with no flows answers ``status: "empty"`` with a hint, an unreachable one
``status: "unavailable"`` with the cause; neither is an HTTP error.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from lakou.portal import traffic_queries as q
from lakou.registry import models as m

router = Router(tags=["traffic"])

HINT = (
    "No flow data yet: start the collector with `lakou flows collect --registry` and have "
    "the exchange switches export sFlow to this host (UDP 6343), or run `lakou demo`."
)


class SourceOut(Schema):
    kind: str
    location: str
    demo: bool


class PeriodOut(Schema):
    since: int
    until: int
    days: int
    level: str
    bucket: int


class ExchangeTrafficOut(Schema):
    slug: str
    name: str
    demo: bool
    report: dict[str, Any]


class TrafficOut(Schema):
    status: str
    message: str
    source: SourceOut
    period: PeriodOut
    sampling: str
    prices: dict[str, Any]
    exchanges: list[ExchangeTrafficOut]


class ExchangeDetailOut(Schema):
    status: str
    message: str
    source: SourceOut
    period: PeriodOut
    sampling: str
    slug: str
    name: str
    demo: bool
    report: dict[str, Any] | None
    series: dict[str, Any] | None
    days: list[dict[str, Any]]


class PeriodQuery(Schema):
    days: int = q.DEFAULT_DAYS


SAMPLING = (
    "sFlow from the exchange switches; bytes = sampled frame length x sampling rate; "
    "95% error of a figure from c samples: 196*sqrt(1/c) %"
)


UNAVAILABLE = "The flow store cannot be read right now (staff see why)."


def _message(request: HttpRequest, view: q.TrafficView) -> str:
    if view.status == q.STATUS_EMPTY:
        return HINT
    # The store's error names hosts, ports and paths: for staff only.
    return view.error if _staff(request) else UNAVAILABLE


def _staff(request: HttpRequest) -> bool:
    return bool(getattr(request, "user", None) and request.user.is_staff)


def _source(request: HttpRequest, view: q.TrafficView) -> dict[str, Any]:
    """The store's kind; its location (a path or host:port/database) for staff only."""
    source = view.source.as_dict()
    if not _staff(request):
        source["location"] = ""
    return source


def _days(query: PeriodQuery) -> int:
    return q.parse_days(str(query.days))


@router.get("", response=TrafficOut, url_name="traffic", summary="Traffic of every exchange")
def traffic(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    view = q.traffic(_days(query))
    return {
        "status": view.status,
        "message": _message(request, view),
        "source": _source(request, view),
        "period": view.period(),
        "sampling": SAMPLING,
        "prices": view.prices,
        "exchanges": [
            {"slug": f.slug, "name": f.name, "demo": f.demo, "report": f.report.as_dict()}
            for f in view.exchanges
        ],
    }


@router.get(
    "/{slug}",
    response=ExchangeDetailOut,
    url_name="traffic_exchange",
    summary="One exchange's traffic: report, series per bucket, days",
)
def traffic_exchange(request: HttpRequest, slug: str, query: Query[PeriodQuery]) -> dict[str, Any]:
    ex = get_object_or_404(m.Exchange, slug=slug)
    view = q.traffic(_days(query), slug)
    figures = view.exchanges[0] if view.exchanges else None
    return {
        "status": view.status,
        "message": _message(request, view),
        "source": _source(request, view),
        "period": view.period(),
        "sampling": SAMPLING,
        "slug": ex.slug,
        "name": ex.name,
        "demo": ex.demo,
        "report": figures.report.as_dict() if figures else None,
        "series": figures.traffic.series if figures else None,
        "days": figures.traffic.days if figures else [],
    }
