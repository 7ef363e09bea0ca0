"""An sFlow v5 encoder: flow samples and datagrams built the way a switch builds them.

Each sampled frame becomes a flow sample with a raw packet header record (Ethernet, an
optional 802.1Q tag, IPv4 or IPv6 and TCP) and an extended switch record, in a datagram
from an IPv4 agent. The flow engine's tests feed the collector with it (through
:mod:`lakou.flows.testing`), and the demo makes its synthetic week of traffic with it, so
both go through the real decoder on the wire format.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from ipaddress import ip_address

from lakou.flows.records import mac_to_int


@dataclass(frozen=True)
class SampledFrame:
    src_mac: str
    dst_mac: str
    src_ip: str
    dst_ip: str
    frame_length: int = 1500
    vlan: int = 0
    src_port: int = 443
    dst_port: int = 50000
    sampling_rate: int = 1024
    in_if: int = 1
    out_if: int = 2


def raw_header(f: SampledFrame) -> bytes:
    src, dst = ip_address(f.src_ip), ip_address(f.dst_ip)
    eth = mac_to_int(f.dst_mac).to_bytes(6, "big") + mac_to_int(f.src_mac).to_bytes(6, "big")
    if f.vlan:
        eth += struct.pack("!HH", 0x8100, f.vlan)
    tcp = struct.pack("!HHIIBBHHH", f.src_port, f.dst_port, 1, 0, 0x50, 0x10, 1024, 0, 0)
    if src.version == 4:
        eth += struct.pack("!H", 0x0800)
        ip = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, f.frame_length - 18, 1, 0, 64, 6, 0, src.packed, dst.packed
        )
    else:
        eth += struct.pack("!H", 0x86DD)
        ip = struct.pack("!IHBB16s16s", 6 << 28, f.frame_length - 58, 6, 64, src.packed, dst.packed)
    return eth + ip + tcp


def flow_sample(f: SampledFrame, sequence: int = 1) -> bytes:
    header = raw_header(f)
    pad = b"\x00" * ((4 - len(header) % 4) % 4)
    raw = struct.pack("!IIII", 1, f.frame_length, 4, len(header)) + header + pad
    switch = struct.pack("!IIII", f.vlan or 1, 0, f.vlan or 1, 0)
    records = struct.pack("!II", 1, len(raw)) + raw + struct.pack("!II", 1001, 16) + switch
    body = (
        struct.pack(
            "!IIIIIIII",
            sequence,
            f.in_if,
            f.sampling_rate,
            sequence * f.sampling_rate,
            0,
            f.in_if,
            f.out_if,
            2,
        )
        + records
    )
    return struct.pack("!II", 1, len(body)) + body


def datagram(agent: str, frames: list[SampledFrame], sequence: int = 1) -> bytes:
    """One sFlow v5 datagram from an IPv4 agent holding a flow sample per frame."""
    samples = b"".join(flow_sample(f, sequence * 1000 + i) for i, f in enumerate(frames))
    head = struct.pack("!II4sIIII", 5, 1, ip_address(agent).packed, 0, sequence, 1000, len(frames))
    return head + samples
