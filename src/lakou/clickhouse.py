"""One ClickHouse connection for the stores that keep their series there (flows, ports).

A store names its database and tables; this class checks the database name, connects on
first use with bounded timeouts, creates the database and the store's tables once, and
turns every driver or network error into the store's own error with one line naming the
server (``ClickHouse host:port: what went wrong``), so a command or page never shows a
driver traceback. The ``clickhouse_driver`` import waits until a store is really used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lakou.i18n import gettext as _

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ClickHouseTables:
    """A connection to one database whose tables the subclass describes in :meth:`ddl`."""

    error: type[Exception] = RuntimeError  # the store's own error class

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 9000,
        database: str = "lakou",
        user: str = "default",
        password: str = "",
    ) -> None:
        if not IDENTIFIER.match(database):
            raise self.error(
                _("ClickHouse database name {name!r}: use letters, digits and _").format(
                    name=database
                )
            )
        self.host, self.port, self.database = host, port, database
        self.user, self.password = user, password
        self._client: Any = None
        self._ready = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.host}:{self.port}/{self.database})"

    def ddl(self) -> list[str]:
        """CREATE TABLE IF NOT EXISTS statements of the store's tables."""
        raise NotImplementedError

    @contextmanager
    def _errors(self) -> Iterator[None]:
        from clickhouse_driver import errors

        try:
            yield
        except (errors.Error, OSError, EOFError) as exc:
            if self._client is not None:
                self._client.disconnect()
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise self.error(
                _("ClickHouse {host}:{port}: {error}").format(
                    host=self.host, port=self.port, error=first
                )
            ) from None

    def _execute(self, sql: str, data: Any = None, **kwargs: Any) -> Any:
        if self._client is None:
            from clickhouse_driver import Client

            self._client = Client(
                self.host,
                port=self.port,
                user=self.user,
                password=self.password,
                connect_timeout=5,
                send_receive_timeout=300,
            )
        with self._errors():
            if not self._ready:
                self._client.execute(f"CREATE DATABASE IF NOT EXISTS {self.database}")
                for statement in self.ddl():
                    self._client.execute(statement)
                self._ready = True
            if data is None:
                return self._client.execute(sql, **kwargs)
            return self._client.execute(sql, data, **kwargs)
