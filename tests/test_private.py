"""lakou's own files are private: directories 0700, database and key files 0600.

Checked with the umask most machines have (022), on the helpers, on the SQLite database
and data directory a fresh ``lakou db migrate`` creates, and on the flow store.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from lakou.flows.aggregate import SCHEMA
from lakou.flows.store import ParquetStore
from lakou.private import private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_private_dir_and_file(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    file = private_file(shared / "a" / "b" / "db.sqlite3")
    assert mode(file) == 0o600 and file.read_bytes() == b""
    assert mode(shared / "a") == 0o700 and mode(shared / "a" / "b") == 0o700
    assert mode(shared) == 0o755  # an existing directory is left as it was


def test_an_existing_wide_file_is_tightened_never_loosened(tmp_path: Path) -> None:
    wide = tmp_path / "old.sqlite3"
    wide.write_text("x")
    wide.chmod(0o644)
    private_file(wide)
    assert mode(wide) == 0o600 and wide.read_text() == "x"
    narrow = tmp_path / "narrow"
    narrow.write_text("y")
    narrow.chmod(0o400)
    private_file(narrow)
    assert mode(narrow) == 0o400


def test_the_flow_store_directory_is_private(tmp_path: Path) -> None:
    row = {
        name: ("" if pa.types.is_string(SCHEMA.field(name).type) else 0) for name in SCHEMA.names
    }
    row["minute"] = 29_000_000
    ParquetStore(tmp_path / "flows").write(pa.Table.from_pylist([row], schema=SCHEMA))
    assert mode(tmp_path / "flows") == 0o700


def test_a_fresh_install_has_a_private_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LAKOU_CONFIG", "LAKOU_DATABASE_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["XDG_DATA_HOME"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", "from lakou.cli import main; main()", "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = tmp_path / "lakou"
    assert mode(data) == 0o700
    assert mode(data / "lakou.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
