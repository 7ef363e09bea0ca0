"""Read BIRD's replies (``show protocols all``, ``show route ... all``) into typed records.

The reply codes tell the parser what each line is (1002 a protocol summary, 1006 its
details, 1007 a route, 1008 its type, 1012 a BGP attribute), so it does not guess from
indentation as text scrapers do. Unknown lines are counted, never fatal: a newer BIRD
adding a field must not break the looking glass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from lakou.routeserver.communities import LargeCommunity, parse_large_communities
from lakou.routeserver.lg.birdsock import ReplyLine

_PROTO_RE = re.compile(
    r"^(?P<name>\S+)\s+(?P<proto>\S+)\s+(?P<table>\S+)\s+(?P<state>\S+)\s+"
    r"(?P<since>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?|\S+)\s*(?P<info>.*)$"
)
_ROUTES_RE = re.compile(
    r"Routes:\s+(\d+) imported,(?: (\d+) filtered,)? (\d+) exported(?:, (\d+) preferred)?"
)
_ROUTE_RE = re.compile(
    r"^(?P<prefix>\S+)?\s+(?P<kind>\w+)\s+\[(?P<proto>\S+)\s+(?P<since>[^\]]*?)"
    r"(?: from (?P<from>\S+))?\]\s*(?P<primary>\*)?\s*\((?P<pref>\d+)\)\s*(?:\[(?P<bgp>[^\]]*)\])?"
)
_COMMUNITY_RE = re.compile(r"\((\d+),\s*(\d+)\)")


@dataclass
class Protocol:
    name: str
    proto: str
    state: str
    since: str
    info: str
    description: str = ""
    bgp_state: str = ""
    neighbor_address: str = ""
    neighbor_as: int | None = None
    last_error: str = ""
    imported: int = 0  # accepted
    filtered: int = 0
    exported: int = 0
    import_limit: int | None = None


@dataclass
class Route:
    prefix: str
    protocol: str
    primary: bool
    next_hop: str = ""
    as_path: list[int] = field(default_factory=list)
    as_path_text: str = ""
    communities: list[tuple[int, int]] = field(default_factory=list)
    large_communities: list[LargeCommunity] = field(default_factory=list)
    local_pref: int | None = None
    otc: int | None = None
    table: str = ""
    filtered: bool = False
    attributes: dict[str, str] = field(default_factory=dict)


def parse_protocols(reply: list[ReplyLine]) -> list[Protocol]:
    """``show protocols [all]``: one record per protocol, with details when given."""
    protocols: list[Protocol] = []
    current: Protocol | None = None
    for line in reply:
        if line.code == 1002:
            match = _PROTO_RE.match(line.text.strip())
            if not match:
                continue
            current = Protocol(
                name=match["name"],
                proto=match["proto"],
                state=match["state"],
                since=match["since"],
                info=match["info"].strip(),
            )
            protocols.append(current)
        elif line.code == 1006 and current is not None:
            _protocol_detail(current, line.text.strip())
    return protocols


def _protocol_detail(proto: Protocol, text: str) -> None:
    key, _, value = text.partition(":")
    value = value.strip()
    if key == "Description":
        proto.description = value
    elif key == "BGP state":
        proto.bgp_state = value
    elif key == "Neighbor address":
        proto.neighbor_address = value
    elif key == "Neighbor AS":
        proto.neighbor_as = int(value) if value.isdigit() else None
    elif key == "Last error":
        proto.last_error = value
    elif key == "Import limit":
        proto.import_limit = int(value) if value.isdigit() else None
    elif key == "Routes":
        match = _ROUTES_RE.search(text)
        if match:
            proto.imported += int(match[1])
            proto.filtered += int(match[2] or 0)
            proto.exported += int(match[3])


def parse_routes(reply: Iterable[ReplyLine], filtered: bool = False) -> list[Route]:
    """``show route ... all``: routes with their BGP attributes."""
    return list(iter_routes(reply, filtered))


def iter_routes(
    reply: Iterable[ReplyLine], filtered: bool = False, skip: int = 0, take: int | None = None
) -> Iterator[Route]:
    """Routes of a reply as they come; with ``skip``/``take`` only that window is decoded
    (the others are counted from their first line) and reading stops after it."""
    table = ""
    prefix = ""
    current: Route | None = None
    index = -1
    stop = None if take is None else skip + take
    for line in reply:
        text = line.text
        if line.code == 1007:
            if text.startswith("Table "):
                table = text[6:].rstrip(":").strip()
                continue
            if text.startswith("\tvia "):
                if current is not None:
                    current.next_hop = text.split()[1]
                continue
            match = _ROUTE_RE.match(text)
            if not match:
                continue
            prefix = match["prefix"] or prefix  # further routes of a network omit it
            if current is not None:
                yield current
                current = None
            index += 1
            if stop is not None and index >= stop:
                return
            if index >= skip:
                current = Route(
                    prefix=prefix,
                    protocol=match["proto"],
                    primary=bool(match["primary"]),
                    table=table,
                    filtered=filtered,
                )
        elif line.code == 1012 and current is not None:
            _route_attribute(current, text.strip())
    if current is not None:
        yield current


_COUNT_RE = re.compile(r"^(\d+) of \d+ routes")


def parse_count(reply: Iterable[ReplyLine]) -> int:
    """``show route ... count``: the routes that matched, summed over the tables shown."""
    total = 0
    for line in reply:
        match = _COUNT_RE.match(line.text.strip())
        if match:
            total += int(match[1])
    return total


def _route_attribute(route: Route, text: str) -> None:
    key, _, value = text.partition(":")
    value = value.strip()
    route.attributes[key] = value
    if key == "BGP.as_path":
        route.as_path_text = value
        route.as_path = [int(t) for t in value.replace("{", " ").replace("}", " ").split()]
    elif key == "BGP.next_hop":
        route.next_hop = value.split()[0] if value else route.next_hop
    elif key == "BGP.large_community":
        route.large_communities = parse_large_communities(value)
    elif key == "BGP.community":
        route.communities = [(int(a), int(b)) for a, b in _COMMUNITY_RE.findall(value)]
    elif key == "BGP.local_pref" and value.isdigit():
        route.local_pref = int(value)
    elif key == "BGP.otc" and value.isdigit():
        route.otc = int(value)


def parse_server_time(reply: list[ReplyLine]) -> str:
    """``show status``: BIRD's own clock ("Current server time is ..."), as BIRD prints it."""
    for line in reply:
        text = line.text.strip()
        if text.startswith("Current server time is "):
            return text.removeprefix("Current server time is ").strip()
    return ""


def _bird_time(text: str) -> datetime | time | None:
    """A time as BIRD prints it: ``iso long`` (date and time) or ``iso short`` (time only)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None


def uptime_seconds(since: str, server_time: str) -> int | None:
    """Seconds from ``since`` to ``server_time``, both read from BIRD's clock.

    BIRD prints times in its host's local time without a zone; the looking glass may run
    elsewhere, in another zone (the portal sets its own), so it never compares BIRD's times
    with its own clock, only with BIRD's current time from the same connection. ``iso
    short`` prints a time of day for the last 20 hours and a bare date before that: the
    first is placed on the day that makes it not later than now, the second is too coarse
    for an uptime (None).
    """
    now = _bird_time(server_time)
    start = _bird_time(since)
    if not isinstance(now, datetime) or start is None:
        return None
    if isinstance(start, time):
        start = datetime.combine(now.date(), start)
        if start > now:
            start -= timedelta(days=1)
    elif len(since.strip()) <= 10:  # a bare date: iso short for an old event
        return None
    return max(0, int((now - start).total_seconds()))
