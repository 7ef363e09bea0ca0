"""The registry's members as ports to watch for peering-LAN hygiene (``lakou.lan``).

One :class:`~lakou.lan.watchlist.WatchedPort` per peering-LAN address of a connection,
with its MACs and addresses; the connection's state says whether it is in quarantine.
Ports carry switch names, not the sFlow agent and ifIndex, so the checks attribute
frames by MAC (and by the port on which a registered MAC is seen).
"""

from __future__ import annotations

from lakou.lan import WatchedPort, Watchlist
from lakou.registry import models as m


def registry_watchlist() -> Watchlist:
    ports = []
    connections = m.Connection.objects.select_related("member__network").prefetch_related(
        "addresses__macs", "addresses__lan"
    )
    for conn in connections.exclude(state="disabled"):
        net = conn.member.network
        for addr in conn.addresses.all():
            ports.append(
                WatchedPort(
                    asn=net.asn,
                    name=net.name,
                    vlan=addr.lan.vlan_id,
                    macs=tuple(mac.mac for mac in addr.macs.all()),
                    addresses=tuple(str(a) for a in (addr.ipv4, addr.ipv6) if a),
                    quarantine=conn.state == "quarantine",
                )
            )
    return Watchlist(ports)
