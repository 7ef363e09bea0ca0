"""Peering-LAN hygiene through the real collector over UDP, and with a real ClickHouse
store (live)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lan.conftest import stream
from tests.lan.test_hygiene import assert_x_findings, lan_report, write_stream

from lakou.cli import main
from lakou.flows.testing import ClickHouseServer


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
