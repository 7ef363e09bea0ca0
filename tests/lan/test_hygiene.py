"""Peering-LAN hygiene through the real collector: replayed captures and live UDP."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from ipaddress import ip_address
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lan.conftest import AGENT, X, Y, Z, bad_frames, stream

from lakou.cli import main
from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.testing import ClickHouseServer
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


@pytest.mark.live
def test_live_collector_yields_findings_against_x_only(tmp_path: Path, members: Path) -> None:
    """``lakou flows collect`` as operators run it, fed over UDP on loopback, stopped."""
    store = tmp_path / "store"
    env = {**os.environ, "LAKOU_FLOWS__FLUSH_SECONDS": "3600"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from lakou.cli import main; main()",
            "flows",
            "collect",
            "--listen",
            "127.0.0.1:0:sflow",
            "--allow-exporter",
            "127.0.0.0/8",
            "--store",
            str(store),
            "--members",
            str(members),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"port (\d+)", line)
        assert match, line
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for payload in stream():
            sock.sendto(payload, ("127.0.0.1", int(match.group(1))))
        sock.close()
        time.sleep(1.0)  # let the datagrams reach the socket before the signal
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    counters = json.loads(err.strip().splitlines()[-1])
    assert counters["received"] == len(stream()), counters
    assert counters["lan_frames"]["stp-bpdu"] == 1 and counters["lan_frames"]["cdp"] == 1
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


@pytest.mark.live
def test_with_clickhouse_the_lan_tables_stay_in_files_or_are_said_not_kept(
    clickhouse: ClickHouseServer, tmp_path: Path, members: Path
) -> None:
    config = tmp_path / "lakou.yml"
    database = f"lakou_lan_{uuid.uuid4().hex[:8]}"
    config.write_text(
        "flows:\n  store: clickhouse\n"
        f"  clickhouse: {{host: 127.0.0.1, port: {clickhouse.port}, database: {database}}}\n"
    )
    capture = write_stream(tmp_path / "lan.pcap", stream())
    replay = ["--config", str(config), "flows", "replay", str(capture), "--members", str(members)]
    runner = CliRunner()
    out = runner.invoke(main, replay)
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["lan"].startswith("not kept: with the clickhouse store, give --store DIR")
    assert (
        summary["counters"]["rows_written"] >= 1 and "lan_rows_written" not in summary["counters"]
    )
    store = tmp_path / "lan-files"
    out = runner.invoke(main, [*replay, "--store", str(store)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["lan"] == str(store / "lan")
    assert_x_findings(lan_report(store, members))


def test_no_lan_keeps_nothing_and_says_so(tmp_path: Path, members: Path) -> None:
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    args = ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    out = CliRunner().invoke(main, [*args, "--no-lan"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["lan"] == "not kept (--no-lan)" and summary["counters"]["rows_written"] > 0
    assert not (store / "lan").exists()
