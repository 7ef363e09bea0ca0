"""plotly.js's style rules read from the installed bundle and served as a stylesheet."""

from __future__ import annotations

import pytest
from django.test import Client

from lakou.portal.plotly_css import PlotlyCssError, map_style_ids, plotly_css, plotly_rules
from lakou.portal.traffic_views import _plotly_path, plotly_version

BUNDLE = _plotly_path().read_text(encoding="utf-8")


def test_the_rules_of_the_installed_plotly() -> None:
    rules = plotly_rules(BUNDLE)
    assert len(rules) > 30
    assert rules[0][0] == ".js-plotly-plot .plotly,.js-plotly-plot .plotly div"
    assert rules[0][1].startswith("direction:ltr;")
    assert any(selector.startswith(".plotly-notifier") for selector, _ in rules)
    assert all("X" not in selector for selector, _ in rules)
    assert len(map_style_ids(BUNDLE)) >= 1


def test_a_bundle_without_rules_is_refused() -> None:
    with pytest.raises(PlotlyCssError):
        plotly_rules("var x = 1;")
    with pytest.raises(PlotlyCssError):
        plotly_rules('{"X,X div":"a:b;" oops}')
    assert plotly_css('{"X,X div":"b:c;",Y:\'d:e;\'}') == (
        ".js-plotly-plot .plotly,.js-plotly-plot .plotly div{b:c;}\n.plotly-notifier{d:e;}\n"
    )


def test_the_stylesheet_is_served(client: Client) -> None:
    response = client.get(f"/traffic/plotly-{plotly_version()}.css")
    assert response.status_code == 200 and response["Content-Type"] == "text/css"
    assert b".js-plotly-plot .plotly" in response.content
    assert client.get("/traffic/plotly-0.0.0.css").status_code == 404
