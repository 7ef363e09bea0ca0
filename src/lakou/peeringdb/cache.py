"""The local copy of PeeringDB: a plain SQLite file, synced incrementally.

One table per object type (``ix``, ``ixlan``, ``ixpfx``, ``net``, ``netixlan``) keeps each
object's JSON as PeeringDB sent it plus the columns lakou looks things up by (ASN,
``ixlan_id``, addresses...), indexed. ``sync_state`` records, per type, the ``updated``
time of the newest object seen: the next sync asks only for what changed since then
(``?since=``), which PeeringDB answers with changed objects *and* deleted ones
(``status: "deleted"``), so deletions reach the cache too. A first sync, or ``--full``,
fetches everything with ``depth=0`` in ``limit``/``skip`` pages and replaces the table.

Each type is fetched completely and checked before anything is written, then written
in one transaction with its new cursor: a failed or hostile sync leaves the cache
exactly as it was. Other components read the cache through the query helpers
(:meth:`PeeringDBCache.net_by_asn`, :meth:`PeeringDBCache.never_via_route_servers_asns`...).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakou.i18n import gettext as _
from lakou.peeringdb.schema import OBJECTS, parse_timestamp
from lakou.private import private_file

if TYPE_CHECKING:  # httpx and its kin only for a sync, never for reading the cache
    from lakou.peeringdb.client import PeeringDBClient

SCHEMA_VERSION = 1

# Indexed columns per type: (column, SQL type, how to read it from the object).
_Getter = Callable[[Mapping[str, Any]], Any]


def _get(name: str) -> _Getter:
    return lambda obj: obj.get(name)


def _flag(name: str) -> _Getter:
    return lambda obj: 1 if obj.get(name) else 0


COLUMNS: Mapping[str, tuple[tuple[str, str, _Getter], ...]] = {
    "ix": (("name", "TEXT", _get("name")), ("name_long", "TEXT", _get("name_long"))),
    "ixlan": (("ix_id", "INTEGER", _get("ix_id")),),
    "ixpfx": (("ixlan_id", "INTEGER", _get("ixlan_id")), ("prefix", "TEXT", _get("prefix"))),
    "net": (
        ("asn", "INTEGER", _get("asn")),
        ("name", "TEXT", _get("name")),
        ("never_via_route_servers", "INTEGER", _flag("info_never_via_route_servers")),
    ),
    "netixlan": (
        ("ixlan_id", "INTEGER", _get("ixlan_id")),
        ("net_id", "INTEGER", _get("net_id")),
        ("asn", "INTEGER", _get("asn")),
        ("ipaddr4", "TEXT", _get("ipaddr4")),
        ("ipaddr6", "TEXT", _get("ipaddr6")),
        ("is_rs_peer", "INTEGER", _flag("is_rs_peer")),
    ),
}
INDEXES: Mapping[str, tuple[str, ...]] = {
    "ix": ("name",),
    "ixlan": ("ix_id",),
    "ixpfx": ("ixlan_id",),
    "net": ("asn", "never_via_route_servers"),
    "netixlan": ("ixlan_id", "asn", "net_id"),
}


class PeeringDBCacheError(Exception):
    """The cache file cannot be used or written; nothing was changed."""


@dataclass(frozen=True)
class SyncState:
    """The last sync of one object type."""

    obj: str
    cursor: int | None  # ``updated`` (Unix seconds) of the newest object seen
    synced_at: float  # wall-clock time of the last successful sync
    full_synced_at: float | None
    objects: int  # objects of this type in the cache after it
    mode: str  # "full" or "incremental"


@dataclass
class TypeReport:
    """What one sync did to one object type."""

    obj: str
    mode: str
    since: int | None
    fetched: int = 0
    upserted: int = 0
    deleted: int = 0
    skipped: int = 0  # non-"ok" objects in a full answer (not stored, counted)
    cursor: int | None = None
    requests: int = 0

    @property
    def newest_day(self) -> str:
        """The day (UTC, ``YYYY-MM-DD``) of the newest change seen; empty when none."""
        if self.cursor is None:
            return ""
        return datetime.fromtimestamp(self.cursor, UTC).strftime("%Y-%m-%d")


@dataclass
class SyncReport:
    types: list[TypeReport] = field(default_factory=list)
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    waited_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "types": [vars(t) for t in self.types],
            "requests": self.requests,
            "throttled": self.throttled,
            "retries": self.retries,
            "waited_seconds": round(self.waited_seconds, 3),
        }


Progress = Callable[[str, int, bool], None]  # (object type, objects fetched, finished)


class PeeringDBCache:
    """The SQLite cache at ``path``; opened on first use (the constructor does no I/O)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> PeeringDBCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- storage ------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                private_file(self.path)  # 0600 in a 0700 folder, like lakou's other state
                conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
                conn.row_factory = sqlite3.Row
                self._migrate(conn)
            except (OSError, sqlite3.Error) as exc:
                raise PeeringDBCacheError(
                    _("%(path)s: cannot open the PeeringDB cache: %(problem)s")
                    % {"path": self.path, "problem": exc}
                ) from None
            self._conn = conn
        return self._conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version not in (0, SCHEMA_VERSION):
            raise sqlite3.DatabaseError(
                f"schema version {version}, this lakou knows {SCHEMA_VERSION}"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            for obj in OBJECTS:
                cols = "".join(f", {name} {kind}" for name, kind, _g in COLUMNS[obj])
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {obj} (id INTEGER PRIMARY KEY, "
                    f"updated INTEGER NOT NULL{cols}, data TEXT NOT NULL)"
                )
                for col in INDEXES[obj]:
                    conn.execute(f"CREATE INDEX IF NOT EXISTS {obj}_{col} ON {obj} ({col})")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS sync_state (obj TEXT PRIMARY KEY, cursor INTEGER, "
                "synced_at REAL NOT NULL, full_synced_at REAL, objects INTEGER NOT NULL, "
                "mode TEXT NOT NULL)"
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._db()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise PeeringDBCacheError(
                _("%(path)s: cannot write the PeeringDB cache: %(problem)s")
                % {"path": self.path, "problem": exc}
            ) from None
        try:
            yield conn
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise PeeringDBCacheError(
                _("%(path)s: writing the PeeringDB cache failed, nothing changed: %(problem)s")
                % {"path": self.path, "problem": exc}
            ) from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _rows(self, objects: Iterable[Mapping[str, Any]], obj: str) -> Iterator[tuple[Any, ...]]:
        getters = [g for _n, _k, g in COLUMNS[obj]]
        for item in objects:
            yield (
                item["id"],
                parse_timestamp(item["updated"]),
                *(g(item) for g in getters),
                json.dumps(item, ensure_ascii=False, separators=(",", ":")),
            )

    def store(
        self,
        obj: str,
        objects: Sequence[Mapping[str, Any]],
        *,
        replace: bool,
        mode: str,
        since: int | None = None,
    ) -> TypeReport:
        """Write checked objects of one type and its new cursor, in one transaction.

        ``replace``: the objects are the whole set (a full sync): anything else goes.
        Otherwise they are changes: "ok" objects are inserted or updated, others
        ("deleted", "pending") removed.
        """
        with self._transaction() as conn:
            return self._write(conn, obj, objects, replace=replace, mode=mode, since=since)

    def load(self, objects: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[TypeReport]:
        """Replace the types present in ``objects`` (a dump read from disk), in one transaction.

        Types absent from ``objects`` keep what they had. The cursor of each loaded type is
        its newest ``updated``: a later ``sync`` asks PeeringDB only for what changed since.
        """
        for obj in objects:
            _check_type(obj)
        with self._transaction() as conn:
            return [
                self._write(conn, obj, objects[obj], replace=True, mode="dump")
                for obj in OBJECTS
                if obj in objects
            ]

    def _write(
        self,
        conn: sqlite3.Connection,
        obj: str,
        objects: Sequence[Mapping[str, Any]],
        *,
        replace: bool,
        mode: str,
        since: int | None = None,
    ) -> TypeReport:
        report = TypeReport(obj=obj, mode=mode, since=since, fetched=len(objects))
        latest: dict[int, Mapping[str, Any]] = {}
        for item in objects:  # an object met twice while paging: keep the newest
            seen = latest.get(item["id"])
            if seen is None or parse_timestamp(item["updated"]) >= parse_timestamp(seen["updated"]):
                latest[item["id"]] = item
        keep = [o for o in latest.values() if o["status"] == "ok"]
        drop = [o["id"] for o in latest.values() if o["status"] != "ok"]
        cursor = max((parse_timestamp(o["updated"]) for o in latest.values()), default=None)
        names = ", ".join(["id", "updated", *(n for n, _k, _g in COLUMNS[obj]), "data"])
        marks = ", ".join("?" * (len(COLUMNS[obj]) + 3))
        now = time.time()
        previous = self.sync_state(obj)
        if replace:
            conn.execute(f"DELETE FROM {obj}")
            report.skipped = len(drop)
        elif drop:
            before = conn.total_changes
            conn.executemany(f"DELETE FROM {obj} WHERE id = ?", [(i,) for i in drop])
            report.deleted = conn.total_changes - before
        conn.executemany(
            f"INSERT OR REPLACE INTO {obj} ({names}) VALUES ({marks})", self._rows(keep, obj)
        )
        report.upserted = len(keep)
        if not replace and previous is not None and previous.cursor is not None:
            cursor = max(cursor or 0, previous.cursor)
        count = conn.execute(f"SELECT COUNT(*) FROM {obj}").fetchone()[0]
        if replace:
            report.deleted = max(0, (previous.objects if previous else 0) - count)
        full_at = now if replace else (previous.full_synced_at if previous else None)
        conn.execute(
            "INSERT OR REPLACE INTO sync_state (obj, cursor, synced_at, full_synced_at, "
            "objects, mode) VALUES (?, ?, ?, ?, ?, ?)",
            (obj, cursor, now, full_at, count, mode),
        )
        report.cursor = cursor
        return report

    # -- sync -----------------------------------------------------------------------------

    def sync(
        self,
        client: PeeringDBClient,
        *,
        full: bool = False,
        objects: Sequence[str] = OBJECTS,
        page_size: int = 5000,
        progress: Progress | None = None,
    ) -> SyncReport:
        """Bring the cache up to date: incremental per type, full when asked or first.

        Raises :class:`~lakou.peeringdb.client.PeeringDBError` (the network or the
        answer) or :class:`PeeringDBCacheError`; types synced before the error keep
        their new data, the failing type and the ones after it are untouched.
        """
        report = SyncReport()
        start_requests = client.stats.requests
        start_throttled = client.stats.throttled
        start_retries = client.stats.retries
        start_waited = client.limiter.waited
        try:
            for obj in objects:
                if obj not in OBJECTS:
                    raise ValueError(f"unknown PeeringDB object type {obj!r}")
                state = self.sync_state(obj)
                incremental = not full and state is not None and state.cursor is not None
                params: dict[str, str | int] = {"depth": 0}
                since = None
                if incremental:
                    assert state is not None and state.cursor is not None
                    since = state.cursor
                    params["since"] = since
                before = client.stats.requests
                fetched: list[dict[str, Any]] = []
                for page in client.pages(obj, params, page_size):
                    fetched.extend(page)
                    if progress:
                        progress(obj, len(fetched), False)
                mode = "incremental" if incremental else "full"
                type_report = self.store(
                    obj, fetched, replace=not incremental, mode=mode, since=since
                )
                type_report.requests = client.stats.requests - before
                report.types.append(type_report)
                if progress:
                    progress(obj, len(fetched), True)
        finally:
            report.requests = client.stats.requests - start_requests
            report.throttled = client.stats.throttled - start_throttled
            report.retries = client.stats.retries - start_retries
            report.waited_seconds = client.limiter.waited - start_waited
        return report

    # -- reading --------------------------------------------------------------------------

    def sync_state(self, obj: str) -> SyncState | None:
        row = (
            self._db()
            .execute(
                "SELECT obj, cursor, synced_at, full_synced_at, objects, mode FROM sync_state "
                "WHERE obj = ?",
                (obj,),
            )
            .fetchone()
        )
        return SyncState(**dict(row)) if row else None

    def sync_states(self) -> dict[str, SyncState | None]:
        return {obj: self.sync_state(obj) for obj in OBJECTS}

    def is_empty(self) -> bool:
        return all(state is None for state in self.sync_states().values())

    def count(self, obj: str) -> int:
        _check_type(obj)
        return int(self._db().execute(f"SELECT COUNT(*) FROM {obj}").fetchone()[0])

    def _objects(self, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [json.loads(row["data"]) for row in self._db().execute(sql, args)]

    def get(self, obj: str, object_id: int) -> dict[str, Any] | None:
        _check_type(obj)
        found = self._objects(f"SELECT data FROM {obj} WHERE id = ?", (object_id,))
        return found[0] if found else None

    def net_by_asn(self, asn: int) -> dict[str, Any] | None:
        """The network with this ASN (the newest if PeeringDB briefly has two)."""
        found = self._objects(
            "SELECT data FROM net WHERE asn = ? ORDER BY updated DESC, id DESC LIMIT 1", (asn,)
        )
        return found[0] if found else None

    def never_via_route_servers_asns(self) -> set[int]:
        """ASNs flagged ``info_never_via_route_servers``: a route server drops paths via them."""
        rows = self._db().execute("SELECT asn FROM net WHERE never_via_route_servers = 1")
        return {int(row[0]) for row in rows}

    def ix(self, ix_id: int) -> dict[str, Any] | None:
        return self.get("ix", ix_id)

    def ixlans_of(self, ix_id: int) -> list[dict[str, Any]]:
        return self._objects("SELECT data FROM ixlan WHERE ix_id = ? ORDER BY id", (ix_id,))

    def ixpfx_of(self, ixlan_id: int) -> list[dict[str, Any]]:
        return self._objects("SELECT data FROM ixpfx WHERE ixlan_id = ? ORDER BY id", (ixlan_id,))

    def netixlans_of(self, ixlan_id: int) -> list[dict[str, Any]]:
        return self._objects(
            "SELECT data FROM netixlan WHERE ixlan_id = ? ORDER BY asn, id", (ixlan_id,)
        )

    def netixlans_of_asn(self, asn: int) -> list[dict[str, Any]]:
        return self._objects(
            "SELECT data FROM netixlan WHERE asn = ? ORDER BY ixlan_id, id", (asn,)
        )

    def search_ix(self, name: str) -> list[dict[str, Any]]:
        """Exchanges whose short or long name contains ``name`` (any case)."""
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self._objects(
            "SELECT data FROM ix WHERE name LIKE ? ESCAPE '\\' OR name_long LIKE ? ESCAPE '\\' "
            "ORDER BY name, id",
            (pattern, pattern),
        )


def _check_type(obj: str) -> None:
    if obj not in OBJECTS:
        raise ValueError(f"unknown PeeringDB object type {obj!r}")
