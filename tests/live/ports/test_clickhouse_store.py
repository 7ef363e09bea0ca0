"""The port store on Debian's real ClickHouse gives the Parquet store's figures."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from lakou.flows.testing import ClickHouseServer, clickhouse_binary, run_clickhouse
from lakou.ports.clickhouse_store import ClickHousePortStore
from lakou.ports.counters import Rate
from lakou.ports.store import PortStore, PortStoreError

pytestmark = pytest.mark.live

DAY0 = 1_795_000_000 - 1_795_000_000 % 86400


def same(a: list[tuple[float, float, float]], b: list[tuple[float, float, float]]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x == pytest.approx(y)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClickHouseServer]:
    if clickhouse_binary() is None:
        pytest.skip("clickhouse-server is not installed (Debian package clickhouse-server)")
    with run_clickhouse(tmp_path_factory.mktemp("clickhouse-ports")) as running:
        yield running


def _week() -> list[tuple[list[Rate], str, bool]]:
    out = []
    for port, level in ((1, 1e9), (2, 4e8), (3, 7e8)):
        rates = [
            Rate(
                "sw1",
                port,
                DAY0 + i * 300,
                DAY0 + (i + 1) * 300,
                level * (1 + (i % 288) / 288),
                level / 2,
                in_errors=i % 3,
                out_errors=0,
                speed_mbps=10_000,
            )
            for i in range(3 * 288)
            if not (port == 2 and 100 <= i < 110)  # a gap on port 2
        ]
        out.append((rates, "snmp", True))
    out.append(([Rate("sw1", 1, DAY0, DAY0 + 300, 5e9, 5e9, speed_mbps=10_000)], "sflow", False))
    return out


@pytest.fixture
def stores(
    server: ClickHouseServer, tmp_path: Path
) -> Iterator[tuple[PortStore, ClickHousePortStore]]:
    parquet = PortStore(tmp_path / "ports")
    ch = ClickHousePortStore(server.host, server.port, f"t_{uuid.uuid4().hex[:8]}")
    members = {("sw1", 1): "alpha", ("sw1", 2): "beta", ("sw1", 3): "beta"}
    for rates, source, chosen in _week():
        for store in (parquet, ch):
            store.write(rates, source=source, chosen=chosen, members=members)
    try:
        yield parquet, ch
    finally:
        ch.close()


def test_same_figures_as_parquet(stores: tuple[PortStore, ClickHousePortStore]) -> None:
    parquet, ch = stores
    until = DAY0 + 3 * 86400
    for bucket in (300, 1800):
        same(ch.total_series(DAY0, until, bucket), parquet.total_series(DAY0, until, bucket))
    same(
        ch.total_series(DAY0, until, 300, member="beta"),
        parquet.total_series(DAY0, until, 300, member="beta"),
    )
    a, b = parquet.statistics(DAY0, until, 300), ch.statistics(DAY0, until, 300)
    assert a == pytest.approx(b)
    assert b["ports"] == 3 and b["members"] == 2
    # roll-ups: the same hours and days, the same hourly and daily series
    now = DAY0 + 4 * 86400
    assert parquet.rollup(now) == ch.rollup(now) == 3 * 24 + 3
    assert ch.rollup(now) == 0
    for bucket in (3600, 86400):
        same(ch.total_series(DAY0, until, bucket), parquet.total_series(DAY0, until, bucket))
    peaks = ch._execute(
        f"SELECT max(in_peak), max(in_p95), sum(seconds) FROM {ch.database}.ports_hour "
        "WHERE chosen = 1"
    )[0]
    expected = parquet.query(
        "SELECT max(in_peak), max(in_p95), sum(seconds) FROM {src} WHERE chosen", "hour"
    )[0]
    assert peaks == pytest.approx(expected)
    # retention drops the same partitions
    assert ch.expire(DAY0 + 40 * 86400, {"raw": 35}) == 3
    assert ch.total_series(DAY0, until, 300) == []


def test_unreachable_server_is_a_clear_error() -> None:
    from lakou.ports.testing import free_udp_port

    store = ClickHousePortStore("127.0.0.1", free_udp_port(), "lakou")
    with pytest.raises(PortStoreError, match=r"ClickHouse 127\.0\.0\.1:\d+"):
        store.total_series(0, 1, 300)


def test_report_reads_a_clickhouse_store(server: ClickHouseServer) -> None:
    import json
    import time

    from click.testing import CliRunner

    from lakou.cli import main

    database = f"t_{uuid.uuid4().hex[:8]}"
    store = ClickHousePortStore(server.host, server.port, database)
    start = (time.time() - 3 * 86400) // 3600 * 3600
    rates = [
        Rate("sw1", 1, start + i * 300, start + (i + 1) * 300, 2e9, 1e9, speed_mbps=10_000)
        for i in range(24 * 12)
    ]
    try:
        store.write(rates, members={("sw1", 1): "alpha"})
        store.rollup(time.time())
    finally:
        store.close()
    url = f"clickhouse://{server.host}:{server.port}/{database}"
    result = CliRunner().invoke(
        main, ["ports", "report", "--store", url, "--period", "month", "--json"]
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)["statistics"]
    assert stats["ports"] == 1 and stats["members"] == 1
    assert stats["peak_bps"] == pytest.approx(2e9)
