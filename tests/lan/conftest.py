"""A small peering LAN for the hygiene tests: member X misbehaves, Y and Z are clean.

The stream is what an exchange switch (sFlow agent 127.0.0.1) would send for it: real
frames from each member's port in flow samples with raw packet headers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.lan import testing as t

AGENT = "127.0.0.1"
X = {"asn": 64501, "mac": "02:00:00:00:00:0a", "ipv4": "192.0.2.10", "ipv6": "2001:db8::10"}
Y = {"asn": 64502, "mac": "02:00:00:00:00:0b", "ipv4": "192.0.2.11", "ipv6": "2001:db8::11"}
Z = {"asn": 64503, "mac": "02:00:00:00:00:0c", "ipv4": "192.0.2.12", "ipv6": "2001:db8::12"}
PORTS = {64501: 1, 64502: 2, 64503: 3}


def members_yaml(path: Path, quarantine: tuple[int, ...] = ()) -> Path:
    lines = []
    for m, name in ((X, "Member X"), (Y, "Member Y"), (Z, "Member Z")):
        lines += [
            f"- asn: {m['asn']}",
            f"  name: {name}",
            "  vlan: 10",
            f"  macs: ['{m['mac']}']",
            f"  ipv4: {m['ipv4']}",
            f"  ipv6: {m['ipv6']}",
            f"  switch: {AGENT}",
            f"  if_index: {PORTS[int(m['asn'])]}",
            f"  quarantine: {str(m['asn'] in quarantine).lower()}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def from_port(member: dict[str, str], frame: bytes) -> t.Sample:
    return t.Sample(frame, in_if=PORTS[int(member["asn"])])


def clean_traffic(member: dict[str, str], peer: dict[str, str]) -> list[t.Sample]:
    """What a well-behaved router sends: BGP over unicast IPv4, ARP for itself."""
    return [
        from_port(member, t.ipv4_unicast(member["mac"], peer["mac"], member["ipv4"], peer["ipv4"])),
        from_port(member, t.arp(1, member["mac"], member["ipv4"], peer["ipv4"])),
        from_port(
            member, t.arp(2, member["mac"], member["ipv4"], peer["ipv4"], dst_mac=peer["mac"])
        ),
    ]


def bad_frames() -> list[bytes]:
    """Member X's router: a BPDU, a router advertisement, ARP for Y's address, DHCP, CDP."""
    return [
        t.stp_bpdu(X["mac"]),
        t.router_advertisement(X["mac"], "fe80::a"),
        t.arp(2, X["mac"], Y["ipv4"], Z["ipv4"], dst_mac=Z["mac"]),  # reply for Y's address
        t.arp(1, X["mac"], Y["ipv4"], Y["ipv4"]),  # gratuitous ARP for Y's address
        t.dhcp_discover(X["mac"]),
        t.cdp(X["mac"]),
    ]


def stream() -> list[bytes]:
    """sFlow datagrams: X's bad frames among everyone's clean traffic."""
    samples = clean_traffic(X, Y) + clean_traffic(Y, Z) + clean_traffic(Z, X)
    samples += [from_port(X, f) for f in bad_frames()]
    datagrams = []
    for i in range(0, len(samples), 4):
        datagrams.append(t.sflow_datagram(AGENT, samples[i : i + 4], sequence=i // 4 + 1))
    return datagrams


@pytest.fixture
def members(tmp_path: Path) -> Path:
    return members_yaml(tmp_path / "members.yaml")
