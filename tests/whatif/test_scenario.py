"""Scenarios: a small hand-made territory, the shipped hurricane scenario on the real
CAIDA graph, the report's words for a regulator (English and French), registry exchanges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.exchange import Exchange, Member, PeeringLanAddress
from lakou.i18n import language
from lakou.whatif.exchanges import add_exchanges, route_server_clients
from lakou.whatif.graph import AsGraph
from lakou.whatif.report import headline, render_html, render_report, summary
from lakou.whatif.scenario import run_scenario
from lakou.whatif.scenario_file import ScenarioError, load_scenario

HURRICANE = Path(__file__).parents[2] / "examples/hurricane.yml"

# Three island networks 1, 2, 3 each buy transit from 100 abroad; 1 and 2 are on the
# exchange; 3 is not. A hurricane cuts the transit.
SMALL = """
name: small
territories:
  GP: {name: Guadeloupe, ases: {1: One, 2: Two}}
  MF: {name: Saint-Martin, ases: {3: Three}}
exchanges:
  - {slug: ix, name: IX, members: [1, 2]}
cut:
  - {name: hurricane, international_transit: true}
candidates:
  members: [{asn: 3, exchange: ix}]
  peerings: [[2, 3]]
"""


def _small(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.yml"
    path.write_text(SMALL)
    graph = AsGraph.from_links([(100, 1), (100, 2), (100, 3)])
    return run_scenario(load_scenario(path), graph)


def test_small_scenario_numbers(tmp_path: Path) -> None:
    result = _small(tmp_path)
    before, after, bare = (result.states[k] for k in ("before", "after", "after-no-ix"))
    assert before.pairs == 6 and before.reachable_pairs == 6
    assert before.domestic_pairs == 2  # only 1<->2 over the exchange stay local
    assert after.reachable_pairs == 2 and bare.reachable_pairs == 0
    assert after.isolated() == ["3"] and sorted(bare.isolated()) == ["1", "2", "3"]
    assert len(result.cut_links) == 3
    best = result.candidates[0]
    assert best.kind == "member" and best.reconnected == 4
    assert result.candidates[1].reconnected == 2
    assert result.changed_paths("before", "after") == 4


def test_report_speaks_to_a_regulator(tmp_path: Path) -> None:
    result = _small(tmp_path)
    text = "\n".join(headline(result))
    assert "After the event (hurricane), with the exchanges, 2 of 6 pairs (33%)" in text
    assert "without the exchanges, only 0 (0%)" in text
    assert "Cut off from every other local network after the event: Three (AS3)" in text
    assert "Most useful next step: AS3 at ix" in text
    with language("fr"):
        fr = "\n".join(headline(result))
    assert "Après l'événement" in fr and "réseaux locaux" in fr
    data = summary(result)
    assert data["states"]["after"]["reachable_pairs"] == 2
    json.dumps(data)


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    result = _small(tmp_path)
    html = render_html(result, "fr")
    assert html.startswith("<!DOCTYPE html>") and 'lang="fr"' in html
    assert "Plotly.newPlot" in html and "plotly.js" in html.lower()
    assert "https://cdn" not in html.split("<body>")[0]
    assert "Ce que cela signifie" in html


def test_the_report_in_each_format_and_language(tmp_path: Path) -> None:
    result = _small(tmp_path)
    assert render_report(result) == "\n".join(headline(result))
    fr = render_report(result, "text", "fr")
    assert "Après l'événement" in fr and "After the event" not in fr
    data = json.loads(render_report(result, "json", "es"))
    assert (
        data["states"]["after"]["reachable_pairs"] == 2
        and data["headline"] != summary(result)["headline"]
    )
    html = render_report(result, "html", "fr")
    assert html.startswith("<!DOCTYPE html>") and 'lang="fr"' in html


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name: x\nterritories: {GP: {name: G, ases: [notanas]}}", "territories.GP.ases"),
        ("name: x\nterritories: {}\nbogus: 1", "bogus"),
        ("name: x\nterritories: {}\ncut: [{name: c, links: [[1]]}]", "cut.0.links"),
        ("name: [x\n", "s.yml:2: not valid YAML"),
    ],
)
def test_bad_scenario_files_name_the_place(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "s.yml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=where.replace(".", r"\.")):
        load_scenario(path)


def test_registry_exchanges_become_hubs() -> None:
    def member(asn: int, rs4: bool, rs6: bool = False, never: bool = False) -> Member:
        addr = PeeringLanAddress(lan="lan", rs_ipv4=rs4, rs_ipv6=rs6)
        return Member(asn=asn, name=f"m{asn}", addresses=(addr,), never_via_route_servers=never)

    a = Exchange(
        slug="caribix-mf",
        name="CaribIX MF",
        bridged_to=("ocix",),
        members=(
            member(1, True),
            member(2, False, True),
            member(3, False),
            member(4, True, never=True),
        ),
    )
    b = Exchange(slug="ocix", name="OCIX", members=(member(5, True),))
    c = Exchange(slug="caribix-gp", name="CaribIX GP", members=(member(6, True), member(7, True)))
    assert route_server_clients(a) == [1, 2]
    assert route_server_clients(a, "ipv4") == [1]
    graph = AsGraph()
    hubs = add_exchanges(graph, [a, b, c])
    assert hubs == {"caribix-mf+ocix": {"1", "2", "5"}, "caribix-gp": {"6", "7"}}


@pytest.mark.data
@pytest.mark.slow
def test_hurricane_scenario_on_the_real_graph(shared_data: Path, tmp_path: Path) -> None:
    asrel = shared_data / "asrel" / "caida-20180101.as-rel.txt"
    out = tmp_path / "irma.html"
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "-L",
            "fr",
            "whatif",
            "scenario",
            str(HURRICANE),
            "--asrel",
            str(asrel),
            "--format",
            "html",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "Saint-Barthélemy" in html and "Plotly.newPlot" in html
    res = runner.invoke(
        main, ["whatif", "scenario", str(HURRICANE), "--asrel", str(asrel), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    states = data["states"]
    # Everyone reaches everyone today; the hurricane disconnects pairs; the exchanges
    # keep more pairs connected than without them.
    assert states["before"]["reachable_share"] == 1.0
    assert states["after"]["reachable_pairs"] < states["before"]["reachable_pairs"]
    assert states["after"]["reachable_pairs"] > states["after-no-ix"]["reachable_pairs"]
    assert all(kind == "provider-customer" for *_ab, kind in data["cut_links"])
    assert data["candidates"][0]["reconnected"] > 0
    text = "\n".join(data["headline"])
    assert "pairs of local networks can reach each other" in text
    assert "The exchanges keep" in text
