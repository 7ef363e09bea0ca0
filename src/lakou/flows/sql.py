"""The SQL both flow stores run, written once; the dialect differences live here only.

DuckDB (the default store, over Parquet files) and ClickHouse (large deployments) answer
the same three questions with the same statements: the report's per-bucket sums, which
finished periods a roll-up still has to make, and the sums of one period. The statements
use only what both engines accept, down to Debian's ClickHouse 18.16 (no ``GROUP BY ALL``,
no ``DateTime64``, no window functions; an alias must not reuse a column's name, since
ClickHouse lets aliases shadow columns everywhere in the query, WHERE included). Integer
division is ClickHouse's ``intDiv``; the DuckDB store defines a macro of that name. What
differs, the name of the unsigned 64-bit type, is in :class:`Dialect`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lakou.flows.aggregate import KEYS, SUMS

# The report reads every key but the exporter's address (roles and members say enough).
REPORT_KEYS = tuple(k for k in KEYS if k not in ("minute", "exporter_hi", "exporter_lo"))
# A roll-up keeps every key; the period start replaces the minute.
ROLLUP_KEYS = tuple(k for k in KEYS if k != "minute")


@dataclass(frozen=True)
class Dialect:
    name: str
    uint64: str


DUCKDB = Dialect("duckdb", "UBIGINT")
CLICKHOUSE = Dialect("clickhouse", "UInt64")


def fetch_sql(source: str, since: int, until: int, bucket: int, dialect: Dialect) -> str:
    """Per-bucket sums over the report's keys, ordered so both stores return the same rows."""
    keys = ", ".join(REPORT_KEYS)
    sums = ", ".join(f"CAST(sum({s}) AS {dialect.uint64}) AS {s}" for s in SUMS)
    return (
        f"SELECT intDiv(minute, {int(bucket)}) * {int(bucket)} AS bucket, {keys}, {sums} "
        f"FROM {source} WHERE minute >= {int(since)} AND minute < {int(until)} "
        f"GROUP BY bucket, {keys} ORDER BY bucket, {keys}"
    )


def finished_periods_sql(source: str, period: int, now: int) -> str:
    """Starts of the periods with data in ``source`` that ended before ``now``."""
    end = int(now) // int(period) * int(period)
    return (
        f"SELECT DISTINCT intDiv(minute, {int(period)}) * {int(period)} AS period_start "
        f"FROM {source} WHERE minute < {end} ORDER BY period_start"
    )


def rollup_sql(source: str, period: int, start: int, dialect: Dialect) -> str:
    """The sums of one period, columns in :data:`~lakou.flows.aggregate.SCHEMA` order."""
    keys = ", ".join(ROLLUP_KEYS)
    sums = ", ".join(f"CAST(sum({s}) AS {dialect.uint64}) AS {s}_sum" for s in SUMS)
    return (
        f"SELECT CAST({int(start)} AS Int64) AS period_start, {keys}, {sums} "
        f"FROM {source} WHERE minute >= {int(start)} AND minute < {int(start) + int(period)} "
        f"GROUP BY {keys} ORDER BY {keys}"
    )


def time_range_sql(source: str) -> str:
    """Rows, first and last minute (ClickHouse gives 0, not NULL, on no rows: count first)."""
    return f"SELECT count(), min(minute), max(minute) FROM {source}"
