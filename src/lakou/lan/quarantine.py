"""Quarantine onboarding: is a new port (or MAC) clean long enough to go to production?

A port marked quarantine is watched by the same checks as every port. It is ready for
production when it has been seen (sampled) for at least the clean period, is still seen
within it, and no finding against it falls within it. Otherwise the report says what
blocks it: the findings, or that it has not been seen long enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lakou.lan.checks import Finding, Thresholds, find
from lakou.lan.watchlist import WatchedPort, Watchlist

READY = "ready"
BLOCKED = "blocked"
WATCHING = "watching"


@dataclass
class QuarantineStatus:
    asn: int
    member: str
    port: str
    status: str  # ready, blocked or watching
    clean_hours: float
    seen_since: int | None = None
    last_seen: int | None = None
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "asn": self.asn,
            "member": self.member,
            "port": self.port,
            "status": self.status,
            "clean_hours": self.clean_hours,
            "seen_since": self.seen_since,
            "last_seen": self.last_seen,
            "findings": [f.as_dict() for f in self.findings],
        }


def _sightings(port: WatchedPort, macs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r
        for r in macs
        if r["src_mac"] in port.macs
        or (port.switch == r["exporter"] and port.if_index == int(r["in_if"]))
    ]


def _concerns(f: Finding, port: WatchedPort, seen: list[dict[str, Any]]) -> bool:
    """Whether a finding of the member is about this port or MAC: by its label, by the
    switch port where the quarantined MACs were seen, or by the MACs it names (a new MAC
    in quarantine on a port the member already uses in production)."""
    if f.port == port.label:
        return True
    where = {(r["exporter"], int(r["in_if"])) for r in seen}
    if port.switch and port.if_index is not None:
        where.add((port.switch, port.if_index))
    ev = f.evidence
    if (ev.get("switch"), ev.get("in_if")) in where:
        return True
    named = {ev.get("eth.src"), *ev.get("macs", [])}
    return bool(named & set(port.macs))


def quarantine_status(
    watchlist: Watchlist,
    frames: list[dict[str, Any]],
    recent_macs: list[dict[str, Any]],
    macs: list[dict[str, Any]],
    clean_hours: float,
    now: int,
    thresholds: Thresholds | None = None,
) -> list[QuarantineStatus]:
    """The status of every quarantined port at ``now`` for a clean period in hours, from
    the frames and MAC census of that period and the census of all time (when each port
    was first seen)."""
    start = now - int(clean_hours * 3600)
    recent = [r for r in frames if start <= int(r["time"]) <= now]
    findings = find(watchlist, recent, recent_macs, thresholds)
    out = []
    for port in watchlist.ports:
        if not port.quarantine:
            continue
        seen = _sightings(port, macs)
        against = [f for f in findings if f.asn == port.asn and _concerns(f, port, seen)]
        since = min((int(r["first_seen"]) for r in seen), default=None)
        last = max((int(r["last_seen"]) for r in seen), default=None)
        if against:
            status = BLOCKED
        elif since is not None and last is not None and since <= start and last >= start:
            status = READY
        else:
            status = WATCHING
        out.append(
            QuarantineStatus(
                port.asn, port.name, port.label, status, clean_hours, since, last, against
            )
        )
    return out
