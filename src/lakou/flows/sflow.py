"""sFlow version 5 decoder (sflow.org/sflow_version_5.txt), readable reference version.

The exchange switch exports sFlow on member-facing ports. A datagram holds flow samples
(one sampled frame each: sampling rate, pool, interfaces, and records describing the
frame) and counter samples (interface counters). This module decodes every structure the
field uses: flow and expanded flow samples; raw packet header (parsed through Ethernet,
802.1Q/QinQ, IPv4/IPv6, TCP/UDP/ICMP), Ethernet frame, IPv4 and IPv6 data, extended
switch, router and gateway records; counter and expanded counter samples with generic
interface and Ethernet counters. Unknown record formats are kept as their format and
length, never guessed at.

It returns plain dicts (what ``lakou flows decode`` prints, named like tshark's fields)
and :class:`~lakou.flows.records.FlowRow` records. A datagram that breaks the format
raises :class:`MalformedDatagram` with the byte offset; nothing of it is kept, so a
datagram is accepted whole or counted as dropped. The hot path is the numba decoder in
:mod:`lakou.flows.fast_sflow`, tested to give the same records.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from socket import inet_ntoa
from typing import Any

from lakou.flows.counters import BAD_FIELD, BAD_LENGTH, BAD_VERSION, TRUNCATED
from lakou.flows.packet import ip_fields, ipv6_text, parse_ethernet, parse_ip
from lakou.flows.records import SOURCE_SFLOW, FlowRow, mac_to_int

_U32 = struct.Struct("!I").unpack_from
_WORDS = {n: struct.Struct(f"!{n}I").unpack_from for n in range(1, 14)}

FLOW_SAMPLE = 1
COUNTER_SAMPLE = 2
EXPANDED_FLOW_SAMPLE = 3
EXPANDED_COUNTER_SAMPLE = 4

RAW_PACKET_HEADER = 1
ETHERNET_FRAME = 2
IPV4_DATA = 3
IPV6_DATA = 4
EXTENDED_SWITCH = 1001
EXTENDED_ROUTER = 1002
EXTENDED_GATEWAY = 1003

HEADER_PROTOCOL_ETHERNET = 1
HEADER_PROTOCOL_IPV4 = 11
HEADER_PROTOCOL_IPV6 = 12

GENERIC_INTERFACE_COUNTERS = 1
ETHERNET_COUNTERS = 2


class MalformedDatagram(ValueError):
    """The datagram breaks its format; ``offset`` is where the decoder stopped.

    ``category`` is one of :data:`~lakou.flows.counters.MALFORMED_CATEGORIES` (what the
    collector counts); ``reason`` is the detail, kept only in a bounded sample log.
    """

    def __init__(self, reason: str, offset: int, category: str = TRUNCATED) -> None:
        super().__init__(f"{reason} at byte {offset}")
        self.reason = reason
        self.offset = offset
        self.category = category


class _Reader:
    """Big-endian XDR reads with bounds checks; errors name the offset."""

    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def need(self, n: int, what: str) -> None:
        if n < 0 or self.pos + n > self.end:
            raise MalformedDatagram(f"truncated {what}", self.pos)

    def u32(self, what: str = "field") -> int:
        pos = self.pos
        if pos + 4 > self.end:
            raise MalformedDatagram(f"truncated {what}", pos)
        self.pos = pos + 4
        value: int = _U32(self.data, pos)[0]
        return value

    def words(self, n: int) -> tuple[int, ...]:
        """``n`` 32-bit fields at once; short of room, the error :meth:`u32` gives at the
        first field that does not fit."""
        pos = self.pos
        if pos + 4 * n > self.end:
            return tuple(self.u32() for _ in range(n))
        self.pos = pos + 4 * n
        return _WORDS[n](self.data, pos)

    def u64(self, what: str = "field") -> int:
        self.need(8, what)
        value: int = struct.unpack_from("!Q", self.data, self.pos)[0]
        self.pos += 8
        return value

    def raw(self, n: int, what: str) -> bytes:
        self.need(n, what)
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def opaque(self, what: str) -> bytes:
        n = self.u32(what)
        out = self.raw(n, what)
        self.pos += (4 - n % 4) % 4
        if self.pos > self.end:
            raise MalformedDatagram(f"truncated padding of {what}", self.end)
        return out

    def address(self, what: str) -> str:
        kind = self.u32(what)
        if kind == 1:
            return inet_ntoa(self.raw(4, what))  # as str(IPv4Address(...))
        if kind == 2:
            return ipv6_text(self.raw(16, what))  # as str(IPv6Address(...))
        if kind == 0:
            return ""
        raise MalformedDatagram(f"unknown address type {kind} in {what}", self.pos - 4, BAD_FIELD)


def decode(payload: bytes) -> dict[str, Any]:
    """One sFlow v5 datagram as a dict; raises :class:`MalformedDatagram`."""
    r = _Reader(payload)
    version = r.u32("version")
    if version != 5:
        raise MalformedDatagram(f"sFlow version {version}, expected 5", 0, BAD_VERSION)
    out: dict[str, Any] = {"version": 5}
    out["agent"] = r.address("agent address")
    out["sub_agent_id"] = r.u32()
    out["sequence_number"] = r.u32()
    out["sysuptime"] = r.u32()
    count = r.u32("sample count")
    if count > len(payload) // 8:
        raise MalformedDatagram(f"{count} samples cannot fit", r.pos - 4, BAD_LENGTH)
    samples = []
    for _ in range(count):
        fmt = r.u32("sample format")
        length = r.u32("sample length")
        start = r.pos
        r.need(length, "sample")
        sub = _Reader(payload, start, start + length)
        enterprise, kind = fmt >> 12, fmt & 0xFFF
        sample: dict[str, Any] = {"enterprise": enterprise, "format": kind, "length": length}
        if enterprise == 0 and kind in (FLOW_SAMPLE, EXPANDED_FLOW_SAMPLE):
            sample.update(_flow_sample(sub, kind == EXPANDED_FLOW_SAMPLE))
        elif enterprise == 0 and kind in (COUNTER_SAMPLE, EXPANDED_COUNTER_SAMPLE):
            sample.update(_counter_sample(sub, kind == EXPANDED_COUNTER_SAMPLE))
        samples.append(sample)
        r.pos = start + length
    out["samples"] = samples
    return out


def _flow_sample(r: _Reader, expanded: bool) -> dict[str, Any]:
    s: dict[str, Any]
    if expanded:
        seq, cls, index, rate, pool, dropped, in_fmt, inp, out_fmt, outp = r.words(10)
    else:
        seq, source, rate, pool, dropped, inp, outp = r.words(7)
        cls, index = source >> 24, source & 0xFFFFFF
        in_fmt, inp = inp >> 30, inp & 0x3FFFFFFF
        out_fmt, outp = outp >> 30, outp & 0x3FFFFFFF
    s = {
        "type": "expanded_flow_sample" if expanded else "flow_sample",
        "sequence_number": seq,
        "source_id_class": cls,
        "source_id_index": index,
        "sampling_rate": rate,
        "sample_pool": pool,
        "dropped_packets": dropped,
        "input_interface_format": in_fmt,
        "input_interface": inp,
        "output_interface_format": out_fmt,
        "output_interface": outp,
    }
    records = []
    for rec, sub in _records(r, "flow record"):
        if rec["enterprise"] == 0:
            rec.update(_flow_record(sub, rec["format"]))
        records.append(rec)
    s["records"] = records
    return s


def _source_id(r: _Reader, expanded: bool) -> tuple[int, int]:
    """(source id class, index): two words in expanded samples, one (8 + 24 bits) else."""
    if expanded:
        return r.u32(), r.u32()
    source = r.u32()
    return source >> 24, source & 0xFFFFFF


def _records(r: _Reader, what: str) -> Iterator[tuple[dict[str, Any], _Reader]]:
    """The records of a sample: each its header dict and a reader bounded to its body.

    The record count is checked against the room left (8 bytes of header each) before
    any is read; after each record, ``r`` moves past it whatever the caller read.
    """
    count = r.u32("record count")
    if count > (r.end - r.pos) // 8:
        raise MalformedDatagram(f"{count} {what}s cannot fit", r.pos - 4, BAD_LENGTH)
    for _ in range(count):
        fmt = r.u32("record format")
        length = r.u32("record length")
        start = r.pos
        r.need(length, what)
        sub = _Reader(r.data, start, start + length)
        yield {"enterprise": fmt >> 12, "format": fmt & 0xFFF, "length": length}, sub
        r.pos = start + length


def _flow_record(r: _Reader, kind: int) -> dict[str, Any]:
    if kind == RAW_PACKET_HEADER:
        protocol, frame_length, stripped = r.words(3)
        rec: dict[str, Any] = {
            "type": "raw_packet_header",
            "header_protocol": protocol,
            "frame_length": frame_length,
            "payload_stripped": stripped,
        }
        header = r.opaque("sampled header")
        rec["sampled_header_length"] = len(header)
        rec["header_bytes"] = header.hex()
        if rec["header_protocol"] == HEADER_PROTOCOL_ETHERNET:
            rec["header"] = parse_ethernet(header)
        elif rec["header_protocol"] == HEADER_PROTOCOL_IPV4:
            rec["header"] = parse_ip(0x0800, header)
        elif rec["header_protocol"] == HEADER_PROTOCOL_IPV6:
            rec["header"] = parse_ip(0x86DD, header)
        return rec
    if kind == ETHERNET_FRAME:
        length = r.u32()
        src, dst = r.raw(8, "source MAC")[:6], r.raw(8, "destination MAC")[:6]
        return {
            "type": "ethernet_frame",
            "frame_length": length,
            "src_mac": src.hex(":"),
            "dst_mac": dst.hex(":"),
            "eth_type": r.u32(),
        }
    if kind in (IPV4_DATA, IPV6_DATA):
        size = 4 if kind == IPV4_DATA else 16
        text = inet_ntoa if kind == IPV4_DATA else ipv6_text  # as str(IPv4/6Address(...))
        return {
            "type": "ipv4_data" if kind == IPV4_DATA else "ipv6_data",
            "length": r.u32(),
            "protocol": r.u32(),
            "src_ip": text(r.raw(size, "address")),
            "dst_ip": text(r.raw(size, "address")),
            "src_port": r.u32(),
            "dst_port": r.u32(),
            "tcp_flags": r.u32(),
            "tos": r.u32(),
        }
    if kind == EXTENDED_SWITCH:
        src_vlan, src_priority, dst_vlan, dst_priority = r.words(4)
        return {
            "type": "extended_switch",
            "src_vlan": src_vlan,
            "src_priority": src_priority,
            "dst_vlan": dst_vlan,
            "dst_priority": dst_priority,
        }
    if kind == EXTENDED_ROUTER:
        return {
            "type": "extended_router",
            "next_hop": r.address("next hop"),
            "src_mask": r.u32(),
            "dst_mask": r.u32(),
        }
    if kind == EXTENDED_GATEWAY:
        rec = {"type": "extended_gateway", "next_hop": r.address("next hop")}
        rec["as"] = r.u32()
        rec["src_as"] = r.u32()
        rec["src_peer_as"] = r.u32()
        segments = r.u32("AS path segment count")
        if segments > (r.end - r.pos) // 8:
            raise MalformedDatagram(
                f"{segments} AS path segments cannot fit", r.pos - 4, BAD_LENGTH
            )
        path: list[dict[str, Any]] = []
        for _ in range(segments):
            seg_type = r.u32()
            n = r.u32("AS path segment length")
            if n > (r.end - r.pos) // 4:
                raise MalformedDatagram(f"AS path segment of {n} cannot fit", r.pos - 4, BAD_LENGTH)
            path.append({"type": seg_type, "asns": [r.u32() for _ in range(n)]})
        rec["dst_as_path"] = path
        n = r.u32("community count")
        if n > (r.end - r.pos) // 4:
            raise MalformedDatagram(f"{n} communities cannot fit", r.pos - 4, BAD_LENGTH)
        rec["communities"] = [r.u32() for _ in range(n)]
        rec["localpref"] = r.u32()
        return rec
    return {"type": "unknown"}


def _counter_sample(r: _Reader, expanded: bool) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "expanded_counter_sample" if expanded else "counter_sample"}
    s["sequence_number"] = r.u32()
    s["source_id_class"], s["source_id_index"] = _source_id(r, expanded)
    records = []
    for rec, sub in _records(r, "counter record"):
        enterprise, kind = rec["enterprise"], rec["format"]
        if enterprise == 0 and kind == GENERIC_INTERFACE_COUNTERS:
            rec["type"] = "generic_interface"
            if sub.end - sub.pos >= _GENERIC.size:  # at once; short, the first field failing
                values = _GENERIC.unpack_from(sub.data, sub.pos)
                rec.update(zip(_GENERIC_NAMES, values, strict=True))
            else:
                for name, width in _GENERIC_FIELDS:
                    rec[name] = sub.u64() if width == 8 else sub.u32()
        elif enterprise == 0 and kind == ETHERNET_COUNTERS:
            rec["type"] = "ethernet_interface"
            values = sub.words(len(_ETHERNET_FIELDS))  # short: the first field failing
            rec.update(zip(_ETHERNET_FIELDS, values, strict=True))
        records.append(rec)
    s["records"] = records
    return s


_GENERIC_FIELDS = [
    ("if_index", 4),
    ("if_type", 4),
    ("if_speed", 8),
    ("if_direction", 4),
    ("if_status", 4),
    ("if_in_octets", 8),
    ("if_in_ucast_pkts", 4),
    ("if_in_multicast_pkts", 4),
    ("if_in_broadcast_pkts", 4),
    ("if_in_discards", 4),
    ("if_in_errors", 4),
    ("if_in_unknown_protos", 4),
    ("if_out_octets", 8),
    ("if_out_ucast_pkts", 4),
    ("if_out_multicast_pkts", 4),
    ("if_out_broadcast_pkts", 4),
    ("if_out_discards", 4),
    ("if_out_errors", 4),
    ("if_promiscuous_mode", 4),
]
_GENERIC_NAMES = [name for name, _ in _GENERIC_FIELDS]
_GENERIC = struct.Struct("!" + "".join("Q" if width == 8 else "I" for _, width in _GENERIC_FIELDS))
_ETHERNET_FIELDS = [
    "alignment_errors",
    "fcs_errors",
    "single_collision_frames",
    "multiple_collision_frames",
    "sqe_test_errors",
    "deferred_transmissions",
    "late_collisions",
    "excessive_collisions",
    "internal_mac_transmit_errors",
    "carrier_sense_errors",
    "frame_too_longs",
    "internal_mac_receive_errors",
    "symbol_errors",
]


def rows(decoded: dict[str, Any], time: int) -> list[FlowRow]:
    """The flow records of a decoded datagram (one per flow sample)."""
    out = []
    for sample in decoded["samples"]:
        if sample.get("type") not in ("flow_sample", "expanded_flow_sample"):
            continue
        row = FlowRow(
            time=time,
            source=SOURCE_SFLOW,
            exporter=decoded["agent"],
            sampling_rate=sample["sampling_rate"],
            in_if=sample["input_interface"],
            out_if=sample["output_interface"],
            packets=1,
        )
        switch_vlan = 0
        for rec in sample["records"]:
            kind = rec.get("type")
            if kind == "raw_packet_header":
                row.bytes = rec["frame_length"]
                parsed = rec.get("header", {})
                row.src_mac = mac_to_int(parsed.get("eth.src"))
                row.dst_mac = mac_to_int(parsed.get("eth.dst"))
                row.vlan = parsed.get("vlan.id", [0])[0]
                row.etype = parsed.get("eth.type", 0)
                if rec["header_protocol"] == HEADER_PROTOCOL_IPV4:
                    row.etype = 0x0800
                elif rec["header_protocol"] == HEADER_PROTOCOL_IPV6:
                    row.etype = 0x86DD
                src, dst, proto, sport, dport = ip_fields(parsed)
                row.src_ip, row.dst_ip = src or "", dst or ""
                row.proto, row.src_port, row.dst_port = proto, sport, dport
            elif kind == "ethernet_frame" and not row.src_mac:
                row.src_mac = mac_to_int(rec["src_mac"])
                row.dst_mac = mac_to_int(rec["dst_mac"])
                row.etype = row.etype or rec["eth_type"] & 0xFFFF
                row.bytes = row.bytes or rec["frame_length"]
            elif kind in ("ipv4_data", "ipv6_data") and not row.src_ip:
                row.src_ip, row.dst_ip = rec["src_ip"], rec["dst_ip"]
                row.proto = rec["protocol"] & 0xFF
                row.src_port, row.dst_port = rec["src_port"] & 0xFFFF, rec["dst_port"] & 0xFFFF
                row.bytes = row.bytes or rec["length"]
                row.etype = row.etype or (0x0800 if kind == "ipv4_data" else 0x86DD)
            elif kind == "extended_switch":
                switch_vlan = rec["src_vlan"] if rec["src_vlan"] < 4096 else 0
            elif kind == "extended_gateway":
                row.src_as = rec["src_as"]
                path = [a for seg in rec["dst_as_path"] for a in seg["asns"]]
                row.dst_as = path[-1] if path else rec["as"]
        # The tag in the sampled frame is what the member sent; the switch record says
        # which VLAN the port put it in when the frame arrived untagged.
        row.vlan = row.vlan or switch_vlan
        out.append(row)
    return out


def sampled_headers(payload: bytes) -> list[bytes | None]:
    """The sampled Ethernet header of each flow sample of an sFlow datagram, in order
    (None for a sample without one), walking only the structure around them.

    The datagram was accepted by the flow decoders, so its lengths hold; a walk that
    still runs past the end stops with what it found.
    """
    out: list[bytes | None] = []
    try:
        kind = struct.unpack_from("!I", payload, 4)[0]
        pos = 8 + (16 if kind == 2 else 4 if kind == 1 else 0) + 12
        (count,) = struct.unpack_from("!I", payload, pos)
        pos += 4
        for _ in range(count):
            fmt, length = struct.unpack_from("!II", payload, pos)
            body, pos = pos + 8, pos + 8 + length
            if fmt not in (FLOW_SAMPLE, EXPANDED_FLOW_SAMPLE):
                continue
            p = body + (40 if fmt == EXPANDED_FLOW_SAMPLE else 28)
            (records,) = struct.unpack_from("!I", payload, p)
            p += 4
            header = None
            for _ in range(records):
                rfmt, rlen = struct.unpack_from("!II", payload, p)
                if rfmt == RAW_PACKET_HEADER and header is None:
                    proto, _frame, _stripped, hlen = struct.unpack_from("!IIII", payload, p + 8)
                    if proto == HEADER_PROTOCOL_ETHERNET and hlen <= rlen - 16:
                        header = payload[p + 24 : p + 24 + hlen]
                p += 8 + rlen
            out.append(header)
    except struct.error:
        pass
    return out
