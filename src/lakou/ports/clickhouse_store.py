"""The port store on a ClickHouse server, for exchanges that keep their flows there.

Same rows, roll-ups, retention and figures as :class:`~lakou.ports.store.PortStore`: one
table per level (``ports_raw``, ``ports_hour``, ``ports_day``), partitioned by UTC day
(raw, hour) or month (day) like the Parquet directories, so retention drops whole
partitions on the same boundaries. The SQL is written for Debian's ClickHouse 18.16 (no
``GROUP BY ALL``, no ``FILTER``): aggregates with ``-If`` combinators. Totals and
percentiles are computed exactly as the Parquet store does (``tests/ports`` checks both
on the same week). The constructor does no I/O; server errors become
:class:`~lakou.ports.store.PortStoreError` naming the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from lakou.clickhouse import ClickHouseTables
from lakou.ports.counters import Rate
from lakou.ports.store import LEVELS, PERIOD, SCHEMA, PortStoreError, percentile, rate_rows

_TYPES = {
    "switch": "String",
    "ifindex": "Int64",
    "port": "String",
    "member": "String",
    "source": "String",
    "chosen": "UInt8",
    "start": "Float64",
    "end": "Float64",
    "in_bps": "Nullable(Float64)",
    "out_bps": "Nullable(Float64)",
    "in_pps": "Nullable(Float64)",
    "out_pps": "Nullable(Float64)",
    "errors": "Nullable(Int64)",
    "discards": "Nullable(Int64)",
    "speed_mbps": "Nullable(Int64)",
}
ROLLUP_COLUMNS = {
    "in_peak": "Nullable(Float64)",
    "out_peak": "Nullable(Float64)",
    "in_p95": "Nullable(Float64)",
    "out_p95": "Nullable(Float64)",
    "seconds": "Float64",
}


def table_ddl(database: str, level: str) -> str:
    columns = dict(_TYPES)
    if level != "raw":
        columns.update(ROLLUP_COLUMNS)
    body = ", ".join(f"`{name}` {kind}" for name, kind in columns.items())
    part = "toYYYYMM" if level == "day" else "toYYYYMMDD"
    return (
        f"CREATE TABLE IF NOT EXISTS {database}.ports_{level} ({body}) ENGINE = MergeTree() "
        f"PARTITION BY {part}(toDateTime(toUInt32(`end` - 0.001), 'UTC')) "
        "ORDER BY (switch, ifindex, `end`)"
    )


class ClickHousePortStore(ClickHouseTables):
    """Per-port rates and their roll-ups in ClickHouse tables."""

    error = PortStoreError

    def ddl(self) -> list[str]:
        return [table_ddl(self.database, level) for level in LEVELS]

    def _table(self, level: str) -> str:
        if level not in LEVELS:
            raise ValueError(level)
        return f"{self.database}.ports_{level}"

    def write(
        self,
        rates: Iterable[Rate],
        *,
        source: str = "snmp",
        chosen: bool = True,
        names: Mapping[tuple[str, int], str] | None = None,
        members: Mapping[tuple[str, int], str] | None = None,
    ) -> int:
        rows = rate_rows(rates, source, chosen, names or {}, members or {})
        count = len(rows["switch"])
        if not count:
            return 0
        rows["chosen"] = [int(v) for v in rows["chosen"]]
        columns = ", ".join(f"`{n}`" for n in SCHEMA.names)
        self._execute(
            f"INSERT INTO {self._table('raw')} ({columns}) VALUES",
            [rows[n] for n in SCHEMA.names],
            columnar=True,
        )
        return count

    def rollup(self, now: float) -> int:
        written = 0
        for level, source in (("hour", "raw"), ("day", "hour")):
            period = PERIOD[level]
            bounds = self._execute(
                f"SELECT min(`end`), max(`end`), count() FROM {self._table(source)}"
            )
            if not bounds or not bounds[0][2]:
                continue
            first = int(bounds[0][0]) // period * period
            last_finished = int(now) // period * period
            done = {
                int(s) for (s,) in self._execute(f"SELECT DISTINCT start FROM {self._table(level)}")
            }
            for start in range(first, last_finished, period):
                if start in done:
                    continue
                end = start + period
                # SCHEMA's measures (pps are not rolled up), then the roll-up's own columns
                if source == "raw":
                    w = "(`end` - start)"
                    measures = (
                        f"sum(in_bps * {w}) / sumIf({w}, in_bps IS NOT NULL), "
                        f"sum(out_bps * {w}) / sumIf({w}, out_bps IS NOT NULL), NULL, NULL, "
                        "sum(errors), sum(discards), max(speed_mbps), "
                        "max(in_bps), max(out_bps), "
                        f"{_nearest_rank('in_bps')}, {_nearest_rank('out_bps')}, "
                        f"sum({w})"
                    )
                else:
                    measures = (
                        "sum(in_bps * seconds) / sum(seconds), "
                        "sum(out_bps * seconds) / sum(seconds), NULL, NULL, "
                        "sum(errors), sum(discards), max(speed_mbps), "
                        "max(in_peak), max(out_peak), max(in_p95), max(out_p95), sum(seconds)"
                    )
                names = ", ".join(f"`{n}`" for n in [*SCHEMA.names, *ROLLUP_COLUMNS])
                ordered = (
                    "switch, ifindex, any(port), any(member), source, chosen, "
                    f"toFloat64({start}), toFloat64({end}), "
                )
                sql = (
                    f"INSERT INTO {self._table(level)} ({names}) "
                    f"SELECT {ordered}{measures} FROM {self._table(source)} "
                    f"WHERE `end` > {start} AND `end` <= {end} "
                    "GROUP BY switch, ifindex, source, chosen"
                )
                before = self._count(level)
                self._execute(sql)
                if self._count(level) > before:
                    written += 1
        return written

    def _count(self, level: str) -> int:
        return int(self._execute(f"SELECT count() FROM {self._table(level)}")[0][0])

    def expire(self, now: float, days: Mapping[str, int]) -> int:
        removed = 0
        for level, keep in days.items():
            if level not in LEVELS:
                raise PortStoreError(f"{self!r}: retention level {level!r} unknown")
            limit = datetime.fromtimestamp(now, UTC) - timedelta(days=keep)
            parts = self._execute(
                "SELECT DISTINCT partition FROM system.parts "
                "WHERE database = %(db)s AND table = %(table)s AND active",
                {"db": self.database, "table": f"ports_{level}"},
            )
            for (partition,) in parts:
                text = str(partition)
                fmt = "%Y%m" if len(text) == 6 else "%Y%m%d"
                begins = datetime.strptime(text, fmt).replace(tzinfo=UTC)
                ends = begins + (timedelta(days=31) if level == "day" else timedelta(days=1))
                if ends < limit:
                    self._execute(f"ALTER TABLE {self._table(level)} DROP PARTITION {text}")
                    removed += 1
        return removed

    def total_series(
        self, since: float, until: float, bucket: int, *, member: str | None = None
    ) -> list[tuple[float, float, float]]:
        level = "raw" if bucket < 3600 else "hour" if bucket < 86400 else "day"
        where = f"chosen = 1 AND `end` > {float(since)!r} AND `end` <= {float(until)!r}"
        params: dict[str, Any] = {}
        if member is not None:
            where += " AND member = %(member)s"
            params["member"] = member
        sql = (
            "SELECT bucket, sum(i), sum(o) FROM ("
            f" SELECT floor((`end` - 0.001) / {int(bucket)}) * {int(bucket)} AS bucket,"
            "  switch, ifindex, avg(in_bps) AS i, avg(out_bps) AS o"
            f" FROM {self._table(level)} WHERE {where} GROUP BY bucket, switch, ifindex"
            ") GROUP BY bucket ORDER BY bucket"
        )
        return [
            (float(b), float(i or 0), float(o or 0))
            for b, i, o in self._execute(sql, params or None)
        ]

    def statistics(self, since: float, until: float, bucket: int = 300) -> dict[str, Any]:
        series = self.total_series(since, until, bucket)
        inputs = sorted(i for _b, i, _o in series)
        level = "raw" if bucket < 3600 else "hour"
        where = f"chosen = 1 AND `end` > {float(since)!r} AND `end` <= {float(until)!r}"
        ports, members = self._execute(
            f"SELECT uniqExact(switch, ifindex), uniqExactIf(member, member != '') "
            f"FROM {self._table(level)} WHERE {where}"
        )[0]
        (capacity,) = self._execute(
            f"SELECT sum(speed) FROM (SELECT switch, ifindex, max(speed_mbps) AS speed "
            f"FROM {self._table(level)} WHERE {where} GROUP BY switch, ifindex)"
        )[0]
        mean = sum(inputs) / len(inputs) if inputs else 0.0
        capacity_bps = float((capacity or 0) * 1e6)
        return {
            "since": since,
            "until": until,
            "points": len(series),
            "mean_bps": mean,
            "peak_bps": inputs[-1] if inputs else 0.0,
            "p95_bps": percentile(inputs, 95),
            "ports": int(ports),
            "members": int(members),
            "capacity_bps": capacity_bps,
            "utilisation": mean / capacity_bps if capacity_bps else None,
        }

    def close(self) -> None:
        if self._client is not None:
            self._client.disconnect()
            self._client = None


def _nearest_rank(column: str) -> str:
    """The 95th percentile by nearest rank, as the Parquet store computes it."""
    return (
        f"arrayElement(arraySort(groupArray({column})), "
        f"toUInt64(greatest(ceil(0.95 * count({column})), 1)))"
    )
