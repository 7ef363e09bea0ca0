"""An IX-F document as the engines see an exchange: :mod:`lakou.exchange` objects.

The territory engine wants each exchange with its peering LANs and its members' router
addresses; the flow engine wants one exchange whose members carry their MACs, one
address per ``vlan_list`` entry in the document's order (the LAN checks count them so).
Both read the document with :func:`lakou.ixf.reader.load`, so the field rules are the
reader's; this module only arranges what it read.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

from lakou.exchange import Exchange, Member, PeeringLan, PeeringLanAddress
from lakou.ixf.records import ConnectionDoc, Document, IxpDoc, MemberDoc, VlanIfDoc


def _lan(vlan_id: int | None) -> int | None:
    return vlan_id if vlan_id is not None and 1 <= vlan_id <= 4094 else None


def _address(vif: VlanIfDoc, lan: str) -> PeeringLanAddress:
    macs = sorted({mac for family in vif.families for _where, mac in family.macs})
    return PeeringLanAddress(
        lan=lan,
        vlan=vif.vlan_id,
        ipv4=IPv4Address(vif.ipv4.address) if vif.ipv4 else None,
        ipv6=IPv6Address(vif.ipv6.address) if vif.ipv6 else None,
        macs=tuple(macs),
        rs_ipv4=bool(vif.ipv4 and vif.ipv4.routeserver),
        rs_ipv6=bool(vif.ipv6 and vif.ipv6.routeserver),
    )


def _connected(entry: MemberDoc, ixp: IxpDoc) -> list[ConnectionDoc]:
    return [conn for conn in entry.connections if conn.ixp is ixp]


def exchanges(document: Document) -> list[Exchange]:
    """One :class:`Exchange` per ``ixp_list`` entry, with the members connected to it."""
    out = []
    for ixp in document.ixps:
        lans = tuple(
            PeeringLan(
                name=vlan.name or f"vlan{vlan.doc_id}",
                vlan=_lan(vlan.doc_id),
                ipv4_prefix=vlan.ipv4,
                ipv6_prefix=vlan.ipv6,
            )
            for vlan in ixp.vlans.values()
            if vlan.listed
        )
        members = []
        for entry in document.members:
            connections = _connected(entry, ixp)
            if not connections:
                continue
            addresses = tuple(
                _address(vif, str(vif.vlan_id if vif.vlan_id is not None else ""))
                for conn in connections
                for vif in conn.vlans
                if vif.families
            )
            members.append(
                Member(asn=entry.asnum, name=entry.name or f"AS{entry.asnum}", addresses=addresses)
            )
        country = ixp.fields.get("country", "")
        out.append(
            Exchange(
                slug=ixp.shortname.lower().replace(" ", "-"),
                name=ixp.shortname,
                country=str(country).upper(),
                ixf_id=ixp.ixf_id,
                lans=lans,
                members=tuple(members),
            )
        )
    return out


def members_exchange(document: Document, slug: str) -> Exchange:
    """Every member of the document in one exchange (named after the first ``ixp_list``
    entry), each ``vlan_list`` entry an address, in the document's order."""
    members = tuple(
        Member(
            asn=entry.asnum,
            name=entry.name or f"AS{entry.asnum}",
            addresses=tuple(
                _address(vif, str(vif.vlan_id if vif.vlan_id is not None else "lan"))
                for conn in entry.connections
                for vif in conn.vlans
            ),
        )
        for entry in document.members
    )
    name = document.ixps[0].shortname if document.ixps else slug
    return Exchange(slug=slug, name=name, members=members)
