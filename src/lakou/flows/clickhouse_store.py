"""The flow store on a ClickHouse server, for exchanges too busy for files on one disk.

Same interface, same roll-ups, same retention and same report queries as the default
store (:class:`~lakou.flows.store.ParquetStore`): one table per level, ``flows_minute``,
``flows_hour`` and ``flows_day``, with the columns of
:data:`~lakou.flows.aggregate.SCHEMA`. The tables are ``SummingMergeTree``: ClickHouse
merges rows with equal keys in the background, so many collectors may insert the same
minute; every query still sums, so a report never depends on when merges happen. Minute
and hour tables are partitioned by UTC day, the day table by UTC month, exactly like the
Parquet directories, so retention drops whole partitions on the same boundaries.

It speaks the native protocol through ``clickhouse-driver`` and runs on Debian's
ClickHouse 18.16 as on current releases (checked with the embedded ``chdb`` engine when it
is installed). The constructor does no I/O: the database and tables are created on first
use. Server errors become :class:`~lakou.flows.store.FlowStoreError` naming the server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from lakou.clickhouse import ClickHouseTables
from lakou.flows.aggregate import KEYS, SCHEMA, SUMS
from lakou.flows.sql import (
    CLICKHOUSE,
    fetch_sql,
    finished_periods_sql,
    rollup_sql,
    time_range_sql,
)
from lakou.flows.store import LEVELS, ROLLUPS, FlowStoreError

_ARROW_TO_CLICKHOUSE = {
    pa.int64(): "Int64",
    pa.uint8(): "UInt8",
    pa.uint64(): "UInt64",
    pa.string(): "String",
}
_CLICKHOUSE_TO_ARROW = {v: k for k, v in _ARROW_TO_CLICKHOUSE.items()}


def table_ddl(database: str, level: str) -> str:
    """CREATE TABLE for one level; partitions match the Parquet store's directories."""
    columns = ", ".join(f"{f.name} {_ARROW_TO_CLICKHOUSE[f.type]}" for f in SCHEMA)
    part = "toYYYYMM" if level == "day" else "toYYYYMMDD"
    return (
        f"CREATE TABLE IF NOT EXISTS {database}.flows_{level} ({columns}) "
        f"ENGINE = SummingMergeTree(({', '.join(SUMS)})) "
        f"PARTITION BY {part}(toDateTime(minute, 'UTC')) ORDER BY ({', '.join(KEYS)})"
    )


class ClickHouseStore(ClickHouseTables):
    """Per-minute, per-hour and per-day sums in ClickHouse tables."""

    error = FlowStoreError

    def ddl(self) -> list[str]:
        return [table_ddl(self.database, level) for level in LEVELS]

    def _table(self, level: str) -> str:
        if level not in LEVELS:
            raise ValueError(level)
        return f"{self.database}.flows_{level}"

    def write(self, table: pa.Table, level: str = "minute") -> None:
        if table.num_rows == 0:
            return
        table = table.cast(SCHEMA)
        columns = [table.column(name).to_pylist() for name in SCHEMA.names]
        self._execute(
            f"INSERT INTO {self._table(level)} ({', '.join(SCHEMA.names)}) VALUES",
            columns,
            columnar=True,
        )

    def fetch(self, level: str, since: int, until: int, bucket: int) -> pa.Table:
        sql = fetch_sql(self._table(level), since, until, bucket, CLICKHOUSE)
        data, types = self._execute(sql, columnar=True, with_column_types=True)
        arrays, names = [], []
        for i, (name, kind) in enumerate(types):
            values = data[i] if data else []
            arrays.append(pa.array(values, type=_CLICKHOUSE_TO_ARROW[kind]))
            names.append(name)
        return pa.Table.from_arrays(arrays, names=names)

    def time_range(self) -> tuple[int, int] | None:
        for level in LEVELS:
            rows, lo, hi = self._execute(time_range_sql(self._table(level)))[0]
            if rows:
                return int(lo), int(hi)
        return None

    def rollup(self, now: int) -> int:
        """Roll finished hours into the hour table and finished days into the day table."""
        made = 0
        for source, target, period in ROLLUPS:
            starts = [
                int(s)
                for (s,) in self._execute(finished_periods_sql(self._table(source), period, now))
            ]
            if not starts:
                continue
            done = {
                int(m)
                for (m,) in self._execute(
                    f"SELECT DISTINCT minute FROM {self._table(target)} "
                    f"WHERE minute >= {starts[0]} AND minute <= {starts[-1]}"
                )
            }
            for start in starts:
                if start in done:  # a period is rolled up once
                    continue
                self._execute(
                    f"INSERT INTO {self._table(target)} ({', '.join(SCHEMA.names)}) "
                    + rollup_sql(self._table(source), period, start, CLICKHOUSE)
                )
                made += 1
        return made

    def expire(self, now: int, days: dict[str, int]) -> int:
        """Drop partitions older than their level's retention; returns how many."""
        removed = 0
        for level, keep in days.items():
            limit = datetime.fromtimestamp(now, UTC) - timedelta(days=keep)
            parts = self._execute(
                "SELECT DISTINCT partition FROM system.parts "
                "WHERE database = %(db)s AND table = %(table)s AND active",
                {"db": self.database, "table": f"flows_{level}"},
            )
            for (partition,) in parts:
                start = _partition_start(str(partition))
                if start is None:
                    continue
                end = start + (timedelta(days=31) if level == "day" else timedelta(days=1))
                if end <= limit:
                    self._execute(f"ALTER TABLE {self._table(level)} DROP PARTITION {partition}")
                    removed += 1
        return removed

    def close(self) -> None:
        if self._client is not None:
            self._client.disconnect()
            self._client = None


def _partition_start(partition: str) -> datetime | None:
    """Start of a ``YYYYMMDD`` or ``YYYYMM`` partition (UTC)."""
    for fmt, size in (("%Y%m%d", 8), ("%Y%m", 6)):
        if len(partition) == size and partition.isdigit():
            try:
                return datetime.strptime(partition, fmt).replace(tzinfo=UTC)
            except ValueError:
                return None
    return None
