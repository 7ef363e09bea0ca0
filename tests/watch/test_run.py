"""``watch_run``: all of ``lakou watch run`` in one call, without the command line.

A LAN store observed, folded and mailed through a real SMTP server (aiosmtpd) on
loopback, with the caller's contacts added to the contacts file's (the file's entry wins
for the same address); a second run at the same time changes nothing. A source that
cannot be read is one ``WatchError`` naming it, and the book is not written.
``test_notify.py`` and ``tests/live/watch/test_sessions.py`` run the same path through
``lakou watch run``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.lan.conftest import X, members_yaml, stream
from tests.lan.test_hygiene import T0, write_stream
from tests.watch.conftest import Mailbox

from lakou.cli import main
from lakou.lan import load_watchlist
from lakou.routeserver import RouteServerEndpoint
from lakou.watch import Contact, LanWatch, SessionWatch, Smtp, WatchError, watch_run

NOC_X, STAFF = "noc@x.example", "ops@lan-ix.example"


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path]:
    members = members_yaml(tmp_path / "members.yaml")
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    out = CliRunner().invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    return store, members


def test_lan_observed_folded_and_mailed_once(
    tmp_path: Path, store: tuple[Path, Path], smtp_server: Mailbox
) -> None:
    directory, members = store
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(f"contacts:\n  - {{email: {NOC_X}, asn: {X['asn']}}}\n")
    lan = LanWatch(str(directory), load_watchlist(members), silent_seconds=600 * 60)
    more = [Contact(email=NOC_X, asn=64999), Contact(email=STAFF, staff=True)]
    state = tmp_path / "events.json"

    def run() -> dict[str, Any]:
        report = watch_run(
            state,
            T0 + 60,
            lan=lan,
            contacts_file=contacts,
            more_contacts=more,
            smtp=Smtp(port=smtp_server.port),
            exchange="LAN-IX",
        )
        return report.as_dict()

    first = run()
    kinds = {c["kind"] for c in first["changes"]}
    assert {"stp-bpdu", "ipv6-router-advertisement", "arp-foreign-address"} <= kinds
    assert all(c["change"] == "opened" and c["asn"] == X["asn"] for c in first["changes"])
    assert first["open"] == len(first["changes"]) and first["held"] == 0
    # the file's entry for NOC_X (its ASN) wins over the caller's (another ASN): one message
    assert sorted(s["to"] for s in first["sent"]) == [NOC_X, STAFF]
    assert len(smtp_server.to(NOC_X)) == 1 and len(smtp_server.to(STAFF)) == 1
    assert state.is_file()
    again = run()
    assert again["changes"] == [] and again["sent"] == [] and again["open"] == first["open"]
    assert len(smtp_server.messages) == 2


def test_a_store_without_lan_tables_is_named_and_the_book_untouched(tmp_path: Path) -> None:
    empty = tmp_path / "store"
    empty.mkdir()
    state = tmp_path / "events.json"
    with pytest.raises(WatchError, match="^" + re.escape(f"{empty}/lan: no LAN hygiene data yet")):
        watch_run(state, T0, lan=LanWatch(str(empty), None))
    assert not state.exists()


def test_an_unreachable_route_server_is_named_and_the_book_untouched(tmp_path: Path) -> None:
    rs = RouteServerEndpoint(name="rs9", socket=tmp_path / "no-bird.ctl", rs_asn=64500)
    state = tmp_path / "events.json"
    with pytest.raises(WatchError, match=r"^rs9: "):
        watch_run(state, T0, sessions=SessionWatch([rs], ["192.0.2.0/24"]))
    assert not state.exists()


def test_nothing_to_observe_is_a_mistake_of_the_caller(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        watch_run(tmp_path / "events.json", T0)
