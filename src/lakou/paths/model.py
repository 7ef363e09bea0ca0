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


_new = object.__new__
_slots = vars(Hop)  # the slot descriptors
_set_ttl, _set_ip = _slots["ttl"].__set__, _slots["ip"].__set__
_set_rtt, _set_replies = _slots["rtt_ms"].__set__, _slots["replies"].__set__


def make_hop(ttl: int, ip: str | None, rtt_ms: float | None, replies: int = 1) -> Hop:
    """``Hop(ttl, ip, rtt_ms, replies)`` at half the cost, for readers that make thousands:
    the slots are filled directly instead of through the frozen dataclass's ``__init__``
    (each of its assignments goes through ``object.__setattr__``). The same object."""
    hop = _new(Hop)
    _set_ttl(hop, ttl)
    _set_ip(hop, ip)
    _set_rtt(hop, rtt_ms)
    _set_replies(hop, replies)
    return hop
