"""The flow store: per-minute sums in time-partitioned Parquet files, read with DuckDB.

Layout (``DIR`` is the store directory)::

    DIR/minute/day=2026-11-22/part-<ns>-<pid>.parquet   what the collector writes
    DIR/hour/day=2026-11-22/hour-07.parquet             roll-up of a finished hour
    DIR/day/month=2026-11/day-22.parquet                roll-up of a finished day

A writer only ever adds a file, written under a temporary name and renamed into place,
so reports (DuckDB globbing the directory) read while the collector writes and never see
half a file. Roll-ups turn finished hours and days into one file each; retention removes
whole day (or month) directories past their age. :class:`ClickHouseStore` in
:mod:`lakou.flows.clickhouse_store` offers the same interface for large deployments; both
run the SQL of :mod:`lakou.flows.sql`.

:func:`open_store` is the one way to open the configured store (the CLI, the portal and
the demo use it), and :func:`store_location` the one place that knows where it is (the
default directory is ``core.data_dir/flows``). A store the demo made carries a marker
file (:data:`DEMO_MARKER`, read with :func:`read_demo_marker`), so a reader tells the
demo's synthetic week from measured traffic without knowing the demo.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from lakou.flows.aggregate import SCHEMA
from lakou.flows.sql import DUCKDB, fetch_sql, finished_periods_sql, rollup_sql, time_range_sql
from lakou.i18n import gettext as _
from lakou.private import private_dir

if TYPE_CHECKING:
    from lakou.flows.config import Config

LEVELS = {"minute": 60, "hour": 3600, "day": 86400}
# Roll-ups: (from level, to level, period in seconds), finest first.
ROLLUPS = (("minute", "hour", 3600), ("hour", "day", 86400))


DEMO_MARKER = "DEMO-DATA.json"  # in a store ``lakou demo`` made: the demo's note


class FlowStoreError(RuntimeError):
    """The store cannot be read or written; the message names the store and the cause."""


class FlowStore(Protocol):
    def write(self, table: pa.Table) -> None: ...

    def fetch(self, level: str, since: int, until: int, bucket: int) -> pa.Table: ...

    def rollup(self, now: int) -> int: ...

    def expire(self, now: int, days: dict[str, int]) -> int: ...

    def time_range(self) -> tuple[int, int] | None: ...

    def close(self) -> None: ...


@dataclass
class ParquetStore:
    """Time-partitioned Parquet files queried with DuckDB (the default store)."""

    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    def _dir(self, level: str) -> Path:
        return self.root / level

    def write(self, table: pa.Table, level: str = "minute") -> None:
        if table.num_rows == 0:
            return
        table = table.cast(SCHEMA)
        # One file per (level) partition the rows fall in.
        minutes = table.column("minute").to_pylist()
        by_part: dict[str, list[int]] = {}
        for i, m in enumerate(minutes):
            by_part.setdefault(_partition(level, int(m)), []).append(i)
        for part, rows in by_part.items():
            folder = self._dir(level) / part
            if not self.root.exists():
                private_dir(self.root)  # who talks to whom: for lakou's eyes only
            folder.mkdir(parents=True, exist_ok=True)
            name = f"part-{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.parquet"
            _atomic_write(table.take(rows), folder / name)

    def _glob(self, level: str) -> str | None:
        base = self._dir(level)
        if not any(base.glob("*/*.parquet")):
            return None
        return str(base / "*" / "*.parquet")

    def _source(self, level: str) -> str:
        glob = self._glob(level)
        if glob is None:
            return "(SELECT * FROM empty_flows)"
        return f"read_parquet('{glob}', union_by_name=true)"

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        con.register("empty_flows", SCHEMA.empty_table())
        # ClickHouse's intDiv, so one report query serves both stores.
        con.execute("CREATE MACRO intDiv(a, b) AS (a // b)")
        return con

    def fetch(self, level: str, since: int, until: int, bucket: int) -> pa.Table:
        con = self._connect()
        try:
            sql = fetch_sql(self._source(level), since, until, bucket, DUCKDB)
            return con.sql(sql).to_arrow_table()
        finally:
            con.close()

    def time_range(self) -> tuple[int, int] | None:
        for level in LEVELS:
            if self._glob(level) is None:
                continue
            con = self._connect()
            try:
                rows, lo, hi = con.execute(time_range_sql(self._source(level))).fetchone() or (
                    0,
                    0,
                    0,
                )
            finally:
                con.close()
            if rows:
                return int(lo), int(hi)
        return None

    def rollup(self, now: int) -> int:
        """Roll finished hours into the hour level and finished days into the day level."""
        return sum(self._rollup_level(src, dst, period, now) for src, dst, period in ROLLUPS)

    def _rollup_level(self, source: str, target: str, period: int, now: int) -> int:
        if self._glob(source) is None:
            return 0
        con = self._connect()
        made = 0
        try:
            periods = con.execute(
                finished_periods_sql(self._source(source), period, now)
            ).fetchall()
            for (start,) in periods:
                path = self._dir(target) / _partition(target, start) / _rollup_name(target, start)
                if path.exists():  # a period is rolled up once
                    continue
                table = con.sql(
                    rollup_sql(self._source(source), period, start, DUCKDB)
                ).to_arrow_table()
                table = table.rename_columns(SCHEMA.names)
                path.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(table.cast(SCHEMA), path)
                made += 1
        finally:
            con.close()
        return made

    def expire(self, now: int, days: dict[str, int]) -> int:
        """Remove partitions older than their level's retention; returns how many."""
        removed = 0
        for level, keep in days.items():
            base = self._dir(level)
            if not base.is_dir():
                continue
            limit = datetime.fromtimestamp(now, UTC) - timedelta(days=keep)
            for part in base.iterdir():
                start = _partition_start(part.name)
                if start is None:
                    continue
                end = start + (timedelta(days=31) if level == "day" else timedelta(days=1))
                if end <= limit:
                    shutil.rmtree(part)
                    removed += 1
        return removed

    def close(self) -> None:
        pass


def _partition(level: str, minute: int) -> str:
    when = datetime.fromtimestamp(minute, UTC)
    if level == "day":
        return f"month={when:%Y-%m}"
    return f"day={when:%Y-%m-%d}"


def _partition_start(name: str) -> datetime | None:
    try:
        if name.startswith("day="):
            return datetime.strptime(name[4:], "%Y-%m-%d").replace(tzinfo=UTC)
        if name.startswith("month="):
            return datetime.strptime(name[6:], "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        return None
    return None


def _rollup_name(level: str, start: int) -> str:
    when = datetime.fromtimestamp(start, UTC)
    return f"hour-{when:%H}.parquet" if level == "hour" else f"day-{when:%d}.parquet"


def _atomic_write(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- the door
@dataclass(frozen=True)
class StoreLocation:
    """Where the configured flow store is: ``kind`` (duckdb or clickhouse), ``location``
    (a directory, or host:port/database) and ``directory``, the folder of a DuckDB store
    or the one ``--store DIR`` (or ``flows.store_dir``) names beside a ClickHouse store;
    None for ClickHouse without one (the LAN hygiene tables are then not kept)."""

    kind: str
    location: str
    directory: Path | None


def store_location(
    config: Config, data_dir: Path, store_dir: str | Path | None = None, backend: str | None = None
) -> StoreLocation:
    """The store ``config`` (the ``flows`` section) names, ``store_dir`` and ``backend``
    (the command line's ``--store``/``--backend``) taking precedence. A DuckDB store is
    ``store_dir``, else ``flows.store_dir``, else ``data_dir/flows``."""
    kind = backend or config.store
    given = store_dir or config.store_dir or None
    if kind == "clickhouse":
        ch = config.clickhouse
        where = f"{ch.host}:{ch.port}/{ch.database}"
        return StoreLocation(kind, where, Path(given) if given else None)
    if kind != "duckdb":
        raise FlowStoreError(_("unknown flow store {kind!r}").format(kind=kind))
    directory = Path(given) if given else Path(data_dir) / "flows"
    return StoreLocation(kind, str(directory), directory)


def open_store(
    config: Config, data_dir: Path, store_dir: str | Path | None = None, backend: str | None = None
) -> FlowStore:
    """The configured flow store (see :func:`store_location`), ready to write and read.

    Raises :class:`FlowStoreError` when it cannot be reached (ClickHouse) or is unknown.
    """
    where = store_location(config, data_dir, store_dir, backend)
    if where.kind == "clickhouse":
        from lakou.flows.clickhouse_store import ClickHouseStore

        ch = config.clickhouse
        return ClickHouseStore(ch.host, ch.port, ch.database, ch.user, ch.password)
    assert where.directory is not None
    return ParquetStore(where.directory)


def read_demo_marker(directory: str | Path) -> dict[str, Any] | None:
    """The demo's note in a flow store directory (generator, week, samples), or None for
    a store of measured traffic (or a note that cannot be read)."""
    path = Path(directory) / DEMO_MARKER
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
