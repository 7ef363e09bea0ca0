"""A traceroute as the paths engine sees it, whatever tool measured it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Hop:
    """One TTL of a traceroute: the address that answered and its smallest RTT.

    Several replies for one TTL from different addresses (load balancing) give one
    :class:`Hop` each, with the same ``ttl``.
    """

    ttl: int
    ip: str | None  # None: no reply (a "*")
    rtt_ms: float | None
    replies: int = 1


@dataclass
class Traceroute:
    id: str  # "<source file>:<line or object number>"
    source: str  # ripe-atlas | scamper-json | warts
    probe: str  # RIPE Atlas probe id, or the source address
    source_address: str
    destination: str
    af: int
    timestamp: int
    hops: list[Hop] = field(default_factory=list)
    msm_id: int | None = None
    probe_public_address: str = ""
