"""The registry's daemon fixture: a private PostgreSQL server, one per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lakou.registry.testing import PostgreSQLServer, PostgreSQLUnavailable, postgresql_server


@pytest.fixture(scope="module")
def server() -> Iterator[PostgreSQLServer]:
    try:
        with postgresql_server() as running:
            yield running
    except PostgreSQLUnavailable as exc:
        pytest.skip(str(exc))
