"""The ``lakou lan`` commands' engine calls: an empty store is refused, not reported
clean; the quarantine review judges at the time given (or the clock's)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.lan.conftest import AGENT, X, Z, clean_traffic, members_yaml, stream
from tests.lan.test_hygiene import T0, write_stream

from lakou.flows import IntakeRequest, replay_captures
from lakou.flows.config import Config
from lakou.lan import (
    LanStoreError,
    Thresholds,
    hygiene_findings,
    lan_recorder,
    load_watchlist,
    review_quarantine,
)
from lakou.lan import testing as t


def _replayed(tmp_path: Path, datagrams: list[bytes], step: float = 1.0) -> Path:
    store = tmp_path / "store"
    capture = write_stream(tmp_path / "c.pcap", datagrams, start=T0, step=step)
    request = IntakeRequest(store_dir=str(store), lan_sink=lan_recorder)
    replay_captures(Config(), tmp_path, [], request, [capture])
    return store


def test_a_store_without_lan_data_is_refused_naming_it(tmp_path: Path) -> None:
    watchlist = load_watchlist(members_yaml(tmp_path / "members.yaml"))
    with pytest.raises(LanStoreError, match=r"store/lan: no LAN hygiene data yet.*--store .*store"):
        hygiene_findings(tmp_path / "store", watchlist, 0, 2**62, Thresholds())
    with pytest.raises(LanStoreError, match="no LAN hygiene data yet"):
        review_quarantine(tmp_path / "store", watchlist, 1, None, Thresholds())


def test_findings_are_member_xs_only(tmp_path: Path) -> None:
    store = _replayed(tmp_path, stream())
    watchlist = load_watchlist(members_yaml(tmp_path / "members.yaml"))
    findings = hygiene_findings(store, watchlist, 0, 2**62, Thresholds())
    assert findings and {f.asn for f in findings} == {X["asn"]}


def test_the_review_judges_at_the_time_given_or_now(tmp_path: Path) -> None:
    datagrams = [
        t.sflow_datagram(AGENT, clean_traffic(Z, X) + clean_traffic(X, Z), sequence=i + 1)
        for i in range(7)
    ]  # an hour of clean traffic, every ten minutes
    store = _replayed(tmp_path, datagrams, step=600)
    members = members_yaml(tmp_path / "members.yaml", quarantine=(Z["asn"],))
    watchlist = load_watchlist(members)
    review = review_quarantine(store, watchlist, 2, T0 + 3600, Thresholds())
    (status,) = review.statuses
    assert (status.asn, status.status, review.when) == (Z["asn"], "watching", T0 + 3600)
    assert review.seen_hours(status) == 1.0
    later = review_quarantine(store, watchlist, 2, None, Thresholds())
    assert int(time.time()) - 60 <= later.when <= int(time.time())
    assert later.seen_hours(later.statuses[0]) == (later.when - T0) / 3600


def test_a_port_gone_silent_is_told_as_such_not_as_seen_for_weeks(tmp_path: Path) -> None:
    """Seen for an hour a long time ago: not "seen for 1760 of 2 hours", but silent."""
    datagrams = [
        t.sflow_datagram(AGENT, clean_traffic(Z, X) + clean_traffic(X, Z), sequence=i + 1)
        for i in range(7)
    ]
    store = _replayed(tmp_path, datagrams, step=600)
    watchlist = load_watchlist(members_yaml(tmp_path / "members.yaml", quarantine=(Z["asn"],)))
    during = review_quarantine(store, watchlist, 2, T0 + 3600, Thresholds())
    assert not during.silent(during.statuses[0])
    weeks_later = review_quarantine(store, watchlist, 2, T0 + 30 * 86400, Thresholds())
    (status,) = weeks_later.statuses
    assert status.status == "watching" and weeks_later.silent(status)
