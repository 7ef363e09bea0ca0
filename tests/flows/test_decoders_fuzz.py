"""Property tests and fuzzing: mutated real datagrams never crash a decoder, the fast
sFlow decoder agrees with the reference one, and a bad datagram costs only itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakou.flows import sflow
from lakou.flows.fast_sflow import decode_batch
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.pcap import read_datagrams
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.records import FlowBatch
from lakou.flows.sflow import MalformedDatagram
from lakou.flows.testing import SampledFrame, datagram, mutate

ROOT = Path(__file__).resolve().parents[3] / "shared" / "data" / "flows"


def _real(kind: str) -> list[tuple[bytes, str]]:
    if not ROOT.is_dir():
        return []
    return [
        (d.payload, str(d.src))
        for p in sorted((ROOT / kind).glob("*.pcap"))
        for d in read_datagrams(p)
    ]


SFLOW = _real("sflow") or [
    (
        datagram(
            "10.0.0.1",
            [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")],
        ),
        "x",
    )
]
NETFLOW = _real("netflow") + _real("pmacct")


def reference(payload: bytes) -> FlowBatch | None:
    try:
        return FlowBatch.from_rows(sflow.rows(sflow.decode(payload), 7))
    except MalformedDatagram:
        return None


def fast(payload: bytes) -> FlowBatch | None:
    buf = np.frombuffer(payload, dtype=np.uint8)
    batch, status, _c = decode_batch(buf, np.array([0, len(buf)]), np.array([7], np.uint32))
    return None if status[0] else batch


def same(a: FlowBatch | None, b: FlowBatch | None) -> None:
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        for name in a.columns:
            assert np.array_equal(a[name], b[name]), name


@pytest.mark.parametrize("index", range(len(SFLOW)))
def test_fast_matches_reference_on_real(index: int) -> None:
    payload = SFLOW[index][0]
    assert reference(payload) is not None
    same(reference(payload), fast(payload))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SFLOW),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
    st.integers(0, 40),
)
def test_fast_matches_reference_on_mutations(item, edits, cut) -> None:  # type: ignore[no-untyped-def]
    payload = mutate(item[0], edits, cut)
    same(reference(payload), fast(payload))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(NETFLOW or [(b"\x00\x0a", "x")]),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
    st.integers(0, 40),
)
def test_netflow_decoder_only_raises_malformed(item, edits, cut) -> None:  # type: ignore[no-untyped-def]
    decoder = NetflowDecoder()
    for payload, exporter in NETFLOW[:40]:  # learn real templates first
        decoder.decode(payload, exporter)
    mutated = mutate(item[0], edits, cut)
    try:
        decoded = decoder.decode(mutated, item[1])
    except MalformedDatagram:
        return
    FlowBatch.from_rows(decoder.rows(decoded))  # every value fits its column


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=10))
def test_pipeline_counts_garbage_and_keeps_good(garbage: list[bytes]) -> None:
    good = datagram(
        "10.0.0.1",
        [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")] * 3,
    )
    pipe = Pipeline()
    items = [Received(g, "127.0.0.1", 60.0) for g in garbage]
    items.insert(len(items) // 2, Received(good, "127.0.0.1", 60.0))
    items.append(Received(b"\x00\x00\x00\x05" + b"\xff" * 20, "127.0.0.1", 60.0))
    pipe.process(items)
    assert pipe.counters["sflow_samples"] >= 3
    assert pipe.counters["datagrams_malformed"] >= 1
    assert pipe.counters["datagrams"] == len(items)
    assert int(sum(pipe.summed().column("samples").to_pylist())) == pipe.counters["records"]
