"""The stand-in itself answers like PeeringDB (so client tests mean something)."""

from __future__ import annotations

import json

import httpx
import pytest

from lakou.peeringdb.schema import OBJECTS, check_object
from lakou.peeringdb.testing import FakeClock, PeeringDBData, PeeringDBStandIn


def _get(api: PeeringDBStandIn, path: str, **params: str) -> httpx.Response:
    return httpx.get(api.url + path, params=params)


def test_envelope_and_single_objects(stand_in: PeeringDBStandIn) -> None:
    response = _get(stand_in, "/ix/260")
    assert response.status_code == 200
    doc = response.json()
    assert doc["meta"] == {} and doc["data"][0]["name"] == "OCIX"
    assert _get(stand_in, "/ix/999999").status_code == 404
    assert _get(stand_in, "/fac").status_code == 404
    assert _get(stand_in, "/ix", depth="2").status_code == 400
    assert _get(stand_in, "/ix", bogus="1").json() == {"meta": {"error": "Unknown field 'bogus'"}}


def test_generated_objects_have_peeringdb_shape(pdb_data: PeeringDBData) -> None:
    for obj in OBJECTS:
        for i, item in enumerate(pdb_data.objects[obj].values()):
            check_object(obj, item, f"{obj}[{i}]")
    ports = list(pdb_data.objects["netixlan"].values())
    addresses = [p["ipaddr4"] for p in ports if p["ipaddr4"]]
    assert len(addresses) == len(set(addresses))
    nets = {n["id"] for n in pdb_data.objects["net"].values()}
    assert all(p["net_id"] in nets for p in ports)


def test_filters(stand_in: PeeringDBStandIn, pdb_data: PeeringDBData) -> None:
    asn = pdb_data.objects["net"][10000]["asn"]
    assert [n["id"] for n in _get(stand_in, "/net", asn=str(asn)).json()["data"]] == [10000]
    got = _get(stand_in, "/ix", id__in="260,1127,1134").json()["data"]
    assert [o["name"] for o in got] == ["OCIX", "MARTINIX", "Guyanix"]
    assert all(
        p["ixlan_id"] == 260 for p in _get(stand_in, "/netixlan", ixlan_id="260").json()["data"]
    )
    names = [o["name"] for o in _get(stand_in, "/ix", name__contains="marti").json()["data"]]
    assert names == ["MARTINIX"]
    page = _get(stand_in, "/ix", limit="10", skip="550").json()["data"]
    assert len(page) == 7


def test_since_returns_changes_and_deletions_in_update_order(
    stand_in: PeeringDBStandIn, pdb_data: PeeringDBData, clock: FakeClock
) -> None:
    clock.advance(10)
    pdb_data.update("net", 10007, {"name": "B"}, clock())
    pdb_data.delete("net", 10003, clock() - 5)
    since = str(int(clock()) - 5)
    got = _get(stand_in, "/net", since=since).json()["data"]
    assert [(o["id"], o["status"]) for o in got] == [(10003, "deleted"), (10007, "ok")]
    # without since, deleted objects are not served
    assert 10003 not in {o["id"] for o in _get(stand_in, "/net").json()["data"]}


def test_throttling_and_api_keys(pdb_data: PeeringDBData) -> None:
    clock = FakeClock()
    with PeeringDBStandIn(
        pdb_data, clock=clock, anonymous_per_minute=2, api_keys={"k"}, require_api_key=False
    ) as api:
        assert [_get(api, "/ix/1").status_code for _ in range(3)] == [200, 200, 429]
        throttled = _get(api, "/ix/1")
        assert throttled.headers["Retry-After"] == "60"
        assert "throttled" in json.loads(throttled.content)["message"]
        clock.advance(60)
        assert _get(api, "/ix/1").status_code == 200
        keyed = httpx.get(api.url + "/ix/1", headers={"Authorization": "Api-Key k"})
        assert keyed.status_code == 200
        wrong = httpx.get(api.url + "/ix/1", headers={"Authorization": "Bearer k"})
        assert wrong.status_code == 401
    with PeeringDBStandIn(pdb_data, clock=clock, require_api_key=True) as api:
        assert _get(api, "/ix/1").status_code == 401


def test_request_log_window() -> None:
    api = PeeringDBStandIn(PeeringDBData())
    assert api.max_requests_per_window() == 0
    with pytest.raises(AssertionError):
        _ = api.url  # not started
