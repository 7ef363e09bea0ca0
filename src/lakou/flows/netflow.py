"""NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) decoder.

Routers at members' borders export flows. v9 and IPFIX are template-based: a data set
means nothing until its template arrives, and templates belong to one exporter and one
observation domain (v9: source id). :class:`NetflowDecoder` keeps that state: templates
and options templates per (exporter, version, domain, template id), template withdrawal
(IPFIX), and the sampling rates announced in options data (samplingInterval,
samplerRandomInterval, samplingPacketInterval/Space, keyed by samplerId or selectorId when
present). Variable-length fields (IPFIX) and enterprise-specific elements are decoded by
their length and never misread. Data sets whose template is unknown are counted, as pmacct
and tshark do, and skipped.

``decode`` returns a dict per datagram (what ``lakou flows decode`` prints);
``rows`` turns it into :class:`~lakou.flows.records.FlowRow` records.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from ipaddress import ip_address
from socket import inet_ntoa
from typing import Any

from lakou.flows.counters import BAD_FIELD, BAD_LENGTH, BAD_TEMPLATE, BAD_VERSION
from lakou.flows.ipfix_fields import ELEMENTS, VARIABLE_LENGTH
from lakou.flows.packet import ip_fields, ipv6_text, parse_ethernet
from lakou.flows.records import (
    SOURCE_IPFIX,
    SOURCE_NETFLOW5,
    SOURCE_NETFLOW9,
    FlowRow,
    mac_to_int,
)
from lakou.flows.sflow import MalformedDatagram

SAMPLING_IES = (34, 50, 305)


@dataclass(frozen=True, slots=True)
class TemplateField:
    element: int
    length: int
    enterprise: int = 0


@dataclass(frozen=True, slots=True)
class Template:
    template_id: int
    fields: tuple[TemplateField, ...]
    scope_count: int = 0  # > 0: an options template
    options: bool = False


@dataclass
class DecoderStats:
    datagrams: int = 0
    records: int = 0
    templates: int = 0
    withdrawals: int = 0
    unknown_template_sets: int = 0
    option_records: int = 0


@dataclass
class NetflowDecoder:
    """Decodes datagrams from many exporters, remembering their templates and samplers."""

    templates: dict[tuple[str, int, int, int], Template] = field(default_factory=dict)
    sampling: dict[tuple[str, int, int], dict[int, int]] = field(default_factory=dict)
    stats: DecoderStats = field(default_factory=DecoderStats)

    def decode(self, payload: bytes, exporter: str) -> dict[str, Any]:
        if len(payload) < 2:
            raise MalformedDatagram("truncated version", 0)
        version = struct.unpack_from("!H", payload)[0]
        if version == 5:
            out = _decode_v5(payload)
            out["exporter"] = exporter
        elif version in (9, 10):
            out = self._decode_template_based(payload, exporter, version)
        else:
            raise MalformedDatagram(f"NetFlow version {version}", 0, BAD_VERSION)
        self.stats.datagrams += 1
        self.stats.records += len(out["records"])
        return out

    def _decode_template_based(self, data: bytes, exporter: str, version: int) -> dict[str, Any]:
        out: dict[str, Any] = {"version": version, "exporter": exporter}
        if version == 9:
            if len(data) < 20:
                raise MalformedDatagram("truncated NetFlow v9 header", len(data))
            _, count, uptime, secs, seq, domain = struct.unpack_from("!HHIIII", data)
            out.update(count=count, sysuptime=uptime, unix_secs=secs, sequence=seq)
            out["source_id"] = domain
            pos, end = 20, len(data)
        else:
            if len(data) < 16:
                raise MalformedDatagram("truncated IPFIX header", len(data))
            _, length, secs, seq, domain = struct.unpack_from("!HHIII", data)
            if length < 16 or length > len(data):
                raise MalformedDatagram(
                    f"IPFIX length {length} vs {len(data)} received", 2, BAD_LENGTH
                )
            out.update(length=length, export_time=secs, sequence=seq)
            out["observation_domain_id"] = domain
            pos, end = 16, length
        out["unix_secs"] = secs
        records: list[dict[str, Any]] = []
        ordered: list[dict[str, Any]] = []  # data and options records in set order
        sets: list[dict[str, Any]] = []
        # Parse the whole datagram before touching the template cache, so that a datagram
        # rejected half-way leaves no trace (accepted whole or dropped whole).
        pending_templates: list[tuple[tuple[str, int, int, int], Template | None]] = []
        while pos + 4 <= end:
            set_id, set_len = struct.unpack_from("!HH", data, pos)
            if set_len < 4 or pos + set_len > end:
                raise MalformedDatagram(f"set {set_id} length {set_len}", pos + 2, BAD_LENGTH)
            body_start, body_end = pos + 4, pos + set_len
            is_template = set_id in ((0,) if version == 9 else (2,))
            is_options = set_id in ((1,) if version == 9 else (3,))
            if is_template or is_options:
                found = _parse_templates(data, body_start, body_end, version, is_options)
                sets.append(
                    {
                        "set_id": set_id,
                        "kind": "options_template" if is_options else "template",
                        "templates": [_template_json(t) for t in found],
                    }
                )
                for found_t in found:
                    key = (exporter, version, domain, found_t.template_id)
                    pending_templates.append((key, found_t if found_t.fields else None))
            elif set_id >= 256:
                key = (exporter, version, domain, set_id)
                template: Template | None = _lookup(pending_templates, key) or self.templates.get(
                    key
                )
                if template is None:
                    self.stats.unknown_template_sets += 1
                    sets.append({"set_id": set_id, "kind": "data", "unknown_template": True})
                else:
                    decoded = _decode_data_set(data, body_start, body_end, template)
                    sets.append(
                        {
                            "set_id": set_id,
                            "kind": "options_data" if template.options else "data",
                            "records": len(decoded),
                        }
                    )
                    if template.options:
                        self._learn_sampling(exporter, version, domain, decoded)
                        self.stats.option_records += len(decoded)
                        out.setdefault("options", []).extend(decoded)
                        ordered.extend({"options_record": True, **r} for r in decoded)
                    else:
                        records.extend(decoded)
                        ordered.extend(decoded)
            pos = body_end
        for key, t in pending_templates:
            if t is None:
                self._withdraw(key)
            else:
                self.templates[key] = t
                self.stats.templates += 1
        out["sets"] = sets
        out["records"] = records
        out["ordered"] = ordered
        return out

    def _withdraw(self, key: tuple[str, int, int, int]) -> None:
        self.stats.withdrawals += 1
        template_id = key[3]
        if template_id in (2, 3):  # withdraw all (options) templates of the domain
            for k in [k for k in self.templates if k[:3] == key[:3]]:
                del self.templates[k]
        else:
            self.templates.pop(key, None)

    def _learn_sampling(
        self, exporter: str, version: int, domain: int, options: list[dict[str, Any]]
    ) -> None:
        table = self.sampling.setdefault((exporter, version, domain), {})
        for rec in options:
            rate = _record_sampling(rec)
            if rate:
                sampler = rec.get("samplerId", rec.get("selectorId", 0))
                table[int(sampler)] = rate
                # The latest announcement also serves records that name no sampler.
                table[-1] = rate

    def sampling_rate(
        self, exporter: str, version: int, domain: int, record: dict[str, Any]
    ) -> int:
        own = _record_sampling(record)
        if own:
            return own
        table = self.sampling.get((exporter, version, domain), {})
        if record.get("samplerId", record.get("selectorId")) is not None:
            sampler = _uint(record, "samplerId", "selectorId")
            if sampler in table:
                return table[sampler]
        return table.get(-1, 1)

    def rows(self, decoded: dict[str, Any], time: int | None = None) -> list[FlowRow]:
        """The flow records of a decoded datagram, renormalisation rate filled in."""
        version = decoded["version"]
        exporter = decoded.get("exporter", "")
        if version == 5:
            return _rows_v5(decoded, exporter, time)
        domain = decoded.get("source_id", decoded.get("observation_domain_id", 0))
        source = SOURCE_NETFLOW9 if version == 9 else SOURCE_IPFIX
        when = decoded["unix_secs"] if time is None else time
        return [
            _row(rec, source, exporter, when, self.sampling_rate(exporter, version, domain, rec))
            for rec in decoded["records"]
        ]


def _lookup(
    pending: list[tuple[tuple[str, int, int, int], Template | None]],
    key: tuple[str, int, int, int],
) -> Template | None:
    for k, t in reversed(pending):
        if k == key:
            return t
    return None


def _record_sampling(rec: dict[str, Any]) -> int:
    if rec.get("samplingInterval"):
        return _uint(rec, "samplingInterval")
    if rec.get("samplerRandomInterval"):
        return _uint(rec, "samplerRandomInterval")
    if rec.get("samplingSize") and rec.get("samplingPopulation"):
        return max(1, _uint(rec, "samplingPopulation") // _uint(rec, "samplingSize"))
    if rec.get("samplingPacketInterval"):
        space = _uint(rec, "samplingPacketSpace")
        interval = _uint(rec, "samplingPacketInterval")
        return (interval + space) // interval if interval else 0
    return 0


def _parse_templates(
    data: bytes, pos: int, end: int, version: int, options: bool
) -> list[Template]:
    found: list[Template] = []
    while pos + 4 <= end:
        template_id, count = struct.unpack_from("!HH", data, pos)
        pos += 4
        scope = 0
        if options and version == 10:
            if count == 0:  # withdrawal of an options template
                found.append(Template(template_id, (), 0, True))
                continue
            if pos + 2 > end:
                raise MalformedDatagram("truncated options template", pos)
            scope = struct.unpack_from("!H", data, pos)[0]
            pos += 2
        elif options:  # v9: lengths in bytes of scope and option fields
            if pos + 2 > end:
                raise MalformedDatagram("truncated options template", pos)
            scope_len, option_len = count, struct.unpack_from("!H", data, pos)[0]
            pos += 2
            scope = scope_len // 4
            count = (scope_len + option_len) // 4
        if template_id < 256 and not (count == 0 and template_id in (2, 3)):
            # Padding at the end of a set reads as template id 0: stop there.
            if template_id == 0 and count == 0:
                break
            raise MalformedDatagram(f"template id {template_id} below 256", pos - 4, BAD_TEMPLATE)
        fields = []
        for _ in range(count):
            if pos + 4 > end:
                raise MalformedDatagram("truncated template field", pos)
            element, length = struct.unpack_from("!HH", data, pos)
            pos += 4
            enterprise = 0
            if version == 10 and element & 0x8000:
                if pos + 4 > end:
                    raise MalformedDatagram("truncated enterprise number", pos)
                enterprise = struct.unpack_from("!I", data, pos)[0]
                element &= 0x7FFF
                pos += 4
            if length == VARIABLE_LENGTH and version == 9:
                raise MalformedDatagram(
                    "variable-length field in NetFlow v9", pos - 2, BAD_TEMPLATE
                )
            fields.append(TemplateField(element, length, enterprise))
        if fields and all(f.length == 0 for f in fields):
            raise MalformedDatagram(
                f"template {template_id} has only empty fields", pos, BAD_TEMPLATE
            )
        found.append(Template(template_id, tuple(fields), scope, options))
    return found


def _template_json(t: Template) -> dict[str, Any]:
    return {
        "template_id": t.template_id,
        "field_count": len(t.fields),
        "scope_field_count": t.scope_count,
        "fields": [
            {"element": f.element, "length": f.length, "enterprise": f.enterprise} for f in t.fields
        ],
    }


def _decode_data_set(data: bytes, pos: int, end: int, t: Template) -> list[dict[str, Any]]:
    out = []
    minimum = sum(f.length for f in t.fields if f.length != VARIABLE_LENGTH) or 1
    while end - pos >= minimum:
        rec: dict[str, Any] = {}
        for f in t.fields:
            length = f.length
            if length == VARIABLE_LENGTH:
                if pos >= end:
                    raise MalformedDatagram("truncated variable-length field", pos)
                length = data[pos]
                pos += 1
                if length == 255:
                    if pos + 2 > end:
                        raise MalformedDatagram("truncated variable length", pos)
                    length = struct.unpack_from("!H", data, pos)[0]
                    pos += 2
            if pos + length > end:
                raise MalformedDatagram("truncated data record", pos)
            raw = data[pos : pos + length]
            pos += length
            if f.enterprise:
                rec[f"e{f.enterprise}.{f.element}"] = raw.hex()
                continue
            name, kind = ELEMENTS.get(f.element, (f"ie{f.element}", "u" if length <= 8 else "b"))
            if name in rec:  # repeated element (inner headers of tunnels): keep both
                name = f"{name}#{sum(1 for k in rec if k.split('#')[0] == name) + 1}"
            rec[name] = _value(raw, kind)
        out.append(rec)
    return out


def _value(raw: bytes, kind: str) -> Any:
    if kind == "u":
        return int.from_bytes(raw, "big") if len(raw) <= 8 else raw.hex()
    if kind == "ip4" and len(raw) == 4:
        return inet_ntoa(raw)  # as str(IPv4Address(raw)), several times faster
    if kind == "ip6" and len(raw) == 16:
        return ipv6_text(raw)
    if kind == "mac" and len(raw) == 6:
        return raw.hex(":")
    if kind == "str":
        return raw.rstrip(b"\x00").decode("utf-8", "replace")
    return raw.hex()


def _uint(rec: dict[str, Any], *names: str) -> int:
    """The first of ``names`` present, as an integer.

    The decoder shows an unsigned field wider than 8 bytes as hex (as tshark does); such a
    record cannot be counted, so it is malformed, not a crash of the pipeline.
    """
    for name in names:
        value = rec.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, int):
            return value
        raise MalformedDatagram(f"{name}: field of invalid size", 0, BAD_FIELD)
    return 0


def _ip(rec: dict[str, Any], *names: str) -> str:
    """The first of ``names`` present, as an address; a field of the wrong size is malformed."""
    for name in names:
        value = rec.get(name)
        if not value:
            continue
        try:
            ip_address(value)
        except ValueError:
            raise MalformedDatagram(f"{name}: field of invalid size", 0, BAD_FIELD) from None
        return str(value)
    return ""


def _mac(rec: dict[str, Any], name: str) -> int:
    """A MAC field as an integer; one of the wrong size (shown as bare hex) is malformed."""
    value = rec.get(name)
    if not value:
        return 0
    if not isinstance(value, str) or len(value) != 17:
        raise MalformedDatagram(f"{name}: field of invalid size", 0, BAD_FIELD)
    return mac_to_int(value)


def _row(rec: dict[str, Any], source: int, exporter: str, time: int, rate: int) -> FlowRow:
    row = FlowRow(time=time, source=source, exporter=exporter, sampling_rate=max(1, rate))
    row.bytes = _uint(rec, "octetDeltaCount", "octetTotalCount")
    if not row.bytes:
        row.bytes = _uint(rec, "layer2OctetDeltaCount")
    row.packets = _uint(rec, "packetDeltaCount", "packetTotalCount")
    row.in_if = _uint(rec, "ingressInterface") & 0xFFFFFFFF
    row.out_if = _uint(rec, "egressInterface") & 0xFFFFFFFF
    row.src_ip = _ip(rec, "sourceIPv4Address", "sourceIPv6Address")
    row.dst_ip = _ip(rec, "destinationIPv4Address", "destinationIPv6Address")
    row.proto = _uint(rec, "protocolIdentifier") & 0xFF
    row.src_port = _uint(rec, "sourceTransportPort") & 0xFFFF
    row.dst_port = _uint(rec, "destinationTransportPort") & 0xFFFF
    icmp = _uint(rec, "icmpTypeCodeIPv4", "icmpTypeCodeIPv6")
    if row.proto in (1, 58) and ("icmpTypeCodeIPv4" in rec or "icmpTypeCodeIPv6" in rec):
        row.src_port, row.dst_port = 0, icmp & 0xFFFF
    row.src_mac = _mac(rec, "sourceMacAddress")
    row.dst_mac = _mac(rec, "destinationMacAddress")
    row.vlan = _uint(rec, "vlanId", "dot1qVlanId") & 0x0FFF
    row.src_as = _uint(rec, "bgpSourceAsNumber") & 0xFFFFFFFF
    row.dst_as = _uint(rec, "bgpDestinationAsNumber") & 0xFFFFFFFF
    if row.src_ip:
        row.etype = 0x86DD if ":" in row.src_ip else 0x0800
    frame = rec.get("dataLinkFrameSection")
    if isinstance(frame, str) and frame:
        parsed = parse_ethernet(bytes.fromhex(frame))
        row.src_mac = row.src_mac or mac_to_int(parsed.get("eth.src"))
        row.dst_mac = row.dst_mac or mac_to_int(parsed.get("eth.dst"))
        row.vlan = row.vlan or parsed.get("vlan.id", [0])[0]
        row.etype = parsed.get("eth.type", row.etype)
        src, dst, proto, sport, dport = ip_fields(parsed)
        if src and not row.src_ip:
            row.src_ip, row.dst_ip, row.proto = src, dst or "", proto
            row.src_port, row.dst_port = sport, dport
    return row


V5_HEADER = struct.Struct("!HHIIIIBBH")
V5_RECORD = struct.Struct("!4s4s4sHHIIIIHHxBBBHHBBxx")


def _decode_v5(data: bytes) -> dict[str, Any]:
    if len(data) < 24:
        raise MalformedDatagram("truncated NetFlow v5 header", len(data))
    _, count, uptime, secs, nsecs, seq, etype, eid, sampling = V5_HEADER.unpack_from(data)
    if count > 30 or 24 + 48 * count > len(data):
        raise MalformedDatagram(f"NetFlow v5 count {count} vs {len(data)} bytes", 2, BAD_LENGTH)
    out: dict[str, Any] = {
        "version": 5,
        "count": count,
        "sysuptime": uptime,
        "unix_secs": secs,
        "unix_nsecs": nsecs,
        "flow_sequence": seq,
        "engine_type": etype,
        "engine_id": eid,
        "sampling_mode": sampling >> 14,
        "sampling_interval": sampling & 0x3FFF,
    }
    records = []
    for i in range(count):
        f = V5_RECORD.unpack_from(data, 24 + 48 * i)
        records.append(
            {
                "srcaddr": inet_ntoa(f[0]),
                "dstaddr": inet_ntoa(f[1]),
                "nexthop": inet_ntoa(f[2]),
                "input": f[3],
                "output": f[4],
                "dPkts": f[5],
                "dOctets": f[6],
                "first": f[7],
                "last": f[8],
                "srcport": f[9],
                "dstport": f[10],
                "tcp_flags": f[11],
                "prot": f[12],
                "tos": f[13],
                "src_as": f[14],
                "dst_as": f[15],
                "src_mask": f[16],
                "dst_mask": f[17],
            }
        )
    out["records"] = records
    return out


def _rows_v5(decoded: dict[str, Any], exporter: str, time: int | None) -> list[FlowRow]:
    rate = max(1, decoded["sampling_interval"])
    when = decoded["unix_secs"] if time is None else time
    return [
        FlowRow(
            time=when,
            source=SOURCE_NETFLOW5,
            exporter=exporter,
            sampling_rate=rate,
            in_if=r["input"],
            out_if=r["output"],
            bytes=r["dOctets"],
            packets=r["dPkts"],
            etype=0x0800,
            src_ip=r["srcaddr"],
            dst_ip=r["dstaddr"],
            proto=r["prot"],
            src_port=r["srcport"],
            dst_port=r["dstport"],
            src_as=r["src_as"],
            dst_as=r["dst_as"],
        )
        for r in decoded["records"]
    ]
