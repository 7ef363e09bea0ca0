"""Quiet hours: at night a contact gets critical changes at once and the others, grouped,
with the first run after its quiet hours; through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.watch.conftest import Mailbox

from lakou.watch import Contact, NotifyError, Observation, QuietHours, Smtp, watch_once
from lakou.watch.notify import load_contacts


def at(hour: int, minute: int = 0, day: int = 3) -> int:
    return int(datetime(2026, 12, day, hour, minute, tzinfo=UTC).timestamp())


def obs(kind: str, severity: str) -> Observation:
    return Observation(f"lan:{kind}:64501:p1", "lan", kind, severity, 64501, "p1", kind)


def test_night_holds_warnings_and_sends_criticals(tmp_path: Path, smtp_server: Mailbox) -> None:
    state = tmp_path / "events.json"
    night = QuietHours.parse("22:00-07:00", "America/Marigot")  # UTC-4
    contacts = [Contact(email="noc@x.example", asn=64501, quiet=night)]
    smtp = Smtp("127.0.0.1", smtp_server.port)

    def run(now: int, seen: list[Observation]) -> dict[str, object]:
        return watch_once(state, now, {"lan": seen}, contacts, "IX", smtp)

    # 03:00 UTC is 23:00 in Marigot: the CDP warning waits, the BPDU goes now.
    result = run(at(3), [obs("cdp", "warning"), obs("stp-bpdu", "critical")])
    assert result["held"] == 1
    (first,) = smtp_server.messages
    assert "stp-bpdu" in first.get_content() and "cdp" not in first.get_content()
    # 08:00 UTC is 04:00 in Marigot, still night; the CDP frames stopped: held too.
    assert run(at(8), [obs("stp-bpdu", "critical")])["held"] == 2
    assert len(smtp_server.messages) == 1
    # 11:30 UTC is 07:30: morning, the held changes go in one message.
    result = run(at(11, 30), [obs("stp-bpdu", "critical")])
    assert result["held"] == 0
    morning = smtp_server.messages[1].get_content()
    assert "WARNING: cdp for AS64501" in morning and "BACK TO NORMAL: cdp" in morning
    assert len(smtp_server.messages) == 2


def test_quiet_hours_in_the_contacts_file(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(
        "- {email: a@x.example, asn: 1, quiet: '22:00-07:00', timezone: America/Marigot}\n"
    )
    (contact,) = load_contacts(path)
    assert contact.quiet == QuietHours(22 * 60, 7 * 60, "America/Marigot")
    assert contact.quiet.covers(at(3)) and not contact.quiet.covers(at(12))
    for bad, message in (("25:00-07:00", "use HH:MM-HH:MM"), ("22:00", "use HH:MM-HH:MM")):
        path.write_text(f"- {{email: a@x.example, asn: 1, quiet: '{bad}'}}\n")
        with pytest.raises(NotifyError, match=f"contacts\\[0\\]: quiet: '{bad}': {message}"):
            load_contacts(path)
    path.write_text(
        "- {email: a@x.example, asn: 1, quiet: '22:00-07:00', timezone: Mars/Olympus}\n"
    )
    with pytest.raises(NotifyError, match="unknown time zone 'Mars/Olympus'"):
        load_contacts(path)
