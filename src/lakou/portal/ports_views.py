"""The public port statistics page of an exchange: ``/traffic/<exchange>/ports/``.

Aggregate bits per second over a day, a week, a month and a year, with the peak, the
95th percentile and the mean, the number of members and ports and the utilisation of
their capacity, like the best public exchange statistics pages. Figures come from the
port engine's store (``<data_dir>/ports/<exchange>``, written by ``lakou ports
collect``) through :func:`lakou.ports.exchange_page`; charts are the locally served
plotly of :mod:`lakou.portal.traffic_views`. No store yet is a message, not an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lakou.portal.traffic_views import plotly_context
from lakou.registry import models as m


def store_directory(slug: str) -> Path:
    """The exchange's port store (``<data_dir>/ports/<slug>``)."""
    from lakou.ports import exchange_store_directory

    return exchange_store_directory(settings.LAKOU_CONFIG.core.data_dir, slug)


@require_GET
def exchange_ports(request: HttpRequest, slug: str) -> HttpResponse:
    from lakou.ports import PortStore, PortStoreError, exchange_page

    exchange = m.Exchange.objects.filter(slug=slug).first()
    if exchange is None:
        raise Http404("unknown exchange")
    directory = store_directory(slug)
    periods: dict[str, Any] = {}
    error = ""
    if directory.is_dir():
        try:
            periods = exchange_page(PortStore(directory))
        except PortStoreError as exc:
            error = str(exc)
    has_traffic = any(p["series"] for p in periods.values())
    names = {
        "day": _("Last day"),
        "week": _("Last week"),
        "month": _("Last month"),
        "year": _("Last year"),
    }
    rows = [
        {"period": key, "name": names[key], **periods[key]["statistics"]}
        for key in ("day", "week", "month", "year")
        if key in periods
    ]
    chart = {
        "periods": {
            key: {
                "x": [b for b, _i, _o in p["series"]],
                "in": [round(i) for _b, i, _o in p["series"]],
                "out": [round(o) for _b, _i, o in p["series"]],
                "title": names[key],
            }
            for key, p in periods.items()
        },
        "labels": {"in": _("Into the exchange"), "out": _("Out of the exchange")},
    }
    context = {
        "exchange": exchange,
        "slug": slug,
        "rows": rows,
        "week": periods.get("week", {}).get("statistics"),
        "has_traffic": has_traffic,
        "error": error,
        "chart": chart,
        **plotly_context(),
    }
    return render(request, "portal/traffic_ports.html", context)


@require_GET
@staff_member_required
def exchange_port_members(request: HttpRequest, slug: str) -> HttpResponse:
    """For staff: each member's traffic over the last week, from its ports or LAG."""
    from lakou.ports import PortStore, PortStoreError, member_rows

    exchange = m.Exchange.objects.filter(slug=slug).first()
    if exchange is None:
        raise Http404("unknown exchange")
    directory = store_directory(slug)
    rows: list[dict[str, Any]] = []
    error = ""
    if directory.is_dir():
        try:
            rows = member_rows(PortStore(directory))
        except PortStoreError as exc:
            error = str(exc)
    chart = {
        "members": [
            {
                "id": f"member-chart-{i}",
                "x": [b for b, _i, _o in r["series"]],
                "in": [round(v) for _b, v, _o in r["series"]],
                "out": [round(v) for _b, _i, v in r["series"]],
            }
            for i, r in enumerate(rows)
        ],
        "labels": {"in": _("Sent into the exchange"), "out": _("Received from the exchange")},
    }
    context = {
        "exchange": exchange,
        "slug": slug,
        "rows": rows,
        "error": error,
        "chart": chart,
        **plotly_context(),
    }
    return render(request, "portal/traffic_port_members.html", context)
