"""Sum enriched flows per minute over the dimensions the reports need.

Raw flows are not kept: the local-traffic questions (who sends to whom, from where, over
which kind of link) are answered from per-minute sums, which are small enough to keep for
months. The keys are integers and short strings; the sums are renormalised bytes and
packets and the number of samples behind them (for the error bars).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from lakou.flows.enrich import EnrichedBatch

KEYS = (
    "minute",
    "source",
    "exporter_hi",
    "exporter_lo",
    "in_role",
    "out_role",
    "src_member",
    "dst_member",
    "src_origin",
    "dst_origin",
    "src_territory",
    "dst_territory",
    "ip_version",
)
SUMS = ("bytes", "packets", "samples")

SCHEMA = pa.schema(
    [
        ("minute", pa.int64()),
        ("source", pa.uint8()),
        ("exporter_hi", pa.uint64()),
        ("exporter_lo", pa.uint64()),
        ("in_role", pa.uint8()),
        ("out_role", pa.uint8()),
        ("src_member", pa.int64()),
        ("dst_member", pa.int64()),
        ("src_origin", pa.int64()),
        ("dst_origin", pa.int64()),
        ("src_territory", pa.string()),
        ("dst_territory", pa.string()),
        ("ip_version", pa.uint8()),
        ("bytes", pa.uint64()),
        ("packets", pa.uint64()),
        ("samples", pa.uint64()),
    ]
)


def to_table(batch: EnrichedBatch, territory_names: list[str]) -> pa.Table:
    """The enriched columns as an Arrow table, territory codes turned into names."""
    names = np.array([*territory_names, ""], dtype=object)  # code -1 -> ""
    arrays = []
    for f in SCHEMA:
        col = batch.columns[f.name]
        if f.name in ("src_territory", "dst_territory"):
            arrays.append(pa.array(names[col.astype(np.int64)], type=pa.string()))
        else:
            arrays.append(pa.array(col, type=f.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def aggregate(table: pa.Table) -> pa.Table:
    """Sum rows with the same keys (works on raw enriched rows and on partial sums)."""
    if table.num_rows == 0:
        return SCHEMA.empty_table()
    con = duckdb.connect()
    try:
        con.register("t", table)
        keys = ", ".join(KEYS)
        sums = ", ".join(f"CAST(sum({s}) AS UBIGINT) AS {s}" for s in SUMS)
        result = con.sql(f"SELECT {keys}, {sums} FROM t GROUP BY ALL").to_arrow_table()
    finally:
        con.close()
    return result.cast(SCHEMA)
