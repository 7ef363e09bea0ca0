"""The event book: opened once, seen again without a new change, back to normal when a
source observed no longer shows it, untouched when its source was not observed."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.watch import EventBook, EventBookError, Observation


def obs(key: str, source: str = "sessions", asn: int = 64501) -> Observation:
    return Observation(key, source, "session-down", "critical", asn, "rs1 192.0.2.13", "Active")


def test_open_dedup_and_back_to_normal(tmp_path: Path) -> None:
    state = tmp_path / "events.json"
    book = EventBook.load(state)
    changes = book.update(100, [obs("a"), obs("a"), obs("b")], {"sessions"})
    assert [(c.change, c.event.key) for c in changes] == [("opened", "a"), ("opened", "b")]
    book.save(state)
    book = EventBook.load(state)
    assert book.update(200, [obs("a"), obs("b")], {"sessions"}) == []
    (a,) = [e for e in book.events if e.key == "a"]
    assert (a.start, a.last_seen, a.seen, a.end) == (100, 200, 3, None)
    # The LAN was observed, not the sessions: session events stay open.
    assert book.update(300, [], {"lan"}) == []
    (change,) = book.update(400, [obs("a")], {"sessions"})
    assert change.change == "back-to-normal" and change.event.key == "b"
    assert change.event.end == 400 and change.event.start == 100
    # Seen again after it ended: a new event, opened anew.
    (again,) = book.update(500, [obs("a"), obs("b")], {"sessions"})
    assert again.change == "opened" and again.event.key == "b" and again.event.start == 500
    assert len([e for e in book.events if e.key == "b"]) == 2


def test_closed_events_are_forgotten_after_their_days() -> None:
    book = EventBook(keep_closed_days=1)
    book.update(0, [obs("a")], {"sessions"})
    book.update(10, [], {"sessions"})
    assert len(book.events) == 1
    book.update(10 + 86400 + 1, [], {"sessions"})
    assert book.events == []


def test_a_broken_state_file_is_named(tmp_path: Path) -> None:
    state = tmp_path / "events.json"
    state.write_text("{not json")
    with pytest.raises(EventBookError, match=str(state)):
        EventBook.load(state)


def test_sessions_not_established_are_observed_with_what_bird_said() -> None:
    from lakou.routeserver.lg.model import Neighbour
    from lakou.watch import from_neighbours

    def row(state: str, info: str, error: str = "") -> Neighbour:
        return Neighbour(
            route_server="rs1",
            session="AS10003_4_1",
            asn=10003,
            address="192.0.2.13",
            description="Member C",
            state=state,
            since="2026-12-03 07:18:00",
            info=info,
            received=0,
            accepted=0,
            filtered=0,
            exported=0,
            last_error=error,
        )

    assert from_neighbours([row("Established", "Established")]) == []
    (down,) = from_neighbours([row("Active", "Active  Received: Administrative shutdown")])
    assert down.key == "session:rs1:AS10003_4_1" and down.severity == "critical"
    assert down.asn == 10003 and down.subject == "rs1 192.0.2.13"
    assert down.summary == "Active (Received: Administrative shutdown)"
    (idle,) = from_neighbours([row("Idle", "", "Hold timer expired")])
    assert idle.summary == "Idle (Hold timer expired)"


def test_a_flapping_session_is_one_event_until_it_settles() -> None:
    book = EventBook(settle_seconds=300)
    changes = []
    # Down at 0, up at 60, down at 120, up from 180 on: checked every minute.
    for now, down in ((0, True), (60, False), (120, True), (180, False), (240, False)):
        changes += book.update(now, [obs("a")] if down else [], {"sessions"})
    assert [c.change for c in changes] == ["opened"]
    (event,) = book.events
    assert event.flaps == 1 and event.clearing_since == 180 and event.end is None
    (back,) = book.update(480, [], {"sessions"})
    # Back to normal since it was last gone, once it stayed gone the settling time.
    assert back.change == "back-to-normal" and back.event.end == 180


def test_routes_inside_the_peering_lan_are_observed() -> None:
    from lakou.routeserver.lg.model import Neighbour, Reason, RouteView
    from lakou.watch import from_lan_prefix_routes

    def route(prefix: str, filtered: bool) -> RouteView:
        reasons = [Reason(code=11, slug="peering-lan", text="")] if filtered else []
        return RouteView(
            route_server="rs1",
            session="AS10005_6_1",
            prefix=prefix,
            as_path="10005",
            next_hop="2001:db8::15",
            filtered=filtered,
            primary=not filtered,
            local_pref=100,
            communities=[],
            large_communities=[],
            reasons=reasons,
            tags=[],
        )

    neighbour = Neighbour(
        route_server="rs1", session="AS10005_6_1", asn=10005, address="2001:db8::15",
        description="", state="Established", since="", info="", received=2, accepted=1,
        filtered=1, exported=0,
    )  # fmt: skip
    found = from_lan_prefix_routes(
        [
            route("2001:db8::/64", True),
            route("2001:db8::/80", False),
            route("2001:db9::/48", False),
        ],
        [neighbour],
        ["2001:db8::/64", "192.0.2.0/24"],
    )
    assert [(o.subject, o.severity, o.asn) for o in found] == [
        ("rs1 2001:db8::/64", "warning", 10005),
        ("rs1 2001:db8::/80", "critical", 10005),
    ]
    assert found[0].summary == "2001:db8::/64 AS_PATH 10005 (filtered: peering-lan)"
