"""Parse the first bytes of a sampled frame: Ethernet, 802.1Q/QinQ, IPv4/IPv6, TCP/UDP/ICMP.

An sFlow raw-packet-header record carries the first 128 bytes or so of a frame seen on a
member port. Everything lakou attributes comes from here: the MACs and VLAN (which member
sent and received it), the IP addresses (which networks and places), the protocol and
ports. Headers are cut short by design, so every step checks what is left and stops
cleanly, keeping what it already read.
"""

from __future__ import annotations

from ipaddress import IPv6Address
from socket import AF_INET6, inet_ntoa, inet_ntop
from typing import Any

ETH_VLAN_TYPES = (0x8100, 0x88A8, 0x9100)
IPV6_EXTENSIONS = (0, 43, 60, 51)  # hop-by-hop, routing, destination options, AH


def mac_str(raw: bytes) -> str:
    """``aa:bb:cc:dd:ee:ff``, lower case."""
    return raw.hex(":")


def ipv6_text(raw: bytes) -> str:
    """An IPv6 address as ``str(IPv6Address(raw))`` writes it, several times faster.

    The C library's ``inet_ntop`` writes the same text (RFC 5952: lower case, the first
    longest run of two or more zero groups as ``::``) except for addresses whose first 80
    bits are zero, which it may end in dotted IPv4 form; those go through ``ipaddress``.
    """
    if raw[:10] == _ZERO_80:
        return str(IPv6Address(raw))
    return inet_ntop(AF_INET6, raw)


_ZERO_80 = bytes(10)


def parse_ethernet(data: bytes) -> dict[str, Any]:
    """The fields tshark shows for a sampled Ethernet header, as far as the bytes go."""
    out: dict[str, Any] = {}
    if len(data) < 14:
        return out
    out["eth.dst"] = mac_str(data[0:6])
    out["eth.src"] = mac_str(data[6:12])
    etype = int.from_bytes(data[12:14], "big")
    pos = 14
    vlans: list[int] = []
    while etype in ETH_VLAN_TYPES and len(data) >= pos + 4:
        vlans.append(int.from_bytes(data[pos : pos + 2], "big") & 0x0FFF)
        etype = int.from_bytes(data[pos + 2 : pos + 4], "big")
        pos += 4
    if vlans:
        out["vlan.id"] = vlans
    out["eth.type"] = etype
    out.update(parse_ip(etype, data[pos:]))
    return out


def parse_ip(etype: int, data: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if etype == 0x0800 and len(data) >= 20 and data[0] >> 4 == 4:
        ihl = (data[0] & 0x0F) * 4
        out["ip.version"] = 4
        out["ip.tos"] = data[1]
        out["ip.len"] = int.from_bytes(data[2:4], "big")
        out["ip.ttl"] = data[8]
        out["ip.proto"] = proto = data[9]
        out["ip.src"] = inet_ntoa(data[12:16])  # str(IPv4Address(...)), 4x faster
        out["ip.dst"] = inet_ntoa(data[16:20])
        frag = int.from_bytes(data[6:8], "big") & 0x1FFF
        if frag == 0 and ihl >= 20:
            out.update(parse_l4(proto, data[ihl:]))
    elif etype == 0x86DD and len(data) >= 40 and data[0] >> 4 == 6:
        out["ip.version"] = 6
        out["ipv6.tclass"] = ((data[0] & 0x0F) << 4) | (data[1] >> 4)
        out["ipv6.plen"] = int.from_bytes(data[4:6], "big")
        out["ipv6.hlim"] = data[7]
        out["ipv6.src"] = ipv6_text(data[8:24])
        out["ipv6.dst"] = ipv6_text(data[24:40])
        nxt, pos = data[6], 40
        while nxt in IPV6_EXTENSIONS and len(data) >= pos + 8:
            step = (data[pos + 1] + 2) * 4 if nxt == 51 else (data[pos + 1] + 1) * 8
            nxt, pos = data[pos], pos + step
        out["ipv6.nxt"] = nxt
        if nxt == 44 and len(data) >= pos + 8:  # fragment header: only the first has ports
            if int.from_bytes(data[pos + 2 : pos + 4], "big") >> 3 == 0:
                nxt, pos = data[pos], pos + 8
                out["ipv6.nxt"] = nxt
            else:
                return out
        out.update(parse_l4(nxt, data[pos:]))
    return out


def parse_l4(proto: int, data: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if proto == 6 and len(data) >= 14:
        out["tcp.srcport"] = int.from_bytes(data[0:2], "big")
        out["tcp.dstport"] = int.from_bytes(data[2:4], "big")
        out["tcp.flags"] = int.from_bytes(data[12:14], "big") & 0x0FFF
    elif proto == 6 and len(data) >= 4:
        out["tcp.srcport"] = int.from_bytes(data[0:2], "big")
        out["tcp.dstport"] = int.from_bytes(data[2:4], "big")
    elif proto == 17 and len(data) >= 4:
        out["udp.srcport"] = int.from_bytes(data[0:2], "big")
        out["udp.dstport"] = int.from_bytes(data[2:4], "big")
    elif proto in (1, 58) and len(data) >= 2:
        key = "icmp" if proto == 1 else "icmpv6"
        out[f"{key}.type"] = data[0]
        out[f"{key}.code"] = data[1]
    return out


def ip_fields(parsed: dict[str, Any]) -> tuple[str | None, str | None, int, int, int]:
    """(source IP, destination IP, protocol, source port, destination port) of a parse.

    ICMP type and code go in the port columns (type * 256 + code as destination port), as
    pmacct and Akvorado do, so they group like ports.
    """
    if parsed.get("ip.version") == 4:
        src, dst, proto = parsed["ip.src"], parsed["ip.dst"], parsed["ip.proto"]
    elif parsed.get("ip.version") == 6:
        src, dst, proto = parsed["ipv6.src"], parsed["ipv6.dst"], parsed["ipv6.nxt"]
    else:
        return None, None, 0, 0, 0
    sport = parsed.get("tcp.srcport", parsed.get("udp.srcport", 0))
    dport = parsed.get("tcp.dstport", parsed.get("udp.dstport", 0))
    for key in ("icmp", "icmpv6"):
        if f"{key}.type" in parsed:
            sport, dport = 0, parsed[f"{key}.type"] * 256 + parsed[f"{key}.code"]
    return src, dst, proto, sport, dport
