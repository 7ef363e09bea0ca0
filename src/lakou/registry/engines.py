"""Turn registry rows into the engines' typed objects (``lakou.exchange``).

The only way engines see the registry: they receive these frozen objects and never
touch Django themselves.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from lakou import exchange as x
from lakou.registry import models as m


def exchange_view(slug: str) -> x.Exchange:
    """The exchange ``slug`` with its LANs, members, addresses, MACs and route servers."""
    from lakou.registry.slugs import get_exchange

    return _exchange(get_exchange(slug))


def all_exchanges() -> list[x.Exchange]:
    return [_exchange(ex) for ex in m.Exchange.objects.order_by("slug")]


def switch_addresses() -> list[str]:
    """Management addresses of the exchanges' switches: the sFlow exporters the flow
    collector trusts when it reads the registry."""
    found = m.Switch.objects.exclude(management_ip=None).values_list("management_ip", flat=True)
    return sorted({str(ip) for ip in found if ip})


def _exchange(ex: m.Exchange) -> x.Exchange:
    lans = [
        x.PeeringLan(
            name=lan.name,
            vlan=lan.vlan_id,
            ipv4_prefix=IPv4Network(lan.ipv4_prefix) if lan.ipv4_prefix else None,
            ipv6_prefix=IPv6Network(lan.ipv6_prefix) if lan.ipv6_prefix else None,
            mtu=lan.mtu,
        )
        for lan in ex.lans.all()
    ]
    members = []
    rs_sessions = set(
        m.RouteServerSession.objects.filter(route_server__exchange=ex, enabled=True).values_list(
            "address_id", "afi"
        )
    )
    for member in (
        ex.members.select_related("network")
        .prefetch_related(
            "connections__ports__switch",
            "connections__addresses__macs",
            "connections__addresses__lan",
        )
        .order_by("network__asn")
    ):
        net = member.network
        addresses = []
        for conn in member.connections.all():
            ports = list(conn.ports.all())
            speed = sum(p.speed_mbps for p in ports) or None
            switch = ports[0].switch.name if ports else None
            for addr in conn.addresses.all():
                addresses.append(
                    x.PeeringLanAddress(
                        lan=addr.lan.name,
                        vlan=addr.lan.vlan_id,
                        ipv4=IPv4Address(addr.ipv4) if addr.ipv4 else None,
                        ipv6=IPv6Address(addr.ipv6) if addr.ipv6 else None,
                        macs=tuple(mac.mac for mac in addr.macs.all()),
                        rs_ipv4=(addr.id, 4) in rs_sessions,
                        rs_ipv6=(addr.id, 6) in rs_sessions,
                        speed_mbps=speed,
                        switch=switch,
                    )
                )
        members.append(
            x.Member(
                asn=net.asn,
                name=net.name,
                organisation=net.organisation,
                website=net.website,
                peering_policy=net.peering_policy,
                member_type=member.member_type,
                as_sets=tuple(net.as_sets),
                max_prefix_v4=net.max_prefix_v4,
                max_prefix_v6=net.max_prefix_v6,
                never_via_route_servers=net.never_via_route_servers,
                member_since=member.member_since,
                addresses=tuple(addresses),
                bgp_password=member.bgp_password,
                route_server_options=dict(member.route_server_options or {}),
            )
        )
    route_servers = [
        x.RouteServer(
            name=rs.name,
            asn=rs.asn,
            router_id=IPv4Address(rs.router_id),
            ipv4=IPv4Address(rs.ipv4) if rs.ipv4 else None,
            ipv6=IPv6Address(rs.ipv6) if rs.ipv6 else None,
            daemon=rs.daemon,
            version=rs.version,
            lan=rs.lan.name,
        )
        for rs in ex.route_servers.select_related("lan")
    ]
    return x.Exchange(
        slug=ex.slug,
        name=ex.name,
        country=ex.country,
        city=ex.city,
        asn=ex.asn,
        ixf_id=ex.ixf_id,
        peeringdb_ix_id=ex.peeringdb_ix_id,
        bridged_to=tuple(sorted(b.slug for b in ex.bridged_to.all())),
        lans=tuple(lans),
        members=tuple(members),
        route_servers=tuple(route_servers),
    )
