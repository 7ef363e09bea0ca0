"""Every capture in ../shared/data/flows decodes, field by field as tshark dissects it."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lakou.flows.decode import decode_captures

pytestmark = [
    pytest.mark.data,
    pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed"),
]

SFLOW = [
    "data-1140.pcap",
    "data-encap-vxlan.pcap",
    "data-icmpv4.pcap",
    "data-qinq.pcap",
    "data-sflow-raw-ipv4.pcap",
]
NETFLOW = [
    ("netflow", ["template.pcap", "data.pcap"]),
    ("netflow", ["data+templates.pcap"]),
    ("netflow", ["ipfixprobe-templates.pcap", "ipfixprobe-data.pcap"]),
    ("netflow", ["nfv5.pcap"]),
] + [
    ("pmacct", [p])
    for p in [
        "100-IPFIXv10-CISCO__traffic-00.pcap",
        "101-NFv9-CISCO-cust_primitives__traffic-00.pcap",
        "102-NFv9-CISCO-f2rd-pretag-sampling-reload__traffic-00.pcap",
        "103-IPFIXv10-CISCO-pretag-JSON_encoding__traffic-00.pcap",
        "104-IPFIXv10-IPv6-CISCO-sampling_option__traffic-00.pcap",
        "106-IPFIXv10-HUAWEI-vrf_name__traffic-00.pcap",
        "110-IPFIXv10-NFv9-multiple-sources__traffic-00.pcap",
        "110-IPFIXv10-NFv9-multiple-sources__traffic-01.pcap",
        "110-IPFIXv10-NFv9-multiple-sources__traffic-02.pcap",
        "111-IPFIXv10-NFv9-IPv6-IPv4-mix_sources__traffic-00.pcap",
        "111-IPFIXv10-NFv9-IPv6-IPv4-mix_sources__traffic-01.pcap",
        "112-IPFIXv10-CISCO-options-map-reassignment__traffic-00.pcap",
    ]
]


def pdml(files: list[Path], tmp_path: Path) -> ET.Element:
    path = files[0]
    if len(files) > 1:  # data captures decode only after their templates
        path = tmp_path / "merged.pcap"
        subprocess.run(["mergecap", "-a", "-w", str(path), *map(str, files)], check=True)
    args = ["tshark", "-r", str(path), "-T", "pdml"]
    for port in (2055, 4739, 9990, 9991, 9992, 9995, 9996):
        args += ["-d", f"udp.port=={port},cflow"]
    out = subprocess.run(args, check=True, capture_output=True).stdout
    return ET.fromstring(out)


def shows(root: ET.Element, name: str, under: str | None = None) -> list[str]:
    scopes = (
        root.iter("field")
        if under is None
        else (f for s in root.iter("field") if s.get("name") == under for f in s.iter("field"))
    )
    return [f.get("show", "") for f in scopes if f.get("name") == name]


@pytest.mark.parametrize("name", SFLOW)
def test_sflow_matches_tshark(shared_data: Path, tmp_path: Path, name: str) -> None:
    path = shared_data / "flows" / "sflow" / name
    root = pdml([path], tmp_path)
    ours = [
        s
        for s in decode_captures([path])
        if s.get("type") in ("flow_sample", "expanded_flow_sample")
    ]
    assert ours, "no flow sample decoded"
    assert [str(s["sampling_rate"]) for s in ours] == shows(
        root, "sflow.flow_sample.sampling_rate"
    ) + shows(root, "sflow_5.sampling_rate")
    assert [str(s["sequence_number"]) for s in ours] == shows(
        root, "sflow.flow_sample.sequence_number"
    ) + shows(root, "sflow_5.seqnum")
    raw = [r for s in ours for r in s["records"] if r.get("type") == "raw_packet_header"]
    assert [str(r["frame_length"]) for r in raw] == shows(root, "sflow_245.header.frame_length")
    assert [str(r["sampled_header_length"]) for r in raw] == shows(
        root, "sflow_245.header.sampled_header_length"
    )
    # The sampled header: addresses and ports, as tshark dissects the inner frame. tshark
    # nests encapsulated packets (VXLAN), so compare ours as a prefix of its sequence.
    for ours_key, theirs in [
        ("eth.src", "eth.src"),
        ("eth.dst", "eth.dst"),
        ("ip.src", "ip.src"),
        ("ip.dst", "ip.dst"),
        ("ipv6.src", "ipv6.src"),
        ("tcp.srcport", "tcp.srcport"),
        ("udp.dstport", "udp.dstport"),
    ]:
        for r in raw:
            # Whenever tshark finds the field in the sampled frame, lakou must give it too,
            # with the same value (a field lakou stopped decoding fails here).
            header_fields = shows_tree_for(root, r["header_bytes"], theirs)
            if header_fields:
                assert ours_key in r.get("header", {}), (ours_key, header_fields, r["header"])
                assert str(r["header"][ours_key]) == header_fields[0], (ours_key, r["header"])
            else:
                assert ours_key not in r.get("header", {}), (ours_key, r["header"])
    switch = [r for s in ours for r in s["records"] if r.get("type") == "extended_switch"]
    assert [str(r["src_vlan"]) for r in switch] == shows(root, "sflow_245.vlan.in")
    gateway = [r for s in ours for r in s["records"] if r.get("type") == "extended_gateway"]
    assert [str(r["src_as"]) for r in gateway] == shows(root, "sflow_245.srcAS")
    assert [str(r["src_peer_as"]) for r in gateway] == shows(root, "sflow_245.peerAS")
    assert [str(r["as"]) for r in gateway] == shows(root, "sflow_245.as")
    qinq = [r["header"].get("vlan.id") for r in raw if "vlan.id" in r.get("header", {})]
    assert [str(v) for q in qinq for v in q] == [v for v in shows(root, "vlan.id")][
        : sum(len(q) for q in qinq)
    ]


def shows_tree_for(root: ET.Element, header_hex: str, name: str) -> list[str]:
    """The ``name`` fields inside the raw-header subtree whose bytes are ``header_hex``."""
    for f in root.iter("field"):
        if f.get("name") == "sflow_245.header" and f.get("value", "").startswith(header_hex[:64]):
            return [g.get("show", "") for g in f.iter("field") if g.get("name") == name]
    raise AssertionError(f"tshark has no raw header {header_hex[:32]}...")


@pytest.mark.parametrize(("folder", "names"), NETFLOW, ids=[n[-1] for _f, n in NETFLOW])
def test_netflow_matches_tshark(
    shared_data: Path, tmp_path: Path, folder: str, names: list[str]
) -> None:
    files = [shared_data / "flows" / folder / n for n in names]
    root = pdml(files, tmp_path)
    ours = [r for r in decode_captures(files) if "error" not in r]
    if names[0].startswith("112-"):
        # This exporter changes UDP source port between template and data datagrams.
        # tshark keys templates by transport session (RFC 7011, strict), so it finds no
        # template; lakou, like pmacct and Akvorado, keys them by exporter address and
        # observation domain, and decodes the data. Check that tshark says so.
        text = ET.tostring(root, encoding="unicode")
        assert "no template found" in text
        assert len([r for r in ours if not r.get("options_record")]) >= 9
        return
    assert not [r for r in decode_captures(files) if "error" in r]
    ours = [r for r in ours if not r.get("options_record")]
    assert ours, "no flow record decoded"

    # Reverse (RFC 5103) elements carry the same tshark names: leave them out.
    def theirs(name: str) -> list[str]:
        return [
            f.get("show", "")
            for f in root.iter("field")
            if f.get("name") == name and "Reverse" not in f.get("showname", "")
        ]

    v5 = ours[0]["protocol"] == "netflow5"
    octets = [
        str(r["dOctets"] if v5 else r.get("octetDeltaCount", r.get("octetTotalCount")))
        for r in ours
        if v5 or "octetDeltaCount" in r or "octetTotalCount" in r
    ]
    assert octets == theirs("cflow.octets")
    packets = [
        str(r["dPkts"] if v5 else r.get("packetDeltaCount", r.get("packetTotalCount")))
        for r in ours
        if v5 or "packetDeltaCount" in r or "packetTotalCount" in r
    ]
    assert packets == theirs("cflow.packets")
    src4 = [
        r["srcaddr"] if v5 else r["sourceIPv4Address"]
        for r in ours
        if v5 or "sourceIPv4Address" in r
    ]
    assert src4 == theirs("cflow.srcaddr")
    src6 = [r["sourceIPv6Address"] for r in ours if "sourceIPv6Address" in r]
    assert src6 == theirs("cflow.srcaddrv6")
    dst6 = [r["destinationIPv6Address"] for r in ours if "destinationIPv6Address" in r]
    assert dst6 == theirs("cflow.dstaddrv6")
    # An element repeated in a template (tunnel inner header) is kept as name#2.
    sport = [
        str(v)
        for r in ours
        for k, v in r.items()
        if k in ("srcport", "sourceTransportPort") or k.startswith("sourceTransportPort#")
    ]
    assert sport == theirs("cflow.srcport")
    inif = [
        str(r["input"] if v5 else r["ingressInterface"])
        for r in ours
        if v5 or "ingressInterface" in r
    ]
    assert inif == theirs("cflow.inputint")
