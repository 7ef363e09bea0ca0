"""The traffic pages: what stays local, what the exchange saves, who exchanges with whom.

``/traffic/`` shows every exchange's local share (with its error bar), traffic peak,
transit cost avoided (with the formula and the configured prices), busiest members and
networks to invite; ``/traffic/<exchange>/`` the member x member matrix with error bars
and sample counts, each member's rates and 95th percentile, and the traffic over time.
Numbers come from the flow engine through :mod:`lakou.portal.traffic_queries`; the charts
are plotly, served from the installed plotly package by :func:`plotly_js` (no CDN: the
pages must work on an island cut from the Internet). An empty or unreachable store is a
message on the page, never an error page. Anonymous visitors' pages are kept whole in
memory (:mod:`lakou.portal.pagecache`) while the report they show is current.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lakou.portal import traffic_queries as q
from lakou.portal.pagecache import depends_on, public_page
from lakou.registry import models as m


def plotly_context() -> dict[str, Any]:
    """What a page with plotly charts needs under the CSP: the script, its style rules as a
    stylesheet, and the style element ids plotly looks for instead of writing inline styles."""
    return {
        "plotly_url": reverse("portal:traffic_plotly", args=[plotly_version()]),
        "plotly_css_url": reverse("portal:traffic_plotly_css", args=[plotly_version()]),
        "plotly_map_style_ids": _plotly_map_style_ids(),
    }


def _common(request: HttpRequest, view: q.TrafficView) -> dict[str, Any]:
    return {"view": view, "periods": q.PERIODS, **plotly_context()}


DAYS_PARAM = {"days": {str(days) for days in q.PERIODS}}


@require_GET
@public_page(params=DAYS_PARAM)
def overview(request: HttpRequest) -> HttpResponse:
    """Every exchange: local share, peak, transit cost avoided, top members, invitations."""
    view = q.traffic(q.parse_days(request.GET.get("days")))
    depends_on(request, functools.partial(q.is_current, view))
    shares = [f for f in view.exchanges if f.local_share_pct is not None]
    chart = {
        "names": [f.name for f in shares],
        "share": [round(f.local_share_pct or 0, 3) for f in shares],
        "error": [round(f.local_share_error_points or 0, 3) for f in shares],
    }
    context = _common(request, view) | {"chart": chart}
    return render(request, "portal/traffic.html", context)


@require_GET
@public_page(params=DAYS_PARAM)
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """One exchange: matrix with error bars, member rates and p95, traffic over time."""
    if not m.Exchange.objects.filter(slug=slug).exists():
        raise Http404("unknown exchange")
    name = m.Exchange.objects.values_list("name", flat=True).get(slug=slug)
    view = q.traffic(q.parse_days(request.GET.get("days")), slug)
    depends_on(request, functools.partial(q.is_current, view))
    figures = view.exchanges[0] if view.exchanges else None
    chart: dict[str, Any] = {}
    if figures is not None and figures.has_traffic:
        members = figures.member_rows()
        chart = {
            "series": figures.traffic.series,
            "days": figures.traffic.days,
            "members": {
                "names": [r.name for r in members],
                "in": [r.in_bps for r in members],
                "out": [r.out_bps for r in members],
                "in_p95": [r.in_p95_bps for r in members],
                "out_p95": [r.out_p95_bps for r in members],
            },
            "labels": {
                "rate": _("Between members"),
                "series": _("Traffic between members (b/s, UTC)"),
                "days": _("Per day (b/s)"),
                "mean": _("Mean"),
                "p95": _("95th percentile"),
                "peak": _("Peak"),
                "out": _("Sent, mean"),
                "in": _("Received, mean"),
                "out_p95": _("Sent, 95th pct."),
                "in_p95": _("Received, 95th pct."),
            },
        }
    context = _common(request, view) | {
        "slug": slug,
        "name": name,
        "figures": figures,
        "matrix": figures.matrix() if figures is not None else None,
        "chart": chart,
    }
    return render(request, "portal/traffic_exchange.html", context)


# --------------------------------------------------------------------------- plotly.js
def _plotly_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@functools.cache
def plotly_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return str(get_plotlyjs_version())


@functools.cache
def _plotly_bytes() -> tuple[bytes, bytes]:
    """plotly.min.js as shipped and gzip-compressed (4.8 MB -> about 1.4 MB on the wire)."""
    raw = _plotly_path().read_bytes()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


@require_GET
def plotly_js(request: HttpRequest, version: str) -> HttpResponse:
    """The installed plotly.js, under a versioned URL so browsers keep it a year."""
    if version != plotly_version():
        raise Http404("not this plotly.js version")
    etag = f'"plotly-{version}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        raw, packed = _plotly_bytes()
        wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        response = HttpResponse(packed if wants_gzip else raw, content_type="text/javascript")
        if wants_gzip:
            response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@functools.cache
def _plotly_css_bytes() -> bytes:
    from lakou.portal.plotly_css import plotly_css

    return plotly_css(_plotly_path().read_text(encoding="utf-8")).encode("utf-8")


@functools.cache
def _plotly_map_style_ids() -> list[str]:
    from lakou.portal.plotly_css import map_style_ids

    return map_style_ids(_plotly_path().read_text(encoding="utf-8"))


@require_GET
def plotly_stylesheet(request: HttpRequest, version: str) -> HttpResponse:
    """plotly.js's style rules as a file (the CSP forbids the inline ones it would add)."""
    if version != plotly_version():
        raise Http404("not this plotly.js version")
    response = HttpResponse(_plotly_css_bytes(), content_type="text/css")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
