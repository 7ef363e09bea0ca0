"""The looking glass as plain functions returning pydantic models (the portal serves them).

Everything here knows the route server's layout because lakou wrote the config: one
session per member address named ``AS<asn>_<family>_<n>``, its own table ``T_<session>``,
filtered routes kept in that table with every reason as ``RS:1101:x``. So a neighbour's
received, accepted and filtered routes are one query each, and reasons are decoded with
the same table the renderer used, in the caller's language. No Django here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from lakou.i18n import language
from lakou.routeserver.clients import session_client
from lakou.routeserver.lg.bird_parse import Protocol, Route, parse_protocols, parse_routes
from lakou.routeserver.lg.birdsock import NETWORK_NOT_FOUND, BirdError, BirdSocket
from lakou.routeserver.lg.model import Neighbour, Reason, RouteServerEndpoint, RouteView
from lakou.routeserver.lg.model import view as _view

__all__ = [
    "Neighbour",
    "Reason",
    "RouteServerEndpoint",
    "RouteView",
    "explain",
    "neighbours",
    "routes",
    "search",
]


def _show_routes(bird: BirdSocket, command: str, filtered: bool) -> list[Route]:
    """Routes for one command; BIRD's "Network not found" is an empty answer, not an error."""
    try:
        return parse_routes(bird.command(command), filtered=filtered)
    except BirdError as exc:
        if exc.code == NETWORK_NOT_FOUND:
            return []
        raise


def _is_session(proto: Protocol) -> bool:
    return proto.proto == "BGP" and session_client(proto.name) is not None


def neighbours(rs: RouteServerEndpoint) -> list[Neighbour]:
    with BirdSocket(rs.socket, rs.timeout) as bird:
        protocols = parse_protocols(bird.command("show protocols all"))
    out = []
    for proto in protocols:
        if not _is_session(proto):
            continue
        parsed = session_client(proto.name)
        out.append(
            Neighbour(
                route_server=rs.name,
                session=proto.name,
                asn=proto.neighbor_as or (parsed[0] if parsed else None),
                address=proto.neighbor_address,
                description=proto.description,
                state=proto.bgp_state or proto.state,
                since=proto.since,
                info=proto.info,
                received=proto.imported + proto.filtered,
                accepted=proto.imported,
                filtered=proto.filtered,
                exported=proto.exported,
                last_error=proto.last_error,
            )
        )
    return out


def _sessions_of(bird: BirdSocket, neighbour: str) -> list[str]:
    """A session name, or every session of an ASN (``64500`` or ``AS64500``)."""
    if session_client(neighbour) is not None:
        return [neighbour]
    text = neighbour.upper().removeprefix("AS")
    if not (text.isascii() and text.isdigit()):
        raise BirdError(f"not a session name or an ASN: {neighbour!r}")
    asn = int(text)
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
        for session in _sessions_of(bird, neighbour):
            table = f"T_{session}"
            for want_filtered in (False, True):
                if filtered is not None and filtered != want_filtered:
                    continue
                command = f"show route table {table} protocol {session}"
                command += " filtered all" if want_filtered else " all"
                found = _show_routes(bird, command, want_filtered)
                out.extend(_view(rs, r, session) for r in found)
    return out


def _canonical(prefix: str) -> str:
    # ip_network keeps an IPv6 scope id ("fe80::1%eth0 x"), spaces included: refuse it, so
    # nothing but a prefix ever reaches the BIRD command line.
    if "%" in prefix or not prefix.isascii():
        raise BirdError(f"not a prefix: {prefix!r}")
    try:
        return str(ipaddress.ip_network(prefix, strict=False))
    except ValueError:
        raise BirdError(f"not a prefix: {prefix!r}") from None


def _family(prefix: str) -> int:
    return ipaddress.ip_network(prefix).version


def _same_family(session: str, prefix: str) -> bool:
    parsed = session_client(session)
    return parsed is not None and parsed[1] == _family(prefix)


def search(
    servers: Sequence[RouteServerEndpoint], prefix: str, lang: str = "en"
) -> list[RouteView]:
    """Every route for ``prefix`` (exact) on every route server, accepted and filtered."""
    wanted = _canonical(prefix)
    out: list[RouteView] = []
    with language(lang):
        for rs in servers:
            with BirdSocket(rs.socket, rs.timeout) as bird:
                sessions = [
                    p.name
                    for p in parse_protocols(bird.command("show protocols"))
                    if _is_session(p)
                ]
                for session in sessions:
                    if not _same_family(session, wanted):
                        continue
                    table = f"T_{session}"
                    for want_filtered in (False, True):
                        command = f"show route {wanted} table {table} protocol {session}"
                        command += " filtered all" if want_filtered else " all"
                        found = _show_routes(bird, command, want_filtered)
                        out.extend(_view(rs, r, session) for r in found)
    return out


def explain(
    servers: Sequence[RouteServerEndpoint], prefix: str, asn: int, lang: str = "en"
) -> list[RouteView]:
    """Why ``prefix`` from AS``asn`` is (not) accepted: its routes with all their reasons."""
    wanted = _canonical(prefix)
    out: list[RouteView] = []
    with language(lang):
        for rs in servers:
            with BirdSocket(rs.socket, rs.timeout) as bird:
                for session in _sessions_of(bird, str(asn)):
                    if not _same_family(session, wanted):
                        continue
                    table = f"T_{session}"
                    for want_filtered in (False, True):
                        command = f"show route {wanted} table {table} protocol {session}"
                        command += " filtered all" if want_filtered else " all"
                        found = _show_routes(bird, command, want_filtered)
                        out.extend(_view(rs, r, session) for r in found)
    return out


def api_neighbours(servers: Sequence[RouteServerEndpoint]) -> dict[str, object]:
    """JSON for ``/api/lg/neighbours``: every route server, its sessions and counts."""
    result: dict[str, object] = {}
    for rs in servers:
        try:
            result[rs.name] = [n.model_dump() for n in neighbours(rs)]
        except BirdError as exc:
            result[rs.name] = {"error": str(exc)}
    return {"route_servers": result}
