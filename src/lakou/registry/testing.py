"""Test seams for the registry: a real, throw-away PostgreSQL server, and row counts.

``postgresql_server()`` starts Debian's PostgreSQL (``initdb`` + ``pg_ctl``) in a
temporary directory, listening on 127.0.0.1 on a free port with its Unix socket in that
directory, and stops and removes it on exit. Root may not run ``initdb``, so when the
tests run as root the server runs as the ``postgres`` user (``runuser -u postgres``)
and the directory is given to that user. Authentication is ``trust`` on loopback only:
the server lives for one test session and holds nothing but test data.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PG_VERSIONS = ("15", "16", "17", "14", "13")


class PostgreSQLUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed here."""


@dataclass(frozen=True)
class PostgreSQLServer:
    host: str
    port: int
    user: str
    socket_dir: Path
    database: str = "lakou"

    @property
    def url(self) -> str:
        """A ``LAKOU_DATABASE_URL`` for the server's ``lakou`` database."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


def find_bindir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl`` (Debian keeps them out of PATH)."""
    for version in PG_VERSIONS:
        candidate = Path(f"/usr/lib/postgresql/{version}/bin")
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgreSQLUnavailable("PostgreSQL server not found (Debian: apt-get install postgresql)")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> tuple[list[str], str]:
    """Run as ``postgres`` when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv], "postgres"
    import getpass

    return argv, getpass.getuser()


def _run(argv: list[str], what: str) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}): {proc.stderr or proc.stdout}")


@contextmanager
def postgresql_server(
    host: str = "127.0.0.1", database: str = "lakou", start_timeout: float = 60.0
) -> Iterator[PostgreSQLServer]:
    """Start a private PostgreSQL server; yield where it listens; always stop it."""
    bindir = find_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="lakou-pg-"))
    datadir = tmp / "data"
    log = tmp / "server.log"
    tmp.chmod(0o700)
    if os.geteuid() == 0:
        shutil.chown(tmp, user="postgres", group="postgres")
    _initdb, user = _as_server_user(
        [
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "-U",
            "postgres" if os.geteuid() == 0 else _current_user(),
        ]
    )  # the superuser is the OS user that runs the server, so "trust" lets us in
    port = free_port(host)
    server = PostgreSQLServer(host=host, port=port, user=user, socket_dir=tmp, database=database)
    started = False
    try:
        _run(_initdb, "initdb")
        options = (
            f"-c listen_addresses={host} -c port={port} "
            f"-c unix_socket_directories={tmp} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        start, _ = _as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                str(int(start_timeout)),
                "start",
            ]
        )
        _run(start, "pg_ctl start")
        started = True
        _wait_ready(host, port, start_timeout)
        createdb, _ = _as_server_user(
            [
                str(bindir / "createdb"),
                "-h",
                str(tmp),
                "-p",
                str(port),
                "-U",
                user,
                database,
            ]
        )
        _run(createdb, "createdb")
        yield server
    finally:
        if started:
            stop, _ = _as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(datadir),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            )
            subprocess.run(stop, capture_output=True, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def _current_user() -> str:
    import getpass

    return getpass.getuser()


def _wait_ready(host: str, port: int, timeout: float) -> None:
    """pg_ctl -w already waits; this also checks the TCP listener answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not listen on {host}:{port}") from None
            time.sleep(0.1)


def registry_models() -> list[type[Any]]:
    """Every model of the registry app (new models are covered without editing tests)."""
    from django.apps import apps

    return list(apps.get_app_config("registry").get_models())


def row_counts() -> dict[str, int]:
    """Rows per registry model: equal before and after a refused import."""
    return {model.__name__: model.objects.count() for model in registry_models()}


def table_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every registry row as a dict: byte-for-byte unchanged after a refused import."""
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in registry_models()
    }
