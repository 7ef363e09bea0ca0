"""The collector trusts no stranger and no clock: allowed exporters, bounded counts of the
others, records dated on receipt or by the exporter within the allowed skew, and the
``flows collect`` options that set them (``--allow-exporter``, ``--listen``, skew)."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from lakou.cli import main
from lakou.flows.config import Config, Listener
from lakou.flows.counters import TopSources
from lakou.flows.inlet import Collector
from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.testing import SampledFrame, datagram, netflow_v5
from lakou.flows.trust import ExporterAllowList, ExporterListError

SPOOFED = 3825100800  # 2091-03-19, the date one datagram once put on the public pages
FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1")


def allow(*entries: str) -> ExporterAllowList:
    return ExporterAllowList.from_entries([(e, "test") for e in entries])


def test_allow_list_addresses_prefixes_and_mapped_addresses() -> None:
    allowed = allow("192.0.2.1", "198.51.100.0/24", "2001:db8::/32", "::ffff:203.0.113.9")
    for host in ("192.0.2.1", "198.51.100.77", "2001:db8::5", "203.0.113.9"):
        assert allowed.allows(host), host
    for host in ("192.0.2.2", "2001:db9::1", "not-an-address", "", "203.0.113.8"):
        assert not allowed.allows(host), host
    assert allowed.describe() == ["192.0.2.1", "198.51.100.0/24", "2001:db8::/32", "203.0.113.9"]
    # an address found inside a prefix is remembered, within a bound
    small = ExporterAllowList(allow("10.0.0.0/8").networks, remember=3)
    for i in range(10):
        assert small.allows(f"10.0.0.{i}")
    assert len(small.known) == 3
    assert not ExporterAllowList().allows("127.0.0.1")


def test_allow_list_entries_name_their_origin() -> None:
    with pytest.raises(ExporterListError, match=r"--allow-exporter: 'switch-1' is not"):
        ExporterAllowList.from_entries([("switch-1", "--allow-exporter")])
    with pytest.raises(ValidationError, match=r"allowed_exporters\[1\]: '10.0.0.0/33'"):
        Config(allowed_exporters=["10.0.0.1", "10.0.0.0/33"])


def test_unknown_sources_are_counted_in_bounded_space() -> None:
    top = TopSources(size=8)
    for _ in range(1000):
        top.add("192.0.2.66")  # a busy stranger stays named
    for i in range(100_000):
        top.add(f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
    assert len(top.counts) == 8 and top.total == 101_000
    summary = top.as_dict()
    assert next(iter(summary)) == "192.0.2.66" and summary["192.0.2.66"] == 1000
    assert summary["other"] == 101_000 - sum(top.counts.values())


def test_exporter_clock_is_believed_only_within_the_skew() -> None:
    now = float(int(time.time()))
    pipe = Pipeline(keep_records=True)
    pipe.process(
        [
            Received(netflow_v5(int(now) - 100), "192.0.2.1", now),  # within 300 s: kept
            Received(netflow_v5(SPOOFED, flows=2), "192.0.2.1", now),  # re-dated
            Received(netflow_v5(1, flows=3), "192.0.2.2", now),  # 1970: re-dated
            Received(datagram("192.0.2.3", [FRAME]), "192.0.2.3", now),  # sFlow: on receipt
        ]
    )
    times = sorted(int(t) for b in pipe.records for t in b["time"])
    assert times == [int(now) - 100] + [int(now)] * 6
    assert pipe.counters["clock_skew"] == 2 and pipe.counters["clock_skew_records"] == 5
    assert pipe.counters["records"] == 7

    dropping = Pipeline(keep_records=True, clock_skew_action="drop", max_clock_skew=60)
    dropping.process(
        [
            Received(netflow_v5(int(now) - 100), "192.0.2.1", now),  # beyond 60 s now
            Received(netflow_v5(SPOOFED), "192.0.2.1", now),
            Received(netflow_v5(int(now) + 30), "192.0.2.1", now),
        ]
    )
    assert [int(t) for b in dropping.records for t in b["time"]] == [int(now) + 30]
    assert dropping.counters["clock_skew"] == 2 and dropping.counters["records"] == 1


def test_a_receive_time_in_the_future_is_not_believed_either() -> None:
    """A replayed capture whose packets are dated later than now (+ the skew)."""
    later = time.time() + 10 * 86400
    pipe = Pipeline(keep_records=True)
    pipe.process([Received(datagram("192.0.2.3", [FRAME]), "192.0.2.3", later)])
    assert pipe.counters["clock_skew_received"] == 1
    assert int(pipe.records[0]["time"][0]) <= time.time()
    dropping = Pipeline(keep_records=True, clock_skew_action="drop")
    dropping.process([Received(datagram("192.0.2.3", [FRAME]), "192.0.2.3", later)])
    assert dropping.counters["clock_skew_received"] == 1 and not dropping.records


def test_replay_keeps_the_capture_time_within_bounds(tmp_path: Path) -> None:
    """Replay dates records by the capture; an exporter time far from its packet's capture
    time is re-dated to it; every exporter of the capture is accepted."""
    t0 = 1_790_000_000
    pcap = tmp_path / "spoofed.pcap"
    write_pcap(
        pcap,
        [
            Datagram(t0, "198.51.100.7", 9, "127.0.0.1", 2055, netflow_v5(t0 - 10)),
            Datagram(t0 + 60, "198.51.100.8", 9, "127.0.0.1", 2055, netflow_v5(SPOOFED)),
        ],
    )
    store = tmp_path / "store"
    out = CliRunner().invoke(main, ["flows", "replay", str(pcap), "--store", str(store)])
    assert out.exit_code == 0, out.output
    assert '"clock_skew": 1' in out.output and '"records": 2' in out.output
    days = sorted(p.name for p in (store / "minute").iterdir())
    assert days == ["day=2026-09-21"], days  # t0's day, nothing in 2091
    out = CliRunner().invoke(
        main, ["flows", "replay", str(pcap), "--store", str(store), "--clock-skew", "drop"]
    )
    assert '"clock_skew": 1' in out.output and '"records": 1' in out.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--listen", "127.0.0.1:6343:ipfix"], "'127.0.0.1:6343:ipfix': use ADDRESS:PORT"),
        (["--listen", "127.0.0.1:99999"], "'127.0.0.1:99999': use ADDRESS:PORT"),
        (["--listen", "switch:6343"], "'switch:6343': use ADDRESS:PORT"),
        (["--listen", "[::1:6343"], "'[::1:6343': use ADDRESS:PORT"),
        (["--allow-exporter", "10.0.0.300"], "--allow-exporter: '10.0.0.300' is not an IP"),
        ([], "no exporter is allowed to send flows"),
        (["--allow-exporter", "127.0.0.1", "--max-clock-skew", "-1"], "-1 is not in the range"),
    ],
)
def test_collect_refuses_what_it_cannot_apply(tmp_path: Path, args: list[str], words: str) -> None:
    cmd = ["flows", "collect", "--store", str(tmp_path / "s"), *args]
    out = CliRunner().invoke(main, cmd)
    assert out.exit_code != 0 and words in out.output, out.output
    assert "Traceback" not in out.output and not (tmp_path / "s").exists()


def test_inlet_hears_only_allowed_exporters_on_their_protocol() -> None:
    """Real UDP on loopback: 127.0.0.1 is allowed, 127.0.0.2 is a stranger; the sFlow-only
    listener counts a NetFlow datagram as wrong_port; an IPv6 listener binds to ::1."""

    async def run() -> Collector:
        c = Collector(
            Pipeline(keep_records=True),
            [
                Listener(address="127.0.0.1", port=0, protocol="sflow"),
                Listener(address="::1", port=0, protocol="netflow"),
            ],
            allow("127.0.0.1", "::1"),
        )
        await c.start()
        sflow_port, netflow_port = c.bound[0][1], c.bound[1][1]
        friend = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        friend.bind(("127.0.0.1", 0))
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        stranger.bind(("127.0.0.2", 0))
        six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        good = datagram("127.0.0.1", [FRAME])
        for _ in range(3):
            friend.sendto(good, ("127.0.0.1", sflow_port))
            stranger.sendto(good, ("127.0.0.1", sflow_port))
        friend.sendto(netflow_v5(int(time.time())), ("127.0.0.1", sflow_port))
        six.sendto(netflow_v5(int(time.time())), ("::1", netflow_port))
        for s in (friend, stranger, six):
            s.close()
        assert await c.drained(8)
        await c.stop()
        return c

    c = asyncio.run(run())
    assert c.bound[0][0] == "127.0.0.1" and c.bound[1][0] == "::1"
    summary = c.summary()
    assert summary["received"] == 8 and summary["unknown_exporter"] == 3
    assert summary["unknown_exporters"] == {"127.0.0.2": 3} and summary["wrong_port"] == 1
    assert summary["sflow_samples"] == 3 and summary["records_v5"] == 1
