"""Turn a database URL into Django's DATABASES entry.

``sqlite:///absolute/path.sqlite3`` (embedded default), ``sqlite:///:memory:``,
``postgresql://user:password@host:port/name`` (``postgres://`` too); a socket
directory goes in ``?host=/var/run/postgresql``. Other query parameters become
connection options.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


class DatabaseURLError(ValueError):
    pass


def parse_database_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(url.split("://", 1)[1])
        if path.startswith("/") and path != "/:memory:":
            name = path
        elif path in ("/:memory:", ":memory:", ""):
            name = ":memory:"
        else:
            raise DatabaseURLError(f"{url}: SQLite needs an absolute path (sqlite:////abs/path)")
        # IMMEDIATE: a transaction takes the write lock when it starts, so a second writer
        # (two ``lakou ixf import`` at once) waits up to ``timeout`` seconds for the first
        # instead of failing at once with "database is locked" when upgrading a read lock.
        options = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": options}
    if scheme in ("postgresql", "postgres", "pgsql"):
        options = dict(parse_qsl(parts.query))
        host = options.pop("host", None) or unquote(parts.hostname or "")
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseURLError(f"{_redact(url)}: no database name in the URL")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": host,
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
        }
    raise DatabaseURLError(
        f"{_redact(url)}: unsupported database (use sqlite:/// or postgresql://)"
    )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
