"""The build plan: policy, clients and enrichment joined into what each session needs.

Renderers (BIRD, OpenBGPD, the policy page) and the Python route evaluator read only
this plan, so they cannot disagree on a client's effective policy, its authorised next
hops, its IRR data or its max-prefix limit. Building a plan does no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address

from lakou.i18n import gettext as _
from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.enrich.model import Enriched, IrrData
from lakou.routeserver.policy import Policy


@dataclass(frozen=True)
class Session:
    name: str  # BIRD protocol name, AS64500_4_1
    ip: IPv4Address | IPv6Address
    version: int  # 4 or 6
    asn: int

    @property
    def table(self) -> str:
        return f"T_{self.name}"


@dataclass(frozen=True)
class ClientPlan:
    client: RouteServerClient
    policy: Policy  # with the client's overrides merged in
    sessions: tuple[Session, ...]
    next_hops: tuple[IPv4Address | IPv6Address, ...]  # authorised NEXT_HOPs (both families)
    irr: IrrData | None
    limit_v4: int | None
    limit_v6: int | None
    problems: tuple[str, ...] = ()
    blackhole_to_client: bool = True

    @property
    def asn(self) -> int:
        return self.client.asn

    @property
    def origins(self) -> frozenset[int]:
        """Origins the client may announce; without IRR data only its own ASN."""
        if self.irr is None:
            return frozenset({self.client.asn})
        return self.irr.origins | {self.client.asn}

    def prefixes(self, version: int) -> Sequence[str]:
        if self.irr is None:
            return ()
        return self.irr.prefixes_v4 if version == 4 else self.irr.prefixes_v6

    def next_hops_for(self, session: Session) -> tuple[IPv4Address | IPv6Address, ...]:
        if self.policy.next_hop.mode == "strict":
            allowed: list[IPv4Address | IPv6Address] = [session.ip]
            allowed += [a for a in self.policy.next_hop.authorised if a.version == session.version]
            return tuple(dict.fromkeys(allowed))
        return tuple(a for a in self.next_hops if a.version == session.version)


@dataclass(frozen=True)
class Plan:
    policy: Policy
    clients: tuple[ClientPlan, ...]
    enriched: Enriched
    never_via_rs: frozenset[int]
    warnings: tuple[str, ...] = field(default=())

    @property
    def sessions(self) -> list[tuple[ClientPlan, Session]]:
        return [(c, s) for c in self.clients for s in c.sessions]

    def client(self, asn: int) -> ClientPlan | None:
        return next((c for c in self.clients if c.asn == asn), None)


def _limit(explicit: int | None, policy: Policy, pdb_value: int | None, default: int) -> int | None:
    mp = policy.max_prefix
    if not mp.enabled:
        return None
    if explicit:
        return explicit
    if mp.use_peeringdb and pdb_value:
        return (
            pdb_value
            + pdb_value * mp.peeringdb_margin_percent // 100
            + mp.peeringdb_margin_absolute
        )
    return default


def make_plan(policy: Policy, clients: Sequence[RouteServerClient], enriched: Enriched) -> Plan:
    """Join policy, clients and enrichment; per-client override errors name the client."""
    plans = []
    never = set(enriched.never_via_route_servers)
    for net in enriched.peeringdb.values():
        if net.never_via_route_servers:
            never.add(net.asn)
    warnings: list[str] = []
    for client in clients:
        if client.never_via_route_servers:
            never.add(client.asn)
    for client in clients:
        effective = policy.for_client(client.overrides, where=f"AS{client.asn}")
        sessions = tuple(
            Session(client.session_name(ip), ip, ip.version, client.asn) for ip in client.ips
        )
        nh = list(client.ips) + list(effective.next_hop.authorised)
        pdb = enriched.peeringdb.get(client.asn)
        mp = effective.max_prefix
        limit_v4 = _limit(
            client.max_prefix_v4 or mp.ipv4,
            effective,
            pdb.info_prefixes4 if pdb else None,
            mp.default_ipv4,
        )
        limit_v6 = _limit(
            client.max_prefix_v6 or mp.ipv6,
            effective,
            pdb.info_prefixes6 if pdb else None,
            mp.default_ipv6,
        )
        irr = enriched.irr.get(client.asn)
        problems = list(enriched.problems.get(client.asn, ()))
        if irr is not None:
            # enrich() already copies the IRR data's problems into enriched.problems; an
            # injected Enriched may not: each problem is shown once either way.
            problems += [p for p in irr.problems if p not in problems]
            if irr.stale and not irr.problems:  # enrich() explains stale data itself
                problems.append(
                    _("IRR data is stale: the last good data from {when} UTC is used").format(
                        when=f"{irr.fetched_at:%Y-%m-%d %H:%M}"
                    )
                )
        elif effective.irr.enforce_origin or effective.irr.enforce_prefix:
            problems.append(
                _("no IRR data: only the member's own ASN is accepted as origin and no prefix")
            )
        for problem in problems:
            warnings.append(f"AS{client.asn}: {problem}")
        plans.append(
            ClientPlan(
                client=client,
                policy=effective,
                sessions=sessions,
                next_hops=tuple(dict.fromkeys(nh)),
                irr=irr,
                limit_v4=limit_v4,
                limit_v6=limit_v6,
                problems=tuple(problems),
                blackhole_to_client=client.blackhole_to_client,
            )
        )
    for problem in enriched.rpki_problems:
        warnings.append(f"RPKI: {problem}")
    if policy.rpki.enabled and policy.rpki.source == "file" and enriched.roas is None:
        warnings.append(
            _("rpki.source is 'file' but no ROA file was given: every route is RPKI unknown")
        )
    return Plan(
        policy=policy,
        clients=tuple(plans),
        enriched=enriched,
        never_via_rs=frozenset(never),
        warnings=tuple(warnings),
    )
