"""The ClickHouse store against Debian's real server: the same input replayed into DuckDB
and into ClickHouse gives the same reports, before and after roll-ups and retention."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.flows.clickhouse_store import ClickHouseStore, _partition_start
from lakou.flows.config import Config, InterfaceRole
from lakou.flows.enrich import Enricher, InterfaceRoles, MemberTable
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.pcap import read_datagrams
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.reporting import build_report
from lakou.flows.store import FlowStore, FlowStoreError, ParquetStore
from lakou.flows.testing import ClickHouseServer, SampledFrame, datagram
from lakou.territory.index import PrefixIndex

pytestmark = pytest.mark.live

BASE = 1_790_000_000  # 2026-09-21 14:13 UTC
MACS = {64500: "02:00:00:00:00:01", 64501: "02:00:00:00:00:02", 64502: "02:00:00:00:00:03"}
NETS = {64500: "192.0.2.{}", 64501: "198.51.100.{}", 64502: "203.0.113.{}"}
DAYS = {"minute": 7, "hour": 90, "day": 3650}


def assert_same(a: Any, b: Any, where: str = "$") -> None:
    """JSON equality, floats compared with a relative tolerance (sums may differ in order)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), where
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), (where, sorted(a), b)
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def enricher(shared_data: Path) -> Enricher:
    members = MemberTable()
    for asn, mac in MACS.items():
        members.add_mac(asn, mac, 10)
        members.names[asn] = f"Member {asn}"
    members.rebuild()
    index = PrefixIndex.from_rows(
        [
            ("192.0.2.0/24", 64500, "MF"),
            ("198.51.100.0/24", 64501, "MF"),
            ("203.0.113.0/24", 64502, "US"),
            ("0.0.0.0/1", 64600, "GP"),
            ("128.0.0.0/1", 64601, "FR"),
            ("2000::/3", 64602, "GP"),
        ]
    )
    # A border router's interfaces: give the first interfaces seen in the pmacct captures
    # roles, so trombones and roles are exercised too.
    decoder = NetflowDecoder()
    seen: list[tuple[str, int]] = []
    for path in sorted((shared_data / "flows" / "pmacct").glob("*.pcap")):
        for d in read_datagrams(path):
            for row in decoder.rows(decoder.decode(d.payload, str(d.src))):
                if (row.exporter, row.in_if) not in seen:
                    seen.append((row.exporter, row.in_if))
    roles = [
        InterfaceRole(exporter=exp, ifindex=ifx, role=("transit", "ixp", "cache")[i % 3])
        for i, (exp, ifx) in enumerate(seen[:9])
    ]
    return Enricher(members, index, InterfaceRoles.from_config(roles))


def replay(store: FlowStore, shared_data: Path) -> dict[str, int]:
    """Generated sFlow over three days, the real sFlow and NetFlow/IPFIX captures."""
    pipe = Pipeline(enricher(shared_data), store)
    items = []
    for i in range(90):
        src, dst = [(64500, 64501), (64501, 64500), (64502, 64500), (64500, 64502)][i % 4]
        frames = [
            SampledFrame(
                MACS[src],
                MACS[dst],
                NETS[src].format(1 + (i + k) % 50),
                NETS[dst].format(1 + k),
                frame_length=200 + 13 * k + i,
                vlan=10,
                sampling_rate=(512, 1024, 2048)[i % 3],
            )
            for k in range(1 + i % 5)
        ]
        when = BASE + i * 2400.0  # every 40 minutes: 60 hours, three UTC days
        items.append(Received(datagram("127.0.0.1", frames, i + 1), "127.0.0.1", when))
    for folder in ("sflow", "netflow", "pmacct"):
        for path in sorted((shared_data / "flows" / folder).glob("*.pcap")):
            items += [Received(d.payload, str(d.src), d.time) for d in read_datagrams(path)]
    for start in range(0, len(items), 64):
        pipe.process(items[start : start + 64])
        pipe.flush()  # many small writes, as a collector does
    return dict(pipe.counters)


@pytest.fixture
def stores(
    clickhouse: ClickHouseServer, tmp_path: Path, shared_data: Path
) -> Iterator[tuple[ParquetStore, ClickHouseStore]]:
    parquet = ParquetStore(tmp_path / "store")
    database = f"lakou_test_{uuid.uuid4().hex[:8]}"
    ch = ClickHouseStore(clickhouse.host, clickhouse.port, database)
    try:
        counted = replay(parquet, shared_data), replay(ch, shared_data)
        assert counted[0] == counted[1] and counted[0]["records"] > 300
        yield parquet, ch
    finally:
        ch.close()


def reports(store: FlowStore, since: int, now: int) -> dict[str, Any]:
    config = Config(local_territories=["MF", "GP"])
    return build_report(store, config, since, 2**31, {64500: "Member 64500"}, now=now).as_dict()


def test_same_reports_as_duckdb(stores: tuple[ParquetStore, ClickHouseStore]) -> None:
    parquet, ch = stores
    assert parquet.time_range() == ch.time_range()
    whole = reports(parquet, 0, BASE), reports(ch, 0, BASE)
    assert whole[0]["matrix"] and whole[0]["local"]["local_share"] is not None
    assert whole[0]["invite"] and whole[0]["local"]["bytes_by_link_role"]
    assert_same(whole[0], whole[1])
    # A recent window (minute level) and older ones (hour and day levels, after roll-up).
    now = BASE + 3 * 86400
    assert_same(reports(parquet, BASE + 86400, now), reports(ch, BASE + 86400, now))
    made = parquet.rollup(now), ch.rollup(now)
    assert made[0] == made[1] > 60
    assert parquet.rollup(now) == ch.rollup(now) == 0  # a period is rolled up once
    for level in ("hour", "day"):
        assert_same(
            parquet.fetch(level, 0, 2**31, 86400).to_pylist(),
            ch.fetch(level, 0, 2**31, 86400).to_pylist(),
            level,
        )
    later = BASE + 30 * 86400  # minutes past retention: the report reads hours
    first_day = BASE // 86400 * 86400
    hour = reports(parquet, first_day, later), reports(ch, first_day, later)
    assert hour[0]["level"] == "hour" and hour[0]["matrix"]
    assert_same(hour[0], hour[1])
    years = BASE + 400 * 86400  # hours past retention too: days
    day = reports(parquet, first_day, years), reports(ch, first_day, years)
    assert day[0]["level"] == "day"
    assert_same(day[0], day[1])
    # The roll-ups hold every byte of the minutes they came from (finished days only).
    config = Config(local_territories=["MF", "GP"])
    minutes = build_report(parquet, config, first_day, 2**31, now=BASE).totals.bytes
    assert hour[0]["totals"]["bytes"] == minutes
    midnight = now // 86400 * 86400
    minutes = build_report(parquet, config, first_day, midnight, now=BASE).totals.bytes
    assert day[0]["totals"]["bytes"] == minutes


def test_same_retention_as_duckdb(stores: tuple[ParquetStore, ClickHouseStore]) -> None:
    parquet, ch = stores
    now = BASE + 3 * 86400
    parquet.rollup(now), ch.rollup(now)
    # Keep 1 day of minutes: the generated days 2026-09-21 and -22 go, the 23rd stays.
    days = {"minute": 1, "hour": 90, "day": 3650}
    removed = parquet.expire(now, days), ch.expire(now, days)
    assert removed[0] == removed[1] > 2
    for level in ("minute", "hour", "day"):
        assert_same(
            parquet.fetch(level, 0, 2**31, 3600).to_pylist(),
            ch.fetch(level, 0, 2**31, 3600).to_pylist(),
            level,
        )
    left = ch.fetch("minute", 0, 2**31, 60).column("bucket").to_pylist()
    assert left and min(left) >= BASE + 86400 - (BASE + 86400) % 86400
    assert parquet.expire(now, days) == ch.expire(now, days) == 0


def test_unreachable_server_is_a_clear_error() -> None:
    store = ClickHouseStore("127.0.0.1", 1, "lakou")
    with pytest.raises(FlowStoreError, match=r"ClickHouse 127\.0\.0\.1:1"):
        store.time_range()
    with pytest.raises(FlowStoreError, match="database name"):
        ClickHouseStore(database="x; DROP TABLE y")


def test_partition_names() -> None:
    assert _partition_start("20260921") is not None
    assert _partition_start("202609") is not None
    assert _partition_start("tuple()") is None and _partition_start("20261399") is None


def test_cli_replay_and_report_on_clickhouse(
    clickhouse: ClickHouseServer, tmp_path: Path, shared_data: Path
) -> None:
    config = tmp_path / "lakou.yml"
    database = f"lakou_cli_{uuid.uuid4().hex[:8]}"
    config.write_text(
        "flows:\n  store: clickhouse\n"
        f"  clickhouse: {{host: 127.0.0.1, port: {clickhouse.port}, database: {database}}}\n"
    )
    runner = CliRunner()
    pcap = shared_data / "flows" / "sflow" / "data-1140.pcap"
    out = runner.invoke(main, ["--config", str(config), "flows", "replay", str(pcap)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["counters"]["rows_written"] >= 1
    out = runner.invoke(main, ["--config", str(config), "flows", "report", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["totals"]["samples"] == 5
    config.write_text("flows:\n  store: clickhouse\n  clickhouse: {port: 1}\n")
    out = runner.invoke(main, ["--config", str(config), "flows", "report", "--format", "json"])
    assert out.exit_code == 1 and "ClickHouse 127.0.0.1:1" in out.output


def test_sql_also_runs_on_a_current_clickhouse() -> None:
    """The statements written for 18.16 run unchanged on today's engine (chdb, in-process)."""
    session = pytest.importorskip("chdb.session")
    from lakou.flows.aggregate import SCHEMA
    from lakou.flows.clickhouse_store import table_ddl
    from lakou.flows.sql import (
        CLICKHOUSE,
        fetch_sql,
        finished_periods_sql,
        rollup_sql,
        time_range_sql,
    )

    s = session.Session()
    try:
        s.query("CREATE DATABASE IF NOT EXISTS lk")
        for level in ("minute", "hour", "day"):
            s.query(table_ddl("lk", level))
        row = "1,0,281470681743361,1,0,0,64500,64501,0,0,'MF','',4"
        s.query(
            f"INSERT INTO lk.flows_minute ({', '.join(SCHEMA.names)}) VALUES "
            f"({BASE + 40},{row},1000,1,1),({BASE + 3640},{row},2000,2,1)"
        )
        starts = s.query(finished_periods_sql("lk.flows_minute", 3600, BASE + 9000), "CSV")
        hour = BASE + 40 - (BASE + 40) % 3600
        assert str(starts).split() == [str(hour), str(hour + 3600)]
        s.query(
            f"INSERT INTO lk.flows_hour ({', '.join(SCHEMA.names)}) "
            + rollup_sql("lk.flows_minute", 3600, hour, CLICKHOUSE)
        )
        got = str(s.query(fetch_sql("lk.flows_hour", 0, 2**31, 3600, CLICKHOUSE), "CSV"))
        assert got.strip() == f'{hour},1,1,0,0,64500,64501,0,0,"MF","",4,1000,1,1'
        got = str(s.query(time_range_sql("lk.flows_minute"), "CSV"))
        assert got.strip() == f"2,{BASE + 40},{BASE + 3640}"
    finally:
        s.close()
