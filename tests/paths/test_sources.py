"""Traceroute readers on the real RIPE Atlas results and scamper warts files."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.paths.sources import read_traceroutes
from lakou.paths.warts import read_warts
from lakou.territory.sources.common import Counters, SourceError

pytestmark = pytest.mark.data


def _dump_hops(text: str) -> list[tuple[int, str, float]]:
    """(ttl, address, rtt ms) of each hop in scamper's text dump (sc_warts2text style)."""
    hops = []
    for match in re.finditer(
        r"^hop\s+(\d+)\s+(\S+)\n attempt: \d+, tx: [\d.]+s, rtt: ([\d.]+)s", text, re.M
    ):
        hops.append((int(match[1]), match[2], round(float(match[3]) * 1000, 3)))
    return hops


@pytest.mark.parametrize("name", ["trace_google_dns_v4_default", "trace_google_dns_v6_default"])
def test_warts_trace_matches_its_text_dump(shared_data: Path, name: str) -> None:
    folder = shared_data / "traceroutes" / "scamper"
    counters = Counters()
    traces = list(read_warts(folder / f"{name}.warts", counters=counters))
    assert len(traces) == 1
    text = (folder / f"{name}.txt").read_text()
    header = re.search(r"traceroute from (\S+) to (\S+)", text)
    assert header is not None
    trace = traces[0]
    assert (trace.source_address, trace.destination) == (header[1], header[2])
    assert [(h.ttl, h.ip, h.rtt_ms) for h in trace.hops] == _dump_hops(text)
    assert counters.dropped  # list and cycle objects are counted, not decoded


def test_warts_tracelb_and_ping_are_skipped_and_counted(shared_data: Path) -> None:
    folder = shared_data / "traceroutes" / "scamper"
    counters = Counters()
    assert list(read_warts(folder / "tracelb_google_dns_v4_default.warts", counters=counters)) == []
    assert counters.dropped["warts object type 8"] == 1


def test_truncated_warts_names_the_offset(shared_data: Path, tmp_path: Path) -> None:
    data = (
        shared_data / "traceroutes" / "scamper" / "trace_google_dns_v4_default.warts"
    ).read_bytes()
    cut = tmp_path / "cut.warts"
    cut.write_bytes(data[:200])
    with pytest.raises(SourceError, match=r"cut.warts@\d+: truncated warts object"):
        list(read_warts(cut))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_warts_fuzz_only_raises_source_errors(
    tmp_path_factory: pytest.TempPathFactory, blob: bytes
) -> None:
    path = tmp_path_factory.mktemp("w") / "x.warts"
    path.write_bytes(b"\x12\x05\x00\x06" + len(blob).to_bytes(4, "big") + blob)
    with contextlib.suppress(SourceError):  # a clear error is fine; any other is a bug
        list(read_warts(path, strict=False))


def test_ripe_atlas_results(shared_data: Path) -> None:
    traces = list(read_traceroutes(shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl"))
    assert len(traces) == 19
    fourth = traces[3]
    assert (fourth.msm_id, fourth.probe, fourth.destination) == (1000157, "319", "121.244.76.25")
    assert fourth.hops[0].ip == "192.172.226.252" and fourth.hops[0].rtt_ms == 1.759
    assert fourth.hops[0].replies == 3
    assert any(h.ip is None for h in fourth.hops)  # the "*" hops are kept
    assert {t.af for t in traces} == {4, 6}


def test_malformed_atlas_line(tmp_path: Path, shared_data: Path) -> None:
    lines = (shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl").read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join([lines[0], '{"type": "traceroute", "result": [{"no": 1}]}', "{oops", lines[1]])
        + "\n"
    )
    with pytest.raises(SourceError, match=r"bad.jsonl:2: result\[0\] has no hop number"):
        list(read_traceroutes(bad))
    bad.write_text("\n".join([lines[0], '{"type": "dns"}', lines[1]]) + "\n")
    counters = Counters()
    assert len(list(read_traceroutes(bad, strict=False, counters=counters))) == 2
    assert counters.dropped["malformed"] == 1


def test_scamper_json(tmp_path: Path) -> None:
    # the shape sc_warts2json writes for a trace
    path = tmp_path / "trace.json"
    path.write_text(
        json.dumps({"type": "cycle-start", "list_name": "default"})
        + "\n"
        + json.dumps(
            {
                "type": "trace",
                "src": "137.194.165.109",
                "dst": "8.8.8.8",
                "start": {"sec": 1644327319},
                "hops": [
                    {"addr": "137.194.164.254", "probe_ttl": 1, "rtt": 1.057},
                    {"addr": "8.8.8.8", "probe_ttl": 7, "rtt": 1.969},
                ],
            }
        )
        + "\n"
    )
    traces = list(read_traceroutes(path))
    assert len(traces) == 1 and traces[0].source == "scamper-json"
    assert [(h.ttl, h.ip) for h in traces[0].hops] == [(1, "137.194.164.254"), (7, "8.8.8.8")]
