"""Scenario reports: sentences a regulator reads, a JSON summary, an HTML page with pictures.

The headline is written in words ("after the event, 100 of 182 pairs of local networks
can still reach each other"), in the reader's language (French or English). The HTML
page is self-contained (plotly.js inline, no network needed to open it): the share of
pairs connected in each state, the territory's networks and links before and after the
event (cut links in red), the reachability matrices, and the candidates ranked.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lakou.i18n import gettext as _
from lakou.i18n import language
from lakou.whatif.graph import AsGraph
from lakou.whatif.scenario import ScenarioResult, StateResult

TEMPLATE_DIR = Path(__file__).parent / "templates"
INTERNET = "Internet"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def state_title(key: str) -> str:
    return {
        "before": _("Before the event, with the exchanges"),
        "before-no-ix": _("Before the event, without the exchanges"),
        "after": _("After the event, with the exchanges"),
        "after-no-ix": _("After the event, without the exchanges"),
    }[key]


def who(result: ScenarioResult, label: str) -> str:
    name = result.name(label)
    return f"{name} (AS{label})" if name else f"AS{label}"


def headline(result: ScenarioResult) -> list[str]:
    """The findings in plain sentences, in the current language."""
    s = result.states
    before, after, bare = s["before"], s["after"], s["after-no-ix"]
    n = before.pairs
    territories = ", ".join(t.name for t in result.scenario.territories.values())
    lines = [
        _("{territories}: {k} local networks, so {n} ordered pairs of networks.").format(
            territories=territories, k=len(result.labels), n=n
        ),
        _(
            "Today, {r} of {n} pairs of local networks can reach each other ({p}); "
            "{d} of these paths stay inside the territory."
        ).format(
            r=before.reachable_pairs,
            n=n,
            p=_pct(before.reachable_share),
            d=_pct(before.domestic_share),
        ),
        _(
            "After the event ({event}), with the exchanges, {r} of {n} pairs ({p}) can "
            "still reach each other; without the exchanges, only {r2} ({p2})."
        ).format(
            event="; ".join(c.name for c in result.scenario.cut) or _("no cut"),
            r=after.reachable_pairs,
            n=n,
            p=_pct(after.reachable_share),
            r2=bare.reachable_pairs,
            p2=_pct(bare.reachable_share),
        ),
    ]
    gain = after.reachable_pairs - bare.reachable_pairs
    if gain > 0:
        lines.append(
            _(
                "The exchanges keep {g} more pairs of local networks connected during the event."
            ).format(g=gain)
        )
    else:
        lines.append(_("The exchanges do not change which local networks stay connected."))
    local_gain = s["before"].domestic_pairs - s["before-no-ix"].domestic_pairs
    if local_gain > 0:
        lines.append(
            _(
                "In normal times the exchanges keep {g} more paths between local networks "
                "inside the territory."
            ).format(g=local_gain)
        )
    isolated = after.isolated()
    if isolated:
        lines.append(
            _("Cut off from every other local network after the event: {names}.").format(
                names=", ".join(who(result, x) for x in isolated)
            )
        )
    else:
        lines.append(_("No local network is cut off from all the others after the event."))
    lines.append(
        _("{c} paths between local networks change because of the event ({cut} links cut).").format(
            c=result.changed_paths("before", "after"), cut=len(result.cut_links)
        )
    )
    best = result.candidates[0] if result.candidates else None
    if best is not None and (best.reconnected > 0 or best.kept_local_normal > 0):
        lines.append(
            _(
                "Most useful next step: {subject}, which reconnects {g} pairs during the event "
                "and keeps {k} more paths local in normal times."
            ).format(subject=best.subject, g=best.reconnected, k=best.kept_local_normal)
        )
    if result.missing:
        lines.append(
            _("Not in the public AS graph (no links known): {names}.").format(
                names=", ".join(who(result, x) for x in result.missing)
            )
        )
    return lines


def summary(result: ScenarioResult) -> dict[str, Any]:
    """The JSON form of a scenario's results."""

    def state(st: StateResult) -> dict[str, Any]:
        return {
            "pairs": st.pairs,
            "reachable_pairs": st.reachable_pairs,
            "domestic_pairs": st.domestic_pairs,
            "reachable_share": round(st.reachable_share, 4),
            "domestic_share": round(st.domestic_share, 4),
            "isolated": st.isolated(),
            "unreachable": [
                [st.labels[i], st.labels[j]]
                for i in range(len(st.labels))
                for j in range(len(st.labels))
                if i != j and not st.reach[i, j]
            ],
        }

    return {
        "scenario": result.scenario.name,
        "territory": {a: result.territory_of[a] for a in result.labels},
        "exchanges": result.hubs,
        "cut_links": [list(x) for x in result.cut_links],
        "added_links": [list(x) for x in result.added_links],
        "states": {k: state(v) for k, v in result.states.items()},
        "paths_changed": result.changed_paths("before", "after"),
        "candidates": [vars(c) for c in result.candidates],
        "missing_from_graph": result.missing,
        "headline": headline(result),
    }


# ---- pictures ---------------------------------------------------------------------------
def _layout(result: ScenarioResult) -> dict[str, tuple[float, float]]:
    """Territories on a circle, each territory's networks on a small circle around it."""
    codes = list(result.scenario.territories)
    pos: dict[str, tuple[float, float]] = {INTERNET: (0.0, 2.2)}
    for t, code in enumerate(codes):
        angle = math.pi / 2 + 2 * math.pi * (t + 0.5) / max(len(codes), 1)
        cx, cy = 1.3 * math.cos(angle), 1.3 * math.sin(angle) - 0.3
        members = [a for a in result.labels if result.territory_of[a] == code]
        for i, label in enumerate(members):
            a = 2 * math.pi * i / max(len(members), 1)
            r = 0.0 if len(members) == 1 else 0.45
            pos[label] = (cx + r * math.cos(a), cy + r * math.sin(a))
    for h, hub in enumerate(sorted(result.hubs)):
        pos["hub:" + hub] = (-0.5 + h * 0.5, -0.3 - 0.15 * h)
    return pos


def _edges(result: ScenarioResult, graph: AsGraph) -> dict[str, list[tuple[str, str]]]:
    inside = set(result.labels)
    out: dict[str, list[tuple[str, str]]] = {"transit": [], "peer": [], "abroad": []}
    for p, c in graph.provider_customer:
        if p in inside and c in inside:
            out["transit"].append((p, c))
    for a, b in graph.peers:
        if a in inside and b in inside:
            out["peer"].append((a, b))
    abroad = set()
    for p, c in graph.provider_customer:
        if (p in inside) != (c in inside):
            abroad.add(c if c in inside else p)
    for a, b in graph.peers:
        if (a in inside) != (b in inside):
            abroad.add(a if a in inside else b)
    out["abroad"] = [(x, INTERNET) for x in sorted(abroad)]
    return out


def territory_figure(result: ScenarioResult) -> go.Figure:
    pos = _layout(result)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(state_title("before"), state_title("after")),
        horizontal_spacing=0.04,
    )
    cut_abroad = {a if a in result.territory_of else b for a, b, _k in result.cut_links}
    styles = {
        "transit": ("#1f77b4", "solid", _("transit between local networks")),
        "peer": ("#2ca02c", "solid", _("peering between local networks")),
        "abroad": ("#7f7f7f", "dot", _("links to the rest of the Internet")),
        "hub": ("#9467bd", "solid", _("route-server session at an exchange")),
        "cut": ("#d62728", "dash", _("cut by the event")),
    }
    for col, (key, graph) in enumerate(
        (("before", result.graph_before), ("after", result.graph_after)), start=1
    ):
        edges = _edges(result, graph)
        edges["hub"] = [("hub:" + h, m) for h, ms in result.hubs.items() for m in ms if m in pos]
        if key == "after":
            edges["cut"] = [(x, INTERNET) for x in sorted(cut_abroad)]
            still = {a for a, _b in edges["abroad"]}
            edges["cut"] = [(a, b) for a, b in edges["cut"] if a not in still]
        for kind, pairs in edges.items():
            color, dash, name = styles[kind]
            xs: list[float | None] = []
            ys: list[float | None] = []
            for a, b in pairs:
                if a in pos and b in pos:
                    xs += [pos[a][0], pos[b][0], None]
                    ys += [pos[a][1], pos[b][1], None]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=name,
                    legendgroup=kind,
                    showlegend=col == 1 or kind == "cut",
                    line={"color": color, "dash": dash, "width": 2},
                    hoverinfo="skip",
                ),
                row=1,
                col=col,
            )
        st = result.states[key]
        k = len(st.labels)
        share = [
            (sum(st.reach[i, j] for j in range(k) if j != i) / max(k - 1, 1)) for i in range(k)
        ]
        fig.add_trace(
            go.Scatter(
                x=[pos[x][0] for x in st.labels],
                y=[pos[x][1] for x in st.labels],
                mode="markers+text",
                text=[f"AS{x}" for x in st.labels],
                textposition="bottom center",
                hovertext=[
                    _("{who}: reaches {p} of the other local networks").format(
                        who=who(result, x), p=_pct(s)
                    )
                    for x, s in zip(st.labels, share, strict=True)
                ],
                hoverinfo="text",
                marker={
                    "size": 18,
                    "color": share,
                    "cmin": 0,
                    "cmax": 1,
                    "colorscale": [[0, "#d62728"], [0.5, "#ff7f0e"], [1, "#2ca02c"]],
                    "line": {"width": 1, "color": "#333"},
                },
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        hubs = ["hub:" + h for h in sorted(result.hubs)]
        fig.add_trace(
            go.Scatter(
                x=[pos[h][0] for h in hubs] + [pos[INTERNET][0]],
                y=[pos[h][1] for h in hubs] + [pos[INTERNET][1]],
                mode="markers+text",
                text=[h[4:] for h in hubs] + [_("rest of the Internet")],
                textposition="top center",
                marker={
                    "size": 22,
                    "symbol": ["diamond"] * len(hubs) + ["circle"],
                    "color": ["#9467bd"] * len(hubs) + ["#bbbbbb"],
                },
                showlegend=False,
                hoverinfo="text",
            ),
            row=1,
            col=col,
        )
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        fig.layout[axis].update(visible=False)
    fig.update_layout(
        height=620,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.05},
        plot_bgcolor="white",
    )
    return fig


def shares_figure(result: ScenarioResult) -> go.Figure:
    keys = list(result.states)
    names = [state_title(k) for k in keys]
    fig = go.Figure(
        [
            go.Bar(
                name=_("pairs of local networks that can reach each other"),
                x=names,
                y=[100 * result.states[k].reachable_share for k in keys],
                marker_color="#1f77b4",
            ),
            go.Bar(
                name=_("pairs whose path stays in the territory"),
                x=names,
                y=[
                    100 * result.states[k].domestic_pairs / max(result.states[k].pairs, 1)
                    for k in keys
                ],
                marker_color="#2ca02c",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        yaxis={"title": "%", "range": [0, 100]},
        height=380,
        margin={"l": 40, "r": 10, "t": 20, "b": 10},
        legend={"orientation": "h"},
    )
    return fig


def matrix_figure(result: ScenarioResult, key: str) -> go.Figure:
    st = result.states[key]
    k = len(st.labels)
    z = [
        [
            None if i == j else (2 if st.domestic[i, j] else 1 if st.reach[i, j] else 0)
            for j in range(k)
        ]
        for i in range(k)
    ]
    meaning = {0: _("no route"), 1: _("route leaves the territory"), 2: _("route stays local")}
    text = [[meaning[v] if v is not None else "" for v in row] for row in z]
    axis = [f"{result.territory_of[x]} AS{x}" for x in st.labels]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=axis,
            y=axis,
            text=text,
            zmin=0,
            zmax=2,
            xgap=1,
            ygap=1,
            colorscale=[
                [0, "#d62728"],
                [0.33, "#d62728"],
                [0.34, "#ff7f0e"],
                [0.66, "#ff7f0e"],
                [0.67, "#2ca02c"],
                [1, "#2ca02c"],
            ],
            colorbar={"tickvals": [0.33, 1, 1.67], "ticktext": list(meaning.values())},
            hovertemplate=_("from %{y} to %{x}: %{text}") + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=state_title(key),
        height=560,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis={"autorange": "reversed", "title": _("from")},
        xaxis={"title": _("to")},
    )
    return fig


def candidates_figure(result: ScenarioResult) -> go.Figure | None:
    if not result.candidates:
        return None
    cands = result.candidates[::-1]
    bars = (
        ([c.reconnected for c in cands], _("pairs reconnected during the event"), "#1f77b4"),
        ([c.kept_local_normal for c in cands], _("more local paths in normal times"), "#2ca02c"),
    )
    subjects = [c.subject for c in cands]
    fig = go.Figure(
        [
            go.Bar(orientation="h", y=subjects, x=x, name=name, marker_color=color)
            for x, name, color in bars
        ]
    )
    fig.update_layout(
        barmode="group",
        height=120 + 45 * len(cands),
        legend={"orientation": "h"},
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
    )
    return fig


def render_html(result: ScenarioResult, lang: str = "en") -> str:
    """The whole report as one self-contained HTML page."""
    with language(lang) as lang:
        figures: list[tuple[str, go.Figure]] = [
            (_("Local networks that can reach each other"), shares_figure(result)),
            (_("The territory's networks and links, before and after"), territory_figure(result)),
            (_("Who reaches whom, before the event"), matrix_figure(result, "before")),
            (
                _("Who reaches whom, after the event, with the exchanges"),
                matrix_figure(result, "after"),
            ),
            (
                _("Who reaches whom, after the event, without the exchanges"),
                matrix_figure(result, "after-no-ix"),
            ),
        ]
        cand = candidates_figure(result)
        if cand is not None:
            figures.append((_("Candidate new members and peerings, by gain"), cand))
        blocks = []
        for i, (title, fig) in enumerate(figures):
            html = fig.to_html(full_html=False, include_plotlyjs=(i == 0), default_width="100%")
            blocks.append({"title": title, "html": html})
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
        )
        env.globals["_"] = _
        template = env.get_template("report.html.j2")
        return template.render(
            lang=lang,
            result=result,
            headline=headline(result),
            figures=blocks,
            states=[(state_title(k), v) for k, v in result.states.items()],
            who=lambda x: who(result, x),
            pct=_pct,
            changed=result.changed_paths("before", "after"),
        )


def render_report(result: ScenarioResult, fmt: str = "text", lang: str = "en") -> str:
    """The scenario's report in ``fmt``: ``text`` (the headline), ``json``
    (:func:`summary`) or ``html`` (:func:`render_html`), in ``lang``."""
    import json

    if fmt == "html":
        return render_html(result, lang)
    with language(lang):
        if fmt == "json":
            return json.dumps(summary(result), indent=2, ensure_ascii=False)
        return "\n".join(headline(result))
