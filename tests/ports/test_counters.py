"""Counters to rates: wraps, restarts, discontinuities, gaps and impossible rates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lakou.ports.counters import (
    CLOCK,
    DISCONTINUITY,
    GAP,
    OK,
    OVER_SPEED,
    RESTART,
    RateTracker,
    Tally,
    counter_delta,
    rate,
    rates,
)
from lakou.ports.records import PortCounters

GIGA = 1000


def reading(t: float, octets_in: int, octets_out: int = 0, **kw: object) -> PortCounters:
    values: dict[str, object] = {"speed_mbps": 10 * GIGA, "uptime": int(t * 100)}
    values.update(kw)
    return PortCounters(
        switch="sw1", ifindex=7, time=t, in_octets=octets_in, out_octets=octets_out, **values
    )  # type: ignore[arg-type]


def test_plain_rate_in_bits_per_second() -> None:
    r = rate(reading(1000, 0, 0), reading(1060, 750_000_000, 75_000_000), max_gap=150)
    assert r.reason == OK
    assert r.in_bps == 100_000_000 and r.out_bps == 10_000_000


def test_64_bit_wrap_gives_the_true_rate() -> None:
    top = 2**64 - 1_000
    r = rate(reading(0, top), reading(60, 749_999_000 + 0), max_gap=150)
    # (1000 to the wrap) + 749_999_000 after it = 750_000_000 octets in 60 s.
    assert r.reason == OK and r.in_bps == 100_000_000


def test_32_bit_wrap() -> None:
    a = reading(0, 2**32 - 500, counter_bits=32, speed_mbps=GIGA)
    b = reading(30, 1_500, counter_bits=32, speed_mbps=GIGA)
    r = rate(a, b, max_gap=150)
    assert r.reason == OK and r.in_bps == 2_000 * 8 / 30


def test_64_bit_counter_reset_is_no_spike() -> None:
    # A switch that zeroes its counters without a restart: the "wrap" would be ~2^64.
    r = rate(reading(0, 9_000_000_000_000), reading(60, 10), max_gap=150)
    assert r.in_bps is None and r.reason == OVER_SPEED


def test_agent_restart_is_no_spike() -> None:
    a = reading(0, 5_000_000, uptime=90_000_000)
    b = reading(60, 1_000, uptime=1_000)
    r = rate(a, b, max_gap=150)
    assert r.reason == RESTART and r.in_bps is None and r.out_bps is None


def test_sysuptime_wrap_is_not_a_restart() -> None:
    a = reading(0, 0, uptime=2**32 - 3_000)
    b = reading(60, 750_000_000, uptime=3_000)  # 6000 ticks later, across the 32-bit wrap
    assert rate(a, b, max_gap=150).reason == OK


def test_discontinuity_time_change() -> None:
    a = reading(0, 100, discontinuity=0)
    b = reading(60, 50, discontinuity=5_000)
    assert rate(a, b, max_gap=150).reason == DISCONTINUITY


def test_missed_polls_leave_a_gap() -> None:
    r = rate(reading(0, 0), reading(600, 7_500_000_000), max_gap=150)
    assert r.reason == GAP and r.in_bps is None


def test_clock_going_back() -> None:
    assert rate(reading(60, 0), reading(60, 10), max_gap=150).reason == CLOCK


def test_rate_above_port_speed_discarded_and_counted() -> None:
    # The IX Australia case: a timestamp one second off on a 10G port at 6 Gb/s.
    a = reading(59, 0)
    b = reading(60, 45_000_000_000)  # 45 GB "in one second"
    tally = Tally()
    out = rates([b, a], max_gap=150, tally=tally)
    assert out[0].in_bps is None and tally.reasons[OVER_SPEED] == 1


def test_tracker_matches_batch() -> None:
    series = [reading(60 * i, 10_000_000 * i * i) for i in range(6)]
    tracker = RateTracker(max_gap=150)
    live = [r for one in series for r in tracker.update([one])]
    assert live == rates(series, max_gap=150)
    assert tracker.tally.reasons[OK] == 5


@given(
    start=st.integers(min_value=0, max_value=2**64 - 1),
    step=st.integers(min_value=0, max_value=2**40),
    bits=st.sampled_from([32, 64]),
)
def test_delta_inverts_modular_addition(start: int, step: int, bits: int) -> None:
    start %= 2**bits
    step %= 2**bits
    assert counter_delta(start, (start + step) % 2**bits, bits) == step


@given(
    times=st.lists(st.integers(min_value=1, max_value=200), min_size=2, max_size=30),
    octets=st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=30, max_size=30),
    uptimes=st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=30, max_size=30),
    speed=st.sampled_from([0, 1000, 10_000, 100_000]),
)
def test_no_rate_ever_exceeds_the_port_speed(
    times: list[int], octets: list[int], uptimes: list[int], speed: int
) -> None:
    clock = 0
    series = []
    for i, dt in enumerate(times):
        clock += dt
        series.append(
            PortCounters(
                switch="s",
                ifindex=1,
                time=clock,
                in_octets=octets[i],
                out_octets=octets[-1 - i],
                speed_mbps=speed,
                uptime=uptimes[i],
            )
        )
    tally = Tally()
    for r in rates(series, max_gap=150, tally=tally):
        limit = speed * 1e6 * 1.05 if speed else 1.6e12
        for value in (r.in_bps, r.out_bps):
            assert value is None or 0 <= value <= limit
        if r.end - r.start > 150:
            assert r.reason == GAP and r.in_bps is None
    assert sum(tally.reasons.values()) == len(series) - 1


def test_young_agent_restarted_within_seconds() -> None:
    # uptime 3 s, then 0.5 s after a restart 1.5 s later: far from 2^32, so not a wrap
    a = reading(0, 5_000, uptime=300)
    b = reading(1.5, 6_000, uptime=50)
    assert rate(a, b, max_gap=150).reason == RESTART
