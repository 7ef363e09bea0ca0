"""A "not interested" mark, honoured by the route servers (announcement control).

The route-server build already honours Euro-IX announcement control: a route carrying the
large community ``RS:0:peer`` is not sent to ``peer`` (``rs_announce_to`` in the BIRD
configuration, the same in OpenBGPD's). A member's mark on a peer is fed to it through the
member's route-server options (``Member.route_server_options``, arouteserver's per-client
``cfg``, read by every build): ``attach_custom_communities`` gets ``RS:0:peer`` for each
route server ASN of the exchange, so every route the member announces carries it on import
and the marked peer is not sent them; the route servers strip ``RS:0:*`` before sending
to anyone. Removing the mark removes exactly those values. The change reaches the route
servers at the next build and deploy (the ``rs-refresh`` job).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lakou.peering.models import NotInterested
from lakou.registry import models as m

OPTION = "attach_custom_communities"


def communities(member: m.Member, peer_asn: int) -> list[str]:
    """``RS:0:peer`` for each route-server ASN of the member's exchange."""
    rs_asns = sorted(set(member.exchange.route_servers.values_list("asn", flat=True)))
    return [f"{rs}:0:{peer_asn}" for rs in rs_asns]


def _apply(network: m.Network, peer_asn: int, add: bool) -> int:
    """Add (or remove) the peer's communities in each of the network's memberships."""
    changed = 0
    for member in m.Member.objects.filter(network=network).select_related("exchange"):
        wanted = communities(member, peer_asn)
        options: dict[str, Any] = dict(member.route_server_options or {})
        current = [str(c) for c in options.get(OPTION, [])]
        if add:
            new = current + [c for c in wanted if c not in current]
        else:
            new = [c for c in current if c not in wanted]
        if new == current:
            continue
        if new:
            options[OPTION] = new
        else:
            options.pop(OPTION, None)
        member.route_server_options = options
        member.save(update_fields=["route_server_options"])
        changed += 1
    return changed


@transaction.atomic
def mark(network: m.Network, peer: m.Network, user: Any) -> None:
    NotInterested.objects.get_or_create(network=network, peer=peer, defaults={"marked_by": user})
    _apply(network, peer.asn, add=True)


@transaction.atomic
def unmark(network: m.Network, peer: m.Network) -> None:
    NotInterested.objects.filter(network=network, peer=peer).delete()
    _apply(network, peer.asn, add=False)
