"""The portal benchmark reads wrk's report right (the run itself needs wrk and minutes)."""

from __future__ import annotations

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
