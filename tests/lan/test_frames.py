"""Each control frame a peering LAN must not carry is named, with its decoded header;
ordinary traffic is not; no bytes, cut anywhere, make the classifier fail."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakou.lan import testing as t
from lakou.lan.frames import classify

MAC = "02:00:00:00:00:0a"
PEER = "02:00:00:00:00:0b"


def snap(pid: int) -> bytes:
    return b"\xaa\xaa\x03\x00\x00\x0c" + struct.pack("!H", pid) + b"\x01" * 20


def ospf_hello() -> bytes:
    ospf = struct.pack("!BBH4s4sHH", 2, 1, 44, bytes([10, 0, 0, 1]), b"\0" * 4, 0, 0) + b"\0" * 28
    return t.ethernet(
        "01:00:5e:00:00:05", MAC, 0x0800, t.ipv4_packet("192.0.2.10", "224.0.0.5", 89, ospf)
    )


def icmp_redirect() -> bytes:
    icmp = struct.pack("!BBH4s", 5, 1, 0, bytes([192, 0, 2, 99])) + b"\0" * 28
    return t.ethernet(PEER, MAC, 0x0800, t.ipv4_packet("192.0.2.10", "192.0.2.11", 1, icmp))


def neighbour_advert(target: str) -> bytes:
    from ipaddress import IPv6Address

    body = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + IPv6Address(target).packed
    icmp = t.icmpv6_message("fe80::a", "ff02::1", body)
    return t.ethernet(
        "33:33:00:00:00:01", MAC, 0x86DD, t.ipv6_packet("fe80::a", "ff02::1", 58, icmp)
    )


def router_solicitation() -> bytes:
    icmp = t.icmpv6_message("fe80::a", "ff02::2", struct.pack("!BBHI", 133, 0, 0, 0))
    return t.ethernet(
        "33:33:00:00:00:02", MAC, 0x86DD, t.ipv6_packet("fe80::a", "ff02::2", 58, icmp)
    )


CASES = [
    (t.stp_bpdu(MAC), "stp-bpdu", {"stp.bridge": f"32768/{MAC}", "stp.type": "0x00"}),
    (t.stp_bpdu(MAC, vlan=10), "stp-bpdu", {"vlan.id": [10]}),
    (t.llc_frame("01:00:0c:cc:cc:cd", MAC, snap(0x010B)), "stp-bpdu", {"protocol": "pvst+"}),
    (t.cdp(MAC), "cdp", {"cdp.device_id": "router-x", "cdp.port_id": "GigabitEthernet0/1"}),
    (t.lldp(MAC), "lldp", {"lldp.chassis_id": MAC, "lldp.system_name": "router-x"}),
    (t.llc_frame("01:00:0c:cc:cc:cc", MAC, snap(0x2003)), "vtp-dtp", {"protocol": "vtp"}),
    (t.llc_frame("01:00:0c:cc:cc:cc", MAC, snap(0x2004)), "vtp-dtp", {"protocol": "dtp"}),
    (
        t.llc_frame("01:80:c2:00:00:14", MAC, b"\xfe\xfe\x03\x83\x1b\x01\x00\x0f" + b"\0" * 20),
        "isis",
        {"isis.pdu_type": 15},
    ),
    (t.router_advertisement(MAC, "fe80::a"), "ipv6-router-advertisement", {}),
    (router_solicitation(), "ipv6-router-solicitation", {"icmpv6.type": 133}),
    (t.dhcp_discover(MAC), "dhcp", {"dhcp.option.dhcp": "discover", "dhcp.type": "request"}),
    (ospf_hello(), "ospf", {"ospf.msg": "hello", "ospf.srcrouter": "10.0.0.1"}),
    (
        t.ethernet(
            "01:00:5e:00:00:0d",
            MAC,
            0x0800,
            t.ipv4_packet("192.0.2.10", "224.0.0.13", 103, b"\x20\0\0\0"),
        ),
        "pim",
        {},
    ),
    (icmp_redirect(), "icmp-redirect", {"icmp.gw": "192.0.2.99"}),
    (t.ethernet(PEER, MAC, 0x8847, b"\0" * 40), "forbidden-ethertype", {"eth.type": "0x8847"}),
    (
        t.ethernet(
            "01:00:5e:00:00:fb",
            MAC,
            0x0800,
            t.ipv4_packet("192.0.2.10", "224.0.0.251", 17, b"\x14\xe9\x14\xe9\0\x08\0\0"),
        ),
        "forbidden-multicast",
        {"ip.dst": "224.0.0.251"},
    ),
]


@pytest.mark.parametrize(("frame", "kind", "evidence"), CASES)
def test_control_frames_are_named_with_their_header(
    frame: bytes, kind: str, evidence: dict[str, object]
) -> None:
    found = classify(frame)
    assert found is not None and found.kind == kind
    assert found.evidence["eth.src"] == MAC
    for key, value in evidence.items():
        assert found.evidence[key] == value


def test_arp_and_neighbour_adverts_carry_the_address_they_speak_for() -> None:
    reply = classify(t.arp(2, MAC, "192.0.2.11", "192.0.2.12", dst_mac=PEER))
    assert reply is not None and reply.kind == "arp" and reply.address == "192.0.2.11"
    assert reply.evidence["arp.opcode"] == "reply"
    gratuitous = classify(t.arp(1, MAC, "192.0.2.11", "192.0.2.11"))
    assert gratuitous is not None and gratuitous.evidence["arp.isgratuitous"] is True
    advert = classify(neighbour_advert("2001:db8::11"))
    assert advert is not None and advert.kind == "nd-advertisement"
    assert advert.address == "2001:db8::11"


def test_ordinary_traffic_is_not_a_finding() -> None:
    assert classify(t.ipv4_unicast(MAC, PEER, "192.0.2.10", "192.0.2.11")) is None
    assert classify(t.ethernet("01:80:c2:00:00:02", MAC, 0x8809, b"\x01" * 40)) is None  # LACP
    assert classify(b"\x00" * 10) is None


@given(st.sampled_from([c[0] for c in CASES]), st.integers(0, 200), st.binary(max_size=64))
def test_any_cut_or_garbage_never_breaks_the_classifier(
    frame: bytes, cut: int, junk: bytes
) -> None:
    classify(frame[:cut])
    classify(frame[:cut] + junk)
    classify(junk)


def test_text_from_the_wire_cannot_drive_the_terminal() -> None:
    found = classify(t.cdp(MAC, device="evil\x1b[2J\x07box"))
    assert found is not None and found.evidence["cdp.device_id"] == "evil?[2J?box"


@given(st.binary(max_size=300))
def test_reading_sampled_headers_never_breaks(junk: bytes) -> None:
    from lakou.flows import sampled_headers

    sampled_headers(junk)
    sampled_headers(b"\x00\x00\x00\x05" + junk)


def test_sampled_headers_are_the_frames_cut_as_the_switch_cut_them() -> None:
    from lakou.flows import sampled_headers

    frames = [t.dhcp_discover(MAC), t.stp_bpdu(MAC), t.cdp(MAC)]
    payload = t.sflow_datagram("192.0.2.250", [t.Sample(f) for f in frames])
    assert sampled_headers(payload) == [f[:128] for f in frames]
    assert len(frames[0]) > 128  # the DHCP discover was cut, as a switch does
