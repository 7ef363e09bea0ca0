"""Inputs around the decoders: pcapng and Linux SLL2 captures, members files (IX-F JSON,
YAML), MACs learned from traffic, exporter roles, and the Parquet store's roll-ups and
retention."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from lakou.exchange import Exchange, Member, PeeringLan, PeeringLanAddress
from lakou.flows.aggregate import SCHEMA
from lakou.flows.enrich import Enricher, ExporterRoles, MemberTable
from lakou.flows.members import MembersFileError, load_members
from lakou.flows.pcap import CaptureError, CaptureStats, read_datagrams
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.records import FlowBatch, FlowRow, mac_to_int
from lakou.flows.store import ParquetStore
from lakou.flows.testing import SampledFrame, datagram

PAYLOAD = datagram(
    "192.0.2.1", [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")]
)


def udp_ipv4(payload: bytes, src: str = "192.0.2.1") -> bytes:
    udp = struct.pack("!HHHH", 50000, 6343, 8 + len(payload), 0) + payload
    addr = bytes(int(x) for x in src.split("."))
    return (
        struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0)
        + addr
        + bytes([127, 0, 0, 1])
        + udp
    )


def block(order: str, btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack(order + "II", btype, length) + body + struct.pack(order + "I", length)


def pcapng(order: str, linktype: int, frames: list[bytes], tsresol: int | None = None) -> bytes:
    shb = block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    options = b""
    if tsresol is not None:
        options = struct.pack(order + "HH", 9, 1) + bytes([tsresol]) + b"\0\0\0"
        options += struct.pack(order + "HH", 0, 0)
    idb = block(order, 1, struct.pack(order + "HHI", linktype, 0, 65535) + options)
    out = shb + idb
    ticks = 1_790_000_000_500_000  # microseconds, or the unit tsresol says
    if tsresol == 9:
        ticks *= 1000
    for frame in frames:
        epb = struct.pack(
            order + "IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(frame), len(frame)
        )
        out += block(order, 6, epb + frame)
    out += block(order, 3, struct.pack(order + "I", len(frames[0])) + frames[0])  # simple
    return out


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("tsresol", [None, 9])
def test_pcapng_ethernet(tmp_path: Path, order: str, tsresol: int | None) -> None:
    eth = b"\x02" * 6 + b"\x04" * 6 + b"\x81\x00\x00\x0a" + b"\x08\x00" + udp_ipv4(PAYLOAD)
    path = tmp_path / "c.pcapng"
    path.write_bytes(pcapng(order, 1, [eth, eth], tsresol))
    got = list(read_datagrams(path))
    assert len(got) == 3 and all(d.payload == PAYLOAD for d in got)
    assert str(got[0].src) == "192.0.2.1" and got[0].dst_port == 6343
    assert got[0].time == pytest.approx(1_790_000_000.5)
    assert got[2].time == 0.0  # a simple packet block has no time stamp


def test_linux_sll2_and_sll(tmp_path: Path) -> None:
    ip = udp_ipv4(PAYLOAD, "198.51.100.7")
    sll2 = struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\x02" * 8) + ip
    sll = struct.pack("!HHH8sH", 0, 1, 6, b"\x02" * 8, 0x0800) + ip
    for linktype, frame in ((276, sll2), (113, sll)):
        path = tmp_path / f"{linktype}.pcapng"
        path.write_bytes(pcapng("<", linktype, [frame]))
        got = list(read_datagrams(path))
        assert [str(d.src) for d in got] == ["198.51.100.7"] * 2
        assert got[0].payload == PAYLOAD


def test_unknown_frames_are_counted_and_truncation_named(tmp_path: Path) -> None:
    arp = b"\x02" * 12 + b"\x08\x06" + b"\0" * 28
    path = tmp_path / "mixed.pcapng"
    path.write_bytes(pcapng("<", 1, [arp, b"\x02" * 5]) + b"\x06\0\0\0")
    stats = CaptureStats()
    with pytest.raises(CaptureError, match=r"mixed\.pcapng: truncated block at byte \d+"):
        list(read_datagrams(path, stats))
    assert stats.skipped == {"ethertype 0x0806": 2, "short frame": 1}
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(b"GIF89a")
    with pytest.raises(CaptureError, match="not a pcap or pcapng file"):
        list(read_datagrams(bad))


IXF = {
    "version": "1.0",
    "ixp_list": [{"ixp_id": 1, "shortname": "SXM-IX"}],
    "member_list": [
        {
            "asnum": 64500,
            "name": "Caribbean Cable",
            "connection_list": [
                {
                    "ixp_id": 1,
                    "vlan_list": [
                        {
                            "vlan_id": 10,
                            "ipv4": {
                                "address": "203.0.113.1",
                                "mac_addresses": ["02:00:00:00:00:AA"],
                            },
                            "ipv6": {"address": "2001:db8::1", "mac_addresses": []},
                        }
                    ],
                }
            ],
        },
        {"asnum": 64501, "name": "Island Net", "connection_list": []},
    ],
}


def test_members_from_ixf_json_and_yaml(tmp_path: Path) -> None:
    path = tmp_path / "ixf.json"
    path.write_text(json.dumps(IXF))
    (exchange,) = load_members(path)
    assert exchange.name == "SXM-IX" and [m.asn for m in exchange.members] == [64500, 64501]
    address = exchange.members[0].addresses[0]
    assert address.vlan == 10 and address.macs == ("02:00:00:00:00:aa",)
    table = MemberTable.from_exchanges([exchange])
    assert table.by_vlan_mac[(10, mac_to_int("02:00:00:00:00:aa"))] == 64500

    yml = tmp_path / "members.yml"
    yml.write_text(
        "members:\n"
        "  - {asn: 64502, name: Dauphin, vlan: 20, macs: ['02:00:00:00:00:bb'],\n"
        "     ipv4: 203.0.113.2}\n"
        "  - {asn: 64503}\n"
    )
    (exchange,) = load_members(yml)
    assert [m.name for m in exchange.members] == ["Dauphin", "AS64503"]
    assert exchange.members[0].addresses[0].vlan == 20


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("a.json", '{"member_list": [{"name": "x"}]}', r"\$\.member_list\[0\]\.asnum"),
        ("b.json", '{"member_list": [', r"b\.json:1"),
        ("c.json", "{}", r"\$\.member_list: missing"),
        ("d.yml", "- {asn: 64500}\n- {name: x}\n", r"members\[1\]: a member needs an asn"),
        ("e.yml", "- asn: [\n", r"e\.yml:\d+"),
        ("f.yml", "- {asn: -5}\n", r"members\[0\]: asn"),
        ("g.csv", "asn,name\n1,x\n", r"g\.csv:1: missing columns mac"),
    ],
)
def test_members_file_errors_name_the_place(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(MembersFileError, match=where):
        load_members(path)


def test_learned_macs_attribute_later_frames() -> None:
    # The member's LAN address is known, its MAC is not: the first frame it sends from its
    # peering-LAN address teaches the MAC; frames from other sources with that MAC follow.
    exchange = Exchange(
        slug="ix",
        name="IX",
        lans=(PeeringLan(name="lan", vlan=10),),
        members=(
            Member(
                asn=64500, name="A", addresses=(PeeringLanAddress(lan="lan", ipv4="203.0.113.1"),)
            ),
            Member(
                asn=64501,
                name="B",
                addresses=(PeeringLanAddress(lan="lan", macs=("02:00:00:00:00:02",)),),
            ),
        ),
    )
    table = MemberTable.from_exchanges([exchange])
    enricher = Enricher(table)
    mac = "02:00:00:00:00:01"
    later = FlowBatch.from_rows(
        [FlowRow(src_mac=mac_to_int(mac), dst_mac=mac_to_int("02:00:00:00:00:02"), vlan=10)]
    )
    assert enricher.enrich(later).columns["src_member"].tolist() == [0]
    bgp = FlowRow(src_mac=mac_to_int(mac), vlan=10, src_ip="203.0.113.1", dst_ip="203.0.113.9")
    enricher.enrich(FlowBatch.from_rows([bgp]))
    assert table.learned == {(10, mac_to_int(mac)): 64500}
    enriched = enricher.enrich(later).columns
    assert enriched["src_member"].tolist() == [64500] and enriched["dst_member"].tolist() == [64501]
    # A configured MAC is never overridden by learning.
    spoof = FlowRow(src_mac=mac_to_int("02:00:00:00:00:02"), vlan=10, src_ip="203.0.113.1")
    enricher.enrich(FlowBatch.from_rows([spoof]))
    assert (10, mac_to_int("02:00:00:00:00:02")) not in table.learned
    # Learning can be switched off.
    off = Enricher(MemberTable.from_exchanges([exchange]), learn_macs=False)
    off.enrich(FlowBatch.from_rows([bgp]))
    assert off.members.learned == {}


def test_exporter_roles_default_by_protocol_and_config() -> None:
    from lakou.flows.config import Exporter

    rows = [
        FlowRow(source=1, exporter="192.0.2.1"),
        FlowRow(source=10, exporter="192.0.2.2"),
        FlowRow(source=1, exporter="192.0.2.3"),
    ]
    batch = FlowBatch.from_rows(rows)
    roles = ExporterRoles.from_config([Exporter(address="192.0.2.3", role="border")])
    got = roles.lookup(batch["exporter_hi"], batch["exporter_lo"], batch["source"])
    assert got.tolist() == [1, 2, 2]


def _store_with_minutes(root: Path, start: int, minutes: int) -> tuple[ParquetStore, int]:
    store = ParquetStore(root)
    pipe = Pipeline(store=store)
    frame = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")
    for i in range(minutes):
        pipe.process([Received(datagram("192.0.2.1", [frame], i + 1), "192.0.2.1", start + 60 * i)])
        if i % 100 == 0:
            pipe.flush()
    pipe.flush()
    return store, pipe.counters["records"]


def test_parquet_rollup_and_retention(tmp_path: Path) -> None:
    start = 1_790_035_200  # 2026-09-22 00:00 UTC
    store, records = _store_with_minutes(tmp_path / "s", start, 2 * 1440 + 90)  # 2 days, 90 min
    now = start + 2 * 86400 + 95 * 60
    made = store.rollup(now)
    assert made == 49 + 2  # finished hours (48 + 00:00-01:00 of day 3) and days
    assert store.rollup(now) == 0
    assert sorted(p.name for p in (tmp_path / "s" / "day").iterdir()) == ["month=2026-09"]
    for level, bucket in (("minute", 86400), ("hour", 86400), ("day", 86400)):
        table = store.fetch(level, 0, start + 2 * 86400, bucket)
        assert sum(table.column("samples").to_pylist()) == 2 * 1440, level
    assert store.fetch("hour", 0, 2**31, 60).num_rows == 49
    # Retention: keep one day of minutes; the older day directories go, the rest stays.
    removed = store.expire(now, {"minute": 1, "hour": 90, "day": 3650})
    assert removed == 1
    assert sorted(p.name for p in (tmp_path / "s" / "minute").iterdir()) == [
        "day=2026-09-23",
        "day=2026-09-24",
    ]
    assert store.time_range() == (start + 86400, start + 60 * (2 * 1440 + 89))
    assert records == 2 * 1440 + 90
    assert store.fetch("minute", 0, 2**31, 60).schema.names[0] == "bucket"
    assert set(SCHEMA.names) - set(store.fetch("hour", 0, 2**31, 60).schema.names) == {
        "minute",
        "exporter_hi",
        "exporter_lo",
    }


def test_errors_are_translated(tmp_path: Path) -> None:
    from lakou.i18n import language

    path = tmp_path / "m.yml"
    path.write_text("- {name: x}\n")
    with language("fr"), pytest.raises(MembersFileError, match="un membre doit avoir un asn"):
        load_members(path)
    with language("fr"), pytest.raises(CaptureError, match="pas un fichier pcap"):
        list(read_datagrams(path))
