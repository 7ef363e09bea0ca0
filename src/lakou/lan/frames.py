"""Name what a sampled frame is, in peering-LAN hygiene terms, from its first bytes.

A peering LAN carries IPv4, ARP and IPv6 between routers and nothing else: no spanning
tree, no CDP/LLDP, no VTP/DTP, no IGP hellos (OSPF, IS-IS), no PIM, no DHCP, no IPv6
router advertisements or solicitations, no ICMP redirects (the rules of AMS-IX, INEX,
CIX). sFlow hands lakou the first 128 bytes or so of one frame in N; this module reads
them through Ethernet, 802.1Q/QinQ and 802.2 LLC/SNAP into the control protocol they
carry and returns a :class:`FrameFinding`: the ``kind`` (the words the reports use), the
decoded header as evidence, and for ARP and neighbour advertisements the address the
frame speaks for (checked later against the member's assigned addresses). Ordinary
unicast IP is ``None``: nothing to say. Headers are cut short by design, so every read
checks what is left and keeps what it already decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address
from typing import Any

ETH_VLAN_TYPES = (0x8100, 0x88A8, 0x9100)
ETH_IPV4, ETH_ARP, ETH_IPV6, ETH_LLDP, ETH_SLOW = 0x0800, 0x0806, 0x86DD, 0x88CC, 0x8809
# Frames a peering-LAN port may send. Slow protocols (LACP) end at the switch's port.
ALLOWED_ETHERTYPES = frozenset({ETH_IPV4, ETH_ARP, ETH_IPV6, ETH_SLOW})

# Kinds that are findings by themselves, whoever sends them.
STP_BPDU = "stp-bpdu"
CDP = "cdp"
LLDP = "lldp"
VTP_DTP = "vtp-dtp"
ROUTER_ADVERTISEMENT = "ipv6-router-advertisement"
ROUTER_SOLICITATION = "ipv6-router-solicitation"
DHCP = "dhcp"
OSPF = "ospf"
ISIS = "isis"
PIM = "pim"
ICMP_REDIRECT = "icmp-redirect"
FORBIDDEN_ETHERTYPE = "forbidden-ethertype"
FORBIDDEN_MULTICAST = "forbidden-multicast"
# Kinds kept to be checked against the member's addresses.
ARP = "arp"
NEIGHBOUR_ADVERTISEMENT = "nd-advertisement"

ARP_OPS = {1: "request", 2: "reply"}
_CISCO_SNAP = {0x2000: CDP, 0x2003: VTP_DTP, 0x2004: VTP_DTP, 0x010B: STP_BPDU}
_CISCO_NAMES = {0x2000: "cdp", 0x2003: "vtp", 0x2004: "dtp", 0x010B: "pvst+"}
_DHCP_TYPES = {1: "discover", 2: "offer", 3: "request", 4: "decline", 5: "ack", 6: "nak"}
_DHCP_TYPES.update({7: "release", 8: "inform"})


@dataclass(frozen=True)
class FrameFinding:
    """What a sampled frame is, for the hygiene checks."""

    kind: str
    evidence: dict[str, Any] = field(default_factory=dict)
    address: str = ""  # the address an ARP or a neighbour advertisement speaks for


def mac(raw: bytes) -> str:
    return raw.hex(":")


def classify(frame: bytes) -> FrameFinding | None:
    """The hygiene kind of an Ethernet frame's first bytes, or None (ordinary traffic)."""
    if len(frame) < 14:
        return None
    dst = frame[0:6]
    etype = int.from_bytes(frame[12:14], "big")
    pos = 14
    vlans: list[int] = []
    while etype in ETH_VLAN_TYPES and len(frame) >= pos + 4:
        vlans.append(int.from_bytes(frame[pos : pos + 2], "big") & 0x0FFF)
        etype = int.from_bytes(frame[pos + 2 : pos + 4], "big")
        pos += 4
    base: dict[str, Any] = {"eth.dst": mac(dst), "eth.src": mac(frame[6:12])}
    if vlans:
        base["vlan.id"] = vlans
    body = frame[pos:]
    if etype <= 1500:  # 802.3 length: an LLC frame (STP, CDP, VTP, DTP, IS-IS...)
        return _llc(body, base)
    base["eth.type"] = f"0x{etype:04x}"
    if etype == ETH_ARP:
        return _arp(body, base)
    if etype == ETH_LLDP:
        return FrameFinding(LLDP, {**base, **_lldp(body)})
    if etype == ETH_IPV4:
        return _ipv4(body, base, dst)
    if etype == ETH_IPV6:
        return _ipv6(body, base, dst)
    if etype not in ALLOWED_ETHERTYPES:
        return FrameFinding(FORBIDDEN_ETHERTYPE, base)
    return None


def _llc(body: bytes, base: dict[str, Any]) -> FrameFinding:
    if len(body) < 3:
        return FrameFinding(FORBIDDEN_ETHERTYPE, {**base, "llc": "truncated"})
    dsap, ssap, control = body[0], body[1], body[2]
    llc = {"llc.dsap": f"0x{dsap:02x}", "llc.ssap": f"0x{ssap:02x}"}
    if dsap == 0x42 and ssap == 0x42:
        return FrameFinding(STP_BPDU, {**base, **llc, **_bpdu(body[3:])})
    if dsap == 0xFE and ssap == 0xFE:
        pdu = body[3:]
        isis = {"isis.pdu_type": pdu[4] & 0x1F} if len(pdu) >= 5 and pdu[0] == 0x83 else {}
        return FrameFinding(ISIS, {**base, **llc, **isis})
    if dsap == 0xAA and ssap == 0xAA and control == 0x03 and len(body) >= 8:
        oui = int.from_bytes(body[3:6], "big")
        pid = int.from_bytes(body[6:8], "big")
        snap = {"llc.oui": f"0x{oui:06x}", "llc.pid": f"0x{pid:04x}"}
        if oui == 0x00000C and pid in _CISCO_SNAP:
            kind = _CISCO_SNAP[pid]
            extra: dict[str, Any] = {"protocol": _CISCO_NAMES[pid]}
            if kind == CDP:
                extra.update(_cdp(body[8:]))
            elif kind == STP_BPDU:
                extra.update(_bpdu(body[8:]))
            return FrameFinding(kind, {**base, **llc, **snap, **extra})
        return FrameFinding(FORBIDDEN_ETHERTYPE, {**base, **llc, **snap})
    return FrameFinding(FORBIDDEN_ETHERTYPE, {**base, **llc})


def _bridge_id(raw: bytes) -> str:
    return f"{int.from_bytes(raw[0:2], 'big')}/{mac(raw[2:8])}"


def _bpdu(pdu: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if len(pdu) >= 4:
        out["stp.version"] = pdu[2]
        out["stp.type"] = f"0x{pdu[3]:02x}"
    if len(pdu) >= 35:
        out["stp.root"] = _bridge_id(pdu[5:13])
        out["stp.root_cost"] = int.from_bytes(pdu[13:17], "big")
        out["stp.bridge"] = _bridge_id(pdu[17:25])
        out["stp.port"] = f"0x{int.from_bytes(pdu[25:27], 'big'):04x}"
    return out


def _text(raw: bytes) -> str:
    """Text a device put in its frame, made safe to print: no control characters (an
    escape sequence in a CDP device id must not reach the operator's terminal)."""
    text = raw.decode("utf-8", "replace").strip("\x00")[:64]
    return "".join(c if c.isprintable() else "?" for c in text)


def _cdp(pdu: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if len(pdu) >= 4:
        out["cdp.version"] = pdu[0]
    pos = 4
    names = {1: "cdp.device_id", 3: "cdp.port_id", 6: "cdp.platform"}
    while len(pdu) >= pos + 4:
        kind, length = struct.unpack_from("!HH", pdu, pos)
        if length < 4:
            break
        if kind in names:
            out[names[kind]] = _text(pdu[pos + 4 : pos + length])
        pos += length
    return out


def _lldp(pdu: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pos = 0
    while len(pdu) >= pos + 2:
        head = int.from_bytes(pdu[pos : pos + 2], "big")
        kind, length = head >> 9, head & 0x1FF
        value = pdu[pos + 2 : pos + 2 + length]
        if kind == 0:
            break
        if kind == 1 and len(value) >= 2:
            sub = value[1:]
            out["lldp.chassis_id"] = mac(sub) if value[0] == 4 and len(sub) == 6 else _text(sub)
        elif kind == 2 and len(value) >= 2:
            out["lldp.port_id"] = _text(value[1:])
        elif kind == 5:
            out["lldp.system_name"] = _text(value)
        pos += 2 + length
    return out


def _arp(body: bytes, base: dict[str, Any]) -> FrameFinding | None:
    if len(body) < 28 or body[4] != 6 or body[5] != 4:
        return FrameFinding(ARP, {**base, "arp": "truncated"})
    op = int.from_bytes(body[6:8], "big")
    sender = str(IPv4Address(body[14:18]))
    target = str(IPv4Address(body[24:28]))
    evidence = {
        **base,
        "arp.opcode": ARP_OPS.get(op, str(op)),
        "arp.src.hw_mac": mac(body[8:14]),
        "arp.src.proto_ipv4": sender,
        "arp.dst.proto_ipv4": target,
    }
    if sender == target:
        evidence["arp.isgratuitous"] = True
    return FrameFinding(ARP, evidence, sender)


def _ipv4(body: bytes, base: dict[str, Any], dst: bytes) -> FrameFinding | None:
    if len(body) < 20 or body[0] >> 4 != 4:
        return None
    ihl = (body[0] & 0x0F) * 4
    proto = body[9]
    ip: dict[str, Any] = {"ip.src": str(IPv4Address(body[12:16]))}
    ip["ip.dst"] = str(IPv4Address(body[16:20]))
    ip["ip.proto"] = proto
    evidence = {**base, **ip}
    l4 = body[ihl:] if int.from_bytes(body[6:8], "big") & 0x1FFF == 0 else b""
    if proto == 89:
        return FrameFinding(OSPF, {**evidence, **_ospf(l4)})
    if proto == 103:
        return FrameFinding(PIM, evidence)
    if proto == 1 and len(l4) >= 8 and l4[0] == 5:
        gateway = str(IPv4Address(l4[4:8]))
        return FrameFinding(ICMP_REDIRECT, {**evidence, "icmp.code": l4[1], "icmp.gw": gateway})
    if proto == 17 and len(l4) >= 4:
        sport, dport = struct.unpack_from("!HH", l4)
        if {sport, dport} & {67, 68}:
            return FrameFinding(DHCP, {**evidence, **_dhcp(l4[8:])})
    if dst[0] & 1:  # broadcast or multicast IPv4 other than the above
        return FrameFinding(FORBIDDEN_MULTICAST, evidence)
    return None


def _ospf(l4: bytes) -> dict[str, Any]:
    if len(l4) < 8:
        return {}
    names = {1: "hello", 2: "db-description", 3: "ls-request", 4: "ls-update", 5: "ls-ack"}
    out: dict[str, Any] = {"ospf.version": l4[0], "ospf.msg": names.get(l4[1], str(l4[1]))}
    out["ospf.srcrouter"] = str(IPv4Address(l4[4:8]))
    return out


def _dhcp(bootp: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if len(bootp) >= 34:
        out["dhcp.type"] = "request" if bootp[0] == 1 else "reply"
        out["dhcp.hw.mac_addr"] = mac(bootp[28:34])
    # Options start after the 236-byte fixed part and the magic cookie, often past the
    # sampled bytes; the message type is read when it is there.
    if len(bootp) >= 243 and bootp[236:240] == b"\x63\x82\x53\x63":
        pos = 240
        while len(bootp) >= pos + 2 and bootp[pos] != 255:
            if bootp[pos] == 0:
                pos += 1
                continue
            code, length = bootp[pos], bootp[pos + 1]
            if code == 53 and length == 1 and len(bootp) > pos + 2:
                out["dhcp.option.dhcp"] = _DHCP_TYPES.get(bootp[pos + 2], str(bootp[pos + 2]))
            pos += 2 + length
    return out


def _ipv6(body: bytes, base: dict[str, Any], dst: bytes) -> FrameFinding | None:
    if len(body) < 40 or body[0] >> 4 != 6:
        return None
    ip: dict[str, Any] = {
        "ipv6.src": str(IPv6Address(body[8:24])),
        "ipv6.dst": str(IPv6Address(body[24:40])),
        "ipv6.hlim": body[7],
    }
    nxt, pos = body[6], 40
    while nxt in (0, 43, 60) and len(body) >= pos + 8:
        nxt, pos = body[pos], pos + (body[pos + 1] + 1) * 8
    ip["ipv6.nxt"] = nxt
    evidence = {**base, **ip}
    l4 = body[pos:]
    if nxt == 58 and len(l4) >= 2:
        kind = l4[0]
        if kind == 134:
            return FrameFinding(ROUTER_ADVERTISEMENT, {**evidence, **_router_advert(l4)})
        if kind == 133:
            return FrameFinding(ROUTER_SOLICITATION, {**evidence, "icmpv6.type": 133})
        if kind == 137:
            extra: dict[str, Any] = {"icmpv6.type": 137}
            if len(l4) >= 40:
                extra["icmpv6.redirect.target"] = str(IPv6Address(l4[8:24]))
            return FrameFinding(ICMP_REDIRECT, {**evidence, **extra})
        if kind == 136 and len(l4) >= 24:
            target = str(IPv6Address(l4[8:24]))
            advert = {**evidence, "icmpv6.type": 136, "icmpv6.nd.na.target_address": target}
            return FrameFinding(NEIGHBOUR_ADVERTISEMENT, advert, target)
        if kind in (130, 131, 132, 135, 143):  # MLD and neighbour solicitation: allowed
            return None
    if nxt == 89:
        return FrameFinding(OSPF, evidence)
    if nxt == 103:
        return FrameFinding(PIM, evidence)
    if nxt == 17 and len(l4) >= 4:
        sport, dport = struct.unpack_from("!HH", l4)
        if {sport, dport} & {546, 547}:
            return FrameFinding(DHCP, {**evidence, "dhcpv6.msgtype": l4[8] if len(l4) > 8 else 0})
    if dst[0] & 1 and nxt != 58:  # multicast other than neighbour discovery
        return FrameFinding(FORBIDDEN_MULTICAST, evidence)
    return None


def _router_advert(l4: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"icmpv6.type": 134}
    if len(l4) >= 16:
        out["icmpv6.nd.ra.cur_hop_limit"] = l4[4]
        out["icmpv6.nd.ra.router_lifetime"] = int.from_bytes(l4[6:8], "big")
    pos, prefixes = 16, []
    while len(l4) >= pos + 8 and l4[pos + 1]:
        kind, length = l4[pos], l4[pos + 1] * 8
        if kind == 3 and len(l4) >= pos + 32:
            prefixes.append(f"{IPv6Address(l4[pos + 16 : pos + 32])}/{l4[pos + 2]}")
        pos += length
    if prefixes:
        out["icmpv6.opt.prefix"] = prefixes
    return out
