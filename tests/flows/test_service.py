"""The flow commands' engine calls: ``replay_captures`` and ``report_from_store`` on
real captures and a real store, asked with an :class:`IntakeRequest`."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.exchange import Exchange
from lakou.flows import (
    CollectorError,
    CollectRequest,
    IntakeRequest,
    load_members,
    replay_captures,
    report_from_store,
    run_collector,
)
from lakou.flows.config import Config
from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.testing import SampledFrame, datagram

FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1", vlan=10)
T0 = 1_790_000_000


def _capture(path: Path, count: int) -> Path:
    write_pcap(
        path,
        [
            Datagram(T0 + i, "127.0.0.1", 9, "127.0.0.1", 6343, datagram("127.0.0.1", [FRAME], i))
            for i in range(1, count + 1)
        ],
    )
    return path


def _exchanges(tmp_path: Path) -> list[Exchange]:
    members = tmp_path / "members.csv"
    members.write_text(
        "asn,name,vlan,mac\n64500,A,10,02:00:00:00:00:01\n64501,B,10,02:00:00:00:00:02\n"
    )
    return load_members(members)


def test_replay_tells_each_capture_byte_and_each_break(tmp_path: Path) -> None:
    good = _capture(tmp_path / "good.pcap", 20)
    broken = _capture(tmp_path / "broken.pcap", 5)
    broken.write_bytes(broken.read_bytes()[:-10])
    read: list[int] = []
    warnings: list[str] = []
    request = IntakeRequest(store_dir=str(tmp_path / "store"))
    summary = replay_captures(
        Config(), tmp_path, _exchanges(tmp_path), request, [good, broken],
        advance=read.append, warn=warnings.append,
    )  # fmt: skip
    assert summary["counters"]["sflow_samples"] == 24  # the broken capture's last one lost
    assert summary["lan"] == "not kept (--no-lan)" and summary["lan_frames"] == {}
    assert sum(read) <= good.stat().st_size + broken.stat().st_size and sum(read) > 0
    assert len(warnings) == 1 and "broken.pcap" in warnings[0]
    # the store was flushed and closed: the report reads every sample, named
    report = report_from_store(
        Config(), tmp_path, _exchanges(tmp_path), store_dir=str(tmp_path / "store")
    )
    assert [(c.src_name, c.dst_name) for c in report.matrix] == [("A", "B")]
    assert report.matrix[0].bytes == 24 * 1500 * 1024


def test_a_report_period_defaults_to_the_whole_store_until_now(tmp_path: Path) -> None:
    replay_captures(
        Config(),
        tmp_path,
        [],
        IntakeRequest(store_dir=str(tmp_path)),
        [_capture(tmp_path / "c.pcap", 3)],
    )
    whole = report_from_store(Config(), tmp_path, [], store_dir=str(tmp_path))
    assert whole.period.since <= T0 + 1 < whole.period.until  # bucket-aligned
    assert whole.totals.samples == 3 and whole.level == "minute"


def test_an_unreadable_prefix_table_is_refused_before_anything_is_replayed(tmp_path: Path) -> None:
    table = tmp_path / "prefixes.csv"
    table.write_text("prefix,asn,territory\nnot-a-prefix,1,x\n")
    request = IntakeRequest(store_dir=str(tmp_path / "store"), prefixes=str(table))
    with pytest.raises(CollectorError, match=r"prefixes.csv:2: bad prefix 'not-a-prefix'"):
        replay_captures(Config(), tmp_path, [], request, [_capture(tmp_path / "c.pcap", 1)])


def test_a_collector_without_an_allowed_exporter_is_refused_before_the_store(
    tmp_path: Path,
) -> None:
    request = CollectRequest(IntakeRequest(store_dir=str(tmp_path / "store")))
    with pytest.raises(CollectorError, match="no exporter is allowed"):
        run_collector(Config(), tmp_path, [], request)
    assert not (tmp_path / "store").exists()
