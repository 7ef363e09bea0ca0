"""What enrichment hands to rendering: IRR, RPKI and PeeringDB data per client.

Enrichment does all the I/O (bgpq4, RPSL files, RPKI JSON, PeeringDB cache) before
rendering starts; rendering is a pure function of the policy and these objects.
Prefixes are kept as canonical strings (``192.0.2.0/24``): a client with a huge
AS-SET has about 1.5 million of them and rendering needs nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class IrrRequest:
    """What to expand for one client: its ASN and AS-SETs (``RIPE::AS-FOO`` allowed)."""

    asn: int
    as_sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class IrrData:
    """A client's IRR data: the origins it may announce and their route objects."""

    asn: int
    as_sets: tuple[str, ...]
    origins: frozenset[int]  # ASNs from the AS-SET expansion, plus the client's own ASN
    # route objects of those origins, canonical, sorted: a tuple, or from the cache a
    # PrefixBlock (the cache file's lines, split only when asked for one by one)
    prefixes_v4: Sequence[str]
    prefixes_v6: Sequence[str]  # route6 objects
    source: str  # where it came from: "bgpq4 127.0.0.1:4343 RIPE,ARIN", "rpsl /srv/irr"
    fetched_at: datetime
    stale: bool = False  # the fresh query failed: this is the last good data, kept
    unavailable: bool = False  # no data at all: the query failed and nothing was cached
    problems: tuple[str, ...] = ()  # missing AS-SET, loop, time-out: shown to operators


@dataclass(frozen=True)
class Roa:
    asn: int
    prefix: str
    max_length: int
    ta: str = ""


@dataclass(frozen=True)
class PeeringDBNet:
    asn: int
    name: str = ""
    irr_as_set: str = ""
    info_prefixes4: int | None = None
    info_prefixes6: int | None = None
    never_via_route_servers: bool = False


@dataclass(frozen=True)
class Enriched:
    """Everything rendering needs besides the policy."""

    irr: Mapping[int, IrrData] = field(default_factory=dict)  # by client ASN
    roas: tuple[Roa, ...] | None = None  # None: no RPKI file (RTR at run time, or off)
    peeringdb: Mapping[int, PeeringDBNet] = field(default_factory=dict)
    never_via_route_servers: frozenset[int] = frozenset()
    # Per client ASN, everything to show operators: it already includes each
    # IrrData.problems (and PeeringDB record problems), so show this alone, not both.
    problems: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    # The RPKI file was unusable and the last good ROAs were used: why, for operators.
    rpki_problems: tuple[str, ...] = ()
