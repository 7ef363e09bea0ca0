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
