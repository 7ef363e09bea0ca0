"""One file to rebuild the exchange from: ``lakou backup`` and ``lakou restore``.

The archive (a gzip'd tar, created 0600: it holds the keys) contains, each under its
own folder:

=========================  ==========================================================
``manifest.json``          format, lakou version, date, database kind, what is inside
``database/``              the registry: SQLite's online backup (a consistent copy
                           while the portal runs) or ``pg_dump --format=custom``
``config/lakou.yml``       the configuration file in use, if any
``secrets/``               the BGP-password encryption key and the portal's generated
                           secret key (without the first, the passwords are lost)
``routeserver/``           route-server state in ``core.data_dir/routeserver`` (deployed
                           configs and their history; not the IRR/RPKI cache, which
                           is rebuilt), plus configured history folders elsewhere
``flows/``                 the DuckDB flow store, with ``--with-flows`` only
=========================  ==========================================================

``restore`` puts each part back where the *current* configuration says it lives, on a
fresh install: it refuses a database that already holds registry rows or accounts
unless ``force``. The configuration file is not overwritten: it is written beside the
data for the operator to compare with the new machine's (paths and addresses differ).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.config import LakouConfig, find_config_file
from lakou.i18n import _
from lakou.private import private_dir, private_file

FORMAT = "lakou-backup/1"
SQLITE_MEMBER = "database/registry.sqlite3"
PGDUMP_MEMBER = "database/registry.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message names the file and the cause."""


@dataclass
class BackupReport:
    path: Path
    database: str
    parts: list[str] = field(default_factory=list)
    size: int = 0


@dataclass
class RestoreReport:
    database: str
    restored: list[str] = field(default_factory=list)
    config_copy: Path | None = None


# --------------------------------------------------------------------------- where


def _database() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _kind(db: dict[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(
        _("%(engine)s: lakou backs up SQLite and PostgreSQL databases only") % {"engine": engine}
    )


def _state_dirs(config: LakouConfig) -> dict[str, Path]:
    """Archive folder -> the directory it comes from / goes back to."""
    rs = config.routeserver
    dirs = {"routeserver": config.core.data_dir / "routeserver"}
    if rs.history_dir is not None:
        dirs["routeserver-history"] = Path(rs.history_dir)
    for server in rs.deploy_servers:
        if server.history_dir is not None:
            dirs[f"routeserver-servers/{server.name}"] = Path(server.history_dir)
    return dirs


def _flow_store(config: LakouConfig) -> Path:
    from lakou.flows import store_location

    directory = store_location(config.flows, config.core.data_dir, backend="duckdb").directory
    assert directory is not None  # a DuckDB store always has its directory
    return directory


def _secret_files(config: LakouConfig) -> dict[str, Path]:
    from lakou.registry.secretbox import configured_key_path

    files = {"secrets/encryption.key": configured_key_path()}
    if not config.portal.secret_key:
        files["secrets/secret_key"] = config.core.data_dir / "secret_key"
    return files


# --------------------------------------------------------------------------- backup


def backup(config: LakouConfig, out: Path, with_flows: bool = False) -> BackupReport:
    """Write the archive to ``out`` (mode 0600, replaced atomically); Django set up."""
    db = _database()
    kind = _kind(db)
    report = BackupReport(out, kind)
    out = Path(out)
    if out.exists() and out.is_dir():
        raise BackupError(_("%(file)s: is a directory") % {"file": out})
    with tempfile.TemporaryDirectory(prefix="lakou-backup-") as scratch_name:
        scratch = Path(scratch_name)
        dump = scratch / "registry"
        if kind == "sqlite":
            _sqlite_backup(Path(db["NAME"]), dump)
            members = [(SQLITE_MEMBER, dump)]
        else:
            _pg_dump(db, dump)
            members = [(PGDUMP_MEMBER, dump)]
        report.parts.append(_("registry database (%(kind)s)") % {"kind": kind})
        config_file = find_config_file(None, os.environ)
        if config_file is not None:
            members.append(("config/lakou.yml", config_file))
            report.parts.append(_("configuration %(file)s") % {"file": config_file})
        for name, path in _secret_files(config).items():
            if path.is_file():
                members.append((name, path))
                report.parts.append(_("secret %(file)s") % {"file": path})
        trees = dict(_state_dirs(config))
        if with_flows:
            if config.flows.store != "duckdb":
                raise BackupError(
                    _(
                        "--with-flows: the flow store is %(kind)s; back ClickHouse up with "
                        "its own tools (lakou saves the DuckDB store only)"
                    )
                    % {"kind": config.flows.store}
                )
            trees["flows"] = _flow_store(config)
        manifest = {
            "format": FORMAT,
            "lakou": _version(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "database": kind,
            "with_flows": with_flows,
            "trees": sorted(name for name, path in trees.items() if path.is_dir()),
        }
        _write_archive(out, manifest, members, trees, report)
    report.size = out.stat().st_size
    return report


def _version() -> str:
    from lakou import __version__

    return str(__version__)


def _sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the portal writes."""
    if not source.is_file():
        raise BackupError(
            _("%(file)s: no SQLite database here (run lakou db migrate first)") % {"file": source}
        )
    try:
        with (
            sqlite3.connect(source) as src,
            sqlite3.connect(target) as dst,
        ):
            src.backup(dst)
        src.close()
        dst.close()
    except sqlite3.Error as exc:
        raise BackupError(
            _("%(file)s: SQLite backup failed: %(error)s") % {"file": source, "error": exc}
        ) from None


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq connection options, the password in the environment (never in ``ps``)."""
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def _pg_tool(name: str, args: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            _("%(tool)s not found: install PostgreSQL's client (apt-get install postgresql-client)")
            % {"tool": name}
        )
    proc = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise BackupError(
            _("%(tool)s failed (%(code)s): %(detail)s")
            % {"tool": name, "code": proc.returncode, "detail": detail[-1] if detail else ""}
        )


def _pg_dump(db: dict[str, Any], target: Path) -> None:
    args, env = _pg_env(db)
    _pg_tool("pg_dump", ["--format=custom", "--no-owner", "--file", str(target), *args], env)


def _write_archive(
    out: Path,
    manifest: dict[str, Any],
    members: list[tuple[str, Path]],
    trees: dict[str, Path],
    report: BackupReport,
) -> None:
    if not out.parent.exists():
        private_dir(out.parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)  # 0600
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(str(path), arcname=name, recursive=False)
            for name, directory in sorted(trees.items()):
                if not directory.is_dir():
                    continue
                tar.add(str(directory), arcname=name, filter=_skip_cache(name))
                report.parts.append(f"{name}/ ({directory})")
        os.chmod(temp, 0o600)
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _skip_cache(tree: str) -> Any:
    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        # The IRR/RPKI cache is rebuilt from the Internet: not worth its size.
        if tree == "routeserver" and info.name.startswith("routeserver/cache"):
            return None
        return info

    return keep


# --------------------------------------------------------------------------- restore


def registry_in_use() -> bool:
    """Whether the database holds registry rows or accounts (a restore would lose them)."""
    from django.apps import apps
    from django.db import connection

    tables = set(connection.introspection.table_names())
    for app in ("registry", "auth"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.db_table in tables and model._default_manager.exists():
                return True
    return False


@contextmanager
def _open_archive(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    try:
        tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            _("%(file)s: not a lakou backup (%(error)s)") % {"file": path, "error": exc}
        ) from None
    with tar:
        try:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read()) if member else None
        except (KeyError, ValueError, tarfile.TarError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(
                _("%(file)s: not a lakou backup (no %(format)s manifest)")
                % {"file": path, "format": FORMAT}
            )
        yield tar, manifest


def restore(config: LakouConfig, archive: Path, force: bool = False) -> RestoreReport:
    """Put a backup back onto this install; Django set up (migrated or not)."""
    archive = Path(archive)
    db = _database()
    kind = _kind(db)
    with _open_archive(archive) as (tar, manifest):
        if manifest["database"] != kind:
            raise BackupError(
                _(
                    "%(file)s: holds a %(saved)s database; this install uses %(kind)s "
                    "(point core.database_url at a %(saved)s database)"
                )
                % {"file": archive, "saved": manifest["database"], "kind": kind}
            )
        if not force and registry_in_use():
            raise BackupError(
                _(
                    "the database already holds registry data or accounts: restore onto a "
                    "fresh install, or add --force to replace them"
                )
            )
        report = RestoreReport(kind)
        with tempfile.TemporaryDirectory(prefix="lakou-restore-") as scratch_name:
            scratch = Path(scratch_name)
            tar.extractall(scratch, filter="data")
            _restore_database(db, kind, scratch)
            report.restored.append(_("registry database (%(kind)s)") % {"kind": kind})
            for name, target in _secret_files(config).items():
                saved = scratch / name
                if saved.is_file():
                    private_file(target)
                    target.write_bytes(saved.read_bytes())
                    report.restored.append(str(target))
            from lakou.registry import secretbox

            secretbox._cache.clear()  # the key may have just changed
            for name, target in _state_dirs(config).items():
                if (scratch / name).is_dir():
                    _merge_tree(scratch / name, target)
                    report.restored.append(f"{target}/")
            if manifest.get("with_flows") and (scratch / "flows").is_dir():
                _merge_tree(scratch / "flows", _flow_store(config))
                report.restored.append(f"{_flow_store(config)}/")
            saved_config = scratch / "config" / "lakou.yml"
            if saved_config.is_file():
                copy = config.core.data_dir / "restored" / "lakou.yml"
                private_file(copy)
                copy.write_bytes(saved_config.read_bytes())
                report.config_copy = copy
    return report


def _restore_database(db: dict[str, Any], kind: str, scratch: Path) -> None:
    from django.db import connections

    connections.close_all()  # nothing of ours holds the database while it is replaced
    if kind == "sqlite":
        target = Path(db["NAME"])
        private_file(target)
        try:
            with (
                sqlite3.connect(scratch / SQLITE_MEMBER) as src,
                sqlite3.connect(target) as dst,
            ):
                src.backup(dst)
            src.close()
            dst.close()
        except sqlite3.Error as exc:
            raise BackupError(
                _("%(file)s: SQLite restore failed: %(error)s") % {"file": target, "error": exc}
            ) from None
        return
    args, env = _pg_env(db)
    _pg_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            *args,
            str(scratch / PGDUMP_MEMBER),
        ],
        env,
    )


def _merge_tree(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` (created private), replacing files of the same name."""
    created = not target.exists()
    private_dir(target)
    shutil.copytree(source, target, dirs_exist_ok=True)
    if created:
        target.chmod(0o700)  # copytree copied the saved folder's mode over ours
