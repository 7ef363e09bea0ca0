"""The long-running poller: every interval, poll all switches, turn counters into rates,
store them; once an hour, roll up and expire.

A round polls every switch at once (one thread each), so its length is the slowest live
switch's, and a dead switch costs only its own timeout. A round that overruns the
interval starts the next one at once rather than queueing; the missed time shows as a gap
in the series (the rates refuse to average across it). sFlow counter samples, when a
listener is given, are turned into readings the same way and stored with ``source=sflow``;
for a switch whose ``counters_from`` is the other source they are kept as a cross-check
(``chosen=false``). :func:`run_collector` is ``lakou ports collect``: the collector on a
store, its sFlow listener, and a clean end on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lakou.ports.config import PortsConfig
from lakou.ports.counters import Rate, RateTracker
from lakou.ports.records import PortCounters, SwitchPoll
from lakou.ports.snmp import poll_switches
from lakou.ports.store import PortSeries, PortStore, open_store

log = logging.getLogger("lakou.ports")


@dataclass
class RoundReport:
    """What one round did: for the log line and for ``lakou ports collect --rounds``."""

    started: float
    seconds: float
    switches: int
    failed: list[str] = field(default_factory=list)
    ports: int = 0
    rows: int = 0


@dataclass
class Collector:
    config: PortsConfig
    store: PortSeries
    members: dict[tuple[str, int], str] = field(default_factory=dict)
    tracker: RateTracker = field(init=False)
    sflow_tracker: RateTracker = field(init=False)
    names: dict[tuple[str, int], str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: list[Rate] = field(default_factory=list)

    def __post_init__(self) -> None:
        max_gap = self.config.interval * 2.5
        self.tracker = RateTracker(max_gap)
        self.sflow_tracker = RateTracker(max_gap)
        self._from = {s.name: s.counters_from for s in self.config.switches}
        self._sflow_names = {(s.sflow_agent or s.host): s.name for s in self.config.switches}

    def round(self) -> RoundReport:
        started = time.time()
        polls: list[SwitchPoll] = poll_switches(
            [s for s in self.config.switches if s.poll],
            workers=self.config.workers,
            lldp=False,
            forwarding=False,
        )
        readings = [p for poll in polls for p in poll.ports]
        with self._lock:
            for p in readings:
                key = (p.switch, p.ifindex)
                if key not in self.names:
                    self.names[key] = p.name
                    self.members[key] = self.config.member_of(p.switch, p.ifindex, p.name)
            rows = self._store(readings, self.tracker, "snmp")
        rows += self.flush()
        return RoundReport(
            started=started,
            seconds=time.time() - started,
            switches=len(polls),
            failed=[poll.error or poll.switch for poll in polls if not poll.ok],
            ports=len(readings),
            rows=rows,
        )

    def sflow(self, decoded: dict, arrived: float) -> int:
        """Take the counter samples of one decoded sFlow datagram; stored at :meth:`flush`
        (each round), since agents send them every few seconds per port."""
        from lakou.ports.sflow_counters import readings

        with self._lock:
            rates = self.sflow_tracker.update(readings(decoded, arrived, self._sflow_names))
            self._pending.extend(rates)
            return len(rates)

    def flush(self) -> int:
        """Store the sFlow rates received since the last flush."""
        with self._lock:
            pending, self._pending = self._pending, []
            return self._write(pending, "sflow")

    def _store(self, readings: list[PortCounters], tracker: RateTracker, source: str) -> int:
        return self._write(tracker.update(readings), source)

    def _write(self, rates: list[Rate], source: str) -> int:
        chosen = [r for r in rates if self._from.get(r.switch, source) == source]
        other = [r for r in rates if self._from.get(r.switch, source) != source]
        n = self.store.write(chosen, source=source, names=self.names, members=self.members)
        n += self.store.write(
            other, source=source, chosen=False, names=self.names, members=self.members
        )
        return n

    def run(
        self,
        rounds: int | None = None,
        on_round: Callable[[RoundReport], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """Poll every ``interval`` seconds (``rounds`` times, or until ``stop`` is set)."""
        stop = stop or threading.Event()
        done = 0
        last_rollup = 0.0
        next_start = time.time()
        while not stop.is_set() and (rounds is None or done < rounds):
            report = self.round()
            done += 1
            if on_round is not None:
                on_round(report)
            now = time.time()
            if now - last_rollup >= 3600:
                self.store.rollup(now)
                self.store.expire(now, self.config.retention_days)
                last_rollup = now
            next_start += self.config.interval
            if next_start < now:
                next_start = now  # overran: start now, the lost time stays a gap
            if rounds is not None and done >= rounds:
                break
            stop.wait(max(0.0, next_start - time.time()))


def default_store(config: PortsConfig, fallback: Path) -> PortStore:
    return PortStore(Path(config.store) if config.store else fallback)


def listen_sflow(collector: Collector, port: int) -> None:
    """Read sFlow datagrams on UDP ``port`` (IPv6 and IPv4) in a daemon thread and give
    their counter samples to ``collector``."""
    from lakou.flows import decode_sflow as decode

    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", port))

    def loop() -> None:
        while True:
            payload, _peer = sock.recvfrom(65535)
            try:
                collector.sflow(decode(payload), time.time())
            except ValueError:
                continue  # a malformed datagram: the flow collector counts those

    threading.Thread(target=loop, daemon=True, name="sflow-counters").start()


def run_collector(
    config: PortsConfig,
    store: str,
    *,
    interval: int | None = None,
    rounds: int | None = None,
    sflow_port: int | None = None,
    on_round: Callable[[RoundReport], None] | None = None,
) -> dict[str, int]:
    """Poll every switch of ``config`` into the store ``store`` (a directory or a
    ``clickhouse://`` URL, :func:`~lakou.ports.store.open_store`) every ``interval``
    seconds (default: the file's), ``rounds`` times or until Ctrl-C or SIGTERM (systemd's
    stop: the round ends, what is pending is stored); with ``sflow_port``, also the sFlow
    counter samples received there. Returns the intervals by outcome (the rates'
    reasons)."""
    if interval is not None:
        config.interval = interval
    collector = Collector(config, open_store(store))
    if sflow_port is not None:
        listen_sflow(collector, sflow_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.set())
    try:
        with contextlib.suppress(KeyboardInterrupt):
            collector.run(rounds=rounds, on_round=on_round, stop=stop)
        collector.flush()
    finally:
        collector.store.close()
    return dict(collector.tracker.tally.reasons)
