"""The HTML report: the probe matrix, the share of paths leaving, the countries crossed
and one line per traceroute, with plotly charts embedded (works offline)."""

from __future__ import annotations

import html
from typing import Any

from lakou.i18n import gettext as _


def _cell(value: Any) -> str:
    """A value as a reader sees it: never Python's None/True/False."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _left(value: bool | None) -> str:
    return _("cannot tell") if value is None else _cell(value)


def to_html(results: list[dict[str, Any]], summary: dict[str, Any], sources: list[str]) -> str:
    import plotly.graph_objects as go
    import plotly.io as pio

    probes, destinations = summary["probes"], summary["destinations"]
    z: list[list[float | None]] = [[None] * len(destinations) for _p in probes]
    text: list[list[str]] = [[""] * len(destinations) for _p in probes]
    for cell in summary["cells"]:
        i, j = probes.index(cell["probe"]), destinations.index(cell["destination"])
        decided = cell["in_territory"] + cell["left_territory"]
        z[i][j] = cell["in_territory"] / decided if decided else None
        text[i][j] = f"{cell['in_territory']}/{cell['traceroutes']}" + (
            " IXP" if cell["via_ixp"] else ""
        )
    matrix = go.Figure(
        go.Heatmap(z=z, x=destinations, y=probes, text=text, texttemplate="%{text}",
                   colorscale="RdYlGn", zmin=0, zmax=1)
    )  # fmt: skip
    matrix.update_layout(title=_("Share of paths staying in the territory, probe × destination"))
    crossed = summary["countries_crossed"]
    bars = go.Figure(go.Bar(x=list(crossed), y=list(crossed.values())))
    bars.update_layout(title=_("Countries crossed (traceroutes)"))
    parts = [
        pio.to_html(matrix, full_html=False, include_plotlyjs=True),
        pio.to_html(bars, full_html=False, include_plotlyjs=False),
    ]
    rows = "\n".join(
        "<tr>" + "".join(
            f"<td>{html.escape(_cell(v))}</td>"
            for v in (
                r["id"], r["msm_id"], r["probe"], r["destination"],
                ", ".join(f"{c['ixp']} @ {c['hop']}" for c in r["ixp_crossings"]) or "-",
                _left(r["left_territory"]), " → ".join(r["countries_crossed"]),
                (r["detour_index"] or {}).get("index"), "; ".join(r["verdicts"]),
            )
        ) + "</tr>"
        for r in results
    )  # fmt: skip
    share = summary["share_leaving"]
    share_text = _("nothing to measure") if share is None else f"{share:.0%}"
    headers = "".join(
        f"<th>{html.escape(h)}</th>"
        for h in (_("id"), "msm_id", _("probe"), _("destination"), _("exchange crossings"),
                  _("left the territory"), _("countries crossed"), _("detour index"), _("verdicts"))
    )  # fmt: skip
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(_("Paths report"))}</title>
<style>body{{font-family:sans-serif;margin:2em}} td,th{{border:1px solid #ccc;padding:3px}}
table{{border-collapse:collapse;font-size:90%}}</style></head><body>
<h1>{html.escape(_("Paths report"))}</h1>
<p>{html.escape(_("Share of paths leaving the territory, from probes in the territory"))}:
<b>{html.escape(share_text)}</b>
— {html.escape(summary["share_leaving_how"])}.<br>{html.escape(_("via an exchange"))}:
{summary["via_ixp"]} / {summary["traceroutes"]}.</p>
<p>{html.escape(_("Sources"))}: {html.escape("; ".join(sources) or "-")}</p>
{"".join(parts)}
<table><tr>{headers}</tr>
{rows}
</table></body></html>
"""
