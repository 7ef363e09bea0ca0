"""``lakou backup`` then ``lakou restore`` onto a fresh install: the same registry.

Run as an operator would, with the real command in subprocesses: install A loads the
demo, gets a BGP password (encrypted with A's key), route-server history and a
configuration file, and is backed up; install B, fresh (its own data directory, no key),
is restored from the archive. ``dumpdata`` of the registry and the accounts must be
identical, on SQLite (here) and on the real PostgreSQL server the tests start
(``tests/live/registry/test_backup.py``).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

SET_PASSWORD = (
    "import django; django.setup()\n"
    "from lakou.registry.models import Member\n"
    "m = Member.objects.order_by('pk').first(); m.bgp_password = 'Md5-backup-key-7'; m.save()\n"
)
DUMP = (
    "import django, sys; django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('dumpdata', 'registry', 'auth.user', stdout=sys.stdout)\n"
)


def environment(home: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_CONFIG", "LAKOU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(XDG_DATA_HOME=str(home), LAKOU_LANGUAGE="en")
    env["DJANGO_SETTINGS_MODULE"] = "lakou.portal.settings"
    if database_url:
        env["LAKOU_DATABASE_URL"] = database_url
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lakou.cli import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def python(code: str, env: dict[str, str], cwd: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def round_trip(tmp_path: Path, source_url: str | None, target_url: str | None) -> None:
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    site_a, site_b = tmp_path / "site-a", tmp_path / "site-b"
    site_a.mkdir()
    site_b.mkdir()
    (site_a / "lakou.yml").write_text("portal:\n  site_name: Backup IX\n")  # ./lakou.yml
    env_a, env_b = environment(home_a, source_url), environment(home_b, target_url)

    ok(run(["db", "migrate"], env_a, site_a))
    ok(run(["demo", "--load-only"], env_a, site_a))
    python(SET_PASSWORD, env_a, site_a)
    history = home_a / "lakou" / "routeserver" / "history" / "rs1"
    history.mkdir(parents=True)
    (history / "bird-1.conf").write_text("router id 192.0.2.1;\n")
    cache = home_a / "lakou" / "routeserver" / "cache"
    cache.mkdir(parents=True)
    (cache / "irr.json").write_text("{}")
    before = python(DUMP, env_a, site_a)
    assert "Md5-backup-key-7" in before  # dumpdata shows the clear value: a fair comparison

    archive = tmp_path / "out" / "lakou-backup.tar.gz"
    out = ok(run(["backup", "--out", str(archive)], env_a, site_a))
    assert "Backup written" in out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "config/lakou.yml", "secrets/encryption.key"} <= names
    assert "routeserver/history/rs1/bird-1.conf" in names
    assert not any(n.startswith("routeserver/cache") for n in names)

    # B: a fresh install (no key, no database rows), restored from the archive.
    ok(run(["restore", str(archive)], env_b, site_b))
    after = python(DUMP, env_b, site_b)
    assert after == before
    key_b = home_b / "lakou" / "encryption.key"  # beside SQLite, or in data_dir
    assert key_b.read_bytes() == (home_a / "lakou" / "encryption.key").read_bytes()
    assert stat.S_IMODE(key_b.stat().st_mode) == 0o600
    restored = home_b / "lakou" / "routeserver" / "history" / "rs1" / "bird-1.conf"
    assert restored.read_text() == "router id 192.0.2.1;\n"
    assert "site_name: Backup IX" in (home_b / "lakou" / "restored" / "lakou.yml").read_text()

    # B now holds data: a second restore is refused, unless forced.
    again = run(["restore", str(archive)], env_b, site_b)
    assert again.returncode == 1 and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    ok(run(["restore", "--force", str(archive)], env_b, site_b))
    assert python(DUMP, env_b, site_b) == before


def test_backup_and_restore_on_sqlite(tmp_path: Path) -> None:
    round_trip(tmp_path, None, None)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    proc = run(["restore", str(bogus)], environment(tmp_path), tmp_path)
    assert proc.returncode == 1 and "not a lakou backup" in proc.stderr


def test_with_flows_saves_and_restores_the_flow_store(tmp_path: Path) -> None:
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    env_a, env_b = environment(home_a), environment(home_b)
    ok(run(["db", "migrate"], env_a, tmp_path))
    part = home_a / "lakou" / "flows" / "minute" / "2026-12-01T00"
    part.mkdir(parents=True)
    (part / "part-1.parquet").write_bytes(b"PAR1 test PAR1")
    without = tmp_path / "without.tar.gz"
    ok(run(["backup", "--out", str(without)], env_a, tmp_path))
    with tarfile.open(without) as tar:
        assert not any(n.startswith("flows") for n in tar.getnames())
    archive = tmp_path / "with.tar.gz"
    ok(run(["backup", "--out", str(archive), "--with-flows"], env_a, tmp_path))
    with tarfile.open(archive) as tar:
        assert "flows/minute/2026-12-01T00/part-1.parquet" in tar.getnames()
    ok(run(["restore", str(archive)], env_b, tmp_path))
    restored = home_b / "lakou" / "flows" / "minute" / "2026-12-01T00" / "part-1.parquet"
    assert restored.read_bytes() == b"PAR1 test PAR1"
    assert stat.S_IMODE((home_b / "lakou" / "flows").stat().st_mode) == 0o700
