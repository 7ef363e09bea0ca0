"""The LAN recorder's Arrow columns built from buffers equal what ``pa.array``,
``pa.table`` and ``pa.Table.from_pylist`` give (which would import pandas), and
recording the LAN tables imports no pandas."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow as pa

from lakou.lan import arrow
from lakou.lan.store import FRAMES, MACS


def test_numbers_equal_pa_array() -> None:
    for dtype in (np.int64, np.uint64, np.int32, np.uint32, np.uint8):
        values = np.array([0, 1, 7, 200], dtype=dtype)
        assert arrow.numbers(values).equals(pa.array(values))
        assert (
            arrow.values(pa.chunked_array([pa.array(values[:2]), pa.array(values[2:])])).tolist()
            == values.tolist()
        )
    assert arrow.numbers(np.arange(5)[::2]).equals(pa.array(np.arange(5)[::2]))
    assert arrow.numbers(np.arange(3), pa.int32()).equals(pa.array([0, 1, 2], pa.int32()))
    sliced = pa.array(np.arange(10, dtype=np.int64)).slice(3, 4)
    assert arrow.values(sliced).tolist() == [3, 4, 5, 6]


def test_strings_equal_pa_array() -> None:
    for values in ([], ["a"], ["", "é", "ff:ff:ff:ff:ff:ff"], ["a", None, ""], [None]):
        assert arrow.strings(values).equals(pa.array(values, pa.string())), values


def test_rows_equal_from_pylist() -> None:
    frame = {
        "time": 1_700_000_000,
        "exporter": "192.0.2.1",
        "in_if": 7,
        "sampling_rate": 1024,
        "vlan": 10,
        "src_mac": "02:00:00:00:00:01",
        "dst_mac": "ff:ff:ff:ff:ff:ff",
        "etype": 0x0806,
        "kind": "arp",
        "address": "",
        "evidence": '{"op": 1}',
    }
    rows = [frame, {**frame, "time": 1_700_086_400, "address": "192.0.2.9", "vlan": 0}]
    for subset in (rows, rows[:1], []):
        want = pa.Table.from_pylist(subset, schema=FRAMES)
        assert arrow.rows_to_table(subset, FRAMES).equals(want)
    assert arrow.rows_to_table([], MACS).equals(MACS.empty_table())


PROBE = """
import sys, tempfile
from lakou.flows.enrich import Enricher
from lakou.flows.pipeline import Pipeline, Received
from lakou.lan import lan_recorder, testing as t
frames = [t.stp_bpdu("02:00:00:00:00:01"), t.arp(1, "02:00:00:00:00:02", "192.0.2.2", "192.0.2.3"),
          t.ipv4_unicast("02:00:00:00:00:02", "02:00:00:00:00:03", "192.0.2.2", "192.0.2.3")]
payload = t.sflow_datagram("192.0.2.250", [t.Sample(f) for f in frames])
with tempfile.TemporaryDirectory() as tmp:
    recorder = lan_recorder(tmp)
    pipeline = Pipeline(Enricher(), store=None, lan=recorder)
    pipeline.process([Received(payload, "192.0.2.250", 1_700_000_000.0)])
    pipeline.flush()
    assert pipeline.counters["lan_rows_written"] == 4, pipeline.counters
print("pandas" in sys.modules)
"""


def test_recording_imports_no_pandas() -> None:
    """pandas costs a quarter of a CPU-second: recording (the census, the control
    frames, their Parquet files) does without it."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
