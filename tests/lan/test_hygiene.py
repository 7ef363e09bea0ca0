"""Peering-LAN hygiene through the real collector: replayed captures (the live UDP collector
and the ClickHouse store: ``tests/live/lan/test_hygiene.py``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from ipaddress import ip_address
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lan.conftest import AGENT, X, Y, Z, bad_frames, stream

from lakou.cli import main
from lakou.flows.pcap import Datagram, write_pcap
from lakou.lan import testing as t

T0 = 1_790_000_000


def write_stream(path: Path, datagrams: list[bytes], start: int = T0, step: float = 1.0) -> Path:
    write_pcap(
        path,
        [
            Datagram(start + i * step, ip_address(AGENT), 50000, ip_address(AGENT), 6343, d)
            for i, d in enumerate(datagrams)
        ],
    )
    return path


def lan_report(store: Path, members: Path) -> list[dict]:
    out = CliRunner().invoke(
        main,
        ["lan", "report", "--store", str(store), "--members", str(members), "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def assert_x_findings(findings: list[dict]) -> None:
    against = {f["kind"]: f for f in findings if f["asn"] == X["asn"]}
    assert {"stp-bpdu", "ipv6-router-advertisement", "arp-foreign-address"} <= set(against)
    assert {"dhcp", "cdp"} <= set(against)
    bpdu = against["stp-bpdu"]
    assert bpdu["samples"] == 1 and bpdu["evidence"]["eth.dst"] == "01:80:c2:00:00:00"
    assert bpdu["evidence"]["stp.root"] == f"32768/{X['mac']}"
    ra = against["ipv6-router-advertisement"]["evidence"]
    assert ra["icmpv6.opt.prefix"] == ["2001:db8:1::/64"] and ra["ipv6.src"] == "fe80::a"
    arp = against["arp-foreign-address"]
    assert arp["samples"] == 2 and arp["evidence"]["addresses"] == [Y["ipv4"]]
    assert arp["evidence"]["address_owners"] == [Y["asn"]]
    assert against["cdp"]["evidence"]["cdp.device_id"] == "router-x"
    assert against["dhcp"]["evidence"]["dhcp.hw.mac_addr"] == X["mac"]
    for f in against.values():
        assert f["first_seen"] <= f["last_seen"] and f["rate_pps"] > 0
    clean = [f for f in findings if f["asn"] in (Y["asn"], Z["asn"])]
    assert clean == [], clean


def test_replayed_stream_yields_findings_against_x_only(tmp_path: Path, members: Path) -> None:
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    out = CliRunner().invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    assert_x_findings(lan_report(store, members))


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
def test_tshark_dissects_the_frames_and_the_sflow_stream(tmp_path: Path) -> None:
    """The test frames are what they claim: Debian's tshark names each protocol, alone
    and inside the sFlow raw packet headers."""
    frames = tmp_path / "frames.pcap"
    t.write_ethernet_pcap(frames, bad_frames(), start=T0)
    fields = ["-T", "fields", "-e", "frame.protocols", "-e", "icmpv6.type", "-e", "arp.opcode"]
    out = subprocess.run(
        ["tshark", "-r", str(frames), *fields, "-e", "dhcp.option.dhcp", "-e", "cdp.deviceid"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].split("\t")[0] == "eth:llc:stp"
    assert out[1].split("\t")[:2] == ["eth:ethertype:ipv6:icmpv6", "134"]
    assert out[2].split("\t")[0] == "eth:ethertype:arp" and out[2].split("\t")[2] == "2"
    assert out[3].split("\t")[2] == "1"
    assert out[4].split("\t")[0] == "eth:ethertype:ip:udp:dhcp" and out[4].split("\t")[3] == "1"
    assert out[5].split("\t")[0] == "eth:llc:cdp" and out[5].split("\t")[4] == "router-x"
    # tshark verifies the checksums of the router advertisement and CDP (1: good).
    status = subprocess.run(
        [
            *("tshark", "-r", str(frames), "-T", "fields", "-e", "icmpv6.checksum.status"),
            *("-e", "cdp.checksum.status", "-o", "ip.check_checksum:TRUE"),
            *("-e", "ip.checksum.status"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert status[1].split("\t")[0] == "1" and status[5].split("\t")[1] == "1"
    assert status[4].split("\t")[2] == "1"
    capture = write_stream(tmp_path / "lan.pcap", stream())
    protocols = subprocess.run(
        ["tshark", "-r", str(capture), "-T", "fields", "-e", "frame.protocols"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in (":stp", ":cdp", ":icmpv6", ":arp", ":dhcp"):
        assert name in protocols, protocols


def test_no_lan_keeps_nothing_and_says_so(tmp_path: Path, members: Path) -> None:
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    args = ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    out = CliRunner().invoke(main, [*args, "--no-lan"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["lan"] == "not kept (--no-lan)" and summary["counters"]["rows_written"] > 0
    assert not (store / "lan").exists()
