"""What the peering page shows for one member: every other member of its exchanges.

For each peer: the exchanges they share; whether they exchange routes through the route
servers (both have an established session on the same route server and family, from the
looking glass) and whether a bilateral BGP session between their routers was seen in the
sFlow samples (``lakou.flows.read_bgp_sessions``, what the collector records beside the
flow store); the peer's peering policy from the registry and, when the PeeringDB cache
knows the network, PeeringDB's; the requests sent either way; the "not interested" mark.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from lakou.peering.models import NotInterested, PeeringRequest
from lakou.registry import models as m

SEEN_DAYS = 30  # a bilateral session sampled within this many days counts as up


@dataclass
class PeerRow:
    network: m.Network
    exchanges: list[str] = field(default_factory=list)
    route_servers: list[str] = field(default_factory=list)  # "rs1 IPv4" where both are up
    bilateral_last: int | None = None  # last sFlow sample of their BGP session (epoch)
    peeringdb_policy: str = ""
    requests: list[PeeringRequest] = field(default_factory=list)
    not_interested: bool = False  # this member's mark on the peer (the peer's own marks
    # are its private choice: never shown here)

    @property
    def bilateral(self) -> bool:
        return self.bilateral_last is not None

    @property
    def exchanging(self) -> bool:
        return bool(self.route_servers) or self.bilateral


@dataclass
class PeeringView:
    network: m.Network
    peers: list[PeerRow]
    errors: list[str]  # route servers that did not answer
    received: list[PeeringRequest]


def _flow_dir() -> Path:
    flows = settings.LAKOU_CONFIG.flows
    return (
        Path(flows.store_dir)
        if flows.store_dir
        else Path(settings.LAKOU_CONFIG.core.data_dir) / "flows"
    )


def bilateral(asn: int, now: float | None = None) -> dict[int, int]:
    """Peers seen in a BGP session with ``asn`` within SEEN_DAYS: peer -> last seen."""
    from lakou.flows import read_bgp_sessions

    now = time.time() if now is None else now
    out: dict[int, int] = {}
    for seen in read_bgp_sessions(_flow_dir()):
        if asn in (seen.a, seen.b) and seen.last >= now - SEEN_DAYS * 86400:
            out[seen.b if seen.a == asn else seen.a] = seen.last
    return out


def route_server_peers(asn: int) -> tuple[dict[int, list[str]], list[str]]:
    """Peers with which ``asn`` has established sessions on the same route server and
    family (so routes flow between them), and the route servers that did not answer."""
    from lakou.portal import route_server_neighbours

    up: dict[tuple[str, int], set[int]] = {}
    errors = []
    for answer in route_server_neighbours():
        if answer.error:
            errors.append(answer.error)
        for row in answer.value or []:
            n = row.neighbour
            if n.asn is not None and row.established:
                family = 6 if ":" in n.address else 4
                up.setdefault((answer.route_server.name, family), set()).add(n.asn)
    out: dict[int, list[str]] = {}
    for (rs, family), asns in sorted(up.items()):
        if asn in asns:
            for other in sorted(asns - {asn}):
                out.setdefault(other, []).append(f"{rs} IPv{family}")
    return out, errors


def peeringdb_policies(asns: set[int]) -> dict[int, str]:
    """PeeringDB's ``policy_general`` of the networks the local cache knows."""
    from lakou.peeringdb import PeeringDBCache, PeeringDBCacheError, cache_file

    cfg = settings.LAKOU_CONFIG
    path = cache_file(cfg.registry.peeringdb.cache_file, cfg.core.data_dir)
    if not Path(path).is_file():
        return {}
    out = {}
    try:
        with PeeringDBCache(path) as cache:
            for asn in asns:
                net = cache.net_by_asn(asn)
                if net and net.get("policy_general"):
                    out[asn] = str(net["policy_general"])
    except PeeringDBCacheError:
        return {}
    return out


def peering_view(asn: int, now: float | None = None) -> PeeringView:
    network = m.Network.objects.get(asn=asn)
    exchanges = list(m.Member.objects.filter(network=network).values_list("exchange_id", flat=True))
    rows: dict[int, PeerRow] = {}
    for member in (
        m.Member.objects.filter(exchange_id__in=exchanges)
        .exclude(network=network)
        .select_related("network", "exchange")
        .order_by("network__asn")
    ):
        row = rows.setdefault(member.network.asn, PeerRow(member.network))
        row.exchanges.append(member.exchange.name)
    rs_peers, errors = route_server_peers(asn)
    seen = bilateral(asn, now)
    policies = peeringdb_policies(set(rows))
    mine = set(NotInterested.objects.filter(network=network).values_list("peer__asn", flat=True))
    sent: dict[int, list[Any]] = {}
    for request in PeeringRequest.objects.filter(network=network).select_related("peer", "sent_by"):
        sent.setdefault(request.peer.asn, []).append(request)
    for peer_asn, row in rows.items():
        row.route_servers = rs_peers.get(peer_asn, [])
        row.bilateral_last = seen.get(peer_asn)
        row.peeringdb_policy = policies.get(peer_asn, "")
        row.requests = sent.get(peer_asn, [])
        row.not_interested = peer_asn in mine
    received = list(
        PeeringRequest.objects.filter(peer=network).select_related("network", "sent_by")
    )
    return PeeringView(network, list(rows.values()), errors, received)
