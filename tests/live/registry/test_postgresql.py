"""The registry and the portal on a real PostgreSQL 15 server, started and stopped here.

The registry tests and the portal's registry pages and API run again in a subprocess with
``LAKOU_DATABASE_URL`` pointing at the server (so every registry test that reaches the
database runs on SQLite and on PostgreSQL), and ``lakou demo --load-only`` loads the demo
into it, twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lakou.registry.testing import PostgreSQLServer

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[3]
BACKEND_FREE = (
    # the backups' round trips and the two-writer tests point their commands at SQLite files
    "tests/registry/test_backup.py",
    "tests/registry/test_ixf_bulk.py::test_two_imports_at_once_take_turns_or_say_so",
    "tests/registry/test_ixf_bulk.py::test_an_import_that_waits_too_long_says_another_is_running",
    # the admin refuses a filter on a secret in lookup_allowed, before any query: its 12,700
    # probes would prove nothing more on PostgreSQL
    "tests/registry/test_admin_secrets.py::test_no_admin_filter_is_an_oracle_on_a_secret",
)


def environment(server: PostgreSQLServer, home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("LAKOU_CONFIG", "DJANGO_SETTINGS_MODULE")
    }
    env["LAKOU_DATABASE_URL"] = server.url
    env["XDG_DATA_HOME"] = str(home)
    return env


def lakou(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lakou.cli import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_registry_and_portal_tests_pass_on_postgresql(
    server: PostgreSQLServer, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/registry",
            # the portal's registry pages and API (the whole portal suite, with its browser
            # and traffic tests, outgrew the 30-minute budget on PostgreSQL)
            "tests/portal/test_api.py",
            "tests/portal/test_pages.py",
            # these run on their own SQLite file whatever the test database is (the commands in
            # a subprocess), or decide before any query: the main run already covers them
            *(f"--deselect={test}" for test in BACKEND_FREE),
            "-m",
            "not live",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
        ],
        cwd=ROOT,
        env=environment(server, tmp_path),
        capture_output=True,
        text=True,
        timeout=540,  # under pytest-timeout's 600 s (the PostgreSQL server's start is in it too)
        check=False,
    )
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
    assert proc.returncode == 0, tail
    assert " passed" in tail and "failed" not in tail


def test_demo_loads_into_postgresql(server: PostgreSQLServer, tmp_path: Path) -> None:
    env = environment(server, tmp_path)
    for _ in range(2):  # the second run must not duplicate anything
        result = lakou(["demo", "--load-only"], env, tmp_path)
        assert result.returncode == 0, result.stderr
    assert "(0 new)" in result.stdout and "new)" in result.stdout
    listed = lakou(["exchange", "list", "--format", "json"], env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert {r["slug"] for r in rows} == {
        "demo-saint-martin",
        "demo-saint-barth",
        "demo-sint-maarten",
    }
    assert sum(r["members"] for r in rows) == 19
    # the data went to PostgreSQL, not to a SQLite file in the data directory
    assert not (tmp_path / "lakou" / "lakou.sqlite3").exists()
