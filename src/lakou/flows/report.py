"""Render a :class:`~lakou.flows.traffic_report.TrafficReport` as text, JSON or HTML.

The HTML page is self-contained (plotly's script embedded, no network needed) so an
operator can mail it to a regulator or open it on a laptop with no Internet, which is
the case that matters most after a cable cut.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from lakou.flows.traffic_report import TrafficReport
from lakou.i18n import gettext as _


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _bps(v: float) -> str:
    for unit, scale in (("Gb/s", 1e9), ("Mb/s", 1e6), ("kb/s", 1e3)):
        if v >= scale:
            return f"{v / scale:.2f} {unit}"
    return f"{v:.0f} b/s"


def to_json(report: TrafficReport) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=True)


def to_text(report: TrafficReport, console: Console) -> None:
    p = report.period
    console.print(
        _("Period: {since} to {until}").format(since=_when(p.since), until=_when(p.until))
    )
    t = Table(title=_("Members"))
    for col in (_("Member"), _("In"), _("Out"), _("In p95"), _("Out p95")):
        t.add_column(col)
    for m in report.members:
        t.add_row(
            f"{m.name} (AS{m.asn})",
            _bps(m.in_bps),
            _bps(m.out_bps),
            _bps(m.in_p95_bps),
            _bps(m.out_p95_bps),
        )
    console.print(t)
    t = Table(title=_("Member to member"))
    for col in (_("From"), _("To"), _("Rate"), _("Samples"), _("Error (95%)")):
        t.add_column(col)
    for c in report.matrix:
        t.add_row(c.src_name, c.dst_name, _bps(c.bps), str(c.samples), f"±{c.error_pct}%")
    console.print(t)
    loc = report.local
    share = loc.local_share
    console.print(
        _("Local share: {share} (±{err}%), trombone bytes: {trombone}").format(
            share="-" if share is None else f"{share:.1%}",
            err=loc.local_share_error_pct or "-",
            trombone=loc.trombone_bytes,
        )
    )
    cost = report.transit_cost_avoided
    console.print(
        _("Transit cost avoided: {value} {currency} per year (peak {peak:.2f} Mb/s)").format(
            value=cost.per_year, currency=cost.currency, peak=cost.peak_ixp_mbps
        )
    )
    if report.invite:
        t = Table(title=_("Networks to invite (foreign origin ASes)"))
        for col in (_("AS"), _("Bytes to territory"), _("Bytes from territory")):
            t.add_column(col)
        for row in report.invite:
            t.add_row(f"AS{row.asn}", str(row.bytes_to_territory), str(row.bytes_from_territory))
        console.print(t)


def to_html(report: TrafficReport) -> str:
    import plotly.graph_objects as go

    figures = []
    members = report.members
    if members:
        names = [m.name for m in members]
        fig = go.Figure(
            [
                go.Bar(name=_("In"), x=names, y=[m.in_bps for m in members]),
                go.Bar(name=_("Out"), x=names, y=[m.out_bps for m in members]),
            ]
        )
        fig.update_layout(title=_("Member rates (b/s)"), barmode="group")
        figures.append(fig)
    if report.matrix:
        labels = sorted({c.src_name for c in report.matrix} | {c.dst_name for c in report.matrix})
        index = {n: i for i, n in enumerate(labels)}
        z = [[0.0] * len(labels) for _l in labels]
        text = [[""] * len(labels) for _l in labels]
        for c in report.matrix:
            z[index[c.src_name]][index[c.dst_name]] = c.bps
            text[index[c.src_name]][index[c.dst_name]] = f"±{c.error_pct}%"
        fig = go.Figure(go.Heatmap(z=z, x=labels, y=labels, text=text, texttemplate="%{text}"))
        fig.update_layout(title=_("Member to member (b/s, 95% error)"))
        figures.append(fig)
    loc = report.local
    if loc.territory_bytes:
        fig = go.Figure(
            go.Pie(
                labels=[_("Local"), _("Leaves the territory")],
                values=[loc.local_bytes, loc.territory_bytes - loc.local_bytes],
            )
        )
        fig.update_layout(title=_("Local share"))
        figures.append(fig)
    parts = []
    for i, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    p = report.period
    cost = report.transit_cost_avoided
    share = loc.local_share
    summary = _("Local share: {share}. Transit cost avoided: {value} {currency} per year.").format(
        share="-" if share is None else f"{share:.1%}",
        value=cost.per_year,
        currency=cost.currency,
    )
    title = _("Traffic report")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(_when(p.since))} – {html.escape(_when(p.until))}</p>"
        f"<p>{html.escape(summary)}</p>"
        + "".join(parts)
        + f"<script type='application/json' id='report'>{html.escape(to_json(report))}</script>"
        + "</body></html>"
    )
