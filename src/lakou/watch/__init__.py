"""lakou.watch: events of the exchange, and telling people about them.

One run (:func:`watch_run`, all of ``lakou watch run``) observes what it is given (LAN
hygiene findings from :mod:`lakou.lan`, route-server sessions from the looking glass),
folds the observations into the event book (open, seen again, back to normal,
deduplicated by key) and mails each contact one message with the changes that concern
it. No Django.

The door: :func:`watch_run` (what to observe: :class:`LanWatch`, :class:`SessionWatch`;
a :class:`WatchReport`; :class:`WatchError`), or its last step :func:`fold_and_tell` /
:func:`watch_once` (observations already made); the book (:class:`EventBook`,
:class:`EventBookError`, :class:`Event`, :class:`Change`, :class:`Observation`); the
observation makers (:func:`from_findings`, :func:`from_neighbours`,
:func:`from_lan_prefix_routes`, :func:`from_collector`); who is told (:class:`Contact`,
:func:`load_contacts`, :class:`QuietHours`); the SMTP client the portal's mail goes
through too (:class:`Smtp`, :func:`send_mail`, :class:`NotifyError`). Names are loaded on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.watch.events import Change, Event, EventBook, EventBookError, Observation
    from lakou.watch.notify import Contact, NotifyError, Smtp, load_contacts
    from lakou.watch.notify import send as send_mail
    from lakou.watch.once import WatchReport, fold_and_tell, watch_once
    from lakou.watch.quiet import QuietHours
    from lakou.watch.run import LanWatch, SessionWatch, WatchError, watch_run
    from lakou.watch.sources import (
        from_collector,
        from_findings,
        from_lan_prefix_routes,
        from_neighbours,
    )

_WHERE = {  # name -> "module" or "module:name there"
    "Change": "events",
    "Event": "events",
    "EventBook": "events",
    "EventBookError": "events",
    "Observation": "events",
    "Contact": "notify",
    "NotifyError": "notify",
    "Smtp": "notify",
    "load_contacts": "notify",
    "send_mail": "notify:send",
    "WatchReport": "once",
    "fold_and_tell": "once",
    "watch_once": "once",
    "LanWatch": "run",
    "SessionWatch": "run",
    "WatchError": "run",
    "watch_run": "run",
    "QuietHours": "quiet",
    "from_collector": "sources",
    "from_findings": "sources",
    "from_lan_prefix_routes": "sources",
    "from_neighbours": "sources",
}

__all__ = [
    "Change",
    "Contact",
    "Event",
    "EventBook",
    "EventBookError",
    "LanWatch",
    "NotifyError",
    "Observation",
    "QuietHours",
    "SessionWatch",
    "Smtp",
    "WatchError",
    "WatchReport",
    "fold_and_tell",
    "from_collector",
    "from_findings",
    "from_lan_prefix_routes",
    "from_neighbours",
    "load_contacts",
    "send_mail",
    "watch_once",
    "watch_run",
]

__getattr__ = lazy_door(__name__, _WHERE)
