"""The looking glass over OpenBGPD: ``bgpctl -j`` JSON into the same views as for BIRD.

OpenBGPD keeps filtered routes in its RIB tagged with their ``RS:1101:x`` reasons (the
rendered filters never send them on), so one ``show rib`` gives accepted and filtered
routes alike, and ``large-community RS:1101:*`` only the filtered ones; the reasons decode
with the same table as BIRD's. Sessions are named by their ``descr`` (``AS64500_4_1``).
``show neighbor`` gives each session's uptime in seconds, so no clock is compared.
``show rib out`` (the routes a neighbour is sent) does not say which session a route came
from: those views have an empty ``session``.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.i18n import language
from lakou.routeserver.communities import REJECT_FUNCTION, parse_large_community
from lakou.routeserver.lg.bird_parse import Route
from lakou.routeserver.lg.birdsock import TIMEOUT, UNREACHABLE, BirdError
from lakou.routeserver.lg.lookup import Wanted, longest_match
from lakou.routeserver.lg.model import Neighbour, Reason, RouteServerEndpoint, RouteView, view
from lakou.routeserver.sessionnames import session_client
from lakou.vocabulary import parse_asn


def bgpctl_json(socket: Path, *args: str, timeout: float = 60.0) -> dict[str, Any]:
    """One ``bgpctl -j`` command; BirdError (the looking glass's one error) when it fails."""
    try:
        proc = subprocess.run(
            ["bgpctl", "-j", "-s", str(socket), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except FileNotFoundError:
        raise BirdError(_("bgpctl is not installed (Debian package openbgpd)")) from None
    except subprocess.TimeoutExpired:
        raise BirdError(
            _("{socket}: bgpctl timed out after {timeout:g} s").format(
                socket=socket, timeout=timeout
            ),
            reason=TIMEOUT,
        ) from None
    if proc.returncode != 0:
        message = proc.stderr.strip() or proc.stdout.strip()
        if "connect" in message:
            raise BirdError(
                _("{socket}: cannot connect to bgpd: {message}").format(
                    socket=socket, message=message
                ),
                reason=UNREACHABLE,
            )
        raise BirdError(f"bgpctl {' '.join(args)}: {message}", code=proc.returncode)
    try:
        data = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise BirdError(
            _("{command}: not JSON at byte {offset}").format(
                command="bgpctl " + " ".join(args), offset=exc.pos
            )
        ) from None
    if not isinstance(data, dict):
        raise BirdError(_("{command}: unexpected JSON").format(command="bgpctl " + " ".join(args)))
    return data


def _route(entry: dict[str, Any], rs_asn: int) -> Route:
    large = []
    for text in entry.get("large_communities", []) or []:
        try:
            large.append(parse_large_community(str(text)))
        except ValueError:
            continue
    communities = []
    for text in entry.get("communities", []) or []:
        a, _sep, b = str(text).partition(":")
        if a.isdigit() and b.isdigit():
            communities.append((int(a), int(b)))
    route = Route(
        prefix=str(entry.get("prefix", "")),
        protocol=str((entry.get("neighbor") or {}).get("description", "")),
        primary=bool(entry.get("best")),
        next_hop=str(entry.get("exit_nexthop", "")),
        as_path_text=str(entry.get("aspath", "")),
        communities=communities,
        large_communities=large,
        local_pref=entry.get("localpref"),
    )
    route.filtered = any(a == rs_asn and f == REJECT_FUNCTION for a, f, _ in large)
    return route


def _rib(rs: RouteServerEndpoint, *args: str) -> list[Route]:
    data = bgpctl_json(rs.socket, "show", "rib", "detail", *args, timeout=rs.timeout)
    return [_route(entry, rs.rs_asn) for entry in data.get("rib", []) or []]


def _filtered_community(rs: RouteServerEndpoint) -> str:
    return f"{rs.rs_asn}:{REJECT_FUNCTION}:*"


def neighbours(rs: RouteServerEndpoint) -> list[Neighbour]:
    peers = bgpctl_json(rs.socket, "show", "neighbor", timeout=rs.timeout).get("neighbors", [])
    filtered = Counter(
        r.protocol for r in _rib(rs, "large-community", _filtered_community(rs)) if r.filtered
    )
    out = []
    for peer in peers or []:
        session = str(peer.get("description", ""))
        parsed = session_client(session)
        if parsed is None:
            continue
        prefixes = (peer.get("stats") or {}).get("prefixes") or {}
        received = int(prefixes.get("received", 0) or 0)
        state = str(peer.get("state", ""))
        remote_as = str(peer.get("remote_as", ""))
        up = peer.get("last_updown_sec")
        out.append(
            Neighbour(
                route_server=rs.name,
                session=session,
                asn=int(remote_as) if remote_as.isdigit() else parsed[0],
                address=str(peer.get("remote_addr", "")),
                description=session,
                state=state,
                since=str(peer.get("last_updown", "")),
                info=state,
                received=received,
                accepted=max(0, received - filtered[session]),
                filtered=filtered[session],
                exported=int(prefixes.get("sent", 0) or 0),
                last_error=str(peer.get("last_error", "") or ""),
                uptime_seconds=int(up) if state == "Established" and isinstance(up, int) else None,
            )
        )
    return out


def _sessions_of(rs: RouteServerEndpoint, neighbour: str) -> list[str]:
    if session_client(neighbour) is not None:
        return [neighbour]
    asn = parse_asn(neighbour)
    if asn is None:
        raise BirdError(_("not a session name or an ASN: {value!r}").format(value=neighbour))
    peers = bgpctl_json(rs.socket, "show", "neighbor", timeout=rs.timeout).get("neighbors", [])
    names = []
    for peer in peers or []:
        parsed = session_client(str(peer.get("description", "")))
        if parsed is not None and parsed[0] == asn:
            names.append(str(peer["description"]))
    return names


def routes(
    rs: RouteServerEndpoint, neighbour: str, filtered: bool | None = None, lang: str = "en"
) -> list[RouteView]:
    """Routes received from a neighbour: accepted, filtered (with reasons), or both (None)."""
    out: list[RouteView] = []
    with language(lang):
        for session in _sessions_of(rs, neighbour):
            args = ["neighbor", session]
            if filtered:
                args += ["large-community", _filtered_community(rs)]
            for route in _rib(rs, *args):
                if filtered is None or route.filtered == filtered:
                    out.append(view(rs, route, session))
    return out


def exported(rs: RouteServerEndpoint, neighbour: str, lang: str = "en") -> list[RouteView]:
    """Routes the route server sends a neighbour (its Adj-RIB-Out)."""
    out: list[RouteView] = []
    with language(lang):
        for session in _sessions_of(rs, neighbour):
            for route in _rib(rs, "out", "neighbor", session):
                out.append(view(rs, route, "", sent_to=session))
    return out


def find(
    rs: RouteServerEndpoint, wanted: Wanted, asn: int | None = None, lang: str = "en"
) -> list[RouteView]:
    """Routes for a prefix (exact) or an address (every covering prefix: ``or-shorter``)."""
    args = [wanted.prefix] if wanted.address is None else [wanted.prefix, "or-shorter"]
    out: list[RouteView] = []
    with language(lang):
        for route in _rib(rs, *args):
            parsed = session_client(route.protocol)
            if parsed is None or (asn is not None and parsed[0] != asn):
                continue
            out.append(view(rs, route, route.protocol))
    return longest_match(wanted, out)


def rib_routes(socket: Path, rs_name: str, rs_asn: int, lang: str = "en") -> list[RouteView]:
    """Every route in the RIB with its reasons (``filtered`` when it carries any)."""
    rs = RouteServerEndpoint(name=rs_name, socket=socket, rs_asn=rs_asn, daemon="openbgpd")
    with language(lang):
        return [view(rs, route, route.protocol) for route in _rib(rs)]


__all__ = ["Reason", "RouteView", "bgpctl_json", "exported", "find", "neighbours", "rib_routes"]
