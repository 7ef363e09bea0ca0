"""Uptime from BIRD's own clock, and the choice of routes for an address (longest match)."""

from __future__ import annotations

import pytest

from lakou.routeserver.lg.bird_parse import (
    iter_routes,
    parse_count,
    parse_routes,
    parse_server_time,
    uptime_seconds,
)
from lakou.routeserver.lg.birdsock import BirdError, ReplyLine
from lakou.routeserver.lg.lookup import longest_match, wanted
from lakou.routeserver.lg.model import RouteView

STATUS = [
    ReplyLine(1000, "BIRD 2.0.12"),
    ReplyLine(1011, "Router ID is 192.0.2.1"),
    ReplyLine(1011, "Hostname is rs1"),
    ReplyLine(1011, "Current server time is 2026-12-02 14:17:57"),
    ReplyLine(1011, "Last reboot on 2026-12-02 08:00:00"),
    ReplyLine(13, "Daemon is up and running"),
]


def test_server_time_is_read_from_show_status() -> None:
    assert parse_server_time(STATUS) == "2026-12-02 14:17:57"
    assert parse_server_time([]) == ""


@pytest.mark.parametrize(
    ("since", "now", "seconds"),
    [
        ("2026-12-02 10:17:57", "2026-12-02 14:17:57", 4 * 3600),  # iso long
        ("2026-11-30 14:17:56.500", "2026-12-02 14:17:57.500", 2 * 86400 + 1),  # iso long ms
        ("23:00:00", "2026-12-02 01:00:00", 2 * 3600),  # iso short: yesterday evening
        ("00:30:00.250", "2026-12-02 01:00:00.250", 1800),  # iso short ms: today
        ("2026-11-20", "2026-12-02 01:00:00", None),  # iso short, old: a bare date
        ("garbage", "2026-12-02 01:00:00", None),
        ("2026-12-02 10:00:00", "", None),  # no server time: no guess from our own clock
    ],
)
def test_uptime_compares_bird_times_only_with_birds_clock(
    since: str, now: str, seconds: int | None
) -> None:
    assert uptime_seconds(since, now) == seconds


def _route(prefix: str, filtered: bool, session: str = "AS64500_4_1") -> RouteView:
    return RouteView(
        route_server="rs1",
        session=session,
        prefix=prefix,
        as_path="64500",
        next_hop="192.0.2.10",
        filtered=filtered,
        primary=not filtered,
        local_pref=100,
        communities=[],
        large_communities=[],
        reasons=[],
        tags=[],
    )


def test_wanted_prefix_is_exact_and_address_is_longest_match() -> None:
    assert wanted("11.0.11.7/24") == wanted("11.0.11.0/24")
    assert wanted("11.0.11.0/24").covering() == ["11.0.11.0/24"]
    address = wanted(" 11.0.11.77 ")
    assert address.address == "11.0.11.77" and address.prefix == "11.0.11.77/32"
    covering = address.covering()
    assert covering[0] == "11.0.11.77/32" and covering[8] == "11.0.11.0/24"
    assert covering[-1] == "0.0.0.0/0" and len(covering) == 33
    assert len(wanted("2a0a::5").covering()) == 129
    for bad in ("fe80::1%eth0", "11.0.11.0/24 all", "１1.0.0.1", "11.0.0.0/33", ""):
        with pytest.raises(BirdError, match="not a prefix"):
            wanted(bad)


def test_longest_match_keeps_the_best_accepted_prefix_and_more_specific_filtered() -> None:
    routes = [
        _route("11.0.0.0/16", False),
        _route("11.0.11.0/24", False, "AS64501_4_1"),
        _route("11.0.11.0/24", False),
        _route("11.0.11.0/24", True, "AS64502_4_1"),
        _route("11.0.11.0/25", True),
        _route("11.0.0.0/8", True),
    ]
    got = longest_match(wanted("11.0.11.77"), routes)
    assert [(r.prefix, r.filtered) for r in got] == [
        ("11.0.11.0/25", True),
        ("11.0.11.0/24", False),
        ("11.0.11.0/24", False),
        ("11.0.11.0/24", True),
    ]
    # nothing accepted covers it: every filtered route that does is the answer
    only_filtered = [r for r in routes if r.filtered]
    assert longest_match(wanted("11.0.11.77"), only_filtered) == sorted(
        only_filtered, key=lambda r: -int(r.prefix.split("/")[1])
    )
    # an exact search keeps that prefix only
    assert {r.prefix for r in longest_match(wanted("11.0.11.0/24"), routes)} == {"11.0.11.0/24"}


def _captured(name: str) -> list[ReplyLine]:
    """A captured BIRD reply, read by the real socket client from a one-shot fake."""
    import socket
    import tempfile
    import threading
    from pathlib import Path

    from lakou.routeserver.lg.birdsock import BirdSocket

    raw = (Path(__file__).parent.parent / "data" / name).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bird.ctl"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        server.listen(1)

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                conn.sendall(b"0001 BIRD 2.0.12 ready.\n")
                conn.recv(4096)
                conn.sendall(raw)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            with BirdSocket(path, timeout=5) as bird:
                return bird.command("show route all")
        finally:
            server.close()
            thread.join(timeout=2)


@pytest.mark.parametrize("name", ["bird-show-route-accepted.txt", "bird-show-route-filtered.txt"])
def test_a_window_of_routes_is_the_same_slice_of_the_whole(name: str) -> None:
    reply = _captured(name)
    whole = parse_routes(reply)
    assert len(whole) >= 2
    for skip in range(len(whole) + 1):
        for take in range(len(whole) + 1):
            window = list(iter_routes(reply, skip=skip, take=take))
            assert window == whole[skip : skip + take], (skip, take)


def test_route_counts_are_summed_over_tables() -> None:
    reply = [
        ReplyLine(14, "2044 of 2044 routes for 2044 networks in table T_AS20000_4_1"),
        ReplyLine(14, "3 of 7 routes for 7 networks in table T_AS20000_6_1"),
        ReplyLine(14, "Total: 2047 of 2051 routes for 2051 networks in 2 tables"),
    ]
    assert parse_count(reply) == 2047
