"""One spoofed datagram cannot move the traffic pages (issue 11): the NetFlow v5 datagram
dated 2091 (``unix_secs=3825100800``), sent over UDP on loopback to a running collector
whose store the portal reads, is counted and leaves the store and the window of
``/traffic/`` and ``/api/traffic`` unchanged; and a minute already stored in the future
(before the collector checked clocks) does not move the window either."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lakou.demo import DemoSummary
from lakou.demo.traffic import replay_demo_traffic
from lakou.flows.config import Listener
from lakou.flows.inlet import Collector
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.store import ParquetStore
from lakou.flows.testing import netflow_v5
from lakou.flows.trust import ExporterAllowList
from lakou.portal import traffic_queries
from lakou.registry.engines import all_exchanges

pytestmark = pytest.mark.django_db

SPOOFED = 3825100800  # 2091-03-19


@pytest.fixture
def store(demo: DemoSummary, settings: Any, tmp_path: Path) -> Iterator[Path]:
    """An hour of the demo's sFlow on Saint-Barthélemy, ending now, as the portal's store."""
    until = int(time.time()) // 60 * 60
    exchanges = [ex for ex in all_exchanges() if ex.slug == "demo-saint-barth"]
    path = tmp_path / "flows"
    replay_demo_traffic(path, exchanges, until - 3600, until)
    config = settings.LAKOU_CONFIG
    flows = config.flows.model_copy(update={"store_dir": str(path)})
    settings.LAKOU_CONFIG = config.model_copy(update={"flows": flows})
    traffic_queries.clear_cache()
    yield path
    traffic_queries.clear_cache()


def window(client: Client) -> tuple[dict[str, Any], str]:
    traffic_queries.clear_cache()
    api = client.get("/api/traffic?days=7").json()
    html = client.get("/traffic/?days=7").content.decode()
    assert api["status"] == "ok"
    return api["period"], html


def files(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()}


def send_spoofed(store: Path, action: str) -> dict[str, Any]:
    """The spoofed datagram from a stranger (127.0.0.2) and from an allowed exporter
    (127.0.0.1), over UDP, to a collector writing to ``store``."""

    async def run() -> Collector:
        collector = Collector(
            Pipeline(store=ParquetStore(store), clock_skew_action=action),  # type: ignore[arg-type]
            [Listener(address="127.0.0.1", port=0, protocol="netflow")],
            ExporterAllowList.from_entries([("127.0.0.1", "test")]),
            flush_seconds=0.2,
        )
        await collector.start()
        for source in ("127.0.0.2", "127.0.0.1"):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((source, 0))
            sock.sendto(netflow_v5(SPOOFED), collector.bound[0])
            sock.close()
        assert await collector.drained(2)
        await collector.stop()
        return collector

    return asyncio.run(run()).summary()


def test_the_spoofed_datagram_does_not_move_the_window(client: Client, store: Path) -> None:
    period, _html = window(client)
    before = files(store)
    summary = send_spoofed(store, "drop")
    assert summary["received"] == 2
    assert summary["unknown_exporters"] == {"127.0.0.2": 1}
    assert summary["clock_skew"] == 1 and summary.get("records", 0) == 0
    assert files(store) == before  # nothing written
    after, html_after = window(client)
    assert after == period
    assert "2091" not in html_after

    # re-dated (the default): stored at the receive time, not in 2091
    summary = send_spoofed(store, "redate")
    assert summary["clock_skew"] == 1 and summary["records"] == 1
    assert not any("2091" in name for name in files(store))
    now = int(time.time())
    redated, html_after = window(client)
    assert redated["until"] <= now // 60 * 60 + 60 and redated["since"] >= period["since"]
    assert "2091" not in html_after


def test_a_minute_stored_in_the_future_does_not_move_the_window(
    client: Client, store: Path
) -> None:
    """A store written before clocks were checked: the window still ends now."""
    period, _html = window(client)
    careless = Pipeline(store=ParquetStore(store), max_clock_skew=float("inf"))
    careless.process([Received(netflow_v5(SPOOFED), "192.0.2.1", float(SPOOFED))])
    careless.flush()
    assert any("2091" in name for name in files(store))
    after, html = window(client)
    # the window ends at the clock's next minute at the latest: the data still shows
    assert after["since"] == period["since"]
    assert period["until"] <= after["until"] <= int(time.time()) // 60 * 60 + 60
    assert "2091" not in html


def test_the_registry_switches_are_the_exporters_collect_trusts(demo: DemoSummary) -> None:
    """``flows collect --registry`` allows the switches' management addresses, which are
    the demo's sFlow agents."""
    from lakou.demo.traffic import switch_agents
    from lakou.registry.engines import switch_addresses

    agents = {ip for switches in switch_agents().values() for ip in switches.values()}
    assert agents and set(switch_addresses()) == agents
    allowed = ExporterAllowList.from_entries([(a, "registry switch") for a in switch_addresses()])
    assert all(allowed.allows(a) for a in agents) and not allowed.allows("127.0.0.2")
