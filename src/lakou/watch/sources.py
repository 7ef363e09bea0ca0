"""What the watch observes, turned into :class:`~lakou.watch.events.Observation` objects.

- LAN hygiene findings (:mod:`lakou.lan`) of the recent window: one observation per
  member, port and kind. Frames that hurt others at once (spanning tree, router
  advertisements, DHCP, ARP or ND for others' addresses, ICMP redirects, broadcast
  storms) are critical; the rest (CDP, LLDP, foreign MACs...) warnings.
- Route-server sessions from the looking glass (:mod:`lakou.routeserver.lg`): a member
  session that is not established is a critical ``session-down``; it is back to normal
  when established again.
- The collector: no sample kept for longer than allowed is a critical
  ``collector-silent`` for staff (the switch stopped exporting, or the collector is down).
- The exchange's own peering-LAN prefixes (or more specifics) announced by a member to a
  route server: ``peering-lan-prefix``, critical when the route server accepted it, a
  warning when it filtered it (the member leaks it all the same).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_network
from typing import Any

from lakou.watch.events import CRITICAL, WARNING, Observation

LAN, SESSIONS, ROUTES, COLLECTOR = "lan", "sessions", "routes", "collector"
CRITICAL_LAN = frozenset(
    {
        "stp-bpdu",
        "ipv6-router-advertisement",
        "dhcp",
        "arp-foreign-address",
        "nd-foreign-address",
        "icmp-redirect",
        "broadcast-rate",
    }
)


def from_findings(findings: Iterable[Any]) -> list[Observation]:
    """Observations of :class:`lakou.lan.Finding` objects."""
    out = []
    for f in findings:
        out.append(
            Observation(
                key=f"lan:{f.kind}:{f.asn}:{f.port}",
                source=LAN,
                kind=f.kind,
                severity=CRITICAL if f.kind in CRITICAL_LAN else WARNING,
                asn=f.asn,
                subject=f.port,
                summary=f"{f.kind} ({f.samples} samples, ~{f.rate_pps:.1f} pps)",
                details={"samples": f.samples, "last_seen": f.last_seen, "evidence": f.evidence},
            )
        )
    return out


def from_neighbours(neighbours: Iterable[Any]) -> list[Observation]:
    """Observations of looking-glass :class:`Neighbour` rows: sessions not established."""
    out = []
    for n in neighbours:
        if n.state == "Established":
            continue
        out.append(
            Observation(
                key=f"session:{n.route_server}:{n.session}",
                source=SESSIONS,
                kind="session-down",
                severity=CRITICAL,
                asn=n.asn,
                subject=f"{n.route_server} {n.address}",
                summary=_session_summary(n),
                details={"last_error": n.last_error, "since": n.since},
            )
        )
    return out


def _session_summary(n: Any) -> str:
    """ "Active (Received: Administrative shutdown)": the state, then what BIRD adds to it
    that the state does not already say (its info repeats the state, often the error)."""
    words = [n.state]
    for part in (n.info, n.last_error):
        text = " ".join(str(part or "").split())
        if text and text != n.state and not any(text in w for w in words):
            words.append(text.removeprefix(f"{n.state} "))
    extra = [w for w in words[1:] if w != n.state]
    return f"{n.state} ({'; '.join(dict.fromkeys(extra))})" if extra else n.state


def from_lan_prefix_routes(
    routes: Iterable[Any], neighbours: Iterable[Any], lan_prefixes: Iterable[str]
) -> list[Observation]:
    """Observations of looking-glass routes inside the peering LANs' prefixes."""
    lans = [ip_network(p, strict=False) for p in lan_prefixes]
    asn_of = {(n.route_server, n.session): n.asn for n in neighbours}
    out = []
    seen = set()
    for r in routes:
        net = ip_network(r.prefix, strict=False)
        if not any(net.version == lan.version and net.subnet_of(lan) for lan in lans):  # type: ignore[arg-type]
            continue
        key = f"lan-prefix:{r.route_server}:{r.session}:{net}"
        if key in seen:
            continue
        seen.add(key)
        reasons = ", ".join(x.slug for x in r.reasons)
        summary = f"{net} AS_PATH {r.as_path}" + (f" (filtered: {reasons})" if r.filtered else "")
        out.append(
            Observation(
                key=key,
                source=ROUTES,
                kind="peering-lan-prefix",
                severity=WARNING if r.filtered else CRITICAL,
                asn=asn_of.get((r.route_server, r.session)),
                subject=f"{r.route_server} {net}",
                summary=summary,
                details={"session": r.session, "filtered": r.filtered, "next_hop": r.next_hop},
            )
        )
    return out


def from_collector(
    store: str, last_seen: int | None, now: int, silent_seconds: int
) -> list[Observation]:
    """An observation when the store's newest sample is older than ``silent_seconds``."""
    if last_seen is not None and now - last_seen <= silent_seconds:
        return []
    since = "never" if last_seen is None else f"{(now - last_seen) // 60} min"
    return [
        Observation(
            key=f"collector-silent:{store}",
            source=COLLECTOR,
            kind="collector-silent",
            severity=CRITICAL,
            asn=None,
            subject=store,
            summary=f"no sFlow sample kept for {since}",
            details={"last_seen": last_seen},
        )
    ]
