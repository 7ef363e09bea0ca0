"""Fixtures of the flow tests: a real ClickHouse server (Debian's), started once per run."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lakou.flows.testing import ClickHouseServer, clickhouse_binary, run_clickhouse


@pytest.fixture(scope="session")
def clickhouse() -> Iterator[ClickHouseServer]:
    """Debian's clickhouse-server on free loopback ports in a temporary directory."""
    if clickhouse_binary() is None:
        pytest.skip("clickhouse-server is not installed (Debian package clickhouse-server)")
    with (
        tempfile.TemporaryDirectory(prefix="lakou-clickhouse-") as tmp,
        run_clickhouse(Path(tmp)) as server,
    ):
        yield server
