"""Content locality by traffic: per-minute sums written to a real Parquet store, read back
by the engine, and the demo's week of sFlow replayed through the collector's pipeline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from lakou.flows.aggregate import SCHEMA
from lakou.flows.config import Config
from lakou.flows.content import content_locality_report
from lakou.flows.enrich import EXPORTER_BORDER, EXPORTER_EXCHANGE, ROLES
from lakou.flows.records import SOURCE_IPFIX, SOURCE_SFLOW
from lakou.flows.store import ParquetStore

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
GOOGLE, AKAMAI, NETFLIX, MEMBER = 15169, 20940, 2906, 27781


def row(**values: Any) -> dict[str, Any]:
    base = dict.fromkeys(SCHEMA.names, 0) | {"src_territory": "", "dst_territory": ""}
    base |= {"minute": T0, "source": SOURCE_IPFIX, "exporter_role": EXPORTER_BORDER}
    return base | values


def store_with(tmp_path: Path, rows: list[dict[str, Any]]) -> ParquetStore:
    store = ParquetStore(tmp_path / "flows")
    store.write(pa.Table.from_pylist(rows, schema=SCHEMA))
    return store


def report(store: ParquetStore, **config: Any) -> dict[str, Any]:
    return content_locality_report(store, Config(**config), T0, T0 + 3600, now=T0 + 3600)


def test_bytes_served_here_and_from_abroad(tmp_path: Path) -> None:
    rows = [
        # Google from abroad to the territory, and a Google cache numbered in Google's
        # space that the territory index places in SX
        row(src_origin=GOOGLE, src_territory="US", dst_territory="SX", bytes=6000, samples=6),
        row(src_origin=GOOGLE, src_territory="SX", dst_territory="GP", bytes=3000, samples=30),
        # a Netflix appliance behind a port whose role is "cache" (member's addresses)
        row(src_origin=NETFLIX, in_role=ROLES["cache"], dst_territory="MF", bytes=500, samples=5),
        # requests from the territory to Akamai abroad
        row(dst_origin=AKAMAI, src_territory="GP", dst_territory="NL", bytes=100, samples=1),
        # not content, not the territory's: ignored
        row(src_origin=MEMBER, src_territory="SX", dst_territory="GP", bytes=9999, samples=9),
        row(src_origin=GOOGLE, src_territory="US", dst_territory="FR", bytes=7777, samples=7),
        # the same bytes seen by the exchange's switch: another view, not counted again
        row(src_origin=GOOGLE, src_territory="US", dst_territory="SX", bytes=6000,
            source=SOURCE_SFLOW, exporter_role=EXPORTER_EXCHANGE),
    ]  # fmt: skip
    result = report(store_with(tmp_path, rows), local_territories=["GP", "MF", "BL", "SX"])
    assert result["view"] == "border"
    assert result["bytes"] == 9600 and result["local_bytes"] == 3500
    assert result["local_share"] == round(3500 / 9600, 4)
    by_asn = {r["asn"]: r for r in result["networks"]}
    assert by_asn[GOOGLE]["local_bytes"] == 3000 and by_asn[GOOGLE]["abroad_bytes"] == 6000
    assert by_asn[GOOGLE]["name"] == "Google"
    assert by_asn[NETFLIX]["local_share"] == 1.0 and by_asn[AKAMAI]["local_share"] == 0.0
    # ranked by the bytes a cache would keep local: Google first, Netflix (all local) last
    assert [r["asn"] for r in result["networks"]] == [GOOGLE, AKAMAI, NETFLIX]
    assert by_asn[GOOGLE]["local_share_error_pct"] == round(196 * (1 / 30) ** 0.5, 2)


def test_exchange_view_and_configured_networks(tmp_path: Path) -> None:
    rows = [
        row(src_origin=64500, src_territory="SX", dst_territory="GP", bytes=10, samples=1,
            source=SOURCE_SFLOW, exporter_role=EXPORTER_EXCHANGE),
        row(src_origin=GOOGLE, src_territory="US", dst_territory="GP", bytes=30, samples=1,
            source=SOURCE_SFLOW, exporter_role=EXPORTER_EXCHANGE),
    ]  # fmt: skip
    store = store_with(tmp_path, rows)
    result = report(store, content_networks={64500: "Island CDN"})
    assert result["view"] == "exchange"  # no border exporter in the period
    assert [(r["name"], r["local_share"]) for r in result["networks"]] == [("Island CDN", 1.0)]
    assert report(store, content_networks={})["bytes"] == 0


def test_empty_store(tmp_path: Path) -> None:
    result = report(ParquetStore(tmp_path / "none"))
    assert result["networks"] == [] and result["local_share"] is None


@pytest.mark.django_db
def test_demo_week_content_comes_from_abroad(tmp_path: Path) -> None:
    """The demo's foreign content (Google, Cloudflare, Akamai prefixes abroad) through the
    real pipeline: all of it is served from abroad, none from the territory."""
    from lakou.demo import load_demo
    from lakou.demo.traffic import replay_demo_traffic
    from lakou.registry.engines import all_exchanges

    load_demo()
    exchanges = [ex for ex in all_exchanges() if ex.slug == "demo-saint-barth"]
    until = int(time.time()) // 60 * 60
    path = tmp_path / "demo-flows"
    sent, _counters = replay_demo_traffic(path, exchanges, until - 3 * 3600, until)
    assert sent > 0
    result = content_locality_report(
        ParquetStore(path), Config(), until - 3 * 3600, until, now=until
    )
    names = {r["name"] for r in result["networks"]}
    assert {"Google", "Cloudflare"} <= names, names
    assert result["local_bytes"] == 0 and result["abroad_bytes"] > 0
    assert result["local_share"] == 0.0
