"""The portal benchmark reads wrk's report right (the run itself needs wrk and minutes), and
its whole-command lines: start-up to a first page, pages per 1,000 requests to the floor."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from benchmarks.portal.run import parse_wrk

REPORT = """Running 10s test @ http://127.0.0.1:8000/participants.json
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    30.12ms   20.01ms 400.00ms   90.00%
    Req/Sec   260.00     40.00   340.00     70.00%
  Latency Distribution
     50%   26.60ms
     75%   35.00ms
     90%   50.00ms
     99%    1.40s
  5184 requests in 10.00s, 60.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    518.40
Transfer/sec:      6.00MB
"""


def test_parse_wrk() -> None:
    load = parse_wrk(REPORT, "/participants.json", 16)
    assert load.rps == 518.4
    assert load.p50_ms == 26.6
    assert load.p99_ms == 1400.0
    assert load.errors == 6 and load.timeouts == 3


def test_parse_wrk_microseconds_and_no_errors() -> None:
    text = REPORT.replace("26.60ms", "812.00us").split("  Socket errors")[0]
    text += "Requests/sec:   4000.00\n"
    load = parse_wrk(text, "/static/portal/lakou.css", 1)
    assert load.p50_ms == 0.812 and load.errors == 0 and load.timeouts == 0


def test_parse_wrk_counts_the_requests() -> None:
    assert parse_wrk(REPORT, "/", 16).requests == 5184


def test_pages_under_wrk_reach_the_summary_as_ratios_to_the_floor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.__main__ import whole_command_lines
    from benchmarks.portal.run import FLOOR, PAGES, Load, Run, record_under_wrk
    from benchmarks.whole import RESULTS_ENV

    results = tmp_path / "whole.jsonl"
    monkeypatch.setenv(RESULTS_ENV, str(results))
    loads = [Load(FLOOR, 16, 2000.0, 1.0, 20.0, 0, 0, 20000, 4.0)]
    loads += [Load(url, 16, 500.0, 2.0, 30.0, 0, 0, 5000, 2.0) for url in PAGES]
    loads.append(Load("/", 1, 900.0, 1.0, 5.0, 0, 0, 9000, 1.0))  # another count: not taken
    record_under_wrk([Run(loads, (100.0, 400.0, 300.0))])
    printed = capsys.readouterr().out
    assert "/ at 16 connections, per 1,000 requests" in printed
    lines = whole_command_lines(results, "portal")
    assert len(lines) == len(PAGES)
    # a page at a quarter of the floor's rate, with 2 CPU-s per 5,000 requests against
    # 4 per 20,000: 0.25x by wall, 0.5x by CPU; both peaks are the one server's
    assert "0.25x wall, 0.5x CPU vs static file (peak 400 MB vs 400 MB)" in lines[0]


def test_first_answer_times_a_server_to_its_first_page_and_stops_it(tmp_path: Path) -> None:
    from benchmarks.portal.run import _free_port
    from benchmarks.portal.whole import first_answer

    (tmp_path / "page.txt").write_text("hello")
    port = _free_port()
    server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    measure = first_answer(
        [*server, "--directory", str(tmp_path)], f"http://127.0.0.1:{port}/page.txt"
    )
    assert measure.wall > 0 and measure.cpu >= 0 and measure.peak_mb > 0
    with pytest.raises(OSError):  # stopped: nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(SystemExit, match="stopped"):
        first_answer([sys.executable, "-c", "raise SystemExit(3)"], "http://127.0.0.1:9/")
