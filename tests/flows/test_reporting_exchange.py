"""Per-exchange reports (``build_exchange_reports``): the whole-store one is ``build_report``'s,
an exchange's figures are its members' share, the series and days add up to the report."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from lakou.exchange import Exchange, Member, PeeringLanAddress
from lakou.flows.config import Config
from lakou.flows.enrich import Enricher, MemberTable
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.reporting import (
    build_exchange_reports,
    build_report,
    exchange_rows,
    latest_period,
)
from lakou.flows.store import ParquetStore
from lakou.flows.testing import SampledFrame, datagram
from lakou.territory.index import PrefixIndex

T0 = 1_790_000_000 // 86400 * 86400 + 3600 * 20  # an evening, UTC


def member(asn: int, vlan: int, mac: str) -> Member:
    return Member(
        asn=asn, name=f"Net{asn}", addresses=(PeeringLanAddress(lan="p", vlan=vlan, macs=(mac,)),)
    )


EXCHANGES = [
    Exchange(
        slug="ix-a",
        name="IX A",
        members=(member(64500, 10, "02:00:00:00:0a:01"), member(64501, 10, "02:00:00:00:0a:02")),
    ),
    Exchange(
        slug="ix-b",
        name="IX B",
        members=(member(64502, 20, "02:00:00:00:0b:01"), member(64503, 20, "02:00:00:00:0b:02")),
    ),
]
PREFIXES = [("192.0.2.0/24", 64500, "MF"), ("198.51.100.0/24", 64501, "MF"),
            ("203.0.113.0/24", 64502, "SX"), ("100.64.0.0/10", 15169, None)]  # fmt: skip


def frame(src: str, dst: str, sip: str, dip: str, vlan: int, length: int = 1500) -> SampledFrame:
    return SampledFrame(src, dst, sip, dip, frame_length=length, vlan=vlan)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ParquetStore:
    """Three hours of sFlow on two exchanges, through the real pipeline."""
    a1, a2 = "02:00:00:00:0a:01", "02:00:00:00:0a:02"
    b1, b2 = "02:00:00:00:0b:01", "02:00:00:00:0b:02"
    kinds = [
        (frame(a1, a2, "192.0.2.5", "198.51.100.7", 10), 5),
        (frame(a2, a1, "198.51.100.7", "192.0.2.5", 10, 80), 2),
        (frame(a1, a2, "100.64.1.1", "198.51.100.9", 10), 3),  # foreign content via 64500
        (frame(b1, b2, "203.0.113.4", "203.0.113.200", 20), 4),
        (frame(b1, "02:00:00:00:ff:ff", "203.0.113.4", "203.0.113.9", 20), 1),  # unknown MAC
    ]
    path = tmp_path_factory.mktemp("flows")
    enricher = Enricher(
        members=MemberTable.from_exchanges(EXCHANGES), prefixes=PrefixIndex.from_rows(PREFIXES)
    )
    pipeline = Pipeline(enricher=enricher, store=ParquetStore(path))
    batch = []
    for minute in range(180):
        busy = 1 + (minute // 30) % 3  # a shape, so the peak is one bucket
        frames = [f for f, n in kinds for _ in range(n * busy)]
        batch.append(
            Received(datagram("192.0.2.250", frames, minute + 1), "192.0.2.250", T0 + 60 * minute)
        )
    pipeline.process(batch)
    pipeline.flush()
    return ParquetStore(path)


def test_whole_store_is_build_report(store: ParquetStore) -> None:
    since, until = T0 - 3600, T0 + 4 * 3600
    config = Config()
    names = {64500: "Net64500"}
    mine = build_exchange_reports(store, config, since, until, {"all": None}, names, now=until)
    assert mine["all"].report == build_report(store, config, since, until, names, now=until)


def test_each_exchange_gets_its_members_rows(store: ParquetStore) -> None:
    since, until = T0, T0 + 3 * 3600
    wanted = {ex.slug: [m.asn for m in ex.members] for ex in EXCHANGES} | {"all": None}
    out = build_exchange_reports(store, Config(), since, until, wanted, now=until)
    whole, a, b = (out[k].report.as_dict() for k in ("all", "ix-a", "ix-b"))
    assert {(c["src"], c["dst"]) for c in a["matrix"]} == {(64500, 64501), (64501, 64500)}
    assert {(c["src"], c["dst"]) for c in b["matrix"]} == {(64502, 64503)}
    assert a["matrix"] + b["matrix"] == whole["matrix"]
    # the unknown MAC counts for the member of B that sent to it, and for nobody in A
    assert b["totals"]["ixp_unattributed_bytes"] == whole["totals"]["ixp_unattributed_bytes"] > 0
    assert a["totals"]["ixp_unattributed_bytes"] == 0
    # 64500 hands foreign content over A: A's local share is below 1, B's is 1
    assert 0 < a["local"]["local_share"] < 1 and b["local"]["local_share"] == 1.0
    assert [row["asn"] for row in a["invite"]] == [15169] and b["invite"] == []
    assert {m["asn"] for m in b["members"]} == {64502, 64503}


def test_series_and_days_add_up_to_the_report(store: ParquetStore) -> None:
    since, until = T0, T0 + 3 * 3600
    out = build_exchange_reports(store, Config(), since, until, {"a": [64500, 64501]}, now=until)
    traffic = out["a"]
    report, series = traffic.report.as_dict(), traffic.series
    assert series["start"] == report["period"]["since"] and series["bucket"] == 300
    assert len(series["bps"]) == 36
    assert max(series["bps"]) / 1e6 == pytest.approx(
        report["transit_cost_avoided"]["peak_ixp_mbps"]
    )
    total = report["totals"]["ixp_member_to_member_bytes"]
    assert sum(d["bytes"] for d in traffic.days) == total
    assert sum(series["bps"]) * 300 / 8 == pytest.approx(total)
    (day,) = traffic.days
    assert day["buckets"] == 36 and day["peak_bps"] == max(series["bps"])
    assert day["mean_bps"] <= day["p95_bps"] <= day["peak_bps"]


def test_latest_period_follows_the_data(store: ParquetStore, tmp_path: Path) -> None:
    assert latest_period(store, 7) == (T0 + 179 * 60 + 60 - 7 * 86400, T0 + 180 * 60)
    assert latest_period(ParquetStore(tmp_path / "none"), 7) is None


def test_exchange_rows_keep_border_rows() -> None:
    table = pa.table(
        {
            "exporter_role": pa.array([1, 2, 0, 0], pa.uint8()),
            "source": pa.array([1, 10, 1, 10], pa.uint8()),
            "src_member": pa.array([7, 8, 9, 9], pa.int64()),
            "dst_member": pa.array([0, 0, 0, 0], pa.int64()),
        }
    )
    kept = exchange_rows(table, [7]).column("src_member").to_pylist()
    # exchange rows of member 7; border rows (role 2, or NetFlow without a role) whole
    assert kept == [7, 8, 9]
