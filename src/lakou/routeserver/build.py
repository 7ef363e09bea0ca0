"""Build a route-server configuration: clients + policy -> enrich -> plan -> render.

The one place the pipeline is wired together, for ``rs build`` (whose file
:mod:`lakou.routeserver.write` puts in place) and for the demo's route server. The registry
path (``policy_for_exchange``) fills the route server's ASN, router id, addresses and
peering LANs from the exchange; a policy file can still set everything else. Enrichment
is the only I/O before rendering and can be injected (tests pass an ``Enriched`` they built
themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakou.i18n import gettext as _
from lakou.routeserver.clients import (
    ClientsError,
    RouteServerClient,
    check_addresses,
    lans_of,
)
from lakou.routeserver.enrich.model import Enriched, IrrRequest
from lakou.routeserver.plan import Plan, make_plan
from lakou.routeserver.policy import Policy

if TYPE_CHECKING:  # only the registry's builds pass exchanges
    from lakou.exchange import Exchange, RouteServer


class BuildError(Exception):
    """The configuration is not written: each line names a client, an option or a value."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)


@dataclass
class BuildResult:
    text: str
    plan: Plan
    daemon: str
    version: tuple[int, ...]
    daemon_warnings: tuple[str, ...] = ()  # what the policy asks and this daemon cannot do

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.plan.warnings + self.daemon_warnings


def irr_requests(clients: Sequence[RouteServerClient]) -> list[IrrRequest]:
    return [IrrRequest(c.asn, tuple(c.as_sets)) for c in clients]


def policy_for_exchange(
    exchange: Exchange, base: Policy | None = None, route_server: str | None = None
) -> Policy:
    """The policy with the exchange's route server and peering LANs filled in."""
    servers = exchange.route_servers
    rs: RouteServer | None = None
    if route_server:
        rs = next((s for s in servers if s.name == route_server), None)
        if rs is None:
            names = ", ".join(s.name for s in servers) or _("none")
            raise ClientsError(
                _("{slug}: no route server {name!r} ({names})").format(
                    slug=exchange.slug, name=route_server, names=names
                )
            )
    elif servers:
        rs = servers[0]
    update: dict[str, Any] = {"peering_lans": lans_of(exchange)}
    if rs is not None:
        update.update(rs_asn=rs.asn, router_id=rs.router_id, rs_ipv4=rs.ipv4, rs_ipv6=rs.ipv6)
    elif exchange.asn:
        update["rs_asn"] = exchange.asn
    base = base or Policy()
    return Policy.model_validate({**base.model_dump(), **update})


def build_config(
    clients: Sequence[RouteServerClient],
    policy: Policy,
    enriched: Enriched,
    *,
    daemon: str = "bird2",
    version: tuple[int, ...] = (2, 0, 12),
    log_file: str | None = None,
    set_cache_dir: Path | None = None,
    allow_missing_irr: bool = False,
) -> BuildResult:
    """Render the configuration (no I/O but the optional memo of rendered prefix sets).

    Refused with :class:`BuildError`: a client whose IRR filtering has no data at all
    (every one of its routes would be filtered; ``allow_missing_irr`` accepts that), an
    option the daemon cannot express, a value that cannot be written safely.
    """
    from lakou.routeserver.render.bird2 import UnsafeValue

    check_addresses(clients, policy.peering_lans)
    plan = make_plan(policy, clients, enriched)
    refused = [] if allow_missing_irr else missing_irr(plan)
    refused += unrenderable(plan)
    if refused:
        raise BuildError(refused)
    extra: tuple[str, ...] = ()
    try:
        if daemon == "bird2":
            from lakou.routeserver.render.bird2 import render_bird
            from lakou.routeserver.render.setcache import PrefixSetCache

            cache = PrefixSetCache(set_cache_dir) if set_cache_dir else None
            text = render_bird(plan, version, log_file=log_file, set_cache=cache)
        elif daemon == "openbgpd":
            from lakou.routeserver.render.openbgpd import limitations, render_openbgpd, unsupported

            refused = unsupported(plan)
            if refused:
                raise BuildError(refused)
            text = render_openbgpd(plan, version)
            extra = tuple(limitations(plan))
        else:
            raise ValueError(
                _("unknown daemon {daemon!r}: bird2 or openbgpd").format(daemon=daemon)
            )
    except UnsafeValue as exc:
        raise BuildError([str(exc)]) from None
    return BuildResult(text=text, plan=plan, daemon=daemon, version=version, daemon_warnings=extra)


def unrenderable(plan: Plan) -> list[str]:
    """Options neither daemon can write as they are: each one named, with its client."""
    from lakou.routeserver.options import is_community_value

    out = []
    for client in plan.clients:
        options = client.client.options
        if options.rfc8950:
            out.append(
                _(
                    "AS{asn}: option rfc8950 is not supported by lakou: it builds one BGP "
                    "session per address family, so IPv4 routes with IPv6 next hops cannot be "
                    "carried"
                ).format(asn=client.asn)
            )
        aspa = options.filtering.rpki_aspa_verification
        for key in ("enabled", "reject_invalid"):
            if getattr(aspa, key):
                out.append(
                    _(
                        "AS{asn}: option filtering.rpki_aspa_verification.{key} is not "
                        "supported: ASPA needs BIRD 2.16 or OpenBGPD 8.0, newer than the "
                        "versions lakou writes for (BIRD 2.0, OpenBGPD 7.7)"
                    ).format(asn=client.asn, key=key)
                )
        for name in options.attach_custom_communities:
            if not is_community_value(name):
                out.append(
                    _(
                        "AS{asn}: option attach_custom_communities: {name!r} is a "
                        "community name from an arouteserver general.yml; lakou needs its "
                        "value (65501:100 or 65501:1:2)"
                    ).format(asn=client.asn, name=name)
                )
    return out


def missing_irr(plan: Plan) -> list[str]:
    """Clients whose IRR filtering has no data at all: every route of theirs would fail."""
    out = []
    for client in plan.clients:
        irr = client.policy.irr
        filtering = (irr.enforce_prefix or irr.enforce_origin) and not irr.tag_only
        if filtering and client.irr is not None and client.irr.unavailable:
            out.append(
                _(
                    "AS{asn}: no IRR data at all (the IRR query failed and nothing is "
                    "cached from an earlier build): every route of this client would be "
                    "filtered ({problem}). Fix the IRR source, or build with "
                    "--allow-missing-irr to accept that."
                ).format(asn=client.asn, problem="; ".join(client.irr.problems[:1]))
            )
    return out


def enrich_clients(
    clients: Sequence[RouteServerClient],
    *,
    irr_server: str | None,
    irr_sources: Sequence[str],
    rpsl_dir: Path | None,
    rpki_json: Path | None,
    cache_dir: Path | None,
    workers: int,
    peeringdb_cache: Path | None = None,
) -> Enriched:
    """Fetch IRR (bgpq4 or local RPSL), ROAs and PeeringDB data for the clients.

    ``peeringdb_cache``: the local cache ``lakou peeringdb sync`` (or ``load``) fills;
    it gives max-prefix limits, the never-via-route-servers list and, for clients with
    no AS-SET of their own, the AS-SET from PeeringDB.
    """
    from lakou.routeserver import enrich as enrichment

    peeringdb = None
    if peeringdb_cache is not None:
        from lakou.routeserver.enrich.peeringdb import open_peeringdb_cache

        peeringdb = open_peeringdb_cache(peeringdb_cache)

    irr: Any
    if rpsl_dir is not None:
        irr = enrichment.RpslSource(rpsl_dir, irr_sources)
    elif irr_server:
        irr = enrichment.Bgpq4Source(irr_server, irr_sources)
    else:
        irr = None
    return enrichment.enrich(
        irr_requests(clients),
        irr=irr,
        rpki_json=rpki_json,
        peeringdb=peeringdb,
        cache_dir=cache_dir,
        workers=workers,
        as_sets_from_peeringdb=peeringdb is not None,
    )
