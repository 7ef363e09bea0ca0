"""The port store: per-port rates in time-partitioned Parquet files, read with DuckDB.

The same layout and rules as the flow store (:mod:`lakou.flows.store`), one directory
beside it::

    DIR/raw/day=2026-11-22/part-<ns>-<pid>.parquet   one row per port and poll interval
    DIR/hour/day=2026-11-22/hour-07.parquet          roll-up of a finished hour
    DIR/day/month=2026-11/day-22.parquet             roll-up of a finished day

Files are written under a temporary name and renamed, so reports read while the poller
writes. A raw row is one interval of one port (``start``..``end``, bits/s in and out);
roll-ups keep, per port and period, the time-weighted mean, the peak and the 95th
percentile of the raw rates, and how many seconds were covered (gaps stay visible).
``chosen`` is false for the cross-check source of a port that both SNMP and sFlow report;
totals and reports read chosen rows only.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from lakou.ports.counters import Rate

SCHEMA = pa.schema(
    [
        ("switch", pa.string()),
        ("ifindex", pa.int64()),
        ("port", pa.string()),
        ("member", pa.string()),
        ("source", pa.string()),
        ("chosen", pa.bool_()),
        ("start", pa.float64()),
        ("end", pa.float64()),
        ("in_bps", pa.float64()),
        ("out_bps", pa.float64()),
        ("in_pps", pa.float64()),
        ("out_pps", pa.float64()),
        ("errors", pa.int64()),
        ("discards", pa.int64()),
        ("speed_mbps", pa.int64()),
    ]
)
LEVELS = ("raw", "hour", "day")
PERIOD = {"hour": 3600, "day": 86400}


class PortStoreError(RuntimeError):
    """The store cannot be read or written; the message names the store and the cause."""


def _sum(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


class PortSeries(Protocol):
    """What the collector, reports and pages need of a port store (Parquet or ClickHouse)."""

    def write(
        self,
        rates: Iterable[Rate],
        *,
        source: str = "snmp",
        chosen: bool = True,
        names: Mapping[tuple[str, int], str] | None = None,
        members: Mapping[tuple[str, int], str] | None = None,
    ) -> int: ...

    def rollup(self, now: float) -> int: ...

    def expire(self, now: float, days: Mapping[str, int]) -> int: ...

    def total_series(
        self, since: float, until: float, bucket: int, *, member: str | None = None
    ) -> list[tuple[float, float, float]]: ...

    def statistics(self, since: float, until: float, bucket: int = 300) -> dict[str, Any]: ...

    def close(self) -> None: ...


def exchange_store_directory(data_dir: str | Path, exchange: str) -> Path:
    """``<data_dir>/ports/<exchange>``: the store ``lakou ports collect --exchange`` fills
    and the portal's port pages read (the one place that knows it)."""
    return Path(data_dir) / "ports" / exchange


def open_store(spec: str) -> PortSeries:
    """A directory (Parquet + DuckDB) or ``clickhouse://[user[:password]@]host[:port]/db``."""
    if spec.startswith("clickhouse://"):
        from urllib.parse import urlsplit

        from lakou.ports.clickhouse_store import ClickHousePortStore

        url = urlsplit(spec)
        return ClickHousePortStore(
            url.hostname or "127.0.0.1",
            url.port or 9000,
            url.path.strip("/") or "lakou",
            url.username or "default",
            url.password or "",
        )
    return PortStore(Path(spec))


def rate_rows(
    rates: Iterable[Rate],
    source: str,
    chosen: bool,
    names: Mapping[tuple[str, int], str],
    members: Mapping[tuple[str, int], str],
) -> dict[str, list[Any]]:
    """Rates with a value as columns of :data:`SCHEMA` (both stores write these)."""
    rows: dict[str, list[Any]] = {f.name: [] for f in SCHEMA}
    for r in rates:
        if r.in_bps is None and r.out_bps is None:
            continue
        key = (r.switch, r.ifindex)
        values = (
            r.switch,
            r.ifindex,
            names.get(key, str(r.ifindex)),
            members.get(key, ""),
            source,
            chosen,
            r.start,
            r.end,
            r.in_bps,
            r.out_bps,
            r.in_pps,
            r.out_pps,
            _sum(r.in_errors, r.out_errors),
            _sum(r.in_discards, r.out_discards),
            r.speed_mbps,
        )
        for f, v in zip(SCHEMA.names, values, strict=True):
            rows[f].append(v)
    return rows


@dataclass
class PortStore:
    directory: Path

    def _dir(self, level: str) -> Path:
        return self.directory / level

    def write(
        self,
        rates: Iterable[Rate],
        *,
        source: str = "snmp",
        chosen: bool = True,
        names: Mapping[tuple[str, int], str] | None = None,
        members: Mapping[tuple[str, int], str] | None = None,
    ) -> int:
        """Add rates (only those with a value); returns the number of rows written."""
        rows = rate_rows(rates, source, chosen, names or {}, members or {})
        count = len(rows["switch"])
        if not count:
            return 0
        table = pa.table(rows, schema=SCHEMA)
        # one file per day of the rows' end, so a report reads only the days it shows
        days = [datetime.fromtimestamp(e, UTC).strftime("%Y-%m-%d") for e in rows["end"]]
        name = f"part-{time.time_ns()}-{os.getpid()}.parquet"
        for day in sorted(set(days)):
            mask = pa.array([d == day for d in days])
            _atomic_write(table.filter(mask), self._dir("raw") / f"day={day}" / name)
        return count

    def _source(
        self, level: str, since: float | None = None, until: float | None = None
    ) -> str | None:
        """The level's files, only the partitions that can hold rows ending in
        (``since``, ``until``] when given (a month of raw polls is thousands of files)."""
        files = []
        for part in sorted(self._dir(level).glob("*=*")):
            if since is not None and until is not None:
                begins, ends = _partition_span(level, part.name)
                if ends <= since or begins > until:
                    continue
            files += sorted(str(p) for p in part.glob("*.parquet"))
        if not files:
            return None
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        return f"read_parquet([{listed}], union_by_name=true)"

    def close(self) -> None:
        """Nothing to close: every query opens and closes its own DuckDB connection."""

    def query(
        self,
        sql: str,
        level: str = "raw",
        params: list[Any] | None = None,
        span: tuple[float, float] | None = None,
    ) -> list[Any]:
        """Run ``sql`` with ``{src}`` standing for the level's rows (those of the partitions
        overlapping ``span`` when given)."""
        source = self._source(level, *(span or (None, None)))
        if source is None:
            return []
        try:
            with duckdb.connect() as db:
                return db.execute(sql.format(src=source), params or []).fetchall()
        except duckdb.Error as exc:
            raise PortStoreError(f"{self.directory}: {exc}") from None

    def rollup(self, now: float) -> int:
        """Roll finished hours (from raw) and days (from hours); returns files written."""
        written = 0
        for level, source in (("hour", "raw"), ("day", "hour")):
            period = PERIOD[level]
            bounds = self.query('SELECT min("end"), max("end") FROM {src}', source)
            if not bounds or bounds[0][0] is None:
                continue
            first = int(bounds[0][0]) // period * period
            last_finished = int(now) // period * period
            for start in range(first, last_finished, period):
                target = self._rollup_path(level, start)
                if target.exists():
                    continue
                table = self._rollup(source, start, start + period)
                if table.num_rows:
                    _atomic_write(table, target)
                    written += 1
        return written

    def _rollup(self, source: str, start: int, end: int) -> pa.Table:
        src = self._source(source, start, end)
        if src is None:
            return pa.table({})
        if source == "raw":
            sql = f"""
            SELECT switch, ifindex, any_value(port) AS port, any_value(member) AS member,
                   source, chosen, {start}::DOUBLE AS start, {end}::DOUBLE AS "end",
                   sum(in_bps * ("end" - start)) / sum("end" - start) AS in_bps,
                   sum(out_bps * ("end" - start)) / sum("end" - start) AS out_bps,
                   max(in_bps) AS in_peak, max(out_bps) AS out_peak,
                   {_nearest_rank("in_bps")} AS in_p95,
                   {_nearest_rank("out_bps")} AS out_p95,
                   sum(errors)::BIGINT AS errors, sum(discards)::BIGINT AS discards,
                   max(speed_mbps)::BIGINT AS speed_mbps,
                   sum("end" - start) AS seconds
            FROM {src} WHERE "end" > {start} AND "end" <= {end}
            GROUP BY switch, ifindex, source, chosen"""
        else:
            sql = f"""
            SELECT switch, ifindex, any_value(port) AS port, any_value(member) AS member,
                   source, chosen, {start}::DOUBLE AS start, {end}::DOUBLE AS "end",
                   sum(in_bps * seconds) / sum(seconds) AS in_bps,
                   sum(out_bps * seconds) / sum(seconds) AS out_bps,
                   max(in_peak) AS in_peak, max(out_peak) AS out_peak,
                   max(in_p95) AS in_p95, max(out_p95) AS out_p95,
                   sum(errors)::BIGINT AS errors, sum(discards)::BIGINT AS discards,
                   max(speed_mbps)::BIGINT AS speed_mbps, sum(seconds) AS seconds
            FROM {src} WHERE "end" > {start} AND "end" <= {end}
            GROUP BY switch, ifindex, source, chosen"""
        with duckdb.connect() as db:
            return db.sql(sql).to_arrow_table()

    def _rollup_path(self, level: str, start: int) -> Path:
        t = datetime.fromtimestamp(start, UTC)
        if level == "hour":
            return self._dir("hour") / f"day={t:%Y-%m-%d}" / f"hour-{t:%H}.parquet"
        return self._dir("day") / f"month={t:%Y-%m}" / f"day-{t:%d}.parquet"

    def expire(self, now: float, days: Mapping[str, int]) -> int:
        """Remove partitions older than ``days[level]``; returns directories removed."""
        removed = 0
        for level, keep in days.items():
            if level not in LEVELS:
                raise PortStoreError(f"{self.directory}: retention level {level!r} unknown")
            limit = datetime.fromtimestamp(now, UTC) - timedelta(days=keep)
            for part in sorted(self._dir(level).glob("*=*")):
                value = part.name.split("=", 1)[1]
                fmt = "%Y-%m" if level == "day" else "%Y-%m-%d"
                begins = datetime.strptime(value, fmt).replace(tzinfo=UTC)
                ends = begins + (timedelta(days=31) if level == "day" else timedelta(days=1))
                if ends < limit:
                    shutil.rmtree(part)
                    removed += 1
        return removed

    def total_series(
        self, since: float, until: float, bucket: int, *, member: str | None = None
    ) -> list[tuple[float, float, float]]:
        """(bucket start, in bits/s, out bits/s): the exchange's ports summed per bucket.

        Reads raw rows for buckets under an hour, hourly roll-ups under a day, else daily
        ones. Each port contributes its mean over the bucket; a bucket no port covered is
        absent (a gap), not zero.
        """
        level = "raw" if bucket < 3600 else "hour" if bucket < 86400 else "day"
        where = 'chosen AND "end" > ? AND "end" <= ?'
        params: list[Any] = [since, until]
        if member is not None:
            where += " AND member = ?"
            params.append(member)
        sql = f"""
        WITH per_port AS (
          SELECT floor(("end" - 0.001) / {bucket}) * {bucket} AS bucket, switch, ifindex,
                 avg(in_bps) AS in_bps, avg(out_bps) AS out_bps
          FROM {{src}} WHERE {where} GROUP BY ALL)
        SELECT bucket, sum(in_bps), sum(out_bps) FROM per_port GROUP BY bucket ORDER BY bucket"""
        return [
            (float(b), float(i or 0), float(o or 0))
            for b, i, o in self.query(sql, level, params, (since, until))
        ]

    def statistics(self, since: float, until: float, bucket: int = 300) -> dict[str, Any]:
        """Mean, peak and 95th percentile of the exchange total; ports and members seen.

        Traffic is counted once: the sum of the ports' input (what members send into the
        exchange), in bits per second, over ``bucket``-second steps.
        """
        series = self.total_series(since, until, bucket)
        inputs = sorted(i for _b, i, _o in series)
        ports = self.query(
            "SELECT count(DISTINCT (switch, ifindex)), "
            "count(DISTINCT member) FILTER (WHERE member <> '') FROM {src} "
            'WHERE chosen AND "end" > ? AND "end" <= ?',
            "raw" if bucket < 3600 else "hour",
            [since, until],
            (since, until),
        )
        capacity = self.query(
            "SELECT sum(speed) FROM (SELECT switch, ifindex, max(speed_mbps) AS speed "
            'FROM {src} WHERE chosen AND "end" > ? AND "end" <= ? GROUP BY ALL)',
            "raw" if bucket < 3600 else "hour",
            [since, until],
            (since, until),
        )
        mean = sum(inputs) / len(inputs) if inputs else 0.0
        capacity_bps = float((capacity[0][0] or 0) * 1e6) if capacity else 0.0
        return {
            "since": since,
            "until": until,
            "points": len(series),
            "mean_bps": mean,
            "peak_bps": inputs[-1] if inputs else 0.0,
            "p95_bps": percentile(inputs, 95),
            "ports": int(ports[0][0]) if ports else 0,
            "members": int(ports[0][1] or 0) if ports else 0,
            "capacity_bps": capacity_bps,
            "utilisation": mean / capacity_bps if capacity_bps else None,
        }


def cross_check_rows(store: PortStore, since: float, until: float) -> list[dict[str, Any]]:
    """Ports counted by both SNMP and sFlow: each source's mean input and their difference.

    The chosen source makes the series; the other is the cross-check. A difference of more
    than a few percent points at a wrong ifIndex mapping, a sampling agent that drops
    counter samples, or a switch whose counters disagree with its own sFlow agent.
    """
    sql = """
    SELECT switch, ifindex, any_value(port),
           avg(in_bps) FILTER (WHERE chosen) AS chosen_bps,
           avg(in_bps) FILTER (WHERE NOT chosen) AS other_bps,
           any_value(source) FILTER (WHERE chosen), any_value(source) FILTER (WHERE NOT chosen)
    FROM {src} WHERE "end" > ? AND "end" <= ?
    GROUP BY switch, ifindex HAVING count(DISTINCT source) = 2 ORDER BY switch, ifindex"""
    out = []
    for switch, ifindex, port, chosen, other, src_c, src_o in store.query(
        sql, "raw", [since, until], (since, until)
    ):
        if chosen is None or other is None:
            continue
        out.append(
            {
                "switch": switch,
                "ifindex": ifindex,
                "port": port,
                "chosen": src_c,
                "chosen_bps": chosen,
                "other": src_o,
                "other_bps": other,
                "difference": (other - chosen) / chosen if chosen else None,
            }
        )
    return out


def _nearest_rank(column: str) -> str:
    """DuckDB SQL of the 95th percentile by nearest rank (what :func:`percentile` and the
    ClickHouse store compute), not an interpolation between two samples."""
    return (
        f"list_sort(list({column}) FILTER (WHERE {column} IS NOT NULL))"
        f"[CAST(greatest(ceil(0.95 * count({column})), 1) AS BIGINT)]"
    )


def _partition_span(level: str, name: str) -> tuple[float, float]:
    """Unix seconds a partition directory (``day=2026-11-22``, ``month=2026-11``) covers."""
    value = name.split("=", 1)[1]
    if level == "day":
        begins = datetime.strptime(value, "%Y-%m").replace(tzinfo=UTC)
        year, month = (
            (begins.year + 1, 1) if begins.month == 12 else (begins.year, begins.month + 1)
        )
        ends = begins.replace(year=year, month=month)
    else:
        begins = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        ends = begins + timedelta(days=1)
    return begins.timestamp(), ends.timestamp()


def percentile(sorted_values: list[float], pct: float) -> float:
    """The nearest-rank percentile billing uses (95th: drop the top 5 % of samples)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def _atomic_write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
