"""The LAN hygiene store: what the collector kept for the checks, in Parquet files.

Two tables beside the flow store, under ``DIR/lan/`` (``DIR`` the flow store directory)::

    DIR/lan/frames/day=2026-11-22/part-<ns>-<pid>.parquet  one row per sampled control frame
    DIR/lan/macs/day=2026-11-22/part-<ns>-<pid>.parquet    per minute, port, VLAN and MAC

``frames`` keeps every sampled frame that is not ordinary unicast IP (ARP, spanning
tree, CDP, router advertisements, DHCP...): time, switch, input port, sampling rate,
VLAN, MACs, ethertype, the kind and the decoded header as evidence. ``macs`` is the
census of source MACs per port (samples, broadcast and multicast samples), from which
the foreign-MAC, MAC-count and broadcast-rate checks are made. Flows themselves may go
to ClickHouse; these tables stay in files, read with DuckDB. Files are written under a
temporary name and renamed, so a report never reads half a file. ``lakou flows maintain``
removes day directories past ``flows.retention_days_hour``.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lakou.flows import FlowStoreError
from lakou.i18n import gettext as _
from lakou.lan import arrow

FRAMES = pa.schema(
    [
        ("time", pa.int64()),
        ("exporter", pa.string()),
        ("in_if", pa.int64()),
        ("sampling_rate", pa.int64()),
        ("vlan", pa.int32()),
        ("src_mac", pa.string()),
        ("dst_mac", pa.string()),
        ("etype", pa.int32()),
        ("kind", pa.string()),
        ("address", pa.string()),
        ("evidence", pa.string()),
    ]
)
MACS = pa.schema(
    [
        ("minute", pa.int64()),
        ("exporter", pa.string()),
        ("in_if", pa.int64()),
        ("vlan", pa.int32()),
        ("src_mac", pa.string()),
        ("samples", pa.int64()),
        ("packets", pa.int64()),  # samples x sampling rate: the estimated packets
        ("broadcast_packets", pa.int64()),
        ("multicast_packets", pa.int64()),
        ("first_seen", pa.int64()),
        ("last_seen", pa.int64()),
    ]
)
TABLES = {"frames": FRAMES, "macs": MACS}


class LanStoreError(FlowStoreError):
    """The LAN store cannot be read or written; the message names it and the cause."""


@dataclass
class LanStore:
    """``DIR/lan``: the hygiene tables of a flow store directory."""

    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root) / "lan"

    def write(self, name: str, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        table = table.cast(TABLES[name])
        column = "time" if name == "frames" else "minute"
        # Rows per UTC day, days in the order they first occur; numpy, and the rows taken
        # with an Arrow index array (a Python list would make Arrow import pandas).
        number = arrow.values(table.column(column)).astype(np.int64) // 86400
        found, first = np.unique(number, return_index=True)
        for d in found[np.argsort(first, kind="stable")].tolist():
            day = f"day={datetime.fromtimestamp(d * 86400, UTC):%Y-%m-%d}"
            picked = (
                table
                if len(found) == 1
                else table.take(arrow.numbers(np.nonzero(number == d)[0].astype(np.int64)))
            )
            folder = self.root / name / day
            try:
                folder.mkdir(parents=True, exist_ok=True)
                part = f"part-{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.parquet"
                tmp = folder / f".{part}.tmp"
                pq.write_table(picked, tmp, compression="zstd")
                os.replace(tmp, folder / part)
            except OSError as exc:
                raise LanStoreError(
                    _("{path}: cannot write: {error}").format(path=folder, error=exc.strerror)
                ) from None

    def read(self, name: str, since: int = 0, until: int = 2**62) -> list[dict[str, Any]]:
        """The rows of a table between two times (seconds), oldest first."""
        base = self.root / name
        if not any(base.glob("*/*.parquet")):
            return []
        column = "time" if name == "frames" else "minute"
        glob = str(base / "*" / "*.parquet").replace("'", "''")
        import duckdb

        con = duckdb.connect()
        try:
            rel = con.execute(
                f"SELECT * FROM read_parquet('{glob}', union_by_name=true) "
                f"WHERE {column} >= ? AND {column} < ? ORDER BY {column}",
                [since, until],
            )
            names = [d[0] for d in rel.description]
            return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
        except duckdb.Error as exc:
            raise LanStoreError(f"{base}: {exc}") from None
        finally:
            con.close()

    def read_census(self, since: int = 0, until: int = 2**62) -> list[dict[str, Any]]:
        """The MAC census summed per switch, port, VLAN and MAC over minutes in
        [since, until): what the checks need, whatever the length of the period."""
        base = self.root / "macs"
        if not any(base.glob("*/*.parquet")):
            return []
        glob = str(base / "*" / "*.parquet").replace("'", "''")
        import duckdb

        con = duckdb.connect()
        try:
            rel = con.execute(
                "SELECT exporter, in_if, vlan, src_mac, sum(samples)::BIGINT AS samples, "
                "sum(packets)::BIGINT AS packets, "
                "sum(broadcast_packets)::BIGINT AS broadcast_packets, "
                "sum(multicast_packets)::BIGINT AS multicast_packets, "
                "min(first_seen) AS first_seen, max(last_seen) AS last_seen "
                f"FROM read_parquet('{glob}', union_by_name=true) "
                "WHERE minute >= ? AND minute < ? GROUP BY ALL ORDER BY ALL",
                [since - since % 60, until],
            )
            names = [d[0] for d in rel.description]
            return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
        except duckdb.Error as exc:
            raise LanStoreError(f"{base}: {exc}") from None
        finally:
            con.close()

    def last_seen(self) -> int | None:
        """When the collector last kept a sample (seconds), or None when never."""
        base = self.root / "macs"
        if not any(base.glob("*/*.parquet")):
            return None
        glob = str(base / "*" / "*.parquet").replace("'", "''")
        import duckdb

        con = duckdb.connect()
        try:
            row = con.execute(
                f"SELECT max(last_seen) FROM read_parquet('{glob}', union_by_name=true)"
            ).fetchone()
        except duckdb.Error as exc:
            raise LanStoreError(f"{base}: {exc}") from None
        finally:
            con.close()
        return int(row[0]) if row and row[0] is not None else None

    def expire(self, now: int, days: int) -> int:
        """Remove day directories that ended more than ``days`` ago; returns how many."""
        limit = now - days * 86400
        removed = 0
        for folder in self.root.glob("*/day=*"):
            try:
                start = datetime.strptime(folder.name[4:], "%Y-%m-%d").replace(tzinfo=UTC)
            except ValueError:
                continue
            if start.timestamp() + 86400 <= limit:
                shutil.rmtree(folder)
                removed += 1
        return removed

    def has_data(self) -> bool:
        return any(self.root.glob("*/*/*.parquet"))
