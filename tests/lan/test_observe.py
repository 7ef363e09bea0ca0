"""The MAC census the LAN hook keeps per batch (numpy: a sort of packed keys) and its
sums between flushes sum exactly what the group-by they replaced summed, on random
batches with every kind of key collision, and the recorder keeps at most a bounded
number of tables between flushes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from lakou.flows.records import COLUMNS, FlowBatch
from lakou.lan.observe import BROADCAST, GROUP_BIT, LanRecorder, census

KEYS = ["minute", "exporter_hi", "exporter_lo", "in_if", "vlan", "mac"]


def random_batch(seed: int, n: int) -> FlowBatch:
    rng = np.random.default_rng(seed)
    cols = {k: np.zeros(n, dtype=v) for k, v in COLUMNS.items()}

    def pick(values: list[int], name: str) -> None:
        cols[name] = rng.choice(np.array(values, dtype=np.uint64), n).astype(COLUMNS[name])

    cols["time"] = rng.integers(1_700_000_000, 1_700_000_300, n).astype(COLUMNS["time"])
    pick([1, 2, 0x020000000001, 0xFFFFFFFFFFFF], "src_mac")
    pick([3, 0xFFFFFFFFFFFF, 0x01005E000001, 0x333300000001], "dst_mac")
    pick([0, 10, 4095], "vlan")
    pick([0, 1, 2**31, 2**32 - 1], "in_if")
    pick([0, 0xFFFF_C000_0201], "exporter_lo")
    pick([0, 0x2001_0DB8_0000_0000], "exporter_hi")
    pick([0, 1, 1024, 2**32 - 1], "sampling_rate")
    return FlowBatch(cols)


def group_by(b: FlowBatch) -> pa.Table:
    """The census as the recorder computed it before: one Arrow group-by."""
    rate = np.maximum(b["sampling_rate"].astype(np.int64), 1)
    broadcast = b["dst_mac"] == BROADCAST
    multicast = ((b["dst_mac"] & GROUP_BIT) != 0) & ~broadcast
    table = pa.table(
        {
            "minute": (b["time"].astype(np.int64) // 60) * 60,
            "exporter_hi": b["exporter_hi"],
            "exporter_lo": b["exporter_lo"],
            "in_if": b["in_if"].astype(np.int64),
            "vlan": b["vlan"].astype(np.int32),
            "mac": b["src_mac"].astype(np.int64),
            "samples": np.ones(len(b), dtype=np.int64),
            "packets": rate,
            "broadcast_packets": np.where(broadcast, rate, 0),
            "multicast_packets": np.where(multicast, rate, 0),
            "time": b["time"].astype(np.int64),
        }
    )
    return arrow_sum(table)


def arrow_sum(table: pa.Table) -> pa.Table:
    """The sums as the recorder made them before: Arrow's group-by."""
    sums = ["samples", "packets", "broadcast_packets", "multicast_packets"]
    if "time" in table.column_names:
        table = table.append_column("first_seen", table["time"]).append_column(
            "last_seen", table["time"]
        )
    grouped = table.group_by(KEYS).aggregate(
        [(s, "sum") for s in sums] + [("first_seen", "min"), ("last_seen", "max")]
    )
    return grouped.rename_columns(KEYS + sums + ["first_seen", "last_seen"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_numpy_census_equals_the_group_by(seed: int) -> None:
    b = random_batch(seed, 4000)
    want, got = group_by(b), census(b)
    assert got.schema == want.schema
    order = [(k, "ascending") for k in KEYS]
    assert got.sort_by(order).equals(want.sort_by(order))
    assert int(pa.compute.sum(got["samples"]).as_py()) == 4000


@pytest.mark.parametrize("seed", [4, 5])
def test_numpy_sums_of_census_tables_equal_the_group_by(seed: int) -> None:
    """The recorder's sums of several batches' census tables (numpy) are Arrow's group-by
    of them, row for row in the order the keys first occur."""
    tables = pa.concat_tables([census(random_batch(seed * 10 + i, 700)) for i in range(6)])
    want, got = arrow_sum(tables), LanRecorder._sum(tables)
    assert got.schema == want.schema
    order = [(k, "ascending") for k in KEYS]
    assert got.sort_by(order).equals(want.sort_by(order))
    first_keys = {}
    for row in tables.select(KEYS).to_pylist():
        first_keys.setdefault(tuple(row.values()), len(first_keys))
    assert [tuple(r.values()) for r in got.select(KEYS).to_pylist()] == list(first_keys)
    assert LanRecorder._sum(tables.slice(0, 0)).num_rows == 0


def test_the_census_between_flushes_stays_bounded() -> None:
    recorder = LanRecorder()
    for seed in range(200):
        recorder._count_macs(random_batch(seed, 50))
    assert len(recorder.census) <= 65
    total = sum(int(pa.compute.sum(t["samples"]).as_py()) for t in recorder.census)
    assert total == sum(int(np.count_nonzero(random_batch(s, 50)["src_mac"])) for s in range(200))
