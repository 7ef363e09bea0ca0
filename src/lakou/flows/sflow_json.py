"""sFlow datagrams straight to the JSON text ``lakou flows decode`` prints, without dicts.

``flows decode`` prints what the reference decoder (:mod:`lakou.flows.sflow`) returns, one
``json.dumps`` object per sample. Building those dicts and encoding them cost most of the
command's time, so this module walks the common structures (flow and expanded flow
samples with raw packet header, Ethernet frame, IPv4/IPv6 data, extended switch, router
and gateway records; counter samples with generic interface and Ethernet counters) and
writes each sample's text directly: the same keys, order and values, field names taken
from the reference where it keeps them in tables. Anything else (an error, a truncation,
an address type it does not know) returns ``None``, and the caller decodes that datagram
with the reference, which says exactly what is wrong. Its output is held byte for byte to
the reference's by tests on every shared capture and on mutated ones.
"""

from __future__ import annotations

import struct
from socket import inet_ntoa

from lakou.flows.packet import ETH_VLAN_TYPES, IPV6_EXTENSIONS, ipv6_text
from lakou.flows.sflow import _ETHERNET_FIELDS, _GENERIC_FIELDS

_U16 = struct.Struct("!H").unpack_from
_W2_16 = struct.Struct("!HH").unpack_from
_IPV4 = struct.Struct("!BBHHHBB").unpack_from  # to the protocol
_IPV6 = struct.Struct("!IHBB").unpack_from  # to the hop limit
_U32 = struct.Struct("!I").unpack_from
_W2 = struct.Struct("!II").unpack_from
_W3 = struct.Struct("!III").unpack_from
_W4 = struct.Struct("!IIII").unpack_from
_W7 = struct.Struct("!7I").unpack_from
_W10 = struct.Struct("!10I").unpack_from
_GENERIC = struct.Struct("!" + "".join("Q" if w == 8 else "I" for _, w in _GENERIC_FIELDS))
_GENERIC_TEXT = ", ".join(f'"{name}": {{}}' for name, _ in _GENERIC_FIELDS)
_ETHERNET = struct.Struct(f"!{len(_ETHERNET_FIELDS)}I")
_ETHERNET_TEXT = ", ".join(f'"{name}": {{}}' for name in _ETHERNET_FIELDS)


class _Fallback(Exception):
    """The datagram leaves the fast path: the reference decodes it (and names its error)."""


def samples_json(p: bytes) -> list[str] | None:
    """The text of each sample of sFlow v5 datagram ``p`` after the frame's own fields
    (``"protocol": "sflow", ...}`` and a newline), or None: decode it with the reference.

    As in the reference's output, a flow or counter sample's sequence number takes the
    datagram's place (its key comes first, from the datagram's fields)."""
    try:
        return _samples(p)
    except _Fallback:
        return None


def _samples(p: bytes) -> list[str]:
    if p[:4] != b"\x00\x00\x00\x05":
        raise _Fallback
    n = len(p)
    pos, agent = _address(p, 4, n)
    if pos + 16 > n:
        raise _Fallback
    sub_agent, sequence, uptime, count = _W4(p, pos)
    pos += 16
    if count > n // 8:
        raise _Fallback
    before = (
        f'"protocol": "sflow", "version": 5, "agent": "{agent}", '
        f'"sub_agent_id": {sub_agent}, "sequence_number": '
    )
    after = f', "sysuptime": {uptime}, "enterprise": '
    out = []
    for _ in range(count):
        if pos + 8 > n:
            raise _Fallback
        fmt, length = _W2(p, pos)
        pos += 8
        end = pos + length
        if end > n:
            raise _Fallback
        enterprise, kind = fmt >> 12, fmt & 0xFFF
        common = f'{enterprise}, "format": {kind}, "length": {length}'
        if enterprise == 0 and kind in (1, 3):
            seq, body = _flow_sample(p, pos, end, kind == 3)
        elif enterprise == 0 and kind in (2, 4):
            seq, body = _counter_sample(p, pos, end, kind == 4)
        else:
            seq, body = sequence, ""
        out.append(f"{before}{seq}{after}{common}{body}}}\n")
        pos = end
    return out


def _address(p: bytes, pos: int, end: int) -> tuple[int, str]:
    """An sFlow address at ``pos``: (the position after it, its text)."""
    if pos + 4 > end:
        raise _Fallback
    kind = _U32(p, pos)[0]
    if kind == 1 and pos + 8 <= end:
        return pos + 8, inet_ntoa(p[pos + 4 : pos + 8])
    if kind == 2 and pos + 20 <= end:
        return pos + 20, ipv6_text(p[pos + 4 : pos + 20])
    if kind == 0:
        return pos + 4, ""
    raise _Fallback


def _flow_sample(p: bytes, pos: int, end: int, expanded: bool) -> tuple[int, str]:
    if expanded:
        if pos + 40 > end:
            raise _Fallback
        seq, cls, index, rate, pool, dropped, in_fmt, inp, out_fmt, outp = _W10(p, pos)
        pos += 40
        kind = "expanded_flow_sample"
    else:
        if pos + 28 > end:
            raise _Fallback
        seq, source, rate, pool, dropped, inp, outp = _W7(p, pos)
        pos += 28
        cls, index = source >> 24, source & 0xFFFFFF
        in_fmt, inp = inp >> 30, inp & 0x3FFFFFFF
        out_fmt, outp = outp >> 30, outp & 0x3FFFFFFF
        kind = "flow_sample"
    records = []
    for fmt, length, start, stop in _records(p, pos, end):
        enterprise, rkind = fmt >> 12, fmt & 0xFFF
        if enterprise == 0:
            body = _flow_record(p, start, stop, rkind, length)
            records.append(f'{{"enterprise": 0, "format": {rkind}, "length": {body}}}')
        else:
            records.append(f'{{"enterprise": {enterprise}, "format": {rkind}, "length": {length}}}')
    return seq, (
        f', "type": "{kind}", "source_id_class": {cls}, "source_id_index": {index}, '
        f'"sampling_rate": {rate}, "sample_pool": {pool}, "dropped_packets": {dropped}, '
        f'"input_interface_format": {in_fmt}, "input_interface": {inp}, '
        f'"output_interface_format": {out_fmt}, "output_interface": {outp}, '
        f'"records": [{", ".join(records)}]'
    )


def _records(p: bytes, pos: int, end: int) -> list[tuple[int, int, int, int]]:
    """(format, length, body start, body end) of each record of a sample."""
    if pos + 4 > end:
        raise _Fallback
    count = _U32(p, pos)[0]
    pos += 4
    if count > (end - pos) // 8:
        raise _Fallback
    out = []
    for _ in range(count):
        if pos + 8 > end:
            raise _Fallback
        fmt, length = _W2(p, pos)
        start = pos + 8
        pos = start + length
        if pos > end:
            raise _Fallback
        out.append((fmt, length, start, pos))
    return out


def _flow_record(p: bytes, pos: int, end: int, kind: int, length: int) -> str:
    """A flow record's text from its length's value on (the reference updates the
    record's header with its fields, so IPv4 and IPv6 data's own length takes its place)."""
    if kind == 1:  # raw packet header
        if pos + 16 > end:
            raise _Fallback
        protocol, frame_length, stripped, size = _W4(p, pos)
        start = pos + 16
        if start + size > end or start + size + (4 - size % 4) % 4 > end:
            raise _Fallback
        header = p[start : start + size]
        text = (
            f'{length}, "type": "raw_packet_header", "header_protocol": {protocol}, '
            f'"frame_length": {frame_length}, "payload_stripped": {stripped}, '
            f'"sampled_header_length": {size}, "header_bytes": "{header.hex()}"'
        )
        if protocol == 1:
            return f'{text}, "header": {{{_ethernet(header)}}}'
        if protocol == 11:
            return f'{text}, "header": {{{_ip(0x0800, header, 0)}}}'
        if protocol == 12:
            return f'{text}, "header": {{{_ip(0x86DD, header, 0)}}}'
        return text
    if kind == 2:  # Ethernet frame
        if pos + 24 > end:
            raise _Fallback
        return (
            f'{length}, "type": "ethernet_frame", "frame_length": {_U32(p, pos)[0]}, '
            f'"src_mac": "{p[pos + 4 : pos + 10].hex(":")}", '
            f'"dst_mac": "{p[pos + 12 : pos + 18].hex(":")}", '
            f'"eth_type": {_U32(p, pos + 20)[0]}'
        )
    if kind in (3, 4):  # IPv4 or IPv6 data
        size = 4 if kind == 3 else 16
        if pos + 24 + 2 * size > end:
            raise _Fallback
        own_length, protocol = _W2(p, pos)
        src, dst = p[pos + 8 : pos + 8 + size], p[pos + 8 + size : pos + 8 + 2 * size]
        sport, dport, flags, tos = _W4(p, pos + 8 + 2 * size)
        address = inet_ntoa if kind == 3 else ipv6_text
        return (
            f'{own_length}, "type": "{"ipv4_data" if kind == 3 else "ipv6_data"}", '
            f'"protocol": {protocol}, "src_ip": "{address(src)}", "dst_ip": "{address(dst)}", '
            f'"src_port": {sport}, "dst_port": {dport}, "tcp_flags": {flags}, "tos": {tos}'
        )
    if kind == 1001:  # extended switch
        if pos + 16 > end:
            raise _Fallback
        src_vlan, src_priority, dst_vlan, dst_priority = _W4(p, pos)
        return (
            f'{length}, "type": "extended_switch", "src_vlan": {src_vlan}, '
            f'"src_priority": {src_priority}, "dst_vlan": {dst_vlan}, '
            f'"dst_priority": {dst_priority}'
        )
    if kind == 1002:  # extended router
        pos, hop = _address(p, pos, end)
        if pos + 8 > end:
            raise _Fallback
        src_mask, dst_mask = _W2(p, pos)
        return (
            f'{length}, "type": "extended_router", "next_hop": "{hop}", "src_mask": {src_mask}, '
            f'"dst_mask": {dst_mask}'
        )
    if kind == 1003:
        return f"{length}, {_extended_gateway(p, pos, end)}"
    return f'{length}, "type": "unknown"'


def _extended_gateway(p: bytes, pos: int, end: int) -> str:
    pos, hop = _address(p, pos, end)
    if pos + 16 > end:
        raise _Fallback
    asn, src_as, src_peer_as, segments = _W4(p, pos)
    pos += 16
    if segments > (end - pos) // 8:
        raise _Fallback
    path = []
    for _ in range(segments):
        if pos + 8 > end:
            raise _Fallback
        seg_type, count = _W2(p, pos)
        pos += 8
        if count > (end - pos) // 4:
            raise _Fallback
        path.append(f'{{"type": {seg_type}, "asns": {_ints(p, pos, count)}}}')
        pos += 4 * count
    if pos + 4 > end:
        raise _Fallback
    count = _U32(p, pos)[0]
    pos += 4
    if count > (end - pos) // 4:
        raise _Fallback
    communities = _ints(p, pos, count)
    pos += 4 * count
    if pos + 4 > end:
        raise _Fallback
    return (
        f'"type": "extended_gateway", "next_hop": "{hop}", "as": {asn}, "src_as": {src_as}, '
        f'"src_peer_as": {src_peer_as}, "dst_as_path": [{", ".join(path)}], '
        f'"communities": {communities}, "localpref": {_U32(p, pos)[0]}'
    )


def _ints(p: bytes, pos: int, count: int) -> str:
    """``count`` 32-bit words at ``pos`` as a JSON list."""
    if not count:
        return "[]"
    return f"[{', '.join(map(str, struct.unpack_from(f'!{count}I', p, pos)))}]"


def _counter_sample(p: bytes, pos: int, end: int, expanded: bool) -> tuple[int, str]:
    if expanded:
        if pos + 12 > end:
            raise _Fallback
        seq, cls, index = _W3(p, pos)
        pos += 12
        kind = "expanded_counter_sample"
    else:
        if pos + 8 > end:
            raise _Fallback
        seq, source = _W2(p, pos)
        pos += 8
        cls, index = source >> 24, source & 0xFFFFFF
        kind = "counter_sample"
    records = []
    for fmt, length, start, stop in _records(p, pos, end):
        enterprise, rkind = fmt >> 12, fmt & 0xFFF
        head = f'{{"enterprise": {enterprise}, "format": {rkind}, "length": {length}'
        if enterprise == 0 and rkind == 1:
            if start + _GENERIC.size > stop:
                raise _Fallback
            fields = _GENERIC_TEXT.format(*_GENERIC.unpack_from(p, start))
            records.append(f'{head}, "type": "generic_interface", {fields}}}')
        elif enterprise == 0 and rkind == 2:
            if start + _ETHERNET.size > stop:
                raise _Fallback
            fields = _ETHERNET_TEXT.format(*_ETHERNET.unpack_from(p, start))
            records.append(f'{head}, "type": "ethernet_interface", {fields}}}')
        else:
            records.append(head + "}")
    return seq, (
        f', "type": "{kind}", "source_id_class": {cls}, "source_id_index": {index}, '
        f'"records": [{", ".join(records)}]'
    )


# The sampled header, as json.dumps writes lakou.flows.packet's parse of it; each function
# mirrors the one of that module it is named after, and returns the text inside the braces.


def _ethernet(data: bytes) -> str:
    if len(data) < 14:
        return ""
    etype = _U16(data, 12)[0]
    pos = 14
    vlans = []
    while etype in ETH_VLAN_TYPES and len(data) >= pos + 4:
        tag, etype = _W2_16(data, pos)
        vlans.append(str(tag & 0x0FFF))
        pos += 4
    text = f'"eth.dst": "{data[0:6].hex(":")}", "eth.src": "{data[6:12].hex(":")}"'
    if vlans:
        text = f'{text}, "vlan.id": [{", ".join(vlans)}]'
    text = f'{text}, "eth.type": {etype}'
    more = _ip(etype, data, pos)
    return f"{text}, {more}" if more else text


def _ip(etype: int, data: bytes, pos: int) -> str:
    """The IP header at ``pos`` of ``data`` (packet.parse_ip of ``data[pos:]``)."""
    size = len(data) - pos
    if etype == 0x0800 and size >= 20 and data[pos] >> 4 == 4:
        first, tos, length, _id, frag, ttl, proto = _IPV4(data, pos)
        ihl = (first & 0x0F) * 4
        text = (
            f'"ip.version": 4, "ip.tos": {tos}, "ip.len": {length}, "ip.ttl": {ttl}, '
            f'"ip.proto": {proto}, "ip.src": "{inet_ntoa(data[pos + 12 : pos + 16])}", '
            f'"ip.dst": "{inet_ntoa(data[pos + 16 : pos + 20])}"'
        )
        if frag & 0x1FFF == 0 and ihl >= 20:
            more = _l4(proto, data, pos + ihl)
            return f"{text}, {more}" if more else text
        return text
    if etype == 0x86DD and size >= 40 and data[pos] >> 4 == 6:
        first, plen, nxt, hlim = _IPV6(data, pos)
        text = (
            f'"ip.version": 6, "ipv6.tclass": {(first >> 20) & 0xFF}, "ipv6.plen": {plen}, '
            f'"ipv6.hlim": {hlim}, "ipv6.src": "{ipv6_text(data[pos + 8 : pos + 24])}", '
            f'"ipv6.dst": "{ipv6_text(data[pos + 24 : pos + 40])}", "ipv6.nxt": '
        )
        end = len(data)
        pos += 40
        while nxt in IPV6_EXTENSIONS and end >= pos + 8:
            step = (data[pos + 1] + 2) * 4 if nxt == 51 else (data[pos + 1] + 1) * 8
            nxt, pos = data[pos], pos + step
        if nxt == 44 and end >= pos + 8:  # fragment header: only the first has ports
            if _U16(data, pos + 2)[0] >> 3 != 0:
                return f"{text}{nxt}"
            nxt, pos = data[pos], pos + 8
        more = _l4(nxt, data, pos)
        return f"{text}{nxt}, {more}" if more else f"{text}{nxt}"
    return ""


def _l4(proto: int, data: bytes, pos: int) -> str:
    size = len(data) - pos
    if proto == 6 and size >= 14:
        sport, dport = _W2_16(data, pos)
        return (
            f'"tcp.srcport": {sport}, "tcp.dstport": {dport}, '
            f'"tcp.flags": {_U16(data, pos + 12)[0] & 0x0FFF}'
        )
    if proto == 6 and size >= 4:
        sport, dport = _W2_16(data, pos)
        return f'"tcp.srcport": {sport}, "tcp.dstport": {dport}'
    if proto == 17 and size >= 4:
        sport, dport = _W2_16(data, pos)
        return f'"udp.srcport": {sport}, "udp.dstport": {dport}'
    if proto in (1, 58) and size >= 2:
        key = "icmp" if proto == 1 else "icmpv6"
        return f'"{key}.type": {data[pos]}, "{key}.code": {data[pos + 1]}'
    return ""
