"""The registry's members as ports to watch for peering-LAN hygiene (``lakou.lan``).

One :class:`~lakou.lan.watchlist.WatchedPort` per peering-LAN address of a connection,
with its MACs and addresses; the connection's state says whether it is in quarantine.
MACs marked quarantine (added by a member while the exchange quarantines new MACs) form
a port of their own, in quarantine, so ``lakou lan quarantine`` judges them apart.
Ports carry switch names, not the sFlow agent and ifIndex, so the checks attribute
frames by MAC (and by the port on which a registered MAC is seen).
"""

from __future__ import annotations

from dataclasses import replace

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
            macs = list(addr.macs.all())
            new = tuple(mac.mac for mac in macs if mac.quarantine)
            kept = tuple(mac.mac for mac in macs if not mac.quarantine)
            port = WatchedPort(
                asn=net.asn,
                name=net.name,
                vlan=addr.lan.vlan_id,
                macs=kept,
                addresses=tuple(str(a) for a in (addr.ipv4, addr.ipv6) if a),
                quarantine=conn.state == "quarantine",
            )
            if kept or not new:
                ports.append(port)
            if new:
                # MACs in quarantine (a member's new router) are watched on their own
                ports.append(replace(port, macs=new, quarantine=True))
    return Watchlist(ports)
