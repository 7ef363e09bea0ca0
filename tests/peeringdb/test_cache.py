"""The cache: initial and incremental syncs, deletions, atomicity, query helpers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lakou.peeringdb.cache import PeeringDBCache, PeeringDBCacheError
from lakou.peeringdb.client import PeeringDBClient, PeeringDBResponseError
from lakou.peeringdb.schema import OBJECTS, parse_timestamp
from lakou.peeringdb.testing import FakeClock, Fault, PeeringDBData, PeeringDBStandIn

Snapshot = Callable[[PeeringDBCache], dict[str, Any]]


def _live(data: PeeringDBData, obj: str) -> set[int]:
    return {i for i, o in data.objects[obj].items() if o["status"] == "ok"}


def _ids(cache: PeeringDBCache, obj: str) -> set[int]:
    return {row[0] for row in cache._db().execute(f"SELECT id FROM {obj}")}


def test_initial_sync_is_full_paged_depth_0_and_complete(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    stand_in: PeeringDBStandIn,
    pdb_data: PeeringDBData,
) -> None:
    report = cache.sync(make_client(), page_size=200)
    assert [t.mode for t in report.types] == ["full"] * 5
    for obj in OBJECTS:
        assert _ids(cache, obj) == _live(pdb_data, obj), obj
        state = cache.sync_state(obj)
        assert state is not None and state.mode == "full"
        newest = max(parse_timestamp(o["updated"]) for o in pdb_data.objects[obj].values())
        assert state.cursor == newest
        assert state.objects == len(_live(pdb_data, obj))
    assert all(r.params["depth"] == "0" and "since" not in r.params for r in stand_in.requests)
    # 557 ix in pages of 200: 3 requests; 559 ixlan: 3; 793 ixpfx: 4; 40 net; 67 netixlan
    assert [t.requests for t in report.types] == [3, 3, 4, 1, 1]
    assert report.requests == len(stand_in.requests) == 12
    assert stand_in.max_requests_per_window() <= 20


def test_a_full_sync_within_the_anonymous_rate_limit(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    stand_in: PeeringDBStandIn,
    clock: FakeClock,
) -> None:
    """Small pages: 43 requests, which must spread over three minutes, never 429."""
    report = cache.sync(make_client(queries_per_minute=20), page_size=50)
    assert report.requests == len(stand_in.requests) == 12 + 12 + 16 + 1 + 2
    assert stand_in.max_requests_per_window(60.0) <= 20
    assert report.throttled == 0
    assert all(r.status == 200 for r in stand_in.requests)
    assert report.waited_seconds >= 120


def test_incremental_sync_gets_changes_and_deletions(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    stand_in: PeeringDBStandIn,
    pdb_data: PeeringDBData,
    clock: FakeClock,
) -> None:
    client = make_client()
    cache.sync(client)
    cursors = {obj: cache.sync_state(obj).cursor for obj in OBJECTS}  # type: ignore[union-attr]
    clock.advance(3600)
    now = clock()
    pdb_data.update("net", 10001, {"name": "Renamed", "info_prefixes4": 321}, now)
    pdb_data.delete("net", 10002, now)
    port = next(p for p in pdb_data.objects["netixlan"].values() if p["net_id"] == 10000)
    pdb_data.delete("netixlan", port["id"], now)
    added = pdb_data.add(
        "ixpfx", {"ixlan_id": 260, "protocol": "IPv4", "prefix": "198.51.100.0/24"}, now
    )
    pdb_data.update("ix", 260, {"name": "OCIX-new"}, now)
    first = len(stand_in.requests)

    report = cache.sync(client)

    requests = stand_in.requests[first:]
    assert [r.obj for r in requests] == list(OBJECTS)
    for request in requests:
        assert request.params["since"] == str(cursors[request.obj])
        assert request.params["depth"] == "0"
    by_type = {t.obj: t for t in report.types}
    assert all(t.mode == "incremental" for t in report.types)
    assert by_type["net"].deleted == 1 and by_type["netixlan"].deleted == 1
    assert cache.net_by_asn(pdb_data.objects["net"][10001]["asn"])["name"] == "Renamed"
    assert cache.net_by_asn(pdb_data.objects["net"][10002]["asn"]) is None
    assert port["id"] not in {p["id"] for p in cache.netixlans_of(port["ixlan_id"])}
    assert added["id"] in {p["id"] for p in cache.ixpfx_of(260)}
    assert cache.ix(260)["name"] == "OCIX-new"
    for obj in OBJECTS:
        assert _ids(cache, obj) == _live(pdb_data, obj), obj
    assert cache.sync_state("net").cursor == int(now)  # type: ignore[union-attr]
    assert cache.sync_state("net").mode == "incremental"  # type: ignore[union-attr]

    # Nothing changed since: one small request per type, nothing deleted or lost.
    again = cache.sync(client)
    assert again.requests == 5
    assert sum(t.deleted for t in again.types) == 0
    for obj in OBJECTS:
        assert _ids(cache, obj) == _live(pdb_data, obj), obj


def test_incremental_sync_pages_through_many_changes(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    stand_in: PeeringDBStandIn,
    pdb_data: PeeringDBData,
    clock: FakeClock,
) -> None:
    client = make_client()
    cache.sync(client, page_size=100)
    clock.advance(60)
    for i, ix_id in enumerate(sorted(pdb_data.objects["ix"])[:250]):
        pdb_data.update("ix", ix_id, {"city": f"City {i}"}, clock() + i)
    first = len(stand_in.requests)
    report = cache.sync(client, objects=("ix",), page_size=100)
    # since is inclusive: the object whose ``updated`` equals the cursor comes again
    assert report.types[0].fetched == 250 + 1 and report.requests == 3
    assert [r.params["skip"] for r in stand_in.requests[first:]] == ["0", "100", "200"]
    assert cache.ix(sorted(pdb_data.objects["ix"])[249])["city"] == "City 249"


def test_full_resync_drops_what_vanished(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    pdb_data: PeeringDBData,
) -> None:
    client = make_client()
    cache.sync(client)
    del pdb_data.objects["net"][10005]  # hard-deleted upstream: no "deleted" object comes
    report = cache.sync(client, full=True, objects=("net",))
    assert report.types[0].mode == "full"
    assert report.types[0].deleted == 1
    assert 10005 not in _ids(cache, "net")


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b'{"data": [{"id": 1}]}',
        json.dumps(
            {
                "data": [
                    {
                        "id": 99,
                        "status": "ok",
                        "updated": "2020-01-01T00:00:00Z",
                        "asn": 10**20,
                        "name": "x",
                    }
                ]
            }
        ).encode(),
    ],
)
def test_hostile_answer_leaves_the_cache_unchanged(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    stand_in: PeeringDBStandIn,
    pdb_data: PeeringDBData,
    clock: FakeClock,
    snapshot: Snapshot,
    body: bytes,
) -> None:
    client = make_client(queries_per_minute=1000)
    cache.sync(client, page_size=100)
    before = snapshot(cache)
    clock.advance(60)
    pdb_data.update("net", 10003, {"name": "Should not land"}, clock())
    pdb_data.delete("net", 10004, clock())
    for _ in range(60):  # more changes than one page, so the bad page comes second
        pdb_data.add("net", {"asn": 65000, "name": "Filler"}, clock())
    stand_in.inject(Fault(200, b'{"meta": {}, "data": []}', obj="ix"))  # ix: fine, empty
    # net: the first page is good, the second page is hostile
    good_page = stand_in.data.select("net", {"since": "1"})
    stand_in.inject(Fault(200, json.dumps({"data": good_page[:100]}).encode(), obj="net"))
    stand_in.inject(Fault(200, body, obj="net"))
    with pytest.raises(PeeringDBResponseError, match=r"GET .*/api/net\?.*skip=100"):
        cache.sync(client, objects=("ix", "net"), page_size=100)
    after = snapshot(cache)
    # ix was synced before the failure (its state row moved on); net did not move at all
    assert after["net"] == before["net"]
    net_state = [row for row in after["sync_state"] if row[0] == "net"]
    assert net_state == [row for row in before["sync_state"] if row[0] == "net"]
    assert after["ixlan"] == before["ixlan"] and after["netixlan"] == before["netixlan"]
    # and the next sync, with a healthy server, brings everything
    report = cache.sync(client, objects=("net",), page_size=100)
    assert report.types[0].mode == "incremental"
    assert _ids(cache, "net") == _live(pdb_data, "net")


def test_a_failing_write_rolls_back(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    pdb_data: PeeringDBData,
    clock: FakeClock,
    snapshot: Snapshot,
) -> None:
    client = make_client()
    cache.sync(client)
    before = snapshot(cache)
    clock.advance(60)
    pdb_data.update("net", 10001, {"name": "One"}, clock())
    pdb_data.update("net", 10039, {"name": "Two"}, clock())
    pdb_data.delete("net", 10002, clock())
    # A real SQLite failure half-way through the write (a disk error would do the same).
    cache._db().execute(
        "CREATE TRIGGER fail_two BEFORE INSERT ON net WHEN NEW.name = 'Two' "
        "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
    )
    with pytest.raises(PeeringDBCacheError, match="nothing changed: simulated disk failure"):
        cache.sync(client, objects=("net",))
    cache._db().execute("DROP TRIGGER fail_two")
    assert snapshot(cache) == before


def test_query_helpers(
    cache: PeeringDBCache,
    make_client: Callable[..., PeeringDBClient],
    pdb_data: PeeringDBData,
) -> None:
    cache.sync(make_client())
    net = pdb_data.objects["net"][10000]
    assert cache.net_by_asn(net["asn"]) == net
    assert cache.net_by_asn(1) is None
    flagged = {
        o["asn"] for o in pdb_data.objects["net"].values() if o["info_never_via_route_servers"]
    }
    assert flagged and cache.never_via_route_servers_asns() == flagged
    assert cache.ix(260)["name"] == "OCIX"
    assert [lan["id"] for lan in cache.ixlans_of(260)] == [260]
    assert {p["prefix"] for p in cache.ixpfx_of(260)} == {"200.0.22.0/23", "2001:13c7:6002::/48"}
    ports = cache.netixlans_of(260)
    assert ports and all(p["ixlan_id"] == 260 for p in ports)
    assert [p["asn"] for p in ports] == sorted(p["asn"] for p in ports)
    assert [ix["id"] for ix in cache.search_ix("martin")] == [1127]
    assert [ix["id"] for ix in cache.search_ix("Sint Maarten")] == []  # OCIX is "OCIX"
    # LIKE wildcards in the query are plain characters
    for text in ("%", "_"):
        literal = {
            i
            for i, o in pdb_data.objects["ix"].items()
            if text in o["name"] or text in o.get("name_long", "")
        }
        assert {ix["id"] for ix in cache.search_ix(text)} == literal
        assert len(literal) < 10
    assert cache.count("ix") == 557
    with pytest.raises(ValueError):
        cache.count("fac")


def test_constructor_does_no_io_and_empty_cache_answers(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "peeringdb.sqlite3"
    cache = PeeringDBCache(path)
    assert not path.exists()
    with cache:
        assert cache.is_empty()
        assert cache.net_by_asn(64496) is None
        assert cache.never_via_route_servers_asns() == set()
    assert path.exists()


def test_unusable_cache_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "peeringdb.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(PeeringDBCacheError, match="cannot open the PeeringDB cache"):
        PeeringDBCache(path).net_by_asn(1)
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(PeeringDBCacheError, match="schema version 99"):
        PeeringDBCache(newer).is_empty()
