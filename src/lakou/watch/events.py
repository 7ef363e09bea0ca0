"""Events: what went wrong, for whom, since when, and when it went back to normal.

Each run of the watch observes the exchange (LAN hygiene findings, route-server session
states) and hands :meth:`EventBook.update` what it saw, as :class:`Observation` objects
with a deduplication key. An observation whose key has no open event opens one (a change
``opened``); one whose event is open only updates it (seen again: no new message); an
open event of a source that was observed this run but whose key was not seen is closed
(``back-to-normal``) with its end time, once it has stayed unseen ``settle_seconds``
(so a flapping session is one event with its flaps counted, not a message per flap).
Events of a source not observed this run stay as
they are, so a run that could not read the looking glass closes no session event.

The book is a JSON file (``--state``), written whole under a temporary name and renamed.
Closed events are kept for ``keep_closed_days`` so pages and reports can show recent ones.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.inputs import load_json

CRITICAL, WARNING, INFO = "critical", "warning", "info"
SEVERITIES = (CRITICAL, WARNING, INFO)
OPENED, BACK_TO_NORMAL = "opened", "back-to-normal"


class EventBookError(ValueError):
    """The state file cannot be read or written; the message names it."""


@dataclass(frozen=True)
class Observation:
    """Something wrong seen now; ``key`` is what makes two observations the same event."""

    key: str
    source: str  # "lan", "sessions"
    kind: str
    severity: str
    asn: int | None
    subject: str  # the port, the session
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Event:
    key: str
    source: str
    kind: str
    severity: str
    asn: int | None
    subject: str
    summary: str
    start: int
    last_seen: int
    end: int | None = None
    seen: int = 1  # observations folded into this event
    details: dict[str, Any] = field(default_factory=dict)
    clearing_since: int | None = None  # not seen since then, not yet back to normal
    flaps: int = 0  # times it came back while settling

    @property
    def is_open(self) -> bool:
        return self.end is None


@dataclass(frozen=True)
class Change:
    """What a run changed: an event opened, or back to normal."""

    change: str
    event: Event


@dataclass
class EventBook:
    events: list[Event] = field(default_factory=list)
    keep_closed_days: int = 30
    # Changes held for contacts in their quiet hours (lakou.watch.quiet), by contact.
    held: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # An event must stay unseen this long before it is back to normal: a session that
    # flaps within it stays one open event (its flaps counted), not a message per flap.
    settle_seconds: int = 0

    @classmethod
    def load(cls, path: str | Path, settle_seconds: int = 0) -> EventBook:
        path = Path(path)
        if not path.exists():
            return cls(settle_seconds=settle_seconds)
        try:
            data = load_json(path.read_bytes())
            events = [Event(**e) for e in data["events"]]
            held = {str(k): list(v) for k, v in data.get("held", {}).items()}
            return cls(events, settle_seconds=settle_seconds, held=held)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EventBookError(
                _("{path}: not a lakou event state file: {error}").format(path=path, error=exc)
            ) from None

    def save(self, path: str | Path) -> None:
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {"events": [asdict(e) for e in self.events], "held": self.held}
            tmp.write_text(json.dumps(data, indent=1))
            os.replace(tmp, path)
        except OSError as exc:
            raise EventBookError(f"{path}: {exc.strerror or exc}") from None

    def open_events(self) -> list[Event]:
        return [e for e in self.events if e.is_open]

    def update(self, now: int, observed: list[Observation], sources: set[str]) -> list[Change]:
        """Fold this run's observations of ``sources`` in; returns what changed."""
        changes: list[Change] = []
        open_by_key = {e.key: e for e in self.events if e.is_open}
        seen: set[str] = set()
        for obs in observed:
            if obs.key in seen:  # the same thing twice in one run: one event
                open_by_key[obs.key].seen += 1
                continue
            seen.add(obs.key)
            event = open_by_key.get(obs.key)
            if event is not None:
                event.last_seen, event.seen = now, event.seen + 1
                event.details, event.summary = obs.details, obs.summary
                if event.clearing_since is not None:
                    event.clearing_since, event.flaps = None, event.flaps + 1
                continue
            event = Event(
                key=obs.key,
                source=obs.source,
                kind=obs.kind,
                severity=obs.severity,
                asn=obs.asn,
                subject=obs.subject,
                summary=obs.summary,
                start=now,
                last_seen=now,
                details=obs.details,
            )
            self.events.append(event)
            open_by_key[obs.key] = event
            changes.append(Change(OPENED, event))
        for event in list(open_by_key.values()):
            if event.source not in sources or event.key in seen:
                continue
            if event.clearing_since is None:
                event.clearing_since = now
            if now - event.clearing_since >= self.settle_seconds:
                event.end = event.clearing_since if self.settle_seconds else now
                changes.append(Change(BACK_TO_NORMAL, event))
        horizon = now - self.keep_closed_days * 86400
        self.events = [e for e in self.events if e.end is None or e.end >= horizon]
        return changes
