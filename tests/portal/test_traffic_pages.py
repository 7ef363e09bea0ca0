"""The traffic pages and API read a store filled by the real pipeline from generated sFlow,
and show exactly the flow engine's numbers (those of ``lakou flows report``)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from lakou.cli import main
from lakou.demo import DemoSummary
from lakou.demo.traffic import replay_demo_traffic
from lakou.flows.reporting import latest_period
from lakou.flows.store import ParquetStore
from lakou.portal import traffic_queries
from lakou.portal.traffic_views import plotly_version
from lakou.registry.engines import all_exchanges

pytestmark = pytest.mark.django_db


def use_store(settings: Any, path: Path, **flows: Any) -> None:
    config = settings.LAKOU_CONFIG
    update = {"store_dir": str(path)} | flows
    settings.LAKOU_CONFIG = config.model_copy(
        update={"flows": config.flows.model_copy(update=update)}
    )
    traffic_queries.clear_cache()


@pytest.fixture
def sbh_store(demo: DemoSummary, settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Three hours of the demo's sFlow on the Saint-Barthélemy exchange alone, ending now,
    replayed through the collector's pipeline (decode, enrich with the registry's MACs)."""
    until = int(time.time()) // 60 * 60
    exchanges = [ex for ex in all_exchanges() if ex.slug == "demo-saint-barth"]
    path = tmp_path / "flows"
    sent, counters = replay_demo_traffic(path, exchanges, until - 3 * 3600, until)
    # the demo's traffic follows the territory's day: three night hours give about 800
    # samples, three evening hours several thousand; either is enough for the pages.
    assert sent > 0 and counters["sflow_samples"] > 300 and not counters.get("datagrams_malformed")
    use_store(settings, path)
    yield path
    traffic_queries.clear_cache()


def get_json(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    data = response.json()
    assert isinstance(data, dict)
    return data


def page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def cli_report(store: Path) -> dict[str, Any]:
    """``lakou flows report --format json`` over the period the pages show with ?days=1
    (a day, so the command, which reads against the clock, picks the minute sums too)."""
    since, until = latest_period(ParquetStore(store), 1) or (0, 0)
    args = ["flows", "report", "--store", str(store), "--since", str(since)]
    args += ["--until", str(until), "--format", "json", "--registry"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert isinstance(result, dict)
    return result


def test_api_report_is_the_flows_report(client: Client, sbh_store: Path) -> None:
    expected = cli_report(sbh_store)
    data = get_json(client, "/api/traffic/demo-saint-barth?days=1")
    assert data["status"] == "ok" and data["report"] == expected
    # The store's path is for staff only (docs/15-operate.md).
    assert data["source"] == {"kind": "duckdb", "location": "", "demo": False}
    assert data["period"]["since"] == expected["period"]["since"]
    assert data["period"]["level"] == "minute" and data["period"]["bucket"] == 300
    assert "sampling rate" in data["sampling"]
    # the series is the one whose highest bucket is the report's peak
    series = data["series"]
    assert len(series["bps"]) == expected["period"]["seconds"] // 300
    peak = expected["transit_cost_avoided"]["peak_ixp_mbps"]
    assert max(series["bps"]) / 1e6 == pytest.approx(peak, abs=1e-5)
    assert sum(d["bytes"] for d in data["days"]) == expected["totals"]["ixp_member_to_member_bytes"]
    # the demo's traffic: local share strictly between 0 and 1, foreign content to invite
    assert 0 < expected["local"]["local_share"] < 1
    # the first network to invite is one of the demo's foreign content networks (which one
    # leads depends on the random draw of the hours the store holds: Google or Meta)
    from lakou.demo.traffic import FOREIGN

    assert expected["invite"][0]["asn"] in {asn for asn, *_rest in FOREIGN}
    overview = get_json(client, "/api/traffic?days=1")
    by_slug = {ex["slug"]: ex["report"] for ex in overview["exchanges"]}
    assert by_slug["demo-saint-barth"] == expected
    # other exchanges' members sent nothing in this store
    assert by_slug["demo-saint-martin"]["matrix"] == []
    assert overview["prices"] == {
        "transit_per_mbps_month": 20.0,
        "ixp_port_per_mbps_month": 2.0,
        "currency": "USD",
    }


def test_pages_show_the_reports_numbers(client: Client, sbh_store: Path) -> None:
    report = cli_report(sbh_store)
    html = page(client, "/traffic/?days=1")
    card = html[html.index('id="traffic-demo-saint-barth"') :]
    card = card[: card.index("</article>")]
    share = report["local"]["local_share"] * 100
    assert f"{share:.1f} %" in card
    cost = report["transit_cost_avoided"]
    assert f"{cost['per_year']:,.0f} USD" in card
    assert f"{cost['peak_ixp_mbps']:.1f} Mb/s peak × (20.00 transit − 2.00 exchange port" in card
    assert "flows.prices in lakou.yml" in card
    assert "AS15169" in card and "peeringdb.com/asn/15169" in card
    top = max(report["members"], key=lambda m: m["in_bytes"] + m["out_bytes"])
    assert top["name"] in card
    # where the numbers come from: the store, the period, the sampling
    assert str(sbh_store) not in html and "300-second buckets" in html  # path: staff only
    assert "frame length × sampling rate" in html
    # the exchanges are the demo's, the traffic is not (no demo marker in this store)
    assert "tag-demo" in html and "This traffic is synthetic" not in html
    assert "No traffic between this exchange" in html  # Saint-Martin: nothing in this store

    html = page(client, "/traffic/demo-saint-barth/?days=1")
    for cell in report["matrix"]:
        start = html.index(f'data-src="{cell["src"]}" data-dst="{cell["dst"]}"')
        td = html[start : html.index("</td>", start)]
        assert f"±{cell['error_pct']:.1f} %" in td and f"n={cell['samples']:,}" in td
    assert html.count('class="cell"') == len(report["matrix"])
    for member in report["members"]:
        assert f'id="member-{member["asn"]}"' in html
    assert "95th pct." in html and "Traffic over time" in html
    assert 'id="series-chart"' in html and 'id="traffic-chart"' in html


def test_charts_are_served_locally(client: Client, sbh_store: Path) -> None:
    for url in ("/traffic/", "/traffic/demo-saint-barth/"):
        html = page(client, url)
        assert f'src="/traffic/plotly-{plotly_version()}.min.js"' in html
        assert "cdn" not in html.lower() and 'src="http' not in html
    url = f"/traffic/plotly-{plotly_version()}.min.js"
    raw = client.get(url)
    assert raw.status_code == 200 and raw["Content-Type"] == "text/javascript"
    assert b"plotly" in raw.content[:2000].lower() and len(raw.content) > 1_000_000
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip" and len(packed.content) < len(raw.content) / 2
    assert "immutable" in packed["Cache-Control"]
    assert client.get(url, headers={"if-none-match": raw["ETag"]}).status_code == 304
    assert client.get("/traffic/plotly-0.0.0.min.js").status_code == 404


def test_demo_store_is_labelled(client: Client, sbh_store: Path) -> None:
    (sbh_store / "DEMO-DATA.json").write_text(json.dumps({"generator": "lakou demo"}))
    traffic_queries.clear_cache()
    html = page(client, "/traffic/")
    assert "This traffic is synthetic" in html
    assert get_json(client, "/api/traffic")["source"]["demo"] is True


@pytest.mark.parametrize("make", [False, True])
def test_empty_store_says_how_to_start(
    client: Client, demo: DemoSummary, settings: Any, tmp_path: Path, make: bool
) -> None:
    store = tmp_path / "flows"
    if make:
        (store / "minute").mkdir(parents=True)
    use_store(settings, store)
    for url in ("/traffic/", "/traffic/demo-saint-martin/"):
        html = page(client, url)
        assert "No flow data yet" in html and "lakou flows collect --registry" in html
        assert str(store) not in html  # staff only (tests/portal/test_no_disclosure.py)
    data = get_json(client, "/api/traffic/demo-saint-martin")
    assert data["status"] == "empty" and data["report"] is None
    assert "lakou flows collect" in data["message"]


def test_unreachable_store_is_a_message(client: Client, demo: DemoSummary, settings: Any) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        unused_tcp_port = sock.getsockname()[1]
    config = settings.LAKOU_CONFIG
    clickhouse = config.flows.clickhouse.model_copy(update={"port": unused_tcp_port})
    use_store(settings, Path("."), store="clickhouse", clickhouse=clickhouse)
    html = page(client, "/traffic/")
    # The error names the host and port: staff only (tests/portal/test_no_disclosure.py).
    assert "cannot be read right now" in html and str(unused_tcp_port) not in html
    data = get_json(client, "/api/traffic")
    assert data["status"] == "unavailable" and str(unused_tcp_port) not in data["message"]


def test_languages(client: Client, sbh_store: Path) -> None:
    html = page(client, "/traffic/?days=1", **{"accept-language": "fr"})
    assert '<html lang="fr">' in html and "Trafic" in html and "Part locale" in html
    assert "Coût de transit évité" in html and " Go" in html
    share = cli_report(sbh_store)["local"]["local_share"] * 100
    assert f"{share:.1f} %".replace(".", ",") in html
    html = page(client, "/traffic/demo-saint-barth/", **{"accept-language": "fr"})
    assert "Membre × membre" in html and "95e centile" in html
    html = page(client, "/traffic/", **{"accept-language": "es"})
    assert '<html lang="es">' in html and "Tráfico" in html and "Proporción local" in html


def test_unknown_exchange_and_bad_period(client: Client, sbh_store: Path) -> None:
    assert client.get("/traffic/nowhere/").status_code == 404
    assert client.get("/api/traffic/nowhere").status_code == 404
    assert get_json(client, "/api/traffic?days=30")["period"]["days"] == 30
    assert get_json(client, "/api/traffic?days=3")["period"]["days"] == 7
    assert client.get("/api/traffic?days=abc").status_code == 422
    assert "7 days" in page(client, "/traffic/?days=abc")
    html = page(client, "/traffic/?days=1")
    assert 'href="?days=1" aria-current="true"' in html


def test_nav_links_to_traffic(client: Client, demo: DemoSummary) -> None:
    assert 'href="/traffic/">Traffic</a>' in page(client, "/")
