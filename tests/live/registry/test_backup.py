"""``lakou backup`` then ``lakou restore`` on the real PostgreSQL server the tests start (live):
the restored registry's ``dumpdata`` is the same as the backed-up one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.registry.test_backup import round_trip

from lakou.registry.testing import PostgreSQLServer


@pytest.mark.live
def test_backup_and_restore_on_postgresql(server: PostgreSQLServer, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE lakou_restored")
    target = server.url.rsplit("/", 1)[0] + "/lakou_restored"
    round_trip(tmp_path, server.url, target)
