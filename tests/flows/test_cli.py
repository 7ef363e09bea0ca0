"""The commands the acceptance checks use: decode, replay, report."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

from click.testing import CliRunner

from lakou.cli import main
from lakou.flows.config import Listener
from lakou.flows.inlet import Collector
from lakou.flows.pcap import CaptureError, Datagram, read_datagrams, write_pcap
from lakou.flows.pipeline import Pipeline
from lakou.flows.testing import SampledFrame, datagram
from lakou.flows.trust import ExporterAllowList

FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1", vlan=10)


def test_decode_replay_report(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    sflow = shared_data / "flows" / "sflow" / "data-1140.pcap"
    out = runner.invoke(main, ["flows", "decode", str(sflow), "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    lines = [json.loads(x) for x in out.output.splitlines()]
    assert [x["sampling_rate"] for x in lines if x["type"] == "flow_sample"] == [1024] * 5
    members = tmp_path / "members.csv"
    members.write_text(
        "asn,name,vlan,mac\n64500,A,10,02:00:00:00:00:01\n64501,B,10,02:00:00:00:00:02\n"
    )
    pcap = tmp_path / "gen.pcap"
    write_pcap(
        pcap,
        [
            Datagram(
                1_790_000_000.0 + i,
                "127.0.0.1",
                9,
                "127.0.0.1",
                6343,
                datagram("127.0.0.1", [FRAME] * 4, i + 1),
            )
            for i in range(30)
        ],
    )
    store = tmp_path / "store"
    out = runner.invoke(
        main,
        [
            "flows",
            "replay",
            str(pcap),
            str(sflow),
            "--store",
            str(store),
            "--members",
            str(members),
        ],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["counters"]["sflow_samples"] == 125
    out = runner.invoke(
        main,
        ["flows", "report", "--store", str(store), "--format", "json", "--members", str(members)],
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["matrix"][0]["bytes"] == 120 * 1500 * 1024
    assert report["matrix"][0]["src_name"] == "A"
    html = runner.invoke(main, ["flows", "report", "--store", str(store), "--format", "html"])
    assert "plotly" in html.output and "<h1>" in html.output


def test_truncated_capture_names_offset(tmp_path: Path) -> None:
    pcap = tmp_path / "t.pcap"
    write_pcap(pcap, [Datagram(1.0, "127.0.0.1", 1, "::1", 2, b"x" * 50)])
    data = pcap.read_bytes()
    pcap.write_bytes(data[:-10])
    try:
        list(read_datagrams(pcap))
    except CaptureError as exc:
        assert "byte 24" in str(exc)
    else:
        raise AssertionError("no error")


def test_queue_full_drops_are_counted() -> None:
    async def run() -> Collector:
        loopback = ExporterAllowList.from_entries([("127.0.0.1", "test")])
        c = Collector(Pipeline(), [Listener(address="127.0.0.1", port=0)], loopback, queue_limit=5)
        await c.start()
        c.paused = True
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(20):
            sock.sendto(datagram("127.0.0.1", [FRAME], i + 1), c.bound[0])
        sock.close()
        for _ in range(200):
            if c.received >= 20:
                break
            await asyncio.sleep(0.01)
        await c.stop()  # drains what was queued
        return c

    c = asyncio.run(run())
    assert c.received == 20 and c.queue_drops == 15
    assert c.pipeline.counters["sflow_samples"] == 5
    assert c.pipeline.counters["rows_written"] >= 1


def test_report_offers_no_prefix_table_it_would_not_use(tmp_path: Path) -> None:
    """Flows are classified when stored: a report given --prefixes would drop it silently."""
    table = tmp_path / "prefixes.csv"
    table.write_text("prefix,asn,territory\n192.0.2.0/24,64500,GP\n")
    out = CliRunner().invoke(main, ["flows", "report", "--prefixes", str(table)])
    assert out.exit_code == 2 and "No such option '--prefixes'" in out.output
