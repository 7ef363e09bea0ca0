"""The looking glass over a BIRD 2 route server, through its control socket.

lakou wrote the configuration, so the layout is known: one session per member address
named ``AS<asn>_<family>_<n>``, its own table ``T_<session>`` piped to ``master4`` /
``master6``, filtered routes kept in the session's table (``import keep filtered``) with
every reason as ``RS:1101:x``. Hence: a neighbour's received routes are one query on its
table; the routes it is sent are its table through its export filter (``export``);
accepted routes for a prefix, from every member, are in the master table; filtered ones
are in the session tables (``table all filtered``). Several commands go in one batch.
"""

from __future__ import annotations

from lakou.i18n import gettext as _
from lakou.i18n import language
from lakou.routeserver.lg.bird_parse import (
    Protocol,
    Route,
    iter_routes,
    parse_count,
    parse_protocols,
    parse_routes,
    parse_server_time,
    uptime_seconds,
)
from lakou.routeserver.lg.birdsock import NETWORK_NOT_FOUND, BirdError, BirdSocket, reply_error
from lakou.routeserver.lg.lookup import Wanted, longest_match
from lakou.routeserver.lg.model import (
    Neighbour,
    RoutePage,
    RouteServerEndpoint,
    RouteView,
    view,
)
from lakou.routeserver.sessionnames import session_client
from lakou.vocabulary import parse_asn

MASTER = {4: "master4", 6: "master6"}  # BIRD's default tables, the pipes' other end


def _is_session(proto: Protocol) -> bool:
    return proto.proto == "BGP" and session_client(proto.name) is not None


def _routes(bird: BirdSocket, batch: list[tuple[str, bool]]) -> list[list[Route]]:
    """Run ``(command, filtered)`` pairs as one batch; "Network not found" is no route."""
    replies = bird.commands([command for command, _ in batch])
    out = []
    for (command, filtered), reply in zip(batch, replies, strict=True):
        failed = reply_error(command, reply)
        if failed is not None and failed.code != NETWORK_NOT_FOUND:
            raise failed
        out.append([] if failed is not None else parse_routes(reply, filtered=filtered))
    return out


def neighbours(rs: RouteServerEndpoint) -> list[Neighbour]:
    with BirdSocket(rs.socket, rs.timeout) as bird:
        status, protocols = bird.commands(["show status", "show protocols all"])
    for line, reply in (("show status", status), ("show protocols all", protocols)):
        failed = reply_error(line, reply)
        if failed is not None:
            raise failed
    now = parse_server_time(status)
    out = []
    for proto in parse_protocols(protocols):
        parsed = session_client(proto.name)
        if not _is_session(proto) or parsed is None:
            continue
        state = proto.bgp_state or proto.state
        out.append(
            Neighbour(
                route_server=rs.name,
                session=proto.name,
                asn=proto.neighbor_as or parsed[0],
                address=proto.neighbor_address,
                description=proto.description,
                state=state,
                since=proto.since,
                info=proto.info,
                received=proto.imported + proto.filtered,
                accepted=proto.imported,
                filtered=proto.filtered,
                exported=proto.exported,
                last_error=proto.last_error,
                uptime_seconds=uptime_seconds(proto.since, now) if state == "Established" else None,
            )
        )
    return out


def sessions_of(bird: BirdSocket, neighbour: str) -> list[str]:
    """A session name, or every session of an ASN (``64500`` or ``AS64500``)."""
    if session_client(neighbour) is not None:
        return [neighbour]
    asn = parse_asn(neighbour)
    if asn is None:
        raise BirdError(_("not a session name or an ASN: {value!r}").format(value=neighbour))
    names = []
    for proto in parse_protocols(bird.command("show protocols")):
        parsed = session_client(proto.name)
        if proto.proto == "BGP" and parsed and parsed[0] == asn:
            names.append(proto.name)
    return names


def routes(
    rs: RouteServerEndpoint, neighbour: str, filtered: bool | None = None, lang: str = "en"
) -> list[RouteView]:
    """Routes received from a neighbour: accepted, filtered (with reasons), or both (None)."""
    out: list[RouteView] = []
    with language(lang), BirdSocket(rs.socket, rs.timeout) as bird:
        batch: list[tuple[str, bool]] = []
        owners: list[str] = []
        for session in sessions_of(bird, neighbour):
            for want_filtered in (False, True):
                if filtered is not None and filtered != want_filtered:
                    continue
                command = f"show route table T_{session} protocol {session}"
                command += " filtered all" if want_filtered else " all"
                batch.append((command, want_filtered))
                owners.append(session)
        for session, found in zip(owners, _routes(bird, batch), strict=True):
            out.extend(view(rs, r, session) for r in found)
    return out


def exported(rs: RouteServerEndpoint, neighbour: str, lang: str = "en") -> list[RouteView]:
    """Routes the route server sends a neighbour: its table through its export filter."""
    out: list[RouteView] = []
    with language(lang), BirdSocket(rs.socket, rs.timeout) as bird:
        sessions = sessions_of(bird, neighbour)
        batch = [(f"show route table T_{s} export {s} all", False) for s in sessions]
        for session, found in zip(sessions, _routes(bird, batch), strict=True):
            out.extend(view(rs, r, r.protocol, sent_to=session) for r in found)
    return out


def _page(
    rs: RouteServerEndpoint,
    bird: BirdSocket,
    segments: list[tuple[str, bool, str, bool]],
    limit: int,
    offset: int,
) -> RoutePage:
    """A window over several route lists in order, each ``(command, filtered, session,
    sent)``: totals from BIRD's ``count`` (BIRD counts, nothing is sent over), then only
    the lists the window touches are read, and only as far as the window goes."""
    counts = bird.commands([f"{command} count" for command, *_rest in segments])
    totals = []
    for (command, *_rest), reply in zip(segments, counts, strict=True):
        failed = reply_error(command, reply)
        if failed is not None and failed.code != NETWORK_NOT_FOUND:
            raise failed
        totals.append(0 if failed is not None else parse_count(reply))
    out: list[RouteView] = []
    skip = offset
    for (command, filtered, session, sent), total in zip(segments, totals, strict=True):
        if len(out) >= limit:
            break
        if skip >= total:
            skip -= total
            continue
        lines = bird.stream(f"{command} all")
        try:
            for route in iter_routes(lines, filtered, skip, limit - len(out)):
                if sent:
                    out.append(view(rs, route, route.protocol, sent_to=session))
                else:
                    out.append(view(rs, route, session))
        except BirdError as exc:
            if exc.code != NETWORK_NOT_FOUND:
                raise
        finally:
            lines.close()  # mid-reply: the connection is dropped and BIRD stops
        skip = 0
    return RoutePage(total=sum(totals), routes=out)


def routes_page(
    rs: RouteServerEndpoint,
    neighbour: str,
    filtered: bool | None = None,
    lang: str = "en",
    limit: int = 100,
    offset: int = 0,
) -> RoutePage:
    """``routes`` for one page: a member's huge table is never read whole."""
    with language(lang), BirdSocket(rs.socket, rs.timeout) as bird:
        segments = []
        for session in sessions_of(bird, neighbour):
            for want_filtered in (False, True):
                if filtered is None or filtered == want_filtered:
                    command = f"show route table T_{session} protocol {session}"
                    if want_filtered:
                        command += " filtered"
                    segments.append((command, want_filtered, session, False))
        return _page(rs, bird, segments, limit, offset)


def exported_page(
    rs: RouteServerEndpoint, neighbour: str, lang: str = "en", limit: int = 100, offset: int = 0
) -> RoutePage:
    """``exported`` for one page (a member is typically sent the whole table)."""
    with language(lang), BirdSocket(rs.socket, rs.timeout) as bird:
        segments = [
            (f"show route table T_{s} export {s}", False, s, True)
            for s in sessions_of(bird, neighbour)
        ]
        return _page(rs, bird, segments, limit, offset)


def find(
    rs: RouteServerEndpoint, wanted: Wanted, asn: int | None = None, lang: str = "en"
) -> list[RouteView]:
    """Routes for a prefix (exact) or an address (longest match), from every member or one
    ASN: accepted ones from the master table, filtered ones from the session tables."""
    master = MASTER[wanted.version]
    batch: list[tuple[str, bool]] = []
    for prefix in wanted.covering():
        batch.append((f"show route {prefix} table {master} all", False))
        batch.append((f"show route {prefix} table all filtered all", True))
    out: list[RouteView] = []
    with language(lang), BirdSocket(rs.socket, rs.timeout) as bird:
        for (_key, filtered), found in zip(batch, _routes(bird, batch), strict=True):
            for route in found:
                parsed = session_client(route.protocol)
                if parsed is None or (asn is not None and parsed[0] != asn):
                    continue
                if filtered and route.table != f"T_{route.protocol}":
                    continue
                out.append(view(rs, route, route.protocol))
    return longest_match(wanted, out)
