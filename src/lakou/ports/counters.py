"""From raw counters to rates, without the spikes that make port graphs lie.

Pure functions over two successive :class:`~lakou.ports.records.PortCounters` of one port.
A rate is given only when the two readings can honestly be subtracted:

- the counter went down: a wrap when that is plausible for its width (32-bit counters wrap
  every 34 s at 1 Gb/s), else a reset; either way a rate above the port speed is refused;
- the agent restarted (sysUpTime went back, allowing for its own 32-bit wrap after 497
  days) or declared a discontinuity (ifCounterDiscontinuityTime changed, or the counters
  changed from 32 to 64 bits): no rate for that interval;
- polls were missed (more than ``max_gap`` seconds between the readings): no rate, so the
  graph shows a gap rather than an average drawn across it;
- the rate exceeds the port speed (plus a small tolerance for clock jitter): discarded and
  counted, so a timestamp mistake never becomes a 2.59 Tb/s spike.

Every reading that yields no rate says why in :class:`Rate.reason`; :class:`Tally`
counts the reasons, so nothing is dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from lakou.ports.records import PortCounters

UPTIME_MODULUS = 2**32  # sysUpTime is TimeTicks (hundredths of a second), 32 bits
# When the port speed is unknown (ifHighSpeed 0), no rate above this is believed
# (two 800 Gb/s ports' worth).
UNKNOWN_SPEED_CEILING_BPS = 1.6e12
SPEED_TOLERANCE = 1.05

OK = "ok"
GAP = "gap"
RESTART = "restart"
DISCONTINUITY = "discontinuity"
OVER_SPEED = "over_speed"
CLOCK = "clock"
MISSING = "missing"


@dataclass(frozen=True)
class Rate:
    """Traffic of one port between two readings; ``None`` where no honest rate exists."""

    switch: str
    ifindex: int
    start: float
    end: float
    in_bps: float | None
    out_bps: float | None
    in_pps: float | None = None
    out_pps: float | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None
    speed_mbps: int | None = None
    reason: str = OK


@dataclass
class Tally:
    """How many intervals gave a rate, and why the others did not."""

    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, rate: Rate) -> None:
        self.reasons[rate.reason] += 1


def counter_delta(previous: int | None, current: int | None, bits: int) -> int | None:
    """How far a counter moved, counting one wrap of a ``bits``-wide counter."""
    if previous is None or current is None:
        return None
    if current >= previous:
        return current - previous
    return (2**bits - previous) + current


def agent_restarted(previous: PortCounters, current: PortCounters) -> bool:
    """sysUpTime went back by more than its own 32-bit wrap explains."""
    if previous.uptime is None or current.uptime is None:
        return False
    if current.uptime >= previous.uptime:
        return False
    elapsed_ticks = (current.time - previous.time) * 100
    slack = max(elapsed_ticks / 2, 500)  # clocks of poller and agent drift a little
    if previous.uptime + elapsed_ticks + slack < UPTIME_MODULUS:
        return True  # too far from 2^32 for the clock to have wrapped
    # A genuine wrap lands near where the clock says it should.
    expected = (previous.uptime + elapsed_ticks) % UPTIME_MODULUS
    return abs(current.uptime - expected) > slack


def ceiling_bps(speed_mbps: int | None) -> float:
    if not speed_mbps:
        return UNKNOWN_SPEED_CEILING_BPS
    return speed_mbps * 1e6 * SPEED_TOLERANCE


def _packets(p: PortCounters, direction: str) -> int | None:
    parts = [getattr(p, f"{direction}_{kind}_pkts") for kind in ("ucast", "multicast", "broadcast")]
    known = [v for v in parts if v is not None]
    return sum(known) if known else None


def rate(previous: PortCounters, current: PortCounters, *, max_gap: float) -> Rate:
    """The rate of one port between two readings (``previous`` polled first)."""
    elapsed = current.time - previous.time
    speed = current.speed_mbps or previous.speed_mbps

    def empty(reason: str) -> Rate:
        return Rate(
            current.switch,
            current.ifindex,
            previous.time,
            current.time,
            None,
            None,
            speed_mbps=speed,
            reason=reason,
        )

    if elapsed <= 0:
        return empty(CLOCK)
    if elapsed > max_gap:
        return empty(GAP)
    if agent_restarted(previous, current):
        return empty(RESTART)
    if previous.discontinuity != current.discontinuity or (
        previous.counter_bits != current.counter_bits
    ):
        return empty(DISCONTINUITY)
    bits = current.counter_bits
    limit = ceiling_bps(speed)
    reason = OK
    bps: list[float | None] = []
    for direction in ("in", "out"):
        delta = counter_delta(
            getattr(previous, f"{direction}_octets"), getattr(current, f"{direction}_octets"), bits
        )
        if delta is None:
            bps.append(None)
            reason = MISSING if reason == OK else reason
            continue
        value = delta * 8 / elapsed
        if value > limit:
            bps.append(None)
            reason = OVER_SPEED
        else:
            bps.append(value)
    if bps[0] is None and bps[1] is None and reason == OK:
        reason = MISSING
    # Packet counters are 64-bit (ifHC*) when octets are, else 32-bit.
    pps = []
    for direction in ("in", "out"):
        delta = counter_delta(_packets(previous, direction), _packets(current, direction), bits)
        pps.append(None if delta is None or reason == OVER_SPEED else delta / elapsed)

    def events(name: str) -> int | None:
        # ifInErrors and friends are Counter32.
        d = counter_delta(getattr(previous, name), getattr(current, name), 32)
        return d if d is not None and d < 2**31 else None

    return Rate(
        current.switch,
        current.ifindex,
        previous.time,
        current.time,
        bps[0],
        bps[1],
        pps[0],
        pps[1],
        events("in_errors"),
        events("out_errors"),
        events("in_discards"),
        events("out_discards"),
        speed,
        reason,
    )


def rates(
    readings: Iterable[PortCounters], *, max_gap: float, tally: Tally | None = None
) -> list[Rate]:
    """Rates between successive readings of each port (readings in any order)."""
    by_port: dict[tuple[str, int], list[PortCounters]] = {}
    for r in readings:
        by_port.setdefault((r.switch, r.ifindex), []).append(r)
    out: list[Rate] = []
    for series in by_port.values():
        series.sort(key=lambda r: r.time)
        for previous, current in pairwise(series):
            one = rate(previous, current, max_gap=max_gap)
            if tally is not None:
                tally.add(one)
            out.append(one)
    return out


class RateTracker:
    """Keeps each port's last reading so a long-running poller gets rates as polls arrive."""

    def __init__(self, max_gap: float) -> None:
        self.max_gap = max_gap
        self.last: dict[tuple[str, int], PortCounters] = {}
        self.tally = Tally()

    def update(self, readings: Iterable[PortCounters]) -> list[Rate]:
        out = []
        for current in readings:
            key = (current.switch, current.ifindex)
            previous = self.last.get(key)
            self.last[key] = current
            if previous is None:
                continue
            one = rate(previous, current, max_gap=self.max_gap)
            self.tally.add(one)
            out.append(one)
        return out
