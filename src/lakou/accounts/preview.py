"""What the route server would accept after a member's change: the build's diff for it.

For each exchange of the network that has a route server, the registry's exchange
(``lakou.registry.engines.exchange_view``) is built twice by the route-server engine's
own path (policy -> enrichment -> ``build_config``), as it is and with the proposed
AS-SET, max-prefix limits or session states, and ``lakou.routeserver.diff`` compares the
two configurations: the sessions added or removed, the max-prefix limits, the origin
ASNs and prefixes the member's filters would let in or no longer let in. The data
sources are the ones ``rs build`` (the ``rs-refresh`` job) uses: the configured RPSL files
or IRR server with its cache; a demo exchange reads the demo's own RPSL files. Nothing is
deployed and the registry is not touched.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lakou import exchange as x
from lakou.registry import models as m

_RPSL_PATH = re.compile(r"from rpsl \S+")


@dataclass
class RoutePreview:
    exchange: str
    route_server: str
    diff: Any = None  # lakou.routeserver.diff.ClientDiff, or None: nothing changes
    problem: str = ""  # the build refused or could not run: why
    note: str = ""  # where the IRR data came from

    @property
    def changed(self) -> bool:
        return self.diff is not None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "exchange": self.exchange,
            "route_server": self.route_server,
            "changed": self.changed,
            "problem": self.problem,
            "note": self.note,
        }
        if self.diff is not None:
            d = self.diff
            out.update(
                sessions_added=d.sessions_added,
                sessions_removed=d.sessions_removed,
                limits=[
                    {"session": lc.session, "before": lc.before[0], "after": lc.after[0]}
                    for lc in d.limits
                ],
                origins=_set(d.origins),
                prefixes={f"ipv{f}": _set(c) for f, c in d.prefixes.items()},
                irr={"before": d.irr_before, "after": d.irr_after},
            )
        return out


def _set(change: Any) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "before": change.before,
        "after": change.after,
        "appear": change.appear,
        "disappear": change.disappear,
        "appear_count": change.appear_count,
        "disappear_count": change.disappear_count,
    }


def _proposed(
    exchange: x.Exchange, asn: int, routing: dict[str, Any], sessions: dict[Any, bool]
) -> x.Exchange:
    members = []
    for member in exchange.members:
        if member.asn == asn:
            update: dict[str, Any] = {}
            if "as_set" in routing:
                update["as_sets"] = tuple(str(routing["as_set"] or "").split())
            for name in ("max_prefix_v4", "max_prefix_v6"):
                if name in routing:
                    update[name] = routing[name]
            addresses = []
            for address in member.addresses:
                flags = {}
                for afi in (4, 6):
                    key = (address.lan, str(getattr(address, f"ipv{afi}")), afi)
                    if key in sessions:
                        flags[f"rs_ipv{afi}"] = sessions[key]
                addresses.append(address.model_copy(update=flags))
            update["addresses"] = tuple(addresses)
            member = member.model_copy(update=update)
        members.append(member)
    return exchange.model_copy(update={"members": tuple(members)})


def _sources(row: m.Exchange) -> tuple[dict[str, Any], Any, str]:
    """(enrichment arguments, base policy, note) as rs build would use them."""
    from lakou.routeserver import Policy, load_policy

    cfg = settings.LAKOU_CONFIG.routeserver
    data_dir = Path(settings.LAKOU_CONFIG.core.data_dir)
    cache = cfg.cache_dir or data_dir / "routeserver" / "cache"
    args: dict[str, Any]
    if row.demo:
        from lakou.demo import DEMO_IRR_DIR

        args = {"irr_server": None, "irr_sources": [], "rpsl_dir": DEMO_IRR_DIR}
        note = _("IRR data: the demo's RPSL files.")
    elif cfg.rpsl_dir is not None:
        args = {"irr_server": None, "irr_sources": cfg.irr_sources, "rpsl_dir": cfg.rpsl_dir}
        note = _("IRR data: the RPSL files in %(dir)s.") % {"dir": cfg.rpsl_dir}
    else:
        args = {"irr_server": cfg.irr_server, "irr_sources": cfg.irr_sources, "rpsl_dir": None}
        note = _("IRR data: %(server)s (cached answers are reused).") % {"server": cfg.irr_server}
    args.update(rpki_json=None, cache_dir=cache, workers=cfg.workers)
    policy = load_policy(cfg.policy_file) if cfg.policy_file else Policy()
    if policy.rpki.source == "file":
        # ROAs do not change with a member's change; the preview does not read them
        policy = policy.model_copy(
            update={"rpki": policy.rpki.model_copy(update={"enabled": False})}
        )
    return args, policy, note


def _build_text(exchange: x.Exchange, base: Any, server: str, args: dict[str, Any]) -> str:
    from lakou.routeserver import (
        build_config,
        clients_from_exchange,
        enrich_clients,
        policy_for_exchange,
    )

    policy = policy_for_exchange(exchange, base, server)
    clients = clients_from_exchange(exchange)
    enriched = enrich_clients(clients, **args)
    daemon = settings.LAKOU_CONFIG.routeserver.daemon
    return build_config(clients, policy, enriched, daemon=daemon, allow_missing_irr=True).text


def route_server_preview(
    network: m.Network,
    routing: dict[str, Any] | None = None,
    sessions: dict[int, bool] | None = None,
) -> list[RoutePreview]:
    """Per exchange and route server of the network: the build's diff for its client
    with ``routing`` (as_set, max_prefix_v4, max_prefix_v6) and ``sessions`` (session id
    -> enabled) applied."""
    from lakou.registry import exchange_view
    from lakou.routeserver import diff_configs

    routing = routing or {}
    wanted: dict[tuple[str, str, int], bool] = {}
    for session in m.RouteServerSession.objects.filter(
        pk__in=list((sessions or {}).keys()), address__connection__member__network=network
    ).select_related("address__lan"):
        ip = str(getattr(session.address, f"ipv{session.afi}"))
        wanted[(session.address.lan.name, ip, session.afi)] = bool((sessions or {})[session.pk])
    out: list[RoutePreview] = []
    for row in m.Exchange.objects.filter(members__network=network).distinct().order_by("name"):
        exchange = exchange_view(row.slug)
        if not exchange.route_servers:
            continue
        try:
            args, base, note = _sources(row)
        except Exception as exc:  # an unreadable policy file: named, no preview
            out.append(RoutePreview(row.name, "", problem=str(exc)))
            continue
        proposed = _proposed(exchange, network.asn, routing, wanted)
        for server in exchange.route_servers:
            preview = RoutePreview(row.name, server.name, note=note)
            try:
                with tempfile.TemporaryDirectory(prefix="lakou-preview-") as tmp:
                    now, then = Path(tmp) / "now.conf", Path(tmp) / "then.conf"
                    now.write_text(_build_text(exchange, base, server.name, args), "utf-8")
                    then.write_text(_build_text(proposed, base, server.name, args), "utf-8")
                    result = diff_configs(now, then)
            except Exception as exc:  # the build's own refusal or a source that failed
                preview.problem = " ".join(str(exc).split())[:500]
            else:
                preview.diff = next((c for c in result.clients if c.asn == network.asn), None)
                if preview.diff is not None:
                    # the IRR summaries name the server's own folders: not the member's business
                    for name in ("irr_before", "irr_after"):
                        text = getattr(preview.diff, name)
                        setattr(preview.diff, name, _RPSL_PATH.sub("from RPSL files", text))
            out.append(preview)
    return out
