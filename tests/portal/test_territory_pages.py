"""The territory report pages show what the engines compute from the configured files,
say which setting makes a missing input, and never show a traceback or a server path.

Each page is read with Django's test client on small files: an inventory built by the
territory engine from a few lines of public-data-shaped files, the example RIPE Atlas
results of ``examples/``, and a three-network scenario with its AS-relationship file.
The figures on the pages are checked against the engines' own results.
"""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lakou.accounts.testing import verified_login
from lakou.demo import DemoSummary
from lakou.paths import territory_paths
from lakou.registry.engines import all_exchanges
from lakou.territory import read_territory_report
from lakou.whatif import run_scenario_files

sys.path.insert(0, str(Path(__file__).parent))
from territory_fixtures import (
    COUNTRIES,
    EXAMPLES,
    configure,
    make_data_dir,
    make_inventory,
    make_scenario,
)

pytestmark = pytest.mark.django_db

PAGES = ["/territory/", "/territory/paths/", "/territory/whatif/"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("territory-web")
    scenario, asrel = make_scenario(root)
    return {
        "root": root,
        "inventory": make_inventory(root),
        "data": make_data_dir(root),
        "scenario": scenario,
        "asrel": asrel,
    }


@pytest.fixture
def configured(settings: Any, files: dict[str, Path], demo: DemoSummary) -> dict[str, Path]:
    configure(
        settings,
        territory={"inventory": files["inventory"], "countries": COUNTRIES},
        paths={"traceroutes": [EXAMPLES / "atlas-results.json"], "data_dir": files["data"]},
        whatif={"scenario": files["scenario"], "asrel": files["asrel"]},
    )
    return files


def text_of(html: str) -> str:
    """The visible text of a page: no tags, no scripts, spaces collapsed."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def get(client: Client, url: str, lang: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, (url, response.content[:400])
    return response.content.decode()


def chart_data(html: str, element: str) -> Any:
    found = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', html, re.S)
    assert found, element
    return json.loads(found.group(1))


# --------------------------------------------------------------------------- not configured
@pytest.mark.parametrize(
    ("url", "setting"),
    [
        ("/territory/", "territory.inventory"),
        ("/territory/paths/", "paths.traceroutes"),
        ("/territory/whatif/", "whatif.scenario"),
    ],
)
def test_unconfigured_page_names_the_setting(
    client: Client, settings: Any, url: str, setting: str
) -> None:
    configure(
        settings,
        territory={"inventory": None},
        paths={"traceroutes": []},
        whatif={"scenario": None},
    )
    page = text_of(get(client, url))
    assert "This part of the report is not configured yet." in page
    assert setting in page
    fr = text_of(get(client, url, "fr"))
    assert "pas encore configurée" in fr and setting in fr


@pytest.mark.parametrize("url", PAGES)
def test_unreadable_input_is_a_message_without_the_path(
    client: Client, settings: Any, tmp_path: Path, url: str
) -> None:
    broken = tmp_path / "secret-place" / "broken.json"
    broken.parent.mkdir()
    broken.write_text('{"countries": ["GP"], "prefixes": [{"prefix": 5}], "networks": []}')
    atlas = tmp_path / "secret-place" / "atlas.json"
    atlas.write_text("[not json")
    scenario = tmp_path / "secret-place" / "s.yml"
    scenario.write_text("name: x\nterritories: {GP: {name: G, ases: [1]}}\nbogus: 1\n")
    configure(
        settings,
        territory={"inventory": broken},
        paths={"traceroutes": [atlas]},
        whatif={"scenario": scenario, "asrel": tmp_path / "secret-place" / "none.txt"},
    )
    html = get(client, url)
    assert "cannot be read right now" in html
    assert "secret-place" not in html and "Traceback" not in html
    # staff see the engine's message, which names the file and the place
    from django.contrib.auth.models import User

    staff = User.objects.create_user("op", password="x-very-long-password", is_staff=True)
    verified_login(client, staff)  # staff pass the second factor (lakou.accounts)
    html = get(client, url)
    assert "secret-place" in html
    if url == "/territory/":
        assert "prefixes[0].prefix" in html


# --------------------------------------------------------------------------- territory
def test_territory_page_shows_the_inventory(client: Client, configured: dict[str, Path]) -> None:
    report = read_territory_report(configured["inventory"])
    html = get(client, "/territory/")
    page = text_of(html)
    assert str(configured["root"]) not in html
    assert re.search(r'data-figure="prefixes">\s*(\d+)', html).group(1) == str(len(report.prefixes))  # type: ignore[union-attr]
    # each network under its class, with its evidence
    for key, networks in report.by_class().items():
        section = html.split(f'id="class-{key}"')[1].split("</section>")[0]
        for n in networks:
            assert f"AS{n.asn}" in section, (key, n.asn)
            assert n.class_reason in text_of(section)
    classes = {n.asn: n.network_class for n in report.networks}
    assert classes[13335] == "global" and classes[21351] == "regional"
    assert classes[64511] == "elsewhere" and classes[27781] == "local"
    # the territories side by side
    for row in report.per_territory():
        cells = text_of(html.split(f'id="territory-{row["territory"]}">')[1].split("</tr>")[0])
        assert cells.split()[:3] == [row["territory"], str(row["prefixes"]), str(row["networks"])]
    sx = next(r for r in report.per_territory() if r["territory"] == "SX")
    assert sx["prefixes"] == sum(1 for p in report.prefixes if p.territory == "SX") >= 3
    # networks to invite, in the engine's order, global and elsewhere left out
    invite = html.split('id="invite"')[1].split("</table>")[0]
    ranked = re.findall(r"AS(\d+)", invite)
    assert ranked == [str(n.asn) for n in report.invitations()]
    assert "13335" not in ranked and "64511" not in ranked and ranked
    # the prefix the sources disagree on, with who says what
    least = text_of(html.split('id="least-sure"')[1].split("</table>")[0])
    assert "186.0.0.0/24" in least and "geo-whois-asn-country-ipv4.csv: BQ" in least
    data = chart_data(html, "territory-chart")
    assert data["classes"]["counts"] == [
        len(report.by_class()[k]) for k in ("local", "regional", "global", "elsewhere")
    ]
    assert sum(data["confidence"]["counts"]) == len(report.prefixes)
    assert "Networks to invite" in page and "None" not in page.split()


# --------------------------------------------------------------------------- paths
def test_paths_page_counts_probe_pairs_in_the_territory(
    client: Client, configured: dict[str, Path]
) -> None:
    report = territory_paths(
        [EXAMPLES / "atlas-results.json"],
        COUNTRIES,
        configured["inventory"],
        all_exchanges(),
        data_dir=configured["data"],
    )
    # the example: SX -> MF across the demo Sint Maarten exchange, SX -> FR via the US,
    # and a probe in France (shown, not counted)
    assert [p.verdict for p in report.pairs] == ["exchange", "left"]
    assert len(report.elsewhere) == 1
    html = get(client, "/territory/paths/")
    page = text_of(html)
    assert str(configured["root"]) not in html
    shares = dict(re.findall(r'data-figure="share-(\w+)">([^<]*)<', html))
    assert shares == {"exchange": "50.0 %", "local": "0.0 %", "left": "50.0 %", "unknown": "0.0 %"}
    assert "Sint Maarten IX (demo)" in page  # the exchange crossed, by name
    assert "left the territory: hop(s) located in FR, US" in page  # the evidence
    assert "Nothing to measure" not in page
    elsewhere = text_of(html.split('id="elsewhere"')[1].split("</table>")[0])
    assert "990002" in elsewhere and "23.138.120.1" in elsewhere
    data = chart_data(html, "paths-chart-data")
    assert data["share"] == [50.0, 0.0, 50.0, 0.0]
    es = text_of(get(client, "/territory/paths/", "es"))
    assert "sale del territorio" in es
    assert "salió del territorio: salto(s) situado(s) en FR, US" in es
    fr = text_of(get(client, "/territory/paths/", "fr"))  # evidence in French too
    assert "a quitté le territoire : saut(s) localisé(s) en/au FR, US" in fr


def test_paths_page_with_no_probe_in_the_territory(
    client: Client, settings: Any, configured: dict[str, Path]
) -> None:
    configure(settings, territory={"countries": ["BL"]})
    html = get(client, "/territory/paths/")
    page = text_of(html)
    assert 'id="nothing-to-measure"' in html
    assert "Nothing to measure: no probe is in the territory." in page
    assert 'id="shares"' not in html and "100" not in page.split("Nothing to measure")[0]
    fr = text_of(get(client, "/territory/paths/", "fr"))
    assert "Rien à mesurer" in fr


def test_real_atlas_traceroutes_nothing_to_measure(
    client: Client, settings: Any, configured: dict[str, Path], shared_data: Path
) -> None:
    atlas = shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl"
    if not atlas.is_file():
        pytest.skip(f"{atlas} not found")
    configure(settings, paths={"traceroutes": [atlas], "data_dir": None})
    html = get(client, "/territory/paths/")
    page = text_of(html)
    assert "Nothing to measure: no probe is in the territory." in page
    assert re.search(r'data-figure="pairs">\s*0<', html)
    elsewhere = int(re.search(r'data-figure="elsewhere">\s*(\d+)<', html).group(1))  # type: ignore[union-attr]
    assert elsewhere > 0 and 'id="shares"' not in html


# --------------------------------------------------------------------------- what-if
def test_whatif_page_shows_the_scenario(client: Client, configured: dict[str, Path]) -> None:
    result = run_scenario_files(configured["scenario"], configured["asrel"])
    html = get(client, "/territory/whatif/")
    page = text_of(html)
    assert str(configured["root"]) not in html
    assert "small hurricane" in page
    after = text_of(html.split('id="state-after"')[1].split("</tr>")[0])
    bare = text_of(html.split('id="state-after-no-ix"')[1].split("</tr>")[0])
    assert result.states["after"].reachable_pairs == 2 and "2 / 6" in after
    assert "0 / 6" in bare and "One (AS1)" in bare and "Three (AS3)" in bare
    kept = text_of(html.split('id="kept"')[1].split("</table>")[0])
    assert "One (AS1) Two (AS2)" in kept and "Two (AS2) One (AS1)" in kept
    candidates = re.findall(r"<td>(AS[^<]*)</td>", html.split('id="candidates"')[1])
    assert candidates[0] == "AS3 at ix" == result.candidates[0].subject
    data = chart_data(html, "whatif-chart")
    assert data["matrices"][0]["z"][0][1] == 2 and data["matrices"][1]["z"][0][1] == 0
    fr = text_of(get(client, "/territory/whatif/", "fr"))
    assert "Après l'événement" in fr or "Après l’événement" in fr
    es = text_of(get(client, "/territory/whatif/", "es"))
    assert "Después del evento" in es
    assert "AS3 en ix" in es  # the candidate in the visitor's language, not the first one's


def test_pages_are_public_and_linked(client: Client, configured: dict[str, Path]) -> None:
    home = get(client, "/")
    assert 'href="/territory/"' in home
    for url in PAGES:
        html = get(client, url)
        for other in PAGES:
            assert f'href="{other}"' in html
        assert "<script>" not in html and " style=" not in html  # the CSP forbids inline


# --------------------------------------------------------------------------- content locality
def test_content_locality_section(
    client: Client, settings: Any, configured: dict[str, Path], tmp_path: Path
) -> None:
    import time

    from lakou.demo.traffic import replay_demo_traffic
    from lakou.flows.content import content_locality_report
    from lakou.flows.reporting import latest_period
    from lakou.flows.store import ParquetStore
    from lakou.portal import traffic_queries

    configure(settings, flows={"store_dir": str(tmp_path / "no-store")})
    html = get(client, "/territory/")
    section = text_of(html.split('id="content-locality"')[1].split("</section>")[0])
    assert "No flow data yet" in section and "lakou flows collect --registry" in section

    until = int(time.time()) // 60 * 60
    path = tmp_path / "flows"
    exchanges = [ex for ex in all_exchanges() if ex.slug == "demo-sint-maarten"]
    sent, _counters = replay_demo_traffic(path, exchanges, until - 2 * 3600, until)
    assert sent > 0
    configure(settings, flows={"store_dir": str(path)})
    traffic_queries.clear_cache()
    store = ParquetStore(path)
    period = latest_period(store, traffic_queries.DEFAULT_DAYS)
    assert period is not None
    expected = content_locality_report(store, settings.LAKOU_CONFIG.flows, *period, now=period[1])
    html = get(client, "/territory/")
    assert str(path) not in html
    section = html.split('id="content-locality"')[1].split("</section>")[0]
    share = re.search(r'data-figure="content-local-share">([^<]*)<', section)
    assert share and share.group(1) == "0.0 %" and expected["local_share"] == 0.0
    listed = re.findall(r"AS(\d+)</span>", section)
    assert listed == [str(r["asn"]) for r in expected["networks"]] and listed
    data = chart_data(html, "content-chart-data")
    assert data["abroad"] == [r["abroad_bytes"] for r in expected["networks"][:15]]
    fr = text_of(get(client, "/territory/", "fr"))
    assert "Localité des contenus" in fr


# --------------------------------------------------------------------------- regional view
def test_regional_view_sets_neighbours_beside_the_territory(
    client: Client, settings: Any, configured: dict[str, Path], tmp_path: Path
) -> None:
    """Martinique's own inventory beside the four islands: its row is marked a neighbour,
    and Canal+ Telecom (space in GP and MQ) is a network across the region."""
    from lakou.territory.config import Config
    from lakou.territory.exports import to_json
    from lakou.territory.inventory import build_inventory, discover

    martinique = tmp_path / "martinique.json"
    built = build_inventory(discover(configured["data"]), Config(countries=["MQ"]))
    martinique.write_text(to_json(built))
    broken = tmp_path / "hidden-place" / "anguilla.json"
    broken.parent.mkdir()
    broken.write_text("{not json")
    configure(
        settings,
        territory={
            "inventory": configured["inventory"],
            "countries": COUNTRIES,
            "neighbours": [martinique, broken],
        },
    )
    for lang, word, region in [("en", "neighbour", "Networks across the region"),
                               ("fr", "voisin", "Réseaux présents dans toute la région"),
                               ("es", "vecino", "Redes presentes en toda la región")]:  # fmt: skip
        html = get(client, "/territory/", lang)
        row = text_of(html.split('id="territory-MQ">')[1].split("</tr>")[0])
        assert row.split()[:2] == ["MQ", word], row
        assert not text_of(html.split('id="territory-GP">')[1].split("</tr>")[0]).count(word)
        across = text_of(html.split('id="regional-networks"')[1].split("</section>")[0])
        assert region in text_of(html)
        assert "AS21351" in across and "GP" in across and "MQ" in across, across
        assert "AS27781" not in across  # SMITCOMS is in Sint Maarten only
        assert "hidden-place" not in html and "(territory.neighbours)" in html
    # staff see which file failed, and why
    from django.contrib.auth.models import User

    staff = User.objects.create_user("op", password="x-very-long-password", is_staff=True)
    verified_login(client, staff)
    assert "hidden-place/anguilla.json" in get(client, "/territory/")


def test_regional_view_counts_a_territory_once() -> None:
    from lakou.territory import TerritoryReport, regional_view
    from lakou.territory.report import NetworkRow

    def net(asn: int, where: list[str], cls: str = "local") -> NetworkRow:
        return NetworkRow(asn, f"N{asn}", cls, "", where, 1, 256, [], True, 1, 1.0, 1, None)

    own = TerritoryReport(["GP", "MF"], "", [net(1, ["GP", "MF"]), net(2, ["GP"])], [], [], [])
    neighbours = [net(1, ["MQ"], "regional"), net(3, ["MF"])]
    other = TerritoryReport(["MF", "MQ"], "", neighbours, [], [], [])
    view = regional_view(own, [("mq.json", other)])
    assert [(r["territory"], r["neighbour"]) for r in view.rows] == [
        ("GP", False),
        ("MF", False),
        ("MQ", True),
    ]
    assert [(n.asn, n.classes) for n in view.networks] == [
        (1, {"GP": "local", "MF": "local", "MQ": "regional"}),
    ]


def test_class_reasons_in_the_visitors_language(
    client: Client, configured: dict[str, Path]
) -> None:
    """The inventory was built in English; a French or Spanish visitor reads why in theirs."""
    report = read_territory_report(configured["inventory"])
    smitcoms = next(n for n in report.networks if n.asn == 27781)
    assert smitcoms.reason is not None and "registered in SX" in smitcoms.class_reason
    for lang, words in [("fr", "enregistré en SX"), ("es", "registrado en SX")]:
        section = text_of(get(client, "/territory/", lang).split('id="class-local"')[1])
        assert words in section.split("AS27781")[1].split("AS")[0], (lang, section[:600])
        assert smitcoms.class_reason not in section


def test_a_reason_from_a_file_is_rendered_only_from_known_templates() -> None:
    from lakou.territory.classify import REASONS, REGISTERED_IN
    from lakou.territory.reason import Reason

    good = {"template": REGISTERED_IN, "args": {"country": "SX"}}
    assert Reason.from_dict(good, REASONS) == Reason(REGISTERED_IN, {"country": "SX"})
    assert Reason.from_dict({"template": "{country.__class__}", "args": {}}, REASONS) is None
    assert Reason.from_dict({"template": REGISTERED_IN, "args": {}}, REASONS) is None  # no value
    assert Reason.from_dict({"template": REGISTERED_IN, "args": {"country": [1]}}, REASONS) is None


def test_the_refresher_reads_the_reports_before_a_visitor_asks(
    client: Client, configured: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lakou serve``'s refresher computes the what-if scenario; the page then uses it."""
    from lakou.portal import territory_views
    from lakou.whatif import run_scenario_files

    runs: list[Path] = []

    def counted(scenario: Path, *args: Any, **kwargs: Any) -> Any:
        runs.append(scenario)
        return run_scenario_files(scenario, *args, **kwargs)

    monkeypatch.setattr(territory_views.whatif_engine, "run_scenario_files", counted)
    territory_views.clear_cache()
    assert territory_views.refresh_reports() == []
    assert runs == [configured["scenario"]]
    assert "small hurricane" in text_of(get(client, "/territory/whatif/"))
    assert runs == [configured["scenario"]]  # the visitor did not wait for a run
    assert territory_views.refresh_reports() == [] and len(runs) == 1  # files unchanged
    configured["scenario"].write_text(configured["scenario"].read_text() + "\n")
    assert territory_views.refresh_reports() == [] and len(runs) == 2  # a file changed
