"""Fixtures: the PeeringDB stand-in on loopback, a shared fake clock, a fresh cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lakou.peeringdb.cache import PeeringDBCache
from lakou.peeringdb.client import PeeringDBClient
from lakou.peeringdb.testing import FakeClock, PeeringDBData, PeeringDBStandIn


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pdb_data(shared_data: Path) -> PeeringDBData:
    """The real 2016 ix/ixlan/ixpfx objects plus 40 generated networks."""
    return PeeringDBData.from_public_data(shared_data, networks=40)


@pytest.fixture
def stand_in(pdb_data: PeeringDBData, clock: FakeClock) -> Iterator[PeeringDBStandIn]:
    with PeeringDBStandIn(pdb_data, clock=clock, api_keys={"s3cret-key"}) as api:
        yield api


@pytest.fixture
def make_client(
    stand_in: PeeringDBStandIn, clock: FakeClock
) -> Iterator[Callable[..., PeeringDBClient]]:
    made: list[PeeringDBClient] = []

    def make(**kwargs: Any) -> PeeringDBClient:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", clock.sleep)
        client = PeeringDBClient(kwargs.pop("url", stand_in.url), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[PeeringDBCache]:
    with PeeringDBCache(tmp_path / "peeringdb.sqlite3") as c:
        yield c


def _snapshot(cache: PeeringDBCache) -> dict[str, Any]:
    db = cache._db()
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {t}")) for t in tables}


@pytest.fixture
def snapshot() -> Callable[[PeeringDBCache], dict[str, Any]]:
    """Every row of every table: what "the cache did not change" is checked against."""
    return _snapshot
