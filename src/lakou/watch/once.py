"""One run of the watch: observations folded into the event book, changes mailed.

:func:`watch_once` observes what it is given (LAN hygiene findings, route-server
sessions), folds the observations into the event book (open, seen again, back to normal,
deduplicated by key), routes each change to the contacts it concerns (quiet hours
holding what can wait) and mails each contact one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lakou.watch.events import Change, EventBook, Observation
from lakou.watch.notify import Contact, Smtp, notify
from lakou.watch.quiet import route


@dataclass(frozen=True)
class WatchReport:
    """What one run did: the changes, the events still open, held and the mail sent."""

    changes: list[Change]
    open: int  # events open after this run
    held: int  # changes held back by quiet hours
    sent: list[dict[str, Any]]  # one entry per message (to, changes, ...)

    def as_dict(self) -> dict[str, Any]:
        """The JSON ``lakou watch run`` prints."""
        return {
            "changes": [
                {
                    "change": c.change,
                    "key": c.event.key,
                    "severity": c.event.severity,
                    "asn": c.event.asn,
                    "kind": c.event.kind,
                    "subject": c.event.subject,
                }
                for c in self.changes
            ],
            "open": self.open,
            "held": self.held,
            "sent": self.sent,
        }


def fold_and_tell(
    state: str | Path,
    now: int,
    observations: dict[str, list[Observation]],
    contacts: list[Contact],
    exchange: str,
    smtp: Smtp | None,
    settle_seconds: int = 0,
) -> WatchReport:
    """Fold one run's observations (per source) into the book at ``state``; mail the
    changes (unless ``smtp`` is None); save the book only once the mail went out, so a
    mail server that is down makes the next run send them again."""
    book = EventBook.load(state, settle_seconds)
    flat = [o for obs in observations.values() for o in obs]
    changes = book.update(now, flat, set(observations))
    per_contact, book.held = route(changes, contacts, book.held, now)
    sent = notify(per_contact, exchange, smtp) if contacts else []
    book.save(state)
    return WatchReport(
        changes=list(changes),
        open=len(book.open_events()),
        held=sum(len(v) for v in book.held.values()),
        sent=sent,
    )


def watch_once(
    state: str | Path,
    now: int,
    observations: dict[str, list[Observation]],
    contacts: list[Contact],
    exchange: str,
    smtp: Smtp | None,
    settle_seconds: int = 0,
) -> dict[str, Any]:
    """:func:`fold_and_tell`, its report as the JSON dictionary."""
    return fold_and_tell(
        state, now, observations, contacts, exchange, smtp, settle_seconds
    ).as_dict()
