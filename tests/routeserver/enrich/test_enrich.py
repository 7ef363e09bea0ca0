"""enrich(): parallel fetch, cache use, stale fallback, PeeringDB, RPKI fallback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lakou.routeserver.enrich import (
    EnrichError,
    IrrRequest,
    Roa,
    RpkiFileError,
    enrich,
    merge_requests,
)
from lakou.routeserver.enrich.cache import IrrCache
from lakou.routeserver.enrich.testing import DictIrrSource, DictPeeringDB, write_roas_json

AS_SETS = {"AS-ONE": ["AS1001", "AS-TWO"], "AS-TWO": ["AS1002"], "AS-LOOP": ["AS-LOOP", "AS7"]}
ROUTES = {
    1000: ["192.0.2.0/24", "2001:db8::/32"],
    1001: ["198.51.100.0/24"],
    1002: ["203.0.113.0/24", "2001:db8:1::/48"],
    7: ["7.0.0.0/8"],
}


def _irr(**kwargs: object) -> DictIrrSource:
    return DictIrrSource(AS_SETS, ROUTES, **kwargs)  # type: ignore[arg-type]


def test_enrich_expands_every_client() -> None:
    requests = [IrrRequest(1000, ("AS-ONE",)), IrrRequest(7, ("AS-LOOP",)), IrrRequest(9, ())]
    seen: list[tuple[int, int, int]] = []
    result = enrich(requests, irr=_irr(), workers=3, progress=lambda *a: seen.append(a))
    one = result.irr[1000]
    assert one.origins == {1000, 1001, 1002}
    assert one.prefixes_v4 == ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    assert one.prefixes_v6 == ("2001:db8::/32", "2001:db8:1::/48")
    assert result.irr[9].prefixes_v4 == () and result.irr[9].origins == {9}
    assert any("loop" in p for p in result.problems[7])  # flagged, data still usable
    assert result.irr[7].prefixes_v4 == ("7.0.0.0/8",)
    assert sorted(s[2] for s in seen) == [7, 9, 1000] and seen[-1][:2] == (3, 3)
    assert result.roas is None and result.peeringdb == {}


def test_requests_for_one_asn_are_merged() -> None:
    merged = merge_requests(
        [IrrRequest(1000, ("AS-ONE",)), IrrRequest(1000, ("as-one", "AS-TWO")), IrrRequest(7)]
    )
    assert merged == [IrrRequest(1000, ("AS-ONE", "AS-TWO")), IrrRequest(7, ())]


def test_no_irr_source_means_no_irr_data() -> None:
    assert enrich([IrrRequest(1000, ("AS-ONE",))], irr=None).irr == {}


def test_fresh_cache_is_used_without_asking(tmp_path: Path) -> None:
    irr = _irr()
    request = IrrRequest(1000, ("AS-ONE",))
    first = enrich([request], irr=irr, cache_dir=tmp_path)
    second = enrich([request], irr=irr, cache_dir=tmp_path)
    assert irr.calls == {1000: 1}
    assert second.irr == first.irr
    enrich([request], irr=irr, cache_dir=tmp_path, refresh=True)
    enrich([request], irr=irr, cache_dir=tmp_path, max_age=timedelta(0))
    assert irr.calls == {1000: 3}


def test_irr_down_keeps_the_last_good_data_and_flags_the_client(tmp_path: Path) -> None:
    request = IrrRequest(1000, ("AS-ONE",))
    good = enrich([request], irr=_irr(), cache_dir=tmp_path).irr[1000]
    down = enrich([request], irr=_irr(down=True), cache_dir=tmp_path, refresh=True)
    data = down.irr[1000]
    assert data.stale
    assert (data.origins, data.prefixes_v4) == (good.origins, good.prefixes_v4)
    assert data.fetched_at == good.fetched_at
    assert "simulated" in data.problems[0] and "last good data" in data.problems[1]
    assert down.problems[1000] == data.problems


def test_irr_down_without_cache_rejects_rather_than_accepts(tmp_path: Path) -> None:
    result = enrich([IrrRequest(1000, ("AS-ONE",))], irr=_irr(down=True), cache_dir=tmp_path)
    data = result.irr[1000]
    # No data at all: not "stale" (there is no last good data), and `rs build` refuses it.
    assert data.unavailable and not data.stale
    assert data.prefixes_v4 == () and data.prefixes_v6 == ()
    assert data.origins == {1000}
    assert any("fails the IRR check" in p for p in result.problems[1000])


def test_only_the_failing_client_is_unavailable(tmp_path: Path) -> None:
    requests = [IrrRequest(1000, ("AS-ONE",)), IrrRequest(7, ())]
    result = enrich(requests, irr=_irr(failing=[7]), cache_dir=tmp_path)
    assert not result.irr[1000].unavailable and result.irr[7].unavailable
    assert set(result.problems) == {7}


def test_corrupt_cache_entry_is_reported_not_used(tmp_path: Path) -> None:
    request = IrrRequest(1000, ("AS-ONE",))
    irr = _irr()
    enrich([request], irr=irr, cache_dir=tmp_path)
    path = IrrCache(tmp_path).path_for(irr.description, request)
    path.write_bytes(path.read_bytes()[:-10])  # truncated by a full disk, say
    result = enrich([request], irr=_irr(down=True), cache_dir=tmp_path, refresh=True)
    assert result.irr[1000].prefixes_v4 == ()
    assert any("truncated" in p for p in result.problems[1000])
    # a working IRR replaces the broken entry
    fixed = enrich([request], irr=irr, cache_dir=tmp_path)
    assert fixed.irr[1000].prefixes_v4 and 1000 not in fixed.problems


def test_expired_cache_is_refreshed(tmp_path: Path) -> None:
    irr = _irr()
    request = IrrRequest(1000, ("AS-ONE",))
    data = enrich([request], irr=irr, cache_dir=tmp_path).irr[1000]
    from dataclasses import replace

    old = replace(data, fetched_at=datetime.now(UTC) - timedelta(days=2))
    IrrCache(tmp_path).save(irr.description, request, old)
    enrich([request], irr=irr, cache_dir=tmp_path)
    assert irr.calls[1000] == 2


def test_peeringdb_records_and_never_via_route_servers() -> None:
    pdb = DictPeeringDB(
        {
            1000: {
                "asn": 1000,
                "name": "One",
                "irr_as_set": "AS-ONE ",
                "info_prefixes4": 10,
                "info_prefixes6": None,
                "info_never_via_route_servers": False,
            },
            7: {
                "asn": 7,
                "name": "Seven",
                "info_prefixes4": "lots",
                "info_never_via_route_servers": True,
            },
        },
        never=[3356],
    )
    result = enrich([IrrRequest(1000), IrrRequest(7), IrrRequest(9)], irr=None, peeringdb=pdb)
    assert result.peeringdb[1000].irr_as_set == "AS-ONE"
    assert result.peeringdb[1000].info_prefixes4 == 10
    assert result.peeringdb[1000].info_prefixes6 is None
    assert result.peeringdb[7].never_via_route_servers
    assert result.peeringdb[7].info_prefixes4 is None
    assert any("info_prefixes4" in p for p in result.problems[7])
    assert 9 not in result.peeringdb
    assert result.never_via_route_servers == {3356, 7}


def test_broken_peeringdb_cache_is_an_error() -> None:
    class Broken(DictPeeringDB):
        def never_via_route_servers_asns(self) -> set[int]:
            raise OSError("disk I/O error")

    with pytest.raises(EnrichError, match="PeeringDB cache unusable: disk I/O error"):
        enrich([IrrRequest(1)], irr=None, peeringdb=Broken())


def test_real_peeringdb_cache(tmp_path: Path) -> None:
    """The SQLite cache written by lakou.peeringdb, read through its public methods."""
    cache_module = pytest.importorskip("lakou.peeringdb.cache")
    now = "2026-01-01T00:00:00Z"
    records = [
        {
            "id": i,
            "asn": asn,
            "name": f"Net {asn}",
            "irr_as_set": f"AS-N{asn}",
            "info_prefixes4": 100 * i,
            "info_prefixes6": 10 * i,
            "info_never_via_route_servers": asn == 3356,
            "status": "ok",
            "created": now,
            "updated": now,
            "org_id": 1,
        }
        for i, asn in enumerate([1000, 3356, 7], start=1)
    ]
    with cache_module.PeeringDBCache(tmp_path / "pdb.sqlite3") as cache:
        cache.store("net", records, replace=True, mode="full")
        result = enrich([IrrRequest(1000), IrrRequest(9)], irr=None, peeringdb=cache)
    assert result.peeringdb[1000].name == "Net 1000"
    assert result.peeringdb[1000].irr_as_set == "AS-N1000"
    assert result.peeringdb[1000].info_prefixes4 == 100
    assert result.never_via_route_servers == {3356}
    assert 9 not in result.peeringdb


def test_rpki_json_and_fallback_to_last_good_roas(tmp_path: Path) -> None:
    roas = [Roa(1000, "192.0.2.0/24", 24, "ripe"), Roa(1002, "2001:db8::/32", 48, "arin")]
    path = write_roas_json(tmp_path / "vrps.json", roas)
    result = enrich([], irr=None, rpki_json=path, cache_dir=tmp_path / "cache")
    assert result.roas == tuple(roas) and result.rpki_problems == ()
    path.write_text(path.read_text()[:50])  # rpki-client interrupted mid-write
    fallback = enrich([], irr=None, rpki_json=path, cache_dir=tmp_path / "cache")
    assert fallback.roas == tuple(roas)
    assert "vrps.json: line" in fallback.rpki_problems[0]
    assert "last good ROAs (2)" in fallback.rpki_problems[1]
    with pytest.raises(RpkiFileError, match="truncated JSON"):
        enrich([], irr=None, rpki_json=path, cache_dir=tmp_path / "empty-cache")
    json.loads(json.dumps({"ok": True}))


def test_as_sets_from_peeringdb_for_clients_without_any() -> None:
    from lakou.routeserver.enrich.peeringdb import parse_peeringdb_as_sets

    assert parse_peeringdb_as_sets("RIPE::AS-ONE, AS-TWO as-one@arin  see website") == (
        ["RIPE::AS-ONE", "AS-TWO", "ARIN::AS-ONE"],
        ["see", "website"],
    )
    pdb = DictPeeringDB(
        {
            1000: {"asn": 1000, "irr_as_set": "AS-ONE; n/a"},
            7: {"asn": 7, "irr_as_set": "AS-TWO"},
        }
    )
    requests = [IrrRequest(1000), IrrRequest(7, ("AS-LOOP",))]
    used = enrich(requests, irr=_irr(), peeringdb=pdb, as_sets_from_peeringdb=True)
    assert used.irr[1000].as_sets == ("AS-ONE",)
    assert used.irr[1000].origins == {1000, 1001, 1002}
    assert any("ignored n/a" in p for p in used.problems[1000])
    assert used.irr[7].as_sets == ("AS-LOOP",)  # configured AS-SETs win
    unused = enrich(requests, irr=_irr(), peeringdb=pdb)
    assert unused.irr[1000].origins == {1000}
