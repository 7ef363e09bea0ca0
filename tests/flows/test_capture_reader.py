"""The columnar capture reader (replay's) reads exactly what the reference reader reads.

Same datagrams (time, addresses, ports, payload), same frames counted and skipped under
the same reasons, the same error message after the same datagrams: on the public captures,
on captures of every link type and format the reference reads (pcap in both byte orders
and resolutions; pcapng with two sections, several interfaces and time resolutions), and
on seeded mutations and truncations of them. Then ``lakou flows replay`` end to end.
"""

from __future__ import annotations

import json
import random
import struct
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.flows.capture import read_batches
from lakou.flows.pcap import CaptureError, CaptureStats, Datagram, read_datagrams, write_pcap
from lakou.flows.testing import SampledFrame, datagram

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "flows"
FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "192.0.2.2")


def reference(path: Path) -> tuple[list[tuple[Any, ...]], CaptureStats, str | None]:
    stats, out, error = CaptureStats(), [], None
    try:
        for d in read_datagrams(path, stats):
            out.append((d.time, str(d.src), d.src_port, str(d.dst), d.dst_port, d.payload))
    except CaptureError as exc:
        error = str(exc)
    return out, stats, error


def columnar(path: Path, batch: int = 3) -> tuple[list[tuple[Any, ...]], CaptureStats, str | None]:
    from ipaddress import IPv4Address, IPv6Address

    stats, out, error = CaptureStats(), [], None
    try:
        for b, _size in read_batches(path, stats, batch):
            assert b.addresses is not None and b.ports is not None
            for i, payload in enumerate(b.payloads()):
                a = bytes(b.addresses[i])
                dst = IPv4Address(a[28:32]) if a[32] == 4 else IPv6Address(a[16:32])
                port = int(b.ports[i])
                out.append(
                    (
                        float(b.times[i]),
                        b.exporters[i],
                        port >> 16,
                        str(dst),
                        port & 0xFFFF,
                        payload,
                    )
                )
    except CaptureError as exc:
        error = str(exc)
    return out, stats, error


def same(path: Path, batch: int = 3) -> None:
    ref, ref_stats, ref_error = reference(path)
    got, got_stats, got_error = columnar(path, batch)
    assert got == ref
    assert got_error == ref_error
    assert (got_stats.frames, got_stats.datagrams) == (ref_stats.frames, ref_stats.datagrams)
    assert list(got_stats.skipped.items()) == list(ref_stats.skipped.items())


# -- building captures ---------------------------------------------------------------------
def udp4(src: str, dst: str, payload: bytes, sport: int = 9, dport: int = 6343) -> bytes:
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    s, d = (bytes(int(x) for x in a.split(".")) for a in (src, dst))
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, s, d) + udp


def udp6(payload: bytes, ext: bool = False) -> bytes:
    udp = struct.pack("!HHHH", 2055, 4739, 8 + len(payload), 0) + payload
    src, dst = bytes(15) + b"\x01", b"\x20\x01\x0d\xb8" + bytes(11) + b"\x02"
    if ext:  # a hop-by-hop header before UDP
        body = struct.pack("!BB6s", 17, 0, bytes(6)) + udp
        return struct.pack("!IHBB16s16s", 6 << 28, len(body), 0, 64, src, dst) + body
    return struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, 64, src, dst) + udp


def ether(ip: bytes, vlan: int | None = None, etype: int = 0x0800) -> bytes:
    head = b"\x02" * 6 + b"\x04" * 6
    if vlan is not None:
        head += struct.pack("!HH", 0x8100, vlan)
    return head + struct.pack("!H", etype) + ip


def frames() -> list[tuple[int, bytes]]:
    """(link type, frame): UDP over every link type, and what must be skipped."""
    sflow = datagram("192.0.2.9", [FRAME] * 2, 7)
    v4 = udp4("192.0.2.9", "192.0.2.1", sflow)
    frag = bytearray(udp4("192.0.2.9", "192.0.2.1", b"x" * 30))
    frag[6] = 0x20  # more fragments
    tcp = bytearray(v4)
    tcp[9] = 6
    return [
        (1, ether(v4)),
        (1, ether(v4, vlan=10)),
        (1, ether(udp6(b"ipfix" * 9), etype=0x86DD)),
        (1, ether(udp6(b"ext", ext=True), etype=0x86DD)),
        (1, ether(b"\0" * 28, etype=0x0806)),
        (1, ether(bytes(frag))),
        (1, ether(bytes(tcp))),
        (1, b"\x01" * 10),
        (1, ether(v4[:24])),
        (113, bytes(14) + b"\x08\x00" + v4),
        (276, b"\x08\x00" + bytes(18) + v4),
        (0, struct.pack("<I", 2) + v4),
        (0, struct.pack(">I", 2) + v4),
        (108, struct.pack(">I", 30) + udp6(b"loop")),
        (101, v4),
        (101, b""),
        (12, udp6(b"raw6")),
        (228, v4[:10]),
        (147, v4),
    ]


def pcap(link: int, items: list[bytes], big: bool = False, nano: bool = False) -> bytes:
    o = ">" if big else "<"
    out = struct.pack(o + "IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, 65535, link)
    for i, f in enumerate(items):
        out += struct.pack(o + "IIII", 1_790_000_000 + i, 123_456 + i, len(f), len(f)) + f
    return out


def block(kind: int, body: bytes, o: str = "<") -> bytes:
    body += b"\0" * (-len(body) % 4)
    return struct.pack(o + "II", kind, len(body) + 12) + body + struct.pack(o + "I", len(body) + 12)


def pcapng(sections: list[list[tuple[int, bytes]]], big: bool = False) -> bytes:
    """Sections, each a list of (link type, frame); one interface per link type, the
    second with nanosecond stamps, the third with a power-of-two resolution."""
    o = ">" if big else "<"
    out = b""
    for frames_ in sections:
        out += block(0x0A0D0D0A, struct.pack(o + "IHHq", 0x1A2B3C4D, 1, 0, -1), o)
        links = sorted({link for link, _ in frames_})
        for n, link in enumerate(links):
            options = b""
            if n == 1:
                options = struct.pack(o + "HHB3x", 9, 1, 9) + struct.pack(o + "HH", 0, 0)
            elif n == 2:
                options = struct.pack(o + "HHB3x", 9, 1, 0x94)
            out += block(1, struct.pack(o + "HHI", link, 0, 262144) + options, o)
        out += block(99, b"custom block", o)
        for i, (link, f) in enumerate(frames_):
            stamp = 1_790_000_000_123_456 + i * 1_000_003
            ifid = links.index(link)
            body = struct.pack(o + "IIIII", ifid, stamp >> 32, stamp & 0xFFFFFFFF, len(f), len(f))
            out += block(6, body + f, o)
        out += block(6, struct.pack(o + "IIIII", 77, 0, 0, 4, 4) + b"gone", o)  # no such interface
        out += block(3, struct.pack(o + "I", 5) + b"simple", o)
    return out


def captures(tmp: Path) -> list[Path]:
    made: list[Path] = []

    def put(name: str, data: bytes) -> None:
        (tmp / name).write_bytes(data)
        made.append(tmp / name)

    by_link: dict[int, list[bytes]] = {}
    for link, f in frames():
        by_link.setdefault(link, []).append(f)
    for link, items in sorted(by_link.items()):
        put(f"link{link}.pcap", pcap(link, items))
    put("big-nano.pcap", pcap(1, by_link[1], big=True, nano=True))
    ether_and_cooked = [(ln, f) for ln, f in frames() if ln in (1, 113, 276)]
    put(
        "two-sections.pcapng",
        pcapng([ether_and_cooked, [(101, udp4("10.0.0.1", "10.0.0.2", b"s2"))]]),
    )
    put("big.pcapng", pcapng([ether_and_cooked], big=True))
    write_pcap(
        tmp / "write_pcap.pcap",
        [
            Datagram(1_790_000_000.25 * 1 + i, "2001:db8::1", 9, "::1", 6343, b"d%d" % i)
            for i in range(5)
        ],
    )
    made.append(tmp / "write_pcap.pcap")
    return made


# -- the tests -------------------------------------------------------------------------------
def test_every_link_type_and_format(tmp_path: Path) -> None:
    for path in captures(tmp_path):
        for batch in (1, 2, 4096):
            same(path, batch)
    _, stats, _ = reference(tmp_path / "link1.pcap")
    assert {"ethertype 0x0806", "IP fragment", "not UDP", "short frame"} <= set(stats.skipped)
    assert len(reference(tmp_path / "link0.pcap")[0]) == 2  # IPv4 in either byte order
    _, stats, _ = reference(tmp_path / "link147.pcap")
    assert stats.skipped == {"link type 147": 1}


def test_public_captures(shared_data: Path) -> None:
    paths = sorted((shared_data / "flows").glob("*/*.pcap"))
    assert paths
    for path in paths:
        same(path, 4)


def _mutate(data: bytes, r: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(r.randrange(1, 4)):
        if not b:
            break
        at = r.randrange(len(b))
        kind = r.randrange(4)
        if kind == 0:
            b[at] ^= 1 << r.randrange(8)
        elif kind == 1:
            b[at] = r.choice((0x00, 0xFF, 0x7F, 0x80))
        elif kind == 2:
            del b[at : at + r.randrange(1, 32)]
        else:
            b[at:at] = bytes(r.randrange(256) for _ in range(r.randrange(1, 8)))
    return bytes(b)


@pytest.mark.parametrize(
    "seed_name", ["link1.pcap", "big-nano.pcap", "two-sections.pcapng", "big.pcapng"]
)
def test_mutations_and_truncations(tmp_path: Path, seed_name: str) -> None:
    made = {p.name: p for p in captures(tmp_path)}
    seed = made[seed_name].read_bytes()
    r = random.Random(f"capture-reader:{seed_name}")
    cases = [_mutate(seed, r) for _ in range(150)]
    cases += [seed[:cut] for cut in range(0, len(seed), max(1, len(seed) // 120))]
    cases += [b"", b"ABCD" * 8, seed[:4], seed[:23]]
    target = tmp_path / "case.pcap"
    errors = 0
    for data in cases:
        target.write_bytes(data)
        same(target, 3)
        errors += reference(target)[2] is not None
    assert errors > 20  # the cases do break the reader, and the messages agree


def test_error_messages_name_file_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "cut.pcap"
    path.write_bytes(pcap(101, [udp4("192.0.2.9", "192.0.2.1", b"x" * 40)] * 3)[:-5])
    got, _, error = columnar(path)
    assert len(got) == 2 and error == f"{path}: truncated record at byte {24 + 2 * (16 + 68)}"
    path.write_bytes(b"")
    assert columnar(path)[2] == f"{path}: not a pcap or pcapng file (magic empty at byte 0)"


def test_replay_reads_up_to_the_break_and_warns(tmp_path: Path) -> None:
    sflow = datagram("192.0.2.9", [FRAME] * 2, 1)
    whole = pcap(101, [udp4("192.0.2.9", "192.0.2.1", sflow)] * 4)
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[:-10])
    good = tmp_path / "good.pcapng"
    good.write_bytes(pcapng([[(101, udp4("192.0.2.9", "192.0.2.1", sflow))] * 2]))
    result = CliRunner().invoke(
        main,
        ["flows", "replay", str(cut), str(good), "--store", str(tmp_path / "store"), "--no-lan"],
    )
    assert result.exit_code == 0, result.output
    assert f"warning: {cut}: truncated record at byte" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    # 3 whole datagrams of the cut capture, 2 of the pcapng (its simple packet is not UDP)
    assert summary["counters"]["datagrams"] == 5
    assert summary["counters"]["frames"] == 3 + 3
    assert summary["counters"]["sflow_samples"] == 5 * 2


@pytest.mark.parametrize("sources", [["192.0.2.1"], ["192.0.2.1", "2001:db8::1", "192.0.2.9"]])
def test_exporters_of_one_source_or_several(tmp_path: Path, sources: list[str]) -> None:
    # A batch from one source names it once for all its datagrams; several are each named.
    path = tmp_path / "exporters.pcap"
    grams = [
        Datagram(
            float(i),
            ip_address(sources[i % len(sources)]),
            5000,
            ip_address("2001:db8::2" if ":" in sources[i % len(sources)] else "192.0.2.2"),
            6343,
            bytes([i]) * 8,
        )
        for i in range(20)
    ]
    write_pcap(path, grams)
    got = [e for b, _size in read_batches(path, CaptureStats(), 8) for e in b.exporters]
    assert got == [sources[i % len(sources)] for i in range(20)]
    same(path, batch=8)
