"""The looking glass as the portal shows it: validated inputs, bounded answers, names.

The route-server engine (its door's ``lakou.routeserver.lg_*`` functions, looked up at each
call) speaks to BIRD; this module is the one place the pages and the JSON API go through,
so they can never disagree. It checks every visitor input against a strict grammar before
anything is built from it (the engine's own checks are the second line, not the first),
asks each configured route server in its own thread with a deadline so one silent server
cannot hold a page, turns a server's failure into a message for that server only, and puts
the registry's member name beside each neighbour whose address it knows.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lakou import routeserver  # the engine's door, asked at each call
from lakou.i18n import normalise
from lakou.registry import models as m
from lakou.routeserver import (
    BIRD_TIMEOUT,
    BIRD_UNREACHABLE,
    BirdError,
    Neighbour,
    RoutePage,
    RouteServerEndpoint,
    RouteView,
)

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000
DEFAULT_TIMEOUT = 10.0  # seconds a page waits for one route server (portal.lg_timeout)
MAX_ASN = 2**32 - 1

# Only these characters can make an address or a prefix; anything else (spaces, "%"
# scope ids that ipaddress accepts, BIRD keywords) is refused before it is parsed.
_PREFIX_CHARS = re.compile(r"[0-9A-Fa-f:./]{2,49}", re.ASCII)
_ASN_RE = re.compile(r"(?:AS)?([0-9]{1,10})", re.ASCII | re.IGNORECASE)
_SESSION_RE = re.compile(r"AS([0-9]{1,10})_([46])_([0-9]{1,4})", re.ASCII)

T = TypeVar("T")


class InputError(ValueError):
    """A visitor's input is not what the looking glass accepts; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_prefix(text: str, field: str = "prefix") -> str:
    """``11.0.11.0/24``, ``2a0a::/32`` (the canonical prefix, looked up exactly) or an
    address (canonical too, looked up by longest match)."""
    text = text.strip()
    if not _PREFIX_CHARS.fullmatch(text):
        raise InputError(field, _("Give an IPv4 or IPv6 prefix (11.0.11.0/24) or an address."))
    try:
        if "/" not in text:
            return str(ipaddress.ip_address(text))
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise InputError(
            field, _("%(text)s is not an IPv4 or IPv6 prefix.") % {"text": text}
        ) from None


def parse_asn(text: str, field: str = "asn") -> int:
    """``64500`` or ``AS64500``: the ASN as a number (0 .. 4294967295)."""
    match = _ASN_RE.fullmatch(text.strip())
    if not match or int(match[1]) > MAX_ASN:
        raise InputError(field, _("Give an AS number, such as 64500 or AS64500."))
    return int(match[1])


def parse_neighbour(text: str, field: str = "neighbour") -> str:
    """A session name (``AS64500_4_1``) or an ASN, in the form the engine expects."""
    text = text.strip()
    session = _SESSION_RE.fullmatch(text)
    if session and int(session[1]) <= MAX_ASN:
        return f"AS{int(session[1])}_{session[2]}_{int(session[3])}"
    try:
        return str(parse_asn(text, field))
    except InputError:
        raise InputError(
            field, _("Give a session name (AS64500_4_1) or an AS number (AS64500).")
        ) from None


def visitor_language() -> str:
    """The language Django picked for this request, as lakou names it (en, fr, es)."""
    return normalise(translation.get_language())


def route_servers() -> list[RouteServerEndpoint]:
    """The route servers of this install (``routeserver.route_servers`` in lakou.yml).

    A page's deadline is also the socket's, so a hung route server frees its worker.
    """
    deadline = _timeout()
    return [
        rs.model_copy(update={"timeout": min(rs.timeout, deadline)})
        for rs in settings.LAKOU_CONFIG.routeserver.route_servers
    ]


def route_server(name: str) -> RouteServerEndpoint | None:
    return next((rs for rs in route_servers() if rs.name == name), None)


def _timeout() -> float:
    return float(getattr(settings, "LAKOU_LG_TIMEOUT", DEFAULT_TIMEOUT))


@dataclass
class ServerAnswer(Generic[T]):
    """One route server's answer, or why there is none (a message for visitors)."""

    route_server: RouteServerEndpoint
    value: T | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _failure(rs: RouteServerEndpoint, exc: BaseException | None) -> str:
    """A visitor-facing reason; the technical detail (socket path, errno) goes to the log."""
    log.warning("looking glass: route server %s (%s): %s", rs.name, rs.socket, exc or "timeout")
    reason = getattr(exc, "reason", "")  # BirdError's; its message is in the user's language
    if exc is None or reason == BIRD_TIMEOUT or "timed out" in str(exc):
        return _("Route server %(rs)s did not answer within %(s)s seconds.") % {
            "rs": rs.name,
            "s": f"{_timeout():g}",
        }
    if isinstance(exc, BirdError) and reason == BIRD_UNREACHABLE:
        return _("Route server %(rs)s is not answering (its control socket is unavailable).") % {
            "rs": rs.name
        }
    if isinstance(exc, BirdError) and exc.code:
        return _("Route server %(rs)s refused the query: %(msg)s") % {
            "rs": rs.name,
            "msg": str(exc).rsplit(": ", 1)[-1],
        }
    return _("Route server %(rs)s could not be queried.") % {"rs": rs.name}


def ask_each(
    servers: Sequence[RouteServerEndpoint],
    query: Callable[[RouteServerEndpoint], T],
) -> list[ServerAnswer[T]]:
    """Run ``query`` on every server at once; each gets an answer or an error, in order.

    A server that does not answer within the deadline is reported as such; its thread is
    left to finish on the engine's own socket timeout (it holds no lock and writes nothing).
    """
    if not servers:
        return []
    pool = ThreadPoolExecutor(max_workers=min(8, len(servers)), thread_name_prefix="lakou-lg")
    try:
        futures = [(rs, pool.submit(query, rs)) for rs in servers]
        answers: list[ServerAnswer[T]] = []
        deadline = time.monotonic() + _timeout()
        for rs, future in futures:
            left = max(0.0, deadline - time.monotonic())
            try:
                answers.append(ServerAnswer(rs, value=future.result(timeout=left)))
            except FutureTimeout:
                answers.append(ServerAnswer(rs, error=_failure(rs, None)))
            except (BirdError, OSError, ValueError) as exc:
                answers.append(ServerAnswer(rs, error=_failure(rs, exc)))
        return answers
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class MemberName:
    asn: int
    name: str
    exchange: str  # the exchange's slug
    exchange_name: str = ""


def member_names(addresses: Iterable[str]) -> dict[str, MemberName]:
    """Registry members by peering-LAN address (``192.0.2.12``, ``2001:db8::12``)."""
    v4: set[str] = set()
    v6: set[str] = set()
    for text in addresses:
        try:
            addr = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        (v4 if addr.version == 4 else v6).add(addr.compressed)
    if not v4 and not v6:
        return {}
    rows = m.PeeringLanAddress.objects.filter(Q(ipv4__in=v4) | Q(ipv6__in=v6)).select_related(
        "connection__member__network", "connection__member__exchange"
    )
    found: dict[str, MemberName] = {}
    for row in rows:
        member = row.connection.member
        name = MemberName(
            member.network.asn, member.network.name, member.exchange.slug, member.exchange.name
        )
        for value in (row.ipv4, row.ipv6):
            if value and str(value) in v4 | v6:
                found[str(value)] = name
    return found


@dataclass
class NeighbourRow:
    """A neighbour as the pages and the API show it: the engine's record and a name."""

    neighbour: Neighbour
    member: MemberName | None = None

    @property
    def name(self) -> str:
        if self.member is not None:
            return self.member.name
        return self.neighbour.description

    @property
    def established(self) -> bool:
        return self.neighbour.state == "Established"

    @property
    def uptime_seconds(self) -> int | None:
        """Measured by the route server on its own clock (see ``lg.bird_parse``)."""
        return self.neighbour.uptime_seconds if self.established else None

    @property
    def since(self) -> datetime | None:
        """When the session came up, as an aware time (shown in the portal's zone)."""
        if self.uptime_seconds is None:
            return None
        return timezone.now() - timedelta(seconds=self.uptime_seconds)


def neighbours() -> list[ServerAnswer[list[NeighbourRow]]]:
    """Every route server with its neighbours, named from the registry where it can."""
    answers = ask_each(route_servers(), routeserver.lg_neighbours)
    names = member_names(n.address for a in answers for n in a.value or [])
    out: list[ServerAnswer[list[NeighbourRow]]] = []
    for answer in answers:
        rows = None
        if answer.value is not None:
            rows = [NeighbourRow(n, names.get(_address(n.address))) for n in answer.value]
        out.append(ServerAnswer(answer.route_server, rows, answer.error))
    return out


def _address(text: str) -> str:
    try:
        return ipaddress.ip_address(text.split("%")[0]).compressed
    except ValueError:
        return text


@dataclass
class Page(Generic[T]):
    """A bounded slice of a longer list, with what is needed to ask for the next one."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def first(self) -> int:
        return self.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.items)


def page(items: Sequence[T], limit: int = DEFAULT_LIMIT, offset: int = 0) -> Page[T]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    return Page(list(items[offset : offset + limit]), len(items), limit, offset)


def neighbour_routes(
    rs: RouteServerEndpoint,
    neighbour: str,
    filtered: bool | None,
    lang: str,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> ServerAnswer[Page[RouteRow]]:
    """One page of the routes from one neighbour on one route server (``neighbour``
    already validated); the route server reads only as far as the page."""
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))

    def query(r: RouteServerEndpoint) -> RoutePage:
        return routeserver.lg_routes_page(
            r, neighbour, filtered, lang=lang, limit=limit, offset=offset
        )

    (answer,) = ask_each([rs], query)
    return _rows_page(answer, limit, offset)


def neighbour_exported(
    rs: RouteServerEndpoint,
    neighbour: str,
    lang: str,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> ServerAnswer[Page[RouteRow]]:
    """One page of the routes one route server sends a neighbour."""
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))

    def query(r: RouteServerEndpoint) -> RoutePage:
        return routeserver.lg_exported_page(r, neighbour, lang=lang, limit=limit, offset=offset)

    (answer,) = ask_each([rs], query)
    return _rows_page(answer, limit, offset)


def _rows_page(
    answer: ServerAnswer[RoutePage], limit: int, offset: int
) -> ServerAnswer[Page[RouteRow]]:
    if answer.value is None:
        return ServerAnswer(answer.route_server, None, answer.error)
    rows = route_rows(answer.value.routes)
    return ServerAnswer(answer.route_server, Page(rows, answer.value.total, limit, offset))


def neighbour_sessions(rs: RouteServerEndpoint, neighbour: str) -> list[NeighbourRow]:
    """The sessions a neighbour page is about (one session, or every session of an ASN)."""
    (answer,) = ask_each([rs], routeserver.lg_neighbours)
    found = [
        n
        for n in answer.value or []
        if n.session == neighbour or (neighbour.isdigit() and n.asn == int(neighbour))
    ]
    names = member_names(n.address for n in found)
    return [NeighbourRow(n, names.get(_address(n.address))) for n in found]


@dataclass
class Found:
    """Routes for a prefix across every route server, and the servers that failed."""

    routes: list[RouteView] = field(default_factory=list)
    errors: list[ServerAnswer[list[RouteView]]] = field(default_factory=list)


def find(prefix: str, asn: int | None, lang: str) -> Found:
    """``search`` (every member) or ``explain`` (one ASN) of a validated prefix."""

    def one(rs: RouteServerEndpoint) -> list[RouteView]:
        if asn is None:
            return routeserver.lg_search([rs], prefix, lang=lang)
        return routeserver.lg_explain([rs], prefix, asn, lang=lang)

    found = Found()
    for answer in ask_each(route_servers(), one):
        if answer.ok:
            found.routes.extend(answer.value or [])
        else:
            found.errors.append(answer)
    return found


@dataclass(frozen=True)
class ReasonRow:
    text: str
    slug: str
    code: int
    community: str  # RS:1101:x as the route carries it


@dataclass
class RouteRow:
    """A route as a page lists it: the engine's view, its neighbour's name, its reasons."""

    route: RouteView
    rs_asn: int
    asn: int | None = None
    name: str = ""

    @property
    def reasons(self) -> list[ReasonRow]:
        return [
            ReasonRow(r.text, r.slug, r.code, f"{self.rs_asn}:1101:{r.code}")
            for r in self.route.reasons
        ]

    @property
    def tags(self) -> list[ReasonRow]:
        return [
            ReasonRow(t.text, t.slug, t.code, f"{self.rs_asn}:1000:{t.code}")
            for t in self.route.tags
        ]


def _session_asn(session: str) -> int | None:
    match = _SESSION_RE.fullmatch(session)
    return int(match[1]) if match else None


def route_rows(routes: Iterable[RouteView]) -> list[RouteRow]:
    """Routes with their route server's ASN and the announcing network's registry name."""
    rs_asn = {rs.name: rs.rs_asn for rs in route_servers()}
    rows = [RouteRow(r, rs_asn.get(r.route_server, 0), _session_asn(r.session)) for r in routes]
    asns = {row.asn for row in rows if row.asn is not None}
    names = dict(m.Network.objects.filter(asn__in=asns).values_list("asn", "name"))
    for row in rows:
        row.name = names.get(row.asn, "") if row.asn is not None else ""
    return rows
