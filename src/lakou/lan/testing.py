"""Test seams of the LAN hygiene engine: real frames, in real sFlow datagrams.

The frames are built byte by byte as the devices send them (an 802.1D configuration
BPDU, a Cisco CDP v2 announcement, an LLDP frame, an ICMPv6 router advertisement with a
prefix option and a correct checksum, a DHCP discover, ARP requests and replies) so
Debian's tshark dissects them as such; :func:`sflow_datagram` wraps them the way a
switch does (flow samples with a raw packet header record cut at 128 bytes, and an
extended switch record), and :func:`write_ethernet_pcap` writes the frames alone for
tshark.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

from lakou.flows import mac_to_int

BROADCAST = "ff:ff:ff:ff:ff:ff"


def _mac(text: str) -> bytes:
    return mac_to_int(text).to_bytes(6, "big")


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _pad(frame: bytes) -> bytes:
    return frame + b"\x00" * max(0, 60 - len(frame))


def ethernet(dst: str, src: str, etype: int, payload: bytes, vlan: int = 0) -> bytes:
    tag = struct.pack("!HH", 0x8100, vlan) if vlan else b""
    return _pad(_mac(dst) + _mac(src) + tag + struct.pack("!H", etype) + payload)


def llc_frame(dst: str, src: str, llc: bytes, vlan: int = 0) -> bytes:
    """An 802.3 frame: a length where the ethertype goes, then LLC."""
    return ethernet(dst, src, len(llc), llc, vlan)


def stp_bpdu(src: str, bridge_priority: int = 32768, vlan: int = 0) -> bytes:
    """An 802.1D configuration BPDU from a switch that thinks it is the root."""
    bridge = struct.pack("!H", bridge_priority) + _mac(src)
    bpdu = struct.pack("!HBBB", 0, 0, 0, 0) + bridge + struct.pack("!I", 0) + bridge
    bpdu += struct.pack("!HHHHH", 0x8001, 0, 20 * 256, 2 * 256, 15 * 256)
    return llc_frame("01:80:c2:00:00:00", src, b"\x42\x42\x03" + bpdu, vlan)


def cdp(src: str, device: str = "router-x", port: str = "GigabitEthernet0/1") -> bytes:
    """A CDP v2 announcement with device id, port id and platform."""
    tlvs = b""
    for kind, value in ((1, device), (3, port), (6, "cisco WS-C2960")):
        raw = value.encode()
        tlvs += struct.pack("!HH", kind, 4 + len(raw)) + raw
    head = struct.pack("!BBH", 2, 180, 0)
    pdu = head[:2] + struct.pack("!H", _checksum(head + tlvs)) + tlvs
    snap = b"\xaa\xaa\x03\x00\x00\x0c\x20\x00"
    return llc_frame("01:00:0c:cc:cc:cc", src, snap + pdu)


def lldp(src: str, system: str = "router-x") -> bytes:
    def tlv(kind: int, value: bytes) -> bytes:
        return struct.pack("!H", kind << 9 | len(value)) + value

    pdu = tlv(1, b"\x04" + _mac(src)) + tlv(2, b"\x05et-0/0/1") + tlv(3, b"\x00\x78")
    pdu += tlv(5, system.encode()) + tlv(0, b"")
    return ethernet("01:80:c2:00:00:0e", src, 0x88CC, pdu)


def ipv6_packet(
    src: str, dst: str, next_header: int, payload: bytes, hop_limit: int = 255
) -> bytes:
    return (
        struct.pack("!IHBB", 6 << 28, len(payload), next_header, hop_limit)
        + IPv6Address(src).packed
        + IPv6Address(dst).packed
        + payload
    )


def icmpv6_message(src: str, dst: str, body: bytes) -> bytes:
    pseudo = IPv6Address(src).packed + IPv6Address(dst).packed
    pseudo += struct.pack("!IxxxB", len(body), 58)
    checksum = _checksum(pseudo + body)
    return body[:2] + struct.pack("!H", checksum) + body[4:]


def router_advertisement(src_mac: str, src_ip: str, prefix: str = "2001:db8:1::") -> bytes:
    """An ICMPv6 router advertisement to all nodes, announcing a /64 for SLAAC."""
    body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    body += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + IPv6Address(prefix).packed
    body += struct.pack("!BB", 1, 1) + _mac(src_mac)  # source link-layer address
    icmp = icmpv6_message(src_ip, "ff02::1", body)
    return ethernet("33:33:00:00:00:01", src_mac, 0x86DD, ipv6_packet(src_ip, "ff02::1", 58, icmp))


def ipv4_packet(src: str, dst: str, proto: int, payload: bytes, ttl: int = 64) -> bytes:
    head = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(payload),
        1,
        0,
        ttl,
        proto,
        0,
        IPv4Address(src).packed,
        IPv4Address(dst).packed,
    )
    return head[:10] + struct.pack("!H", _checksum(head)) + head[12:] + payload


def dhcp_discover(src_mac: str, xid: int = 0x1234ABCD) -> bytes:
    bootp = struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, 0, 0x8000) + b"\x00" * 16
    bootp += _mac(src_mac) + b"\x00" * 10 + b"\x00" * 192
    bootp += b"\x63\x82\x53\x63" + bytes([53, 1, 1, 55, 3, 1, 3, 6, 255])
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    return ethernet(BROADCAST, src_mac, 0x0800, ipv4_packet("0.0.0.0", "255.255.255.255", 17, udp))


def arp(op: int, src_mac: str, sender_ip: str, target_ip: str, dst_mac: str = BROADCAST) -> bytes:
    """An ARP request (op 1) or reply (op 2); sender_ip == target_ip is gratuitous."""
    target_mac = "00:00:00:00:00:00" if op == 1 else dst_mac
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + _mac(src_mac)
    body += IPv4Address(sender_ip).packed + _mac(target_mac) + IPv4Address(target_ip).packed
    return ethernet(dst_mac, src_mac, 0x0806, body)


def ipv4_unicast(src_mac: str, dst_mac: str, src_ip: str, dst_ip: str) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", 179, 50000, 1, 0, 0x50, 0x10, 1024, 0, 0)
    return ethernet(dst_mac, src_mac, 0x0800, ipv4_packet(src_ip, dst_ip, 6, tcp))


@dataclass(frozen=True)
class Sample:
    """One sampled frame as a switch reports it."""

    frame: bytes
    in_if: int = 1
    out_if: int = 0
    sampling_rate: int = 1024
    vlan: int = 10
    header_bytes: int = 128


def flow_sample(s: Sample, sequence: int) -> bytes:
    header = s.frame[: s.header_bytes]
    pad = b"\x00" * ((4 - len(header) % 4) % 4)
    frame_length = len(s.frame) + 4  # with the FCS, as switches count it
    stripped = frame_length - len(header)
    raw = struct.pack("!IIII", 1, frame_length, stripped, len(header)) + header + pad
    switch = struct.pack("!IIII", s.vlan, 0, s.vlan, 0)
    records = struct.pack("!II", 1, len(raw)) + raw + struct.pack("!II", 1001, 16) + switch
    body = struct.pack(
        "!IIIIIIII",
        sequence,
        s.in_if,
        s.sampling_rate,
        sequence * s.sampling_rate,
        0,
        s.in_if,
        s.out_if,
        2,
    )
    return struct.pack("!II", 1, len(body + records)) + body + records


def sflow_datagram(agent: str, samples: list[Sample], sequence: int = 1) -> bytes:
    """One sFlow v5 datagram from ``agent`` with a flow sample per frame."""
    body = b"".join(flow_sample(s, sequence * 100 + i) for i, s in enumerate(samples))
    head = struct.pack("!I", 5)
    head += struct.pack("!I", 1) + ip_address(agent).packed
    head += struct.pack("!IIII", 0, sequence, 1000 * sequence, len(samples))
    return head + body


def write_ethernet_pcap(path: str | Path, frames: list[bytes], start: float = 0.0) -> None:
    """The frames as a pcap (Ethernet link type), one a second from ``start``."""
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for i, frame in enumerate(frames):
        when = start + i
        out += struct.pack("<IIII", int(when), int(when % 1 * 1e6), len(frame), len(frame))
        out += frame
    Path(path).write_bytes(out)
