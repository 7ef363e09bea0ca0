"""How a RIPE Atlas result's replies become hops, and the collector pause around it."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pytest

from lakou.paths.analyze import Annotator, analyze, collector_paused
from lakou.paths.model import Hop, make_hop
from lakou.paths.sources import read_traceroutes


def _read(tmp_path: Path, result: list[dict[str, Any]]) -> list[Hop]:
    path = tmp_path / "atlas.json"
    row = {"type": "traceroute", "af": 4, "dst_addr": "192.0.2.9", "result": result}
    path.write_text(json.dumps([row]))
    (trace,) = read_traceroutes(path)
    return trace.hops


def test_replies_merge_per_ttl_and_address(tmp_path: Path) -> None:
    hops = _read(
        tmp_path,
        [
            {"hop": 1, "result": [{"from": "10.0.0.1", "rtt": 2.5},
                                  {"from": "10.0.0.1", "rtt": 1.5}, {"from": "10.0.0.1"}]},
            # load balancing: two routers answer TTL 2, the first again after the second
            {"hop": 2, "result": [{"from": "198.51.100.1", "rtt": 9.0}, {"from": "198.51.100.2",
                                   "rtt": 4.0}, {"from": "198.51.100.1", "rtt": 8.0}]},
            # a late reply and a reply without an address do not count; "*" gives a silent hop
            {"hop": 3, "result": [{"from": "198.51.100.3", "rtt": 30.0, "late": 1}, {"x": "*"}]},
            {"hop": 4, "result": [{"from": "192.0.2.9"}]},
            {"hop": 4, "result": [{"from": "192.0.2.9", "rtt": 12.0}, "junk"]},
        ],
    )  # fmt: skip
    assert hops == [
        Hop(1, "10.0.0.1", 1.5, 3),
        Hop(2, "198.51.100.1", 8.0, 2),
        Hop(2, "198.51.100.2", 4.0, 1),
        Hop(3, None, None, 1),
        Hop(4, "192.0.2.9", 12.0, 2),
    ]


def test_hops_out_of_ttl_order_are_sorted(tmp_path: Path) -> None:
    hops = _read(
        tmp_path,
        [
            {"hop": 3, "result": [{"from": "198.51.100.3", "rtt": 3.0}]},
            {"hop": 1, "result": [{"from": "10.0.0.1", "rtt": 1.0}]},
            {"hop": 2, "result": [{"x": "*"}]},
            {"hop": 1, "result": [{"from": "10.0.0.2", "rtt": 1.2}]},
        ],
    )
    assert [(h.ttl, h.ip) for h in hops] == [
        (1, "10.0.0.1"),
        (1, "10.0.0.2"),
        (2, None),
        (3, "198.51.100.3"),
    ]


def test_make_hop_is_a_hop() -> None:
    made, built = make_hop(3, "192.0.2.1", 4.5, 2), Hop(3, "192.0.2.1", 4.5, 2)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert make_hop(1, None, None).replies == 1
    with pytest.raises(AttributeError):
        made.ttl = 4  # type: ignore[misc]


def test_collector_paused_restores_its_state() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()


def test_analyze_reads_a_generator_with_the_collector_paused(tmp_path: Path) -> None:
    states = []

    def traces() -> Any:
        states.append(gc.isenabled())
        path = tmp_path / "atlas.json"
        row = {"type": "traceroute", "af": 4, "dst_addr": "192.0.2.9",
               "result": [{"hop": 1, "result": [{"from": "192.0.2.9", "rtt": 1.0}]}]}  # fmt: skip
        path.write_text(json.dumps([row]))
        yield from read_traceroutes(path)

    results = analyze(traces(), Annotator({"GP"}))
    assert states == [False] and gc.isenabled()
    assert results[0]["reached"] is True and results[0]["hops"][0]["rtt_ms"] == 1.0


def test_plain_and_merged_readings_agree_on_random_results(shared_data: Path) -> None:
    import random

    from lakou.paths.sources import _merged_hops, _plain_hops

    rows = [
        json.loads(line)
        for line in (shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl")
        .read_text()
        .splitlines()
    ]
    rng = random.Random(5)
    plain = 0
    for _ in range(3000):
        result = []
        for ttl in sorted(rng.choices(range(1, 12), k=rng.randrange(0, 9))):
            replies: list[Any] = []
            for _r in range(rng.randrange(0, 5)):
                reply: Any = rng.choice(
                    [{"from": rng.choice(["10.0.0.1", "10.0.0.2"])}, {"x": "*"}, "junk"]
                )
                if isinstance(reply, dict) and "from" in reply:
                    if rng.random() < 0.8:
                        reply["rtt"] = rng.choice([1.5, 0.5, 2, 3.25])
                    if rng.random() < 0.1:
                        reply["late"] = 1
                replies.append(reply)
            result.append({"hop": ttl, "result": replies})
        obj = {"type": "traceroute", "result": result}
        quick = _plain_hops(obj)
        plain += quick is not None
        assert quick is None or quick == _merged_hops(obj), result
    for obj in rows:  # the real ones: all plain
        quick = _plain_hops(obj)
        assert quick is not None and quick == _merged_hops(obj)
    assert 500 < plain < 2900  # both readings were exercised
    bad = {"type": "traceroute", "result": [{"hop": 1, "result": []}, {"result": []}]}
    with pytest.raises(ValueError, match=r"result\[1\]"):
        _plain_hops(bad)
    with pytest.raises(ValueError, match=r"result\[1\]"):
        _merged_hops(bad)
