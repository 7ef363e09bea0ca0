"""Quiet hours: a contact's night, when only critical changes are sent.

``quiet: "22:00-07:00"`` (with ``timezone: America/Marigot``, default UTC) on a contact:
during those hours its warning and info changes are held in the event book and sent with
the first run after them, grouped; critical ones go at once (with nothing held). A held
event that went back to normal before the morning still gets both lines, so the contact
knows it happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lakou.i18n import gettext as _
from lakou.watch.events import CRITICAL, Change, Event

if TYPE_CHECKING:
    from lakou.watch.notify import Contact


@dataclass(frozen=True)
class QuietHours:
    start: int  # minutes after midnight
    end: int
    timezone: str = "UTC"

    @classmethod
    def parse(cls, text: str, timezone: str = "UTC") -> QuietHours:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("unknown time zone {zone!r}").format(zone=timezone)) from None
        try:
            a, b = text.split("-")
            start, end = (_minutes(x) for x in (a, b))
        except ValueError:
            raise ValueError(_("{value!r}: use HH:MM-HH:MM").format(value=text)) from None
        return cls(start, end, timezone)

    def covers(self, when: int) -> bool:
        local = datetime.fromtimestamp(when, ZoneInfo(self.timezone))
        minute = local.hour * 60 + local.minute
        if self.start <= self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end  # across midnight


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    h, m = int(hours), int(minutes)
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(text)
    return h * 60 + m


def route(
    changes: list[Change], contacts: list[Contact], held: dict[str, list[dict[str, Any]]], now: int
) -> tuple[list[tuple[Contact, list[Change]]], dict[str, list[dict[str, Any]]]]:
    """What to send each contact now, and what stays held; ``held`` maps a contact's key
    to its held changes as ``{"change", "event"}`` dicts (what the book saves)."""
    out: list[tuple[Contact, list[Change]]] = []
    still: dict[str, list[dict[str, Any]]] = {}
    for contact in contacts:
        waiting = [Change(h["change"], Event(**h["event"])) for h in held.get(contact.key, [])]
        mine = waiting + [c for c in changes if contact.wants(c)]
        if contact.quiet is not None and contact.quiet.covers(now):
            keep = [c for c in mine if c.event.severity != CRITICAL]
            if keep:
                still[contact.key] = [{"change": c.change, "event": asdict(c.event)} for c in keep]
            mine = [c for c in mine if c.event.severity == CRITICAL]
        out.append((contact, mine))
    return out, still
