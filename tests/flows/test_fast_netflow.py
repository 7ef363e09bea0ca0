"""The compiled NetFlow v9 / IPFIX decoder gives exactly the reference decoder's records:
on every real capture, and on mutated real datagrams (hypothesis), template state included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakou.flows.fast_netflow import FastNetflow, compile_template
from lakou.flows.netflow import NetflowDecoder, Template, TemplateField
from lakou.flows.pcap import read_datagrams
from lakou.flows.records import FlowBatch
from lakou.flows.sflow import MalformedDatagram
from lakou.flows.testing import mutate

ROOT = Path(__file__).resolve().parents[3] / "shared" / "data" / "flows"
CAPTURES = (
    [
        ["netflow/template.pcap", "netflow/data.pcap"],
        ["netflow/data+templates.pcap"],
        ["netflow/ipfixprobe-templates.pcap", "netflow/ipfixprobe-data.pcap"],
    ]
    + [[f"pmacct/{p.name}"] for p in sorted((ROOT / "pmacct").glob("*.pcap"))]
    if ROOT.is_dir()
    else []
)


def load(names: list[str]) -> list[tuple[bytes, str]]:
    return [(d.payload, str(d.src)) for n in names for d in read_datagrams(ROOT / n)]


ALL = [load(names) for names in CAPTURES]


def reference(items: list[tuple[bytes, str]]) -> tuple[list[tuple[Any, ...]], list[str]]:
    decoder = NetflowDecoder()
    rows, drops = [], []
    for payload, exporter in items:
        try:
            rows += decoder.rows(decoder.decode(payload, exporter))
        except MalformedDatagram as exc:
            drops.append(exc.reason)
    return _sorted(FlowBatch.from_rows(rows)), drops


def fast(
    items: list[tuple[bytes, str]], batch: int = 1000
) -> tuple[list[tuple[Any, ...]], list[str]]:
    decoder = FastNetflow()
    batches, drops = [], []
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        records, dropped, slow = decoder.decode([p for p, _e in chunk], [e for _p, e in chunk])
        batches += [records, FlowBatch.from_rows(slow)]
        drops += [exc.reason for exc, _e in dropped]
    return _sorted(FlowBatch.concat(batches)), drops


def _sorted(batch: FlowBatch) -> list[tuple[Any, ...]]:
    names = sorted(batch.columns)
    return sorted(zip(*[batch[n].tolist() for n in names], strict=True))


@pytest.mark.data
@pytest.mark.parametrize("index", range(len(CAPTURES)), ids=[c[-1] for c in CAPTURES])
def test_same_records_on_real_captures(index: int) -> None:
    items = ALL[index] * 3  # templates known from the second copy on
    ref = reference(items)
    assert ref[0] or "template" in CAPTURES[index][0]
    assert fast(items) == ref
    assert fast(items, batch=2) == ref  # template state carried across batches


def test_fast_path_is_taken_for_known_templates() -> None:
    if not ALL:
        pytest.skip(f"public data set not found at {ROOT}")
    items = load(["pmacct/100-IPFIXv10-CISCO__traffic-00.pcap"]) * 20
    decoder = FastNetflow()
    records, drops, slow = decoder.decode([p for p, _e in items], [e for _p, e in items])
    assert len(records) == 20 * 12 and not slow and not drops
    # Templates re-announced byte for byte: the reference decoder saw each datagram once.
    assert decoder.reference.stats.templates == 40


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.integers(0, 3),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
    st.integers(0, 40),
    st.integers(1, 8),
)
def test_same_records_on_mutated_datagrams(
    which: int, position: int, edits: list[tuple[int, int]], cut: int, batch: int
) -> None:
    if not ALL:
        pytest.skip(f"public data set not found at {ROOT}")
    items = list(ALL[which % len(ALL)] * 2)
    at = (which // len(ALL) + position) % len(items)
    payload, exporter = items[at]
    items[at] = (mutate(payload, edits, cut), exporter)
    # The mutated datagram may be a template: what follows decodes with what it defined.
    assert fast(items, batch) == reference(items)


def test_templates_the_kernel_leaves_to_the_reference() -> None:
    def t(*fields: tuple[int, int]) -> Template:
        return Template(300, tuple(TemplateField(e, n) for e, n in fields))

    assert compile_template(t((1, 8), (8, 4), (12, 4))) is not None
    assert compile_template(t((1, 8), (315, 65535))) is None  # variable length
    assert compile_template(t((1, 8), (315, 64))) is None  # frame section: parsed in Python
    assert compile_template(t((1, 8), (34, 4))) is None  # per-record sampling
    assert compile_template(t((1, 16))) is None  # a counter wider than 64 bits
    assert compile_template(t((8, 3))) is None  # an address of the wrong size
    assert compile_template(t((1, 8), (1, 16))) is not None  # only the first one is read


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["192.0.2.1", "2001:db8::1", "198.51.100.7"]), min_size=1))
def test_same_records_whatever_the_exporters_of_a_batch(picks: list[str]) -> None:
    # One exporter for a whole batch takes a shortcut to the exporters' indexes; several,
    # interleaved, each their own templates: the records are the reference's either way.
    if not ALL:
        pytest.skip(f"public data set not found at {ROOT}")
    items = load(["pmacct/100-IPFIXv10-CISCO__traffic-00.pcap"]) * 3
    relabelled = [(p, picks[i % len(picks)]) for i, (p, _e) in enumerate(items)]
    assert fast(relabelled, batch=7) == reference(relabelled)
