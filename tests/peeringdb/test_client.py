"""The client against the stand-in: rate limits, 429, API key, errors, timeouts."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator

import pytest

from lakou.peeringdb.client import (
    PeeringDBClient,
    PeeringDBError,
    PeeringDBHTTPError,
    PeeringDBResponseError,
    RateLimiter,
    _retry_after,
)
from lakou.peeringdb.testing import FakeClock, Fault, PeeringDBStandIn


def test_get_returns_checked_objects(make_client: Callable[..., PeeringDBClient]) -> None:
    client = make_client()
    ix = client.get("ix", {"id": 260})
    assert [(o["id"], o["name"], o["country"]) for o in ix] == [(260, "OCIX", "SX")]
    prefixes = client.get("ixpfx", {"ixlan_id": 260})
    assert {p["prefix"] for p in prefixes} == {"200.0.22.0/23", "2001:13c7:6002::/48"}


def test_paging_fetches_everything_once(
    make_client: Callable[..., PeeringDBClient], stand_in: PeeringDBStandIn
) -> None:
    client = make_client(queries_per_minute=1000)
    pages = list(client.pages("ix", {"depth": 0}, page_size=100))
    ids = [o["id"] for page in pages for o in page]
    assert len(ids) == len(set(ids)) == 557
    assert len(pages) == 6  # 5 full pages and one of 57
    assert [r.params["skip"] for r in stand_in.requests] == ["0", "100", "200", "300", "400", "500"]
    assert all(r.params["limit"] == "100" and r.params["depth"] == "0" for r in stand_in.requests)


@pytest.mark.parametrize("budget", [20, 7])
def test_never_more_than_the_budget_per_minute(
    make_client: Callable[..., PeeringDBClient],
    stand_in: PeeringDBStandIn,
    clock: FakeClock,
    budget: int,
) -> None:
    client = make_client(queries_per_minute=budget)
    start = clock()
    for _ in range(3 * budget + 5):
        client.get("ix", {"id": 260})
    assert stand_in.max_requests_per_window(60.0) == budget
    assert all(r.status == 200 for r in stand_in.requests)
    assert client.stats.throttled == 0
    # it waited (on the fake clock) instead of sending: at least 3 full minutes passed
    assert clock() - start >= 180
    assert client.limiter.waited >= 180


def test_429_with_retry_after_is_honoured(
    pdb_data, clock: FakeClock, make_client: Callable[..., PeeringDBClient]
) -> None:
    # A server stricter than the client believes: the client hits 429 and must wait.
    with PeeringDBStandIn(pdb_data, clock=clock, anonymous_per_minute=5) as strict:
        client = make_client(url=strict.url, queries_per_minute=20, max_retries=3)
        for _ in range(12):
            assert client.get("ix", {"id": 1127})[0]["name"] == "MARTINIX"
        throttled = [r for r in strict.requests if r.status == 429]
        assert throttled, "the stricter server should have throttled"
        assert client.stats.throttled == len(throttled)
        # after each 429 the next request came no earlier than Retry-After said
        for i, request in enumerate(strict.requests[:-1]):
            if request.status == 429:
                following = strict.requests[i + 1]
                assert following.time >= request.time + 1
        ok = [r for r in strict.requests if r.status == 200]
        assert len(ok) == 12
        assert strict.max_requests_per_window(60.0) <= 20


def test_429_gives_up_after_max_retries(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient]
) -> None:
    for _ in range(4):
        stand_in.inject(Fault(429, b'{"message": "Request was throttled."}', {"Retry-After": "3"}))
    client = make_client(max_retries=2)
    with pytest.raises(PeeringDBHTTPError, match="HTTP 429: Request was throttled") as err:
        client.get("net", {"asn": 64496})
    assert err.value.status == 429
    assert len(stand_in.requests) == 3  # first try and two retries
    assert stand_in.requests[2].time - stand_in.requests[1].time >= 3


def test_hostile_retry_after_is_not_waited_for(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient], clock: FakeClock
) -> None:
    stand_in.inject(Fault(429, b"{}", {"Retry-After": "99999999"}))
    client = make_client()
    before = clock()
    with pytest.raises(PeeringDBHTTPError, match="asks to wait 99999999 s"):
        client.get("ix")
    assert clock() - before < 1


def test_5xx_is_retried_with_backoff(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient]
) -> None:
    stand_in.inject(Fault(502, b"<html>Bad gateway</html>"))
    stand_in.inject(Fault(503, b"{}"))
    client = make_client(max_retries=3)
    assert client.get("ix", {"id": 260})[0]["name"] == "OCIX"
    times = [r.time for r in stand_in.requests]
    assert [r.status for r in stand_in.requests] == [502, 503, 200]
    assert times[1] - times[0] >= 1 and times[2] - times[1] >= 2  # 1 s, then 2 s


def test_api_key_is_sent_and_raises_the_limit(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient]
) -> None:
    client = make_client(api_key="s3cret-key", queries_per_minute=40)
    for _ in range(40):
        client.get("ix", {"id": 260})
    assert {r.headers.get("authorization") for r in stand_in.requests} == {"Api-Key s3cret-key"}
    assert stand_in.max_requests_per_window() == 40
    assert all(r.status == 200 for r in stand_in.requests)
    assert client.stats.throttled == 0


def test_no_api_key_no_authorization_header(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient]
) -> None:
    make_client().get("ix", {"id": 260})
    assert "authorization" not in stand_in.requests[0].headers
    assert stand_in.requests[0].headers["user-agent"].startswith("lakou/")


def test_wrong_api_key_is_a_clear_error(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient]
) -> None:
    client = make_client(api_key="wrong")
    with pytest.raises(PeeringDBHTTPError, match=r"HTTP 401: Invalid API key.*api_key") as err:
        client.get("net")
    assert err.value.status == 401
    assert len(stand_in.requests) == 1  # not retried


def test_bad_request_names_the_url(make_client: Callable[..., PeeringDBClient]) -> None:
    with pytest.raises(PeeringDBHTTPError, match=r"GET http://127\.0\.0\.1:\d+/api/net\?nope=1"):
        make_client().get("net", {"nope": 1})


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback socket that accepts connections and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    finally:
        sock.close()


def test_timeout_is_a_clear_error(silent_server: str, clock: FakeClock) -> None:
    client = PeeringDBClient(
        silent_server, timeout_seconds=0.2, max_retries=1, clock=clock, sleep=clock.sleep
    )
    with client, pytest.raises(PeeringDBError, match=r"cannot reach PeeringDB: no answer within"):
        client.get("ix")
    assert client.stats.requests == 2


def test_connection_refused_is_a_clear_error(clock: FakeClock) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    client = PeeringDBClient(
        f"http://127.0.0.1:{port}/api", max_retries=0, clock=clock, sleep=clock.sleep
    )
    with client, pytest.raises(PeeringDBError, match="cannot reach PeeringDB"):
        client.get("ix")


HOSTILE: list[tuple[bytes, str]] = [
    (b"<html>maintenance</html>", r"not JSON: Expecting value at line 1, column 1 \(byte 0\)"),
    (b'{"data": [', r"not JSON"),
    (b"[]", r"expected an object with a 'data' list"),
    (b'{"meta": {}}', r"expected an object with a 'data' list"),
    (b'{"data": {"id": 1}}', r"data: expected a list, got dict"),
    (b'{"data": [42]}', r"data\[0\]: expected an object, got 42"),
    (b'{"data": [{"id": 1, "status": "ok"}]}', r"data\[0\]\.updated: required field is missing"),
    (
        b'{"data": [{"id": "1", "status": "ok", "updated": "2016-01-01T00:00:00Z"}]}',
        r"data\[0\]\.id: expected an integer, got '1'",
    ),
    (
        b'{"data": [{"id": 1, "status": "gone", "updated": "2016-01-01T00:00:00Z"}]}',
        r"data\[0\]\.status: unknown status 'gone'",
    ),
    (
        b'{"data": [{"id": 1, "status": "ok", "updated": "yesterday"}]}',
        r"data\[0\]\.updated: not an ISO 8601 time",
    ),
    (b'{"data": [{"id": NaN}]}', r"not usable JSON: NaN is not a JSON number"),
    (b'{"data": [{"id": 1e999}]}', r"data\[0\]\.id: expected an integer"),
    (b'{"data": [{"id": ' + b"9" * 5000 + b"}]}", r"not usable JSON"),
    (b'{"data": ' + b"[" * 100000 + b"]" * 100000 + b"}", r"not usable JSON"),
    (b"\xff\xfe\x00garbage", r"not"),
]


@pytest.mark.parametrize("body,message", HOSTILE)
def test_hostile_bodies_give_clear_errors(
    stand_in: PeeringDBStandIn,
    make_client: Callable[..., PeeringDBClient],
    body: bytes,
    message: str,
) -> None:
    stand_in.inject(Fault(200, body))
    with pytest.raises(PeeringDBResponseError, match=message) as err:
        make_client().get("net", {"asn": 64496})
    assert str(err.value).startswith("GET http://127.0.0.1:")


NET = {
    "id": 7,
    "status": "ok",
    "updated": "2016-01-01T00:00:00Z",
    "asn": 64496,
    "name": "Example",
}


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"asn": 2**32}, r"data\[0\]\.asn: 4294967296 is out of range"),
        ({"asn": 0}, r"data\[0\]\.asn: 0 is out of range"),
        ({"asn": True}, r"data\[0\]\.asn: expected an integer, got True"),
        ({"asn": None}, r"data\[0\]\.asn: must not be null"),
        ({"name": ["x"]}, r"data\[0\]\.name: expected a string"),
        ({"name": "x" * 70000}, r"data\[0\]\.name: string of 70000 characters is too long"),
        ({"info_prefixes4": 10**30}, r"data\[0\]\.info_prefixes4: .* is out of range"),
        ({"info_prefixes6": -1}, r"data\[0\]\.info_prefixes6: -1 is out of range"),
        ({"info_never_via_route_servers": "yes"}, r"expected true or false, got 'yes'"),
        ({"notes": 10**40}, r"data\[0\]\.notes: number .* is too large"),
        ({"extra": {"deep": [1, 2, 2**70]}}, r"data\[0\]\.extra\.deep\[2\]: number"),
    ],
)
def test_hostile_net_fields(
    stand_in: PeeringDBStandIn,
    make_client: Callable[..., PeeringDBClient],
    changes: dict[str, object],
    message: str,
) -> None:
    stand_in.inject(Fault(200, json.dumps({"data": [{**NET, **changes}]}).encode()))
    with pytest.raises(PeeringDBResponseError, match=message):
        make_client().get("net")


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"ipaddr4": "200.0.22.300"}, r"data\[0\]\.ipaddr4: not an IP address"),
        ({"ipaddr4": "2001:db8::1"}, r"data\[0\]\.ipaddr4: not an IPv4 address"),
        ({"ipaddr6": "10.0.0.1"}, r"data\[0\]\.ipaddr6: not an IPv6 address"),
        ({"ixlan_id": -3}, r"data\[0\]\.ixlan_id: -3 is out of range"),
        ({"is_rs_peer": 1}, r"data\[0\]\.is_rs_peer: expected true or false"),
        ({"speed": 10**12}, r"data\[0\]\.speed: .* out of range"),
    ],
)
def test_hostile_netixlan_fields(
    stand_in: PeeringDBStandIn,
    make_client: Callable[..., PeeringDBClient],
    changes: dict[str, object],
    message: str,
) -> None:
    port = {**NET, "net_id": 7, "ixlan_id": 260, "ipaddr4": "200.0.22.5", "ipaddr6": None}
    stand_in.inject(Fault(200, json.dumps({"data": [{**port, **changes}]}).encode()))
    with pytest.raises(PeeringDBResponseError, match=message):
        make_client().get("netixlan")


def test_oversized_response_is_refused(
    stand_in: PeeringDBStandIn, make_client: Callable[..., PeeringDBClient]
) -> None:
    client = make_client(max_response_bytes=10_000)
    with pytest.raises(PeeringDBResponseError, match=r"response larger than 10000 bytes"):
        client.get("ix")  # 557 exchanges: ~280 kB
    assert client.get("ix", {"id": 260})  # a small answer still passes


def test_rate_limiter_sliding_window() -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(3, clock, clock.sleep)
    sent = []
    for _ in range(7):
        limiter.acquire()
        sent.append(clock())
    assert sent == [0.0, 0.0, 0.0, 60.0, 60.0, 60.0, 120.0]
    limiter.hold(30)
    limiter.acquire()
    assert clock() == 150.0  # held 30 s after 120 s; the window allows it
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_retry_after_forms() -> None:
    assert _retry_after("12") == 12.0
    assert _retry_after("") is None
    assert _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
