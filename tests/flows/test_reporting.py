"""Traffic seen at the exchange (sFlow) and at a member's border (IPFIX) is counted once per
view: the exchange view from exchange exporters, the territory view from border ones."""

from __future__ import annotations

from pathlib import Path

from lakou.flows.config import Config
from lakou.flows.enrich import Enricher, MemberTable
from lakou.flows.pipeline import Pipeline
from lakou.flows.records import SOURCE_IPFIX, SOURCE_SFLOW, FlowBatch, FlowRow, mac_to_int
from lakou.flows.reporting import build_report
from lakou.flows.store import ParquetStore
from lakou.territory.index import PrefixIndex

A, B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def _report(tmp_path: Path, rows: list[FlowRow]) -> dict:  # type: ignore[type-arg]
    members = MemberTable()
    members.add_mac(64500, A, 10)
    members.add_mac(64501, B, 10)
    members.rebuild()
    index = PrefixIndex.from_rows(
        [("192.0.2.0/24", 64500, "MF"), ("198.51.100.0/24", 64501, "MF"), ("0.0.0.0/0", 1, "US")]
    )
    store = ParquetStore(tmp_path / "s")
    pipe = Pipeline(Enricher(members, index), store)
    pipe.accept(FlowBatch.from_rows(rows))
    pipe.flush()
    return build_report(store, Config(local_territories=["MF"]), 0, 2**31, now=0).as_dict()


def test_same_traffic_at_exchange_and_border_counted_once(tmp_path: Path) -> None:
    local = dict(src_ip="192.0.2.5", dst_ip="198.51.100.5", time=1_790_000_000)
    sflow = FlowRow(
        source=SOURCE_SFLOW,
        exporter="10.0.0.1",
        bytes=1000,
        sampling_rate=100,
        src_mac=mac_to_int(A),
        dst_mac=mac_to_int(B),
        vlan=10,
        **local,
    )
    border = FlowRow(source=SOURCE_IPFIX, exporter="10.0.0.2", bytes=100_000, **local)
    foreign = FlowRow(
        source=SOURCE_IPFIX,
        exporter="10.0.0.2",
        bytes=300_000,
        src_ip="8.8.8.8",
        dst_ip="198.51.100.5",
        time=1_790_000_000,
    )
    report = _report(tmp_path / "both", [sflow, border, foreign])
    assert report["matrix"][0]["bytes"] == 100_000  # the exchange's sFlow only
    assert report["totals"]["ixp_bytes"] == 100_000
    assert report["totals"]["border_bytes"] == 400_000
    loc = report["local"]
    assert loc["view"] == "border"
    assert loc["local_bytes"] == 100_000 and loc["territory_bytes"] == 400_000  # not 500,000
    assert loc["local_share"] == 0.25
    # With only the exchange's sFlow, the territory view falls back to it.
    alone = _report(tmp_path / "alone", [sflow])
    assert alone["local"]["view"] == "exchange" and alone["local"]["local_share"] == 1.0
