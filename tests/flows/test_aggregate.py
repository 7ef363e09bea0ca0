"""The collector's numpy per-batch sums equal the SQL GROUP BY over the same rows."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.flows.aggregate import KEYS, SCHEMA, SUMS, sum_batch, sum_batches, to_table
from lakou.flows.enrich import EnrichedBatch
from lakou.flows.grouping import group_runs


def _group_by(table: pa.Table) -> pa.Table:
    """The SQL GROUP BY the numpy sums must equal (DuckDB, the reference)."""
    sql = "SELECT {}, {} FROM t GROUP BY ALL".format(
        ", ".join(KEYS), ", ".join(f"CAST(sum({s}) AS UBIGINT) AS {s}" for s in SUMS)
    )
    con = duckdb.connect()
    con.register("t", table)
    return con.sql(sql).to_arrow_table()


def _rows(table):  # type: ignore[no-untyped-def]
    return sorted(zip(*[table.column(n).to_pylist() for n in SCHEMA.names], strict=True))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(0, 2**32 - 1))
def test_sum_batch_equals_group_by(n: int, seed: int) -> None:
    rnd = np.random.default_rng(seed)

    def pick(values: list[int], dtype: type) -> np.ndarray:
        return rnd.choice(np.array(values, dtype=dtype), n)

    cols = {
        "minute": pick([1_790_000_000, 1_790_000_060, 0], np.int64),
        "source": pick([1, 9, 10], np.uint8),
        "exporter_hi": pick([0, 2**63 + 5], np.uint64),
        "exporter_lo": pick([0xFFFF7F000001, 2**64 - 1], np.uint64),
        "exporter_role": pick([1, 2], np.uint8),
        "in_role": pick([0, 1, 4], np.uint8),
        "out_role": pick([0, 2, 5], np.uint8),
        "src_member": pick([0, 64500, 4_294_967_295], np.int64),
        "dst_member": pick([0, 64501, 4_294_967_294], np.int64),
        "src_origin": pick([0, 15169, 4_200_000_000], np.int64),
        "dst_origin": pick([0, 64501], np.int64),
        "src_territory": pick([-1, 0, 1], np.int16),
        "dst_territory": pick([-1, 1, 2], np.int16),
        "ip_version": pick([4, 6], np.uint8),
        "bytes": rnd.integers(0, 2**40, n, dtype=np.uint64),
        "packets": rnd.integers(0, 2**20, n, dtype=np.uint64),
        "samples": np.ones(n, dtype=np.uint64),
    }
    batch = EnrichedBatch(cols)
    names = ["MF", "GP", "SX"]
    expected = _group_by(to_table(batch, names))
    got = to_table(sum_batch(batch), names)
    assert _rows(got) == _rows(expected)
    assert got.num_rows == len({tuple(cols[k][i] for k in KEYS) for i in range(n)})
    # Split in parts summed apart, then summed together (a flush): the same sums.
    cut = n // 3
    parts = [EnrichedBatch({k: v[a:b] for k, v in cols.items()}) for a, b in ((0, cut), (cut, n))]
    merged = sum_batches([sum_batch(p) for p in parts if len(p)])
    assert _rows(to_table(merged, names)) == _rows(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2**64 - 1), st.integers(0, 3)),
        min_size=1,
        max_size=60,
    )
)
def test_group_runs_puts_equal_keys_in_one_run_each(rows: list[tuple[int, int, int]]) -> None:
    words = [np.array([r[k] for r in rows], dtype=np.uint64) for k in range(3)]
    order, starts = group_runs(words)
    assert sorted(order.tolist()) == list(range(len(rows)))
    runs = np.cumsum(starts) - 1
    run_of = {}
    for position, row in enumerate(order.tolist()):
        key = rows[row]
        run_of.setdefault(key, set()).add(int(runs[position]))
        # Within a run every word is equal.
        first = order[np.nonzero(runs == runs[position])[0][0]]
        assert rows[first] == key
    # One run per distinct key (no hash collision among these few keys).
    assert all(len(r) == 1 for r in run_of.values())
    assert len(run_of) == int(starts.sum())


def test_group_runs_never_merges_keys_whose_hashes_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every key hashed alike, runs are still cut where a word changes."""
    from lakou.flows import grouping

    monkeypatch.setattr(grouping, "_MIX", np.uint64(0))
    words = [np.array([1, 2, 1, 3, 2], dtype=np.uint64)]
    order, starts = group_runs(words)
    ordered = words[0][order]
    runs = np.split(ordered, np.nonzero(starts)[0][1:])
    assert sum(len(run) for run in runs) == 5
    assert all(len(set(run.tolist())) == 1 for run in runs)  # two keys never share a run
