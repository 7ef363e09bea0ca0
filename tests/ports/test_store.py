"""The port store: rates in, roll-ups, retention, exchange and member totals, 95th."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lakou.ports.counters import Rate
from lakou.ports.store import PortStore, percentile

DAY0 = 1_795_000_000 - 1_795_000_000 % 86400  # a midnight UTC


def _rates(port: int, values: list[float], start: float = DAY0, step: int = 60) -> list[Rate]:
    return [
        Rate("sw1", port, start + i * step, start + (i + 1) * step, v, v / 2, speed_mbps=10_000)
        for i, v in enumerate(values)
    ]


def test_percentile_is_nearest_rank() -> None:
    values = sorted(float(v) for v in range(1, 101))
    assert percentile(values, 95) == 95.0
    assert percentile([5.0], 95) == 5.0 and percentile([], 95) == 0.0


def test_totals_sum_ports_and_keep_gaps(tmp_path: Path) -> None:
    store = PortStore(tmp_path)
    members = {("sw1", 1): "alpha", ("sw1", 2): "beta"}
    store.write(_rates(1, [1e9] * 10), members=members)
    # port 2 silent for minutes 5 and 6 (a gap), then back
    store.write(_rates(2, [2e9] * 5), members=members)
    store.write(_rates(2, [2e9] * 3, start=DAY0 + 7 * 60), members=members)
    series = store.total_series(DAY0, DAY0 + 600, 60)
    totals = {int(b - DAY0) // 60: i for b, i, _o in series}
    assert totals[0] == pytest.approx(3e9)
    assert totals[5] == pytest.approx(1e9)  # only port 1 covered minute 5
    alpha = store.total_series(DAY0, DAY0 + 600, 60, member="alpha")
    assert [i for _b, i, _o in alpha] == [1e9] * 10
    stats = store.statistics(DAY0, DAY0 + 600, 60)
    assert stats["ports"] == 2 and stats["members"] == 2
    assert stats["peak_bps"] == pytest.approx(3e9)
    assert stats["capacity_bps"] == 20e9


def test_cross_check_rows_are_not_counted(tmp_path: Path) -> None:
    store = PortStore(tmp_path)
    store.write(_rates(1, [1e9] * 3), source="snmp")
    store.write(_rates(1, [1.1e9] * 3), source="sflow", chosen=False)
    assert [i for _b, i, _o in store.total_series(DAY0, DAY0 + 180, 60)] == [1e9] * 3


def test_rollups_keep_mean_peak_and_p95_then_expire(tmp_path: Path) -> None:
    store = PortStore(tmp_path)
    # two hours of one port: 57 minutes at 1 Gb/s and 3 at 9 Gb/s each hour
    values = ([1e9] * 57 + [9e9] * 3) * 2
    store.write(_rates(1, values))
    written = store.rollup(now=DAY0 + 2 * 86400)
    assert written == 3  # two hours, one day
    hours = store.query("SELECT in_bps, in_peak, in_p95, seconds FROM {src} ORDER BY start", "hour")
    assert len(hours) == 2
    mean, peak, p95, seconds = hours[0]
    assert mean == pytest.approx((57 * 1e9 + 3 * 9e9) / 60)
    assert peak == 9e9 and seconds == 3600
    assert 1e9 <= p95 <= 9e9
    hourly = store.total_series(DAY0, DAY0 + 86400, 3600)
    assert len(hourly) == 2
    daily = store.total_series(DAY0, DAY0 + 86400, 86400)
    assert daily[0][1] == pytest.approx(mean)
    # rerunning the roll-up writes nothing new
    assert store.rollup(now=DAY0 + 2 * 86400) == 0
    removed = store.expire(DAY0 + 40 * 86400, {"raw": 35, "hour": 400, "day": 3650})
    assert removed == 1
    assert store.query("SELECT count(*) FROM {src}", "raw") == []
    assert store.total_series(DAY0, DAY0 + 86400, 3600) == hourly


def test_rows_go_to_the_day_of_their_end_and_reports_read_only_those_days(
    tmp_path: Path,
) -> None:
    store = PortStore(tmp_path)
    # one batch straddling midnight: 30 minutes before, 30 after
    store.write(_rates(1, [1e9] * 60, start=DAY0 + 86400 - 1800))
    days = sorted(p.name for p in (tmp_path / "raw").iterdir())
    assert days == [f"day={datetime.fromtimestamp(t, UTC):%Y-%m-%d}" for t in (DAY0, DAY0 + 86400)]
    second_day = store.total_series(DAY0 + 86400, DAY0 + 2 * 86400, 60)
    assert len(second_day) == 30
    first_day = store.total_series(DAY0, DAY0 + 86400, 60)
    assert len(first_day) == 30


def test_cross_check_compares_the_two_sources(tmp_path: Path) -> None:
    from lakou.ports.store import cross_check_rows

    store = PortStore(tmp_path)
    store.write(_rates(1, [1e9] * 3), source="snmp", names={("sw1", 1): "Eth1"})
    store.write(_rates(1, [1.1e9] * 3), source="sflow", chosen=False)
    store.write(_rates(2, [5e8] * 3), source="snmp")  # one source only: nothing to compare
    (row,) = cross_check_rows(store, DAY0, DAY0 + 180)
    assert (row["switch"], row["ifindex"], row["chosen"], row["other"]) == (
        "sw1",
        1,
        "snmp",
        "sflow",
    )
    assert row["difference"] == pytest.approx(0.1)
