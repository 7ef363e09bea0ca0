"""A member's traffic: its row and column of the matrix, its p95, its port graphs.

The flow store is filled by the real pipeline from the demo's generated sFlow (three hours
on the Saint-Barthélemy exchange, as ``tests/portal/test_traffic_pages.py``); the figures must be
exactly the flow engine's report (``lakou flows report``), cut to the member. The port store
is filled by the ports engine's demo (sFlow counters through its collector).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from tests.accounts.conftest import World

from lakou.accounts import keys, manage, member_traffic
from lakou.cli import main
from lakou.demo import replay_demo_traffic
from lakou.flows.reporting import latest_period
from lakou.flows.store import ParquetStore
from lakou.portal import ports_views, traffic_queries
from lakou.ports import PortStore
from lakou.ports.demo import fill
from lakou.ports.store import percentile
from lakou.registry import models as m
from lakou.registry.engines import all_exchanges

pytestmark = pytest.mark.django_db

SLUG = "demo-saint-barth"


@pytest.fixture
def store(world: World, settings: Any, tmp_path: Path) -> Iterator[Path]:
    until = int(time.time()) // 60 * 60
    path = tmp_path / "flows"
    exchanges = [ex for ex in all_exchanges() if ex.slug == SLUG]
    sent, _counters = replay_demo_traffic(path, exchanges, until - 3 * 3600, until)
    assert sent > 0
    config = settings.LAKOU_CONFIG
    settings.LAKOU_CONFIG = config.model_copy(
        update={"flows": config.flows.model_copy(update={"store_dir": str(path)})}
    )
    traffic_queries.clear_cache()
    yield path
    traffic_queries.clear_cache()


def cli_report(store: Path) -> dict[str, Any]:
    since, until = latest_period(ParquetStore(store), 1) or (0, 0)
    args = ["flows", "report", "--store", str(store), "--since", str(since)]
    args += ["--until", str(until), "--format", "json", "--registry"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    result: dict[str, Any] = json.loads(out.output)
    return result


def cells(found: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(c, sort_keys=True) for c in found)


def busiest(report: dict[str, Any]) -> tuple[int, int]:
    """The member with most cells in the matrix, and another member of the exchange."""
    counts: dict[int, int] = {}
    for cell in report["matrix"]:
        for asn in (cell["src"], cell["dst"]):
            counts[asn] = counts.get(asn, 0) + 1
    ranked = sorted(counts, key=lambda a: -counts[a])
    return ranked[0], ranked[1]


def test_a_key_reads_its_row_and_column_and_p95_exactly(store: Path, world: World) -> None:
    report = cli_report(store)
    asn, other = busiest(report)
    user = manage.add_user("traffic-user", "member-user", asn)[0]
    key = keys.create_key(user, days=5)[1]
    client = Client(headers={"authorization": f"Bearer {key}"})
    answer = client.get(f"/api/members/{asn}/traffic?days=1")
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "ok" and data["since"] == report["period"]["since"]
    (ex,) = [e for e in data["exchanges"] if e["exchange"] == SLUG]
    row = next(r for r in report["members"] if r["asn"] == asn)
    assert ex["in_p95_bps"] == row["in_p95_bps"] and ex["out_p95_bps"] == row["out_p95_bps"]
    assert ex["in_bps"] == row["in_bps"] and ex["out_bps"] == row["out_bps"]
    mine = [c for c in report["matrix"] if c["src"] == asn]
    assert cells(ex["sent"]) == cells(mine) and mine
    theirs = [c for c in report["matrix"] if c["dst"] == asn]
    assert cells(ex["received"]) == cells(theirs) and theirs
    assert all(c["error_pct"] is not None and c["error_pct"] > 0 for c in ex["sent"])
    # nothing of the cells between two other members
    seen = {(c["src"], c["dst"]) for c in ex["sent"] + ex["received"]}
    assert all(asn in pair for pair in seen)
    assert client.get(f"/api/members/{other}/traffic").status_code == 404


def test_the_traffic_page_shows_the_cells_with_errors(store: Path, world: World) -> None:
    asn, other = busiest(cli_report(store))
    user = manage.add_user("traffic-user", "member-user", asn)[0]
    client = Client()
    client.force_login(user)
    html = client.get(f"/members/{asn}/traffic/?days=1", headers={"accept-language": "fr"})
    assert html.status_code == 200
    text = html.content.decode()
    section = text[text.index(f'id="traffic-{SLUG}"') :]
    assert "95e centile" in section or "95ᵉ centile" in section, section[:2000]
    assert 'class="sent"' in section and "±" in section
    assert 'id="matrix-chart-' in section
    assert "accounts/member_traffic.js" in text and "<script>" not in text
    assert client.get(f"/members/{other}/traffic/").status_code == 404


@pytest.fixture
def ports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: World) -> tuple[int, float]:
    """The ports engine's demo store for SLUG; member A's connection there holds
    ``demo-sw1:ethernet2``, as the registry says."""
    monkeypatch.setattr(ports_views, "store_directory", lambda slug: tmp_path / "ports" / slug)
    now = float(int(time.time()))
    fill(tmp_path / "ports" / SLUG, now, members=3, days=2)
    member = m.Member.objects.filter(exchange__slug=SLUG).select_related("network").first()
    assert member is not None
    switch = m.Switch.objects.create(exchange=member.exchange, name="demo-sw1")
    conn = member.connections.first() or m.Connection.objects.create(member=member)
    m.Port.objects.create(connection=conn, switch=switch, name="ethernet2", speed_mbps=1000)
    return member.network.asn, now


def test_port_graphs_are_the_ports_engines_series(ports: tuple[int, float], tmp_path: Path) -> None:
    asn, now = ports
    graphs = [g for g in member_traffic.port_graphs(asn, now=now) if g.exchange == SLUG]
    (graph,) = graphs
    assert "demo-sw1:ethernet2" in graph.ports and not graph.error
    expected = PortStore(tmp_path / "ports" / SLUG).total_series(
        now - 7 * 86400, now, 1800, member="member-02"
    )
    # the same sums, added in another order: equal to the last bits of a double
    assert len(graph.series) == len(expected) > 48
    for got, want in zip(graph.series, expected, strict=True):
        assert got[0] == want[0] and got[1:] == pytest.approx(want[1:], rel=1e-12)
    inputs = sorted(i for _b, i, _o in expected)
    assert graph.p95_bps == percentile(inputs, 95) and graph.peak_bps == inputs[-1]
    assert 0 < graph.mean_bps < graph.peak_bps


def test_the_page_draws_the_port_graph(ports: tuple[int, float], world: World) -> None:
    asn, _now = ports
    user = manage.add_user("port-user", "member-user", asn)[0]
    client = Client()
    client.force_login(user)
    text = client.get(f"/members/{asn}/traffic/").content.decode()
    ports_part = text[text.index('id="ports"') :]
    assert "demo-sw1:ethernet2" in ports_part and 'id="port-chart-' in ports_part
    chart = text[text.index('id="member-traffic-chart"') :]
    assert '"ports": [{"id": "port-chart-' in chart
